"""RSS and Atom feeds (``.rss``, ``.atom``, and ``.xml`` or any name sniffed as a feed).

feedparser reads every RSS version and Atom. Each entry becomes an article from its full
content (RSS ``content:encoded``, Atom ``content``), whose HTML trafilatura turns into
text with one paragraph a line; a ``description``/``summary`` longer than
:data:`SUMMARY_MAX_WORDS` words counts as full text too, since many RSS 2.0 feeds carry the
whole article there.

**Outlet.** The outlet must be the publisher, so it is, in order: the entry's ``<source>``
(the original publisher named by an aggregator's feed), else the domain of the entry's
link, else the domain of the feed's own link, else the feed's title, else the file name.
A feed's title is a poor publisher name ("Coastal Courier - World", "Top stories"): one
publisher has many feeds, and the domain is what the HTML reader falls back to for the
same publisher's pages.

**Linked pages.** An entry is provisional until the whole input has been read, because
the page it links to may be in the same input (another file of the folder, a member of
the same archive, a record of the same WARC) and be read later. Readers return entries
as :class:`FeedEntry` skips; :func:`resolve_feed_entries`, run by
:func:`newsprism.ingest.read_paths` once everything is read, settles them:

* the linked page is in the input (matched by URL): the page's article stands for the
  entry (it is the publisher's own page; reading both would count one article twice).
  The entry's date replaces the page's: a feed's date is the publisher's structured
  metadata, while a page's may be a guess from its text (a footer's copyright year).
  The page keeps its own title, taking the entry's only when it has none;
* otherwise an entry with full content becomes an article, and an entry with only a
  summary becomes a skip: "feed entry has only a summary (N words); include the linked
  page or a full-content feed".
"""

from __future__ import annotations

import dataclasses
import logging
import re
from calendar import timegm
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from newsprism.ingest.common import domain_of, make_article, normalise_newlines, stem_of
from newsprism.ingest.registry import register_reader
from newsprism.model import Article, ReadResult, Skip

logger = logging.getLogger(__name__)

SUMMARY_MAX_WORDS = 100
"""A ``description``/``summary`` of at most this many words is a teaser, not the article."""

# The root element after an XML declaration, processing instructions, comments, doctype.
_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<([A-Za-z_][\w.:-]*)",
    re.DOTALL | re.IGNORECASE,
)
_FEED_ROOTS = {b"rss", b"feed", b"rdf"}  # RSS 0.9x/2.0, Atom, RSS 1.0 (rdf:RDF)


@dataclasses.dataclass(frozen=True, slots=True)
class FeedEntry(Skip):
    """A feed entry waiting for :func:`resolve_feed_entries` (never returned by read_paths).

    It travels with the skips because it is not an article yet; ``reason`` is what the
    skip says if the entry ends up without an article.
    """

    link: str | None = None
    title: str | None = None
    published: str | None = None
    article: Article | None = None  # the entry's own article, when it has full content


def sniff_feed(head: bytes) -> bool:
    """Whether the first bytes are an XML document whose root is ``rss``, ``feed``, ``RDF``."""
    match = _ROOT.match(head)
    if match is None:
        return False
    return match.group(1).rsplit(b":", 1)[-1].lower() in _FEED_ROOTS


def _plain(html: str) -> str:
    """The text of a short HTML string (a title), whitespace collapsed."""
    import lxml.etree
    import lxml.html

    try:
        text = lxml.html.fragment_fromstring(html, create_parent="div").text_content()
    except (lxml.etree.LxmlError, ValueError):  # e.g. a string of only a comment
        logger.debug("HTML fragment %r kept as text", html[:80])
        text = html
    return " ".join(text.split())


def html_fragment_text(html: str) -> str:
    """Paragraphs of an HTML fragment (a feed's content), one per line, blank-line separated.

    trafilatura extracts with ``favor_recall``: the fragment is the article body the
    publisher chose to syndicate, so headings and lists are kept rather than judged as
    boilerplate. A fragment too small for trafilatura falls back to lxml's text.
    """
    import trafilatura

    document = trafilatura.bare_extraction(
        f"<html><body><article>{html}</article></body></html>",
        with_metadata=False,
        include_comments=False,
        include_tables=False,
        favor_recall=True,
    )
    meta: dict[str, Any] = {}
    if document is not None:
        meta = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = normalise_newlines(meta.get("text") or "")
    if not text.strip():
        text = _plain(html)
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def _detail_text(detail: Mapping[str, Any]) -> str:
    value = str(detail.get("value") or "")
    if "html" in str(detail.get("type") or "text/html"):
        return html_fragment_text(value)
    return normalise_newlines(value).strip()


def _entry_text(entry: Mapping[str, Any]) -> tuple[str, bool]:
    """The entry's best text, and whether it is the full article (not a teaser)."""
    contents = [_detail_text(detail) for detail in entry.get("content") or ()]
    full = max(contents, key=len, default="")
    if full.strip():
        return full, True
    summary = entry.get("summary_detail") or {"value": entry.get("summary"), "type": "text/html"}
    text = _detail_text(summary)
    return text, len(text.split()) > SUMMARY_MAX_WORDS


def _with_offset(text: str | None) -> datetime | None:
    """The date string as written, keeping the publisher's UTC offset (RFC 822 or 3339)."""
    if not text:
        return None
    for parse in (parsedate_to_datetime, datetime.fromisoformat):
        try:
            return parse(text)
        except (TypeError, ValueError, IndexError):
            continue
    return None


def _entry_date(entry: Mapping[str, Any]) -> str | None:
    """The entry's publication date (else its update date) in ISO 8601.

    feedparser parses every date format feeds use but normalises to UTC; the string as
    written is preferred when it denotes the same instant, so the local offset, and with
    it the publisher's calendar day, survives.
    """
    for key in ("published", "updated"):
        parsed = entry.get(f"{key}_parsed")
        if parsed is None:
            continue
        instant = datetime.fromtimestamp(timegm(parsed), UTC)
        local = _with_offset(entry.get(key))
        return (local if local is not None and local == instant else instant).isoformat()
    return None


def _title(entry: Mapping[str, Any]) -> str | None:
    title = entry.get("title")
    if not title:
        return None
    detail = entry.get("title_detail") or {}
    return _plain(title) if "html" in str(detail.get("type") or "") else " ".join(title.split())


def _publisher(entry: Mapping[str, Any]) -> str | None:
    """The original publisher an aggregator names in the entry's ``<source>``."""
    source = entry.get("source") or {}
    name = source.get("title")
    if isinstance(name, str) and name.strip():
        return name.strip()
    return domain_of(source.get("href") or source.get("link"))


def _entry(entry: Mapping[str, Any], source: str, feed_outlet: str) -> FeedEntry:
    link = entry.get("link") or None
    title = _title(entry)
    published = _entry_date(entry)
    text, full = _entry_text(entry)
    words = len(text.split())
    if full:
        made = make_article(
            text,
            source=source,
            fallback_outlet=feed_outlet,
            title=title,
            url=link,
            outlet=_publisher(entry),
            published=published,
        )
        if isinstance(made, Skip):
            return FeedEntry(source, made.reason, link, title, published, None)
        return FeedEntry(source, "feed entry with full content", link, title, published, made)
    fix = (
        "include the linked page or a full-content feed"
        if link
        else "the entry has no link; use a full-content feed"
    )
    reason = f"feed entry has only a summary ({words} words); {fix}"
    return FeedEntry(source, reason, link, title, published, None)


def parse_feed(data: bytes, source: str, *, fallback_outlet: str) -> ReadResult:
    """Read a feed held in memory into provisional :class:`FeedEntry` skips.

    Args:
        data: the feed's bytes (feedparser finds the encoding; bytes are never taken for
            a URL to fetch).
        source: names the feed; entry ``n`` (from 1) is ``source#n``.
        fallback_outlet: the outlet when neither an entry nor the feed names a publisher.
    """
    import feedparser  # lazy: only feeds need it

    parsed = feedparser.parse(data)
    if not parsed.entries:
        if parsed.bozo or not parsed.version:
            found = parsed.get("bozo_exception") or "no RSS or Atom root element"
            problem = f"not a readable RSS/Atom feed ({found})"
            fix = "check that the file is a complete feed"
        else:
            problem, fix = "the feed has no entries", "there is nothing to read in it"
        return ReadResult(skipped=(Skip(source, f"{problem}; {fix}"),))
    if parsed.bozo:
        logger.warning(
            "%s is not well-formed (%s); read the %d entries feedparser recovered",
            source,
            parsed.bozo_exception,
            len(parsed.entries),
        )
    feed = parsed.feed
    feed_outlet = domain_of(feed.get("link")) or _plain(feed.get("title") or "") or fallback_outlet
    entries = tuple(
        _entry(entry, f"{source}#{number}", feed_outlet)
        for number, entry in enumerate(parsed.entries, start=1)
    )
    logger.debug("%s: %d feed entries", source, len(entries))
    return ReadResult(skipped=entries)


@register_reader("feed", (".rss", ".atom"), sniffer=sniff_feed, priority=10)
def read_feed(path: Path, data: bytes) -> ReadResult:
    """Read an RSS/Atom feed file; entries stay provisional until the input is read."""
    return parse_feed(data, str(path), fallback_outlet=stem_of(path))


def url_key(url: str) -> str:
    """A URL reduced to what identifies the page, for matching entries with pages.

    courlan drops tracking parameters (``utm_*``, ``fbclid``...) and sorts the query; the
    scheme, ``www.``, the fragment and a trailing slash do not tell pages apart either.
    """
    import courlan

    try:
        normalised = courlan.normalize_url(url)
    except ValueError:  # a malformed URL is compared as given
        normalised = url
    parts = urlsplit(normalised)
    host = (parts.hostname or "").removeprefix("www.")
    return urlunsplit(("", host, parts.path.rstrip("/"), parts.query, ""))


def _pages_by_url(articles: tuple[Article, ...]) -> dict[str, int]:
    pages: dict[str, int] = {}
    for index, article in enumerate(articles):
        if article.url:
            pages.setdefault(url_key(article.url), index)
    return pages


def resolve_feed_entries(result: ReadResult) -> ReadResult:
    """Settle the provisional feed entries of a whole input (see the module docstring).

    Entries whose linked page is among ``result.articles`` are represented by that page;
    the others become an article (full content) or a skip (summary only, or a second
    entry linking to the same page as an earlier one).
    """
    articles = list(result.articles)
    pages = _pages_by_url(result.articles)
    skipped: list[Skip] = []
    first_entry: dict[str, str] = {}
    for skip in result.skipped:
        if not isinstance(skip, FeedEntry):
            skipped.append(skip)
            continue
        key = url_key(skip.link) if skip.link else None
        if key is not None and key in pages:
            index = pages[key]
            page = articles[index]
            articles[index] = dataclasses.replace(
                page, title=page.title or skip.title, published=skip.published or page.published
            )
            logger.debug("%s: read from its linked page %s", skip.source, page.source)
            continue
        if key is not None and key in first_entry:
            reason = (
                f"the same article as feed entry {first_entry[key]} (both link to "
                f"{skip.link}); read once"
            )
            skipped.append(Skip(skip.source, reason))
        elif skip.article is not None:
            articles.append(skip.article)
            if key is not None:
                first_entry[key] = skip.source
        else:
            skipped.append(Skip(skip.source, skip.reason))
    return ReadResult(tuple(articles), tuple(skipped))
