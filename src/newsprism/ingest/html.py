"""HTML reader (``.html``/``.htm``): trafilatura finds the main text and the metadata."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from newsprism.ingest.common import make_article, normalise_newlines, stem_of
from newsprism.ingest.dates import to_iso
from newsprism.ingest.registry import register_reader
from newsprism.model import ReadResult, Skip

logger = logging.getLogger(__name__)

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article")
_NEW_YEAR = re.compile(r"^\d{4}-01-01(?:$|T00:00)")  # what htmldate gives for a bare year
# "© 2019", "Copyright 2015-2019 Harbour Post", "(c) 2019": the years a notice names
_COPYRIGHT = re.compile(
    r"(?:©|\bcopyright\b|\(c\))\D{0,99}?((?:19|20)\d\d)(?:\s*[-\u2013]\s*((?:19|20)\d\d))?",
    re.IGNORECASE,
)


def sniff_html(head: bytes) -> bool:
    """Whether the first bytes look like an HTML page (markup with an HTML element)."""
    lowered = head.lstrip()[:2048].lower()
    return lowered.startswith(b"<") and any(marker in lowered for marker in _HTML_MARKERS)


@register_reader("html", (".html", ".htm", ".xhtml"), sniffer=sniff_html)
def read_html(path: Path, data: bytes) -> ReadResult:
    """Read the main text of a web page with its title, date, site name and URL.

    trafilatura drops navigation, footers and comments; it puts one paragraph per line,
    and a blank line is put between paragraphs here so ``raw`` keeps the paragraph
    structure the cleaner and the sentence splitter rely on. trafilatura decodes the bytes
    itself (declared charset or detection), so non-UTF-8 pages are read too.
    """
    return read_page(data, str(path), fallback_outlet=stem_of(path))


def read_page(
    data: bytes | str,
    source: str,
    *,
    fallback_outlet: str,
    url: str | None = None,
    fallback_published: str | None = None,
) -> ReadResult:
    """Read one web page held in memory (a file's bytes, a WARC record's payload).

    Args:
        data: the page, as bytes (trafilatura finds the charset) or decoded text.
        source: names the page in the article and in a skip.
        fallback_outlet: the outlet when the page names no site and has no URL.
        url: where the page was fetched from (a WARC record's target URI). It becomes
            the article's URL, and so its domain the outlet when the page names no site.
        fallback_published: a date known from outside the page (HTTP Last-Modified, the
            crawl date). When given, only the page's reliable date markup (metadata,
            ``<time>``, the URL) is trusted over it; free-text guesses are not.

    The date: the page's reliable markup first; without it (and without
    ``fallback_published``) htmldate's search of the page's text. A copyright year is
    never a publication date (see :func:`publication_date`).
    """
    import trafilatura  # lazy: lxml and its extractors are heavy

    document = trafilatura.bare_extraction(
        data,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None:
        return ReadResult(
            skipped=(
                Skip(
                    source,
                    "no article text found in the HTML (trafilatura extracted nothing); "
                    "check that the page holds the article itself, not a script-rendered "
                    "shell or an index page",
                ),
            )
        )
    meta = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = normalise_newlines(meta.get("text") or "")
    raw = "\n\n".join(line.strip() for line in text.split("\n") if line.strip())
    made = make_article(
        raw,
        source=source,
        fallback_outlet=fallback_outlet,
        title=meta.get("title"),
        url=url or meta.get("url"),
        outlet=meta.get("sitename"),
        published=publication_date(
            data, to_iso(meta.get("date")), url=url, search=fallback_published is None
        )
        or fallback_published,
    )
    if isinstance(made, Skip):
        return ReadResult(skipped=(made,))
    return ReadResult(articles=(made,))


def publication_date(
    data: bytes | str, reliable: str | None, *, url: str | None = None, search: bool = True
) -> str | None:
    """The page's publication date, or ``None``: never its copyright year.

    htmldate falls back on copyright years and reports them as 1 January: from a
    ``copyrightYear`` property in its markup pass, from a notice such as a footer's
    "Copyright 2019" in its search of the text. Such a date is dropped: a 1 January from
    the markup (``reliable``) when a ``copyrightYear`` property names that year, and one
    from the search (run when ``reliable`` is ``None`` and ``search`` is true) when any
    copyright notice or property does.

    Args:
        data: the page.
        reliable: the date from the page's reliable markup (trafilatura's metadata).
        url: the page's address (a date in it counts).
        search: look through the page's text when the markup gives no date.
    """
    if reliable is not None and not _copyright_year(data, reliable, notices=False):
        return reliable
    if not search:
        return None
    from htmldate import find_date

    found = find_date(data, extensive_search=True, original_date=True, url=url)
    date = to_iso(found) if found else None
    if date is not None and _copyright_year(data, date, notices=True):
        logger.debug("date %s is the page's copyright year: not a publication date", date)
        return None
    return date


def _copyright_year(data: bytes | str, date: str, *, notices: bool) -> bool:
    """Whether ``date`` is 1 January of a year that the page's ``copyrightYear``
    properties (and, with ``notices``, its copyright notices) name."""
    return bool(_NEW_YEAR.match(date)) and date[:4] in _copyright_years(data, notices)


def _copyright_years(data: bytes | str, notices: bool) -> set[str]:
    from lxml import html as lxml_html

    try:
        tree: Any = lxml_html.fromstring(data)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return set()
    years = {
        (element.get("content") or element.text_content() or "").strip()[:4]
        for element in tree.xpath('//*[@itemprop="copyrightYear"]')
    }
    if notices:
        for match in _COPYRIGHT.finditer(tree.text_content()):
            first, last = match.group(1), match.group(2) or match.group(1)
            years.update(str(y) for y in range(int(first), int(last) + 1))
    return years
