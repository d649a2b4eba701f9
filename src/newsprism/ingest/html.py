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


def _sniff_html(head: bytes) -> bool:
    lowered = head.lstrip()[:2048].lower()
    return lowered.startswith(b"<") and any(marker in lowered for marker in _HTML_MARKERS)


@register_reader("html", (".html", ".htm", ".xhtml"), sniffer=_sniff_html)
def read_html(path: Path, data: bytes) -> ReadResult:
    """Read the main text of a web page with its title, date, site name and URL.

    trafilatura drops navigation, footers and comments; it puts one paragraph per line,
    and a blank line is put between paragraphs here so ``raw`` keeps the paragraph
    structure the cleaner and the sentence splitter rely on. trafilatura decodes the bytes
    itself (declared charset or detection), so non-UTF-8 pages are read too.
    """
    import trafilatura  # lazy: lxml and its extractors are heavy

    source = str(path)
    document = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={"extensive_search": True, "original_date": True},
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
        fallback_outlet=stem_of(path),
        title=meta.get("title"),
        url=meta.get("url"),
        outlet=meta.get("sitename"),
        published=to_iso(meta.get("date")),
    )
    if isinstance(made, Skip):
        return ReadResult(skipped=(made,))
    return ReadResult(articles=(made,))
