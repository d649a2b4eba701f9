"""What the top of an article's text says about the article: its URL and its dateline.

Scraped text often opens with the page's address on a line of its own, sometimes
tokenised ("http : / / www . example . com / 2013 / 05 / 03 / story"), then the headline
and a dateline ("Published : April 23 , 2013 9 : 39 AM"). Left in the text, the address
becomes the story's title and pollutes its words, and the date is lost.

:func:`read_header` finds both. An article whose text starts with a URL line gets that
URL (spaces removed) as its ``url`` and the line is cut from its text with a recorded
:class:`~newsprism.model.Removal` (reason :data:`URL_LINE`); a dateline among the next
:data:`DATELINE_LINES` lines becomes its ``published`` date, read by dateparser. Text that
does not start with a URL line is left alone: nothing else marks its top as a page header.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from newsprism.model import Removal

logger = logging.getLogger(__name__)

URL_LINE = "url-line"  # the Removal reason
DATELINE_LINES = 4  # lines after the URL line searched for a dateline
DATELINE_MAX_WORDS = 20  # a longer line is prose, not a dateline
DATE_PREFIX_CHARS = 30  # a date phrase must start this close to the line's start

# A URL line: a scheme, then nothing but URL characters, possibly spaced out by a
# tokeniser (every space then sits next to a separator: two words never touch).
_SCHEME = re.compile(r"^(?:https?|ftp)\s*:\s*/\s*/", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_HOST = re.compile(r"^(?:https?|ftp)://[^/?#\s]+\.[^/?#\s]+", re.IGNORECASE)

# Datelines: a label ("Published :", "Last updated at"), pieces joined by "|".
_LABEL = re.compile(
    r"^(?:(?:first|last|originally)\s+)?(?:published|updated|posted|modified|created|dated?)"
    r"(?:\s+(?:on|at))?\s*:?\s*",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# "7 July 2012", "July 7 , 2012", "June 6th 2013": a day, a month and a year
_DATE_PHRASE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?)"
    r"\s*,?\s*(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_SETTINGS = {
    "REQUIRE_PARTS": ["day", "month", "year"],  # "APR 28" is not a publication date
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
}


@dataclass(frozen=True, slots=True)
class Header:
    """What the top of a text gives: ``url`` and ``published`` (ISO date) when found, and
    the cuts to make (offsets into the text)."""

    url: str | None = None
    published: str | None = None
    removals: tuple[Removal, ...] = ()


def read_header(text: str) -> Header:
    """The URL line and dateline at the top of ``text`` (see the module docstring).

    Args:
        text: an article's text as read (newlines normalised).
    """
    match = re.match(r"\s*", text)
    start = match.end() if match else 0
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    line = text[start:end].rstrip()
    url = url_of_line(line)
    if url is None:
        return Header()
    following = [piece for piece in text[end:].split("\n") if piece.strip()][:DATELINE_LINES]
    published = next((d for d in map(dateline_date, following) if d is not None), None)
    return Header(url, published, (Removal(start, start + len(line), URL_LINE, line),))


def url_of_line(line: str) -> str | None:
    """The URL a line consists of (tokeniser spaces removed), or ``None`` when the line is
    anything else (prose, or a URL followed by words)."""
    line = line.strip()
    if not _SCHEME.match(line):
        return None
    tokens = line.split()
    words = [bool(_WORD.fullmatch(t)) for t in tokens]
    if any(a and b for a, b in pairwise(words)):
        return None  # two words side by side: a sentence, or a URL and a headline
    url = "".join(tokens)
    return url if _HOST.match(url) else None  # an IRI may hold any character


def dateline_date(line: str) -> str | None:
    """The date (ISO, day precision) a short line gives as a dateline, or ``None``.

    The line (or one of its ``|``-separated parts), without a label such as "Published :",
    must be a date that dateparser reads with its day, month and year; failing that, a
    "7 July 2012" or "July 7, 2012" phrase near the start of the line is read.
    """
    text = _untokenise(line)
    if not text or len(text.split()) > DATELINE_MAX_WORDS:
        return None
    for part in text.split("|"):
        found = _parse(_LABEL.sub("", part.strip()))
        if found is not None:
            return found
    phrase = _DATE_PHRASE.search(text)
    if phrase is not None and phrase.start() <= DATE_PREFIX_CHARS:
        return _parse(phrase.group(0))
    return None


def _untokenise(line: str) -> str:
    """ "April 23 , 2013 9 : 39 AM" -> "April 23, 2013 9:39 AM"; "5 / 5 / 2010" -> "5/5/2010"."""
    text = re.sub(r"(?<=\d)\s*([:/.])\s*(?=\d)", r"\1", line)
    text = re.sub(r"(?<=\d)\s+-\s+(?=\d)", "-", text)
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    return " ".join(text.split())


@lru_cache(maxsize=4096)
def _parse(text: str) -> str | None:
    if not text or not re.search(r"\d", text):
        return None
    parser = _dateparser()
    try:
        parsed = parser.parse(text, languages=["en"], settings=_SETTINGS)
    except (ValueError, OverflowError) as error:  # dateparser on odd input
        logger.debug("dateline %r unreadable: %s", text, error)
        return None
    return None if parsed is None else parsed.date().isoformat()


def _dateparser() -> Any:
    import dateparser  # heavy: loaded only when a text starts with a URL line

    return dateparser


__all__ = ["DATELINE_LINES", "URL_LINE", "Header", "dateline_date", "read_header", "url_of_line"]
