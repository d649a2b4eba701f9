"""Publication dates to ISO 8601."""

from __future__ import annotations

import logging
from datetime import date, datetime

logger = logging.getLogger(__name__)


def to_iso(value: object) -> str | None:
    """An ISO 8601 date/datetime for a metadata value, or ``None`` when unknown.

    ISO strings pass through unchanged; other strings ("10 January 2022", "Jan 10, 2022
    8:00 AM") are parsed with dateparser (loaded only when needed).
    """
    if value is None:
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()  # a day stays a day, not midnight
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    import dateparser  # heavy: only for non-ISO dates

    parsed = dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": False})
    if parsed is None:
        logger.debug("unparseable date %r left unknown", text)
        return None
    if ":" not in text and parsed.time() == datetime.min.time():
        return parsed.date().isoformat()  # no time was given
    return parsed.isoformat()
