"""Plain-text reader (``.txt``) and the headline finder shared with the cleaner."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

from newsprism.ingest.common import (
    UndecodableError,
    decode_utf8,
    make_article,
    normalise_newlines,
    stem_of,
)
from newsprism.ingest.registry import register_reader
from newsprism.model import ReadResult, Skip

logger = logging.getLogger(__name__)

TITLE_SEARCH_LINES = 3  # a headline comes within the first few non-empty lines
TITLE_MATCH_LINES = 6  # where a known title is looked for again in raw text
_MAX_TITLE_WORDS = 25
_MAX_PRELUDE_WORDS = 6  # kickers/appeals before a headline are short
_LINE = re.compile(r"[^\n]+")
_SPACES = re.compile(r"\s+")


def _norm(line: str) -> str:
    return _SPACES.sub(" ", line).strip().casefold()


def looks_like_headline(line: str) -> bool:
    """A headline: 3-25 words, no terminal period, not an exclamation (appeals are)."""
    stripped = line.strip()
    words = stripped.split()
    if not 2 < len(words) <= _MAX_TITLE_WORDS:
        return False
    # A headline may end in '?' or a closing quote, but not in a sentence period, and
    # an exclamation at the top of a page is an appeal ("Support us!"), not a headline.
    return not stripped.rstrip("\"'”’)").endswith((".", "!", ":", ";", ","))


def _first_lines(raw: str, limit: int) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for match in _LINE.finditer(raw):
        text = match.group()
        if not text.strip():
            continue
        start = match.start() + (len(text) - len(text.lstrip()))
        end = match.start() + len(text.rstrip())
        found.append((start, end, raw[start:end]))
        if len(found) >= limit:
            break
    return found


def find_title_span(
    raw: str, title: str | None = None, *, skip: Callable[[str], bool] | None = None
) -> tuple[int, int] | None:
    """Where the headline sits in ``raw``: ``(start, end)`` of its line, or ``None``.

    With ``title`` given (from metadata or a reader), the line among the first few that
    equals it (whitespace and case aside) is returned. Without it, the first of the first
    few lines that looks like a headline is taken, provided the lines before it are short
    (a section kicker, an appeal), never a body sentence.

    Args:
        raw: the raw article text.
        title: the known title, if any.
        skip: when looking for a headline, lines this accepts are passed over (as page
            furniture before the headline) whatever their length.
    """
    if title:
        wanted = _norm(title)
        for start, end, text in _first_lines(raw, TITLE_MATCH_LINES):
            if _norm(text) == wanted:
                return start, end
        return None
    for start, end, text in _first_lines(raw, TITLE_SEARCH_LINES):
        if skip is not None and skip(text):
            continue
        if looks_like_headline(text):
            return start, end
        if len(text.split()) > _MAX_PRELUDE_WORDS:
            return None  # a body sentence comes first: the text has no headline
    return None


@register_reader("text", (".txt", ".text"))
def read_text(path: Path, data: bytes) -> ReadResult:
    """Read a plain-text article; its headline (if it has one) becomes the title.

    The headline line stays in ``raw``: the cleaner removes it from the text with reason
    ``"title"``, so every raw character stays accounted for.
    """
    source = str(path)
    try:
        raw = normalise_newlines(decode_utf8(data))
    except UndecodableError as error:
        return ReadResult(skipped=(Skip(source, str(error)),))
    span = find_title_span(raw)
    title = raw[span[0] : span[1]] if span else None
    made = make_article(raw, source=source, fallback_outlet=stem_of(path), title=title)
    if isinstance(made, Skip):
        return ReadResult(skipped=(made,))
    return ReadResult(articles=(made,))
