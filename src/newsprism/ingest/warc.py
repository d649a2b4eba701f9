"""WARC reader (``.warc``, ``.warc.gz``): web-archive captures through the page reader.

warcio parses the records. Each successful (2xx) ``response`` record, or ``resource``
record, holding HTML is read by the HTML reader (:func:`~newsprism.ingest.html.read_page`)
with the record's target URI as the article's URL, so that the outlet is the site's name
or, failing that, its domain, never the WARC's file name; a page without a date of its
own takes the HTTP ``Last-Modified`` date, else the capture's ``WARC-Date``. A record
holding an RSS/Atom feed is read by the feed reader, so a crawl of a feed and of the
pages it links to reads as full articles.

Records that cannot hold an article (requests, metadata, warcinfo, revisits, images,
scripts, redirects and other non-2xx responses) are passed over and counted in a debug
log. An HTML record with no article text, a corrupt record (its digest does not match)
and a second capture of the same article become skips naming the WARC and the record's
URI (``crawl.warc.gz!https://...``). A truncated or corrupt file becomes one skip saying
where the damage starts; the records before it are kept.
"""

from __future__ import annotations

import gzip
import io
import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from newsprism.ingest.common import domain_of, join_results, stem_of
from newsprism.ingest.dates import to_iso
from newsprism.ingest.feed import parse_feed, sniff_feed
from newsprism.ingest.html import read_page, sniff_html
from newsprism.ingest.registry import SNIFF_BYTES, register_reader
from newsprism.model import Article, ReadResult, Skip

logger = logging.getLogger(__name__)

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_XML_TYPES = frozenset({"text/xml", "application/xml"})
_UNTYPED = frozenset({"", "application/octet-stream", "text/plain"})


class WarcDamageError(Exception):
    """The WARC cannot be read past this point; the message says where and why."""


class RecordError(Exception):
    """One record cannot be read; the records after it may still be."""


def _head(data: bytes) -> bytes:
    """The first bytes of the file's content, decompressed when it is gzipped."""
    if not data.startswith(_GZIP_MAGIC):
        return data[:SNIFF_BYTES]
    try:
        return zlib.decompressobj(wbits=31).decompress(data[:SNIFF_BYTES], 64)
    except zlib.error:
        return b""


def sniff_warc(head: bytes) -> bool:
    """Whether the first bytes (gzipped or not) start a WARC record."""
    return _head(head).startswith(b"WARC/")


def _media_type(value: str | None) -> tuple[str, str | None]:
    """The media type and charset of a Content-Type header (the stdlib's parser)."""
    if not value:
        return "", None
    message = Message()
    message["content-type"] = value
    charset = message.get_param("charset")
    return message.get_content_type(), charset if isinstance(charset, str) else None


def _records(data: bytes) -> Iterator[Any]:
    """warcio's records of a WARC; raises :class:`WarcDamageError` where the file breaks.

    warcio reads a gzipped WARC one gzip member (one record) at a time, which keeps the
    records before a damaged member. A WARC gzipped as one stream (``gzip crawl.warc``)
    is not seekable by record, and warcio refuses it after the first record; it is then
    re-read through a stream decompressor from where warcio stopped.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    iterator = ArchiveIterator(io.BytesIO(data), check_digests=True)
    done = 0
    try:
        for record in iterator:
            done += 1
            yield record
    except ArchiveLoadFailed as error:
        if not (data.startswith(_GZIP_MAGIC) and "non-chunked gzip" in str(error)):
            raise
        logger.info("the WARC is gzipped as one stream; reading it through a decompressor")
    else:
        rest = data[iterator.offset :]
        if rest.strip():
            raise WarcDamageError(
                f"{len(rest)} byte(s) after the last complete record (offset "
                f"{iterator.offset}) are not a readable record"
            )
        return
    stream = gzip.GzipFile(fileobj=io.BytesIO(data))
    for index, record in enumerate(ArchiveIterator(stream, check_digests=True)):
        if index >= done:
            yield record
    if stream.read(SNIFF_BYTES).strip():
        raise WarcDamageError("data after the last complete record is not a readable record")


def _payload(record: Any) -> bytes:
    """The record's payload (HTTP chunking and compression undone), read to its end.

    Raises:
        WarcDamageError: the file ends before the record's declared length.
    """
    try:
        payload = record.content_stream().read()
    except Exception as error:  # a broken HTTP body (bad chunking or compression)
        raise RecordError(f"its HTTP body cannot be decoded ({error})") from error
    _drain(record)
    return payload


def _drain(record: Any) -> None:
    """Read the rest of a record, so its digest is checked and a cut-off record noticed."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    missing = getattr(raw, "limit", 0)
    if missing:
        uri = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
        raise WarcDamageError(
            f"the record of {uri} ends {missing} byte(s) before its declared length"
        )


def _corrupt(record: Any) -> bool:
    checker = getattr(record, "digest_checker", None)
    return checker is not None and checker.passed is False


def _fallback_date(record: Any) -> str | None:
    """HTTP Last-Modified, else the capture time: bounds on when the page was published."""
    modified = record.http_headers.get_header("Last-Modified") if record.http_headers else None
    if modified:
        try:
            return parsedate_to_datetime(modified).isoformat()
        except (TypeError, ValueError, IndexError):
            logger.debug("unparseable Last-Modified %r", modified)
    return to_iso(record.rec_headers.get_header("WARC-Date"))


RecordReader = Callable[[Any, bytes, str, str], ReadResult]
"""Reads one record's payload: ``(record, payload, source, fallback outlet)``."""


def _read_html_record(record: Any, payload: bytes, source: str, outlet: str) -> ReadResult:
    uri = record.rec_headers.get_header("WARC-Target-URI")
    _media, charset = _media_type(_content_type(record))
    page: bytes | str = payload
    if charset:
        try:
            page = payload.decode(charset)  # the server's declared charset wins
        except (LookupError, UnicodeDecodeError):
            logger.debug("%s: declared charset %r does not decode; sniffing", source, charset)
    return read_page(
        page, source, fallback_outlet=outlet, url=uri, fallback_published=_fallback_date(record)
    )


def _read_feed_record(record: Any, payload: bytes, source: str, outlet: str) -> ReadResult:
    return parse_feed(payload, source, fallback_outlet=outlet)


def _content_type(record: Any) -> str | None:
    if record.http_headers is not None:
        return record.http_headers.get_header("Content-Type")
    return record.rec_headers.get_header("Content-Type")


def _reader_for(media: str, payload: bytes) -> tuple[str, RecordReader] | None:
    """The reader for a payload (with its name): by declared media type, else content."""
    head = payload[:SNIFF_BYTES]
    if media in _HTML_TYPES or (media in _UNTYPED and sniff_html(head)):
        return "html", _read_html_record
    if media in _FEED_TYPES or ((media in _XML_TYPES or media in _UNTYPED) and sniff_feed(head)):
        return "feed", _read_feed_record
    return None


def _candidate(record: Any) -> str | None:
    """Why a record cannot hold an article (a tally label), or ``None`` if it can."""
    if record.rec_type not in ("response", "resource"):
        return f"{record.rec_type} record"
    if record.rec_type == "response":
        if record.http_headers is None:
            return "response without HTTP headers"
        status = record.http_headers.get_statuscode() or "?"
        if not status.startswith("2"):
            return f"HTTP {status} response"
    return None


def _source(record: Any, warc: Path) -> str:
    """``crawl.warc.gz!https://...``: the WARC and the record's URI (else its id)."""
    uri = record.rec_headers.get_header("WARC-Target-URI")
    return f"{warc}!{uri or record.rec_headers.get_header('WARC-Record-ID')}"


def _read_record(record: Any, warc: Path, tally: Counter[str]) -> ReadResult:
    """One record's articles and skips (empty when it is not an article candidate).

    Raises:
        WarcDamageError: the file ends inside the record.
        RecordError: the record's HTTP body cannot be decoded.
    """
    passed_over = _candidate(record)
    if passed_over is not None:
        _drain(record)
        tally[passed_over] += 1
        return ReadResult()
    payload = _payload(record)
    media, _charset = _media_type(_content_type(record))
    found = _reader_for(media, payload)
    if found is None:
        tally[f"{media or 'untyped'} {record.rec_type}"] += 1
        return ReadResult()
    name, reader = found
    source = _source(record, warc)
    if _corrupt(record):
        tally["corrupt"] += 1
        reason = (
            "corrupt WARC record: its content does not match its recorded digest; "
            "re-fetch the page or the WARC"
        )
        return ReadResult(skipped=(Skip(source, reason),))
    tally[name] += 1
    uri = record.rec_headers.get_header("WARC-Target-URI")
    return reader(record, payload, source, domain_of(uri) or stem_of(warc))


def _once(result: ReadResult, seen: dict[str, str]) -> ReadResult:
    """Drop a second capture of an article already read from this WARC, as a skip."""
    articles: list[Article] = []
    skipped = list(result.skipped)
    for article in result.articles:
        if article.id in seen:
            reason = f"the same article as {seen[article.id]} (captured again); read once"
            skipped.append(Skip(article.source or "", reason))
        else:
            seen[article.id] = article.source or ""
            articles.append(article)
    return ReadResult(tuple(articles), tuple(skipped))


@register_reader("warc", (".warc", ".warc.gz"), sniffer=sniff_warc, priority=10)
def read_warc(path: Path, data: bytes) -> ReadResult:
    """Read the articles captured in a WARC file (see the module docstring)."""
    source = str(path)
    if not sniff_warc(data):
        return ReadResult(
            skipped=(
                Skip(
                    source,
                    "not a WARC file: it does not start with a 'WARC/1.x' record header "
                    "(gzipped or not); check the file, or rename it if it is another format",
                ),
            )
        )
    parts: list[ReadResult] = []
    seen: dict[str, str] = {}
    tally: Counter[str] = Counter()
    records = _records(data)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        # warcio raises assorted errors on damaged input (even AttributeError on a cut gzip
        # member); whatever it raises, the file cannot be read past this point.
        except Exception as error:  # noqa: BLE001
            parts.append(ReadResult(skipped=(_damaged(source, tally, error),)))
            break
        try:
            parts.append(_once(_read_record(record, path, tally), seen))
        except WarcDamageError as error:
            parts.append(ReadResult(skipped=(_damaged(source, tally, error),)))
            break
        except RecordError as error:
            parts.append(_unreadable(record, path, tally, error))
        except Exception as error:  # one bad record must not lose the others
            logger.exception("reading %s failed", _source(record, path))
            parts.append(_unreadable(record, path, tally, error))
    logger.debug("%s: %d record(s): %s", source, sum(tally.values()), dict(tally))
    return join_results(parts)


def _unreadable(record: Any, warc: Path, tally: Counter[str], error: Exception) -> ReadResult:
    tally["unreadable"] += 1
    reason = f"unreadable WARC record: {error}; re-fetch the page"
    return ReadResult(skipped=(Skip(_source(record, warc), reason),))


def _damaged(source: str, tally: Counter[str], error: Exception) -> Skip:
    read = sum(tally.values())
    logger.warning("%s is damaged after %d record(s): %s", source, read, error)
    what = " ".join(str(error).split()) or type(error).__name__
    return Skip(
        source,
        f"truncated or corrupt WARC after {read} record(s): {what}; the records before the "
        "damage were read; re-download the file to read the rest",
    )
