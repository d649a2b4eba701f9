"""Helpers shared by the readers: decoding, outlet fallback, building articles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from newsprism.model import Article, ReadResult, Skip, content_id

_NEWLINES = re.compile(r"\r\n?")


class UndecodableError(ValueError):
    """Bytes that are not UTF-8; the message names the byte offset and the fix."""


def decode_utf8(data: bytes) -> str:
    """Decode UTF-8 (a byte-order mark is dropped).

    Raises:
        UndecodableError: the bytes are not UTF-8; the message says where and the fix.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UndecodableError(
            f"not UTF-8 (invalid byte at offset {error.start}); "
            "re-save the file as UTF-8 (e.g. iconv -f LATIN1 -t UTF-8)"
        ) from error


def normalise_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` become ``\\n``; everything else stays verbatim."""
    return _NEWLINES.sub("\n", text)


def domain_of(url: str | None) -> str | None:
    """The host of a URL without ``www.`` (``None`` when there is no host)."""
    if not url:
        return None
    candidate = url if "//" in url else f"//{url}"
    host = urlsplit(candidate).hostname
    if not host:
        return None
    return host.removeprefix("www.") or None


def choose_outlet(outlet: str | None, url: str | None, fallback: str) -> str:
    """Outlet from metadata, else the URL's domain, else the fallback (a file stem)."""
    if outlet and outlet.strip():
        return outlet.strip()
    return domain_of(url) or fallback


def make_article(
    raw: str,
    *,
    source: str,
    fallback_outlet: str,
    title: str | None = None,
    url: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> Article | Skip:
    """Build an uncleaned article (``text == raw``) or a skip when there is no text.

    A text that starts with a URL line (:func:`~newsprism.ingest.header.read_header`)
    loses that line (recorded in ``removed``; ``text`` is ``raw`` without it), and the URL
    and a dateline under it fill ``url`` and ``published`` where the metadata gives none.
    The id hashes the outlet and the raw text, so the same article read twice gets the
    same id.
    """
    from newsprism.ingest.header import read_header

    raw = normalise_newlines(raw)
    if not raw.strip():
        return Skip(source, "empty: no article text; the file or record has no text to read")
    header = read_header(raw)
    text = raw
    for cut in sorted(header.removals, key=lambda r: -r.start):
        text = text[: cut.start] + text[cut.end :]
    if not text.strip():
        return Skip(source, "no article text: the text is only a URL line")
    url = url or header.url
    name = choose_outlet(outlet, url, fallback_outlet)
    return Article(
        id=content_id(name, raw),
        outlet=name,
        text=text,
        title=title.strip() if title and title.strip() else None,
        url=url or None,
        published=published or header.published,
        source=source,
        raw=raw,
        removed=header.removals,
    )


def stem_of(path: Path) -> str:
    """A file's name without its extension, used as the last-resort outlet name."""
    return path.stem or path.name


def join_results(parts: Iterable[ReadResult]) -> ReadResult:
    """Many results as one, in order (in one pass: adding results pairwise is quadratic)."""
    articles: list[Article] = []
    skipped: list[Skip] = []
    for part in parts:
        articles.extend(part.articles)
        skipped.extend(part.skipped)
    return ReadResult(tuple(articles), tuple(skipped))
