"""HTML reader (``.html``/``.htm``): trafilatura finds the main text and the metadata."""

from __future__ import annotations

import logging
from pathlib import Path

from newsprism.ingest.common import make_article, normalise_newlines, stem_of
from newsprism.ingest.dates import to_iso
from newsprism.ingest.registry import register_reader
from newsprism.model import ReadResult, Skip

logger = logging.getLogger(__name__)

_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<article")


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
            ``<time>``, the URL) is trusted over it; free-text guesses such as a footer's
            copyright year are not.
    """
    import trafilatura  # lazy: lxml and its extractors are heavy

    document = trafilatura.bare_extraction(
        data,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={
            "extensive_search": fallback_published is None,
            "original_date": True,
        },
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
        published=to_iso(meta.get("date")) or fallback_published,
    )
    if isinstance(made, Skip):
        return ReadResult(skipped=(made,))
    return ReadResult(articles=(made,))
