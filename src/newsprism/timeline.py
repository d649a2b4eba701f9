"""The story's timeline: time expressions resolved to dates, in order, merged across outlets.

Time expressions are spaCy DATE/TIME entities (and weekday or month names spaCy missed)
that name a point in time: a weekday, a month, a year, "today", "last month", "this
week". Durations ("eight years", "a day") are not events and are left out.

Resolution is dateparser's, against a reference date:

* an article's own ``published`` date when known (else the story's most common one):
  every expression becomes an ISO date ("2022-01-10", "2021-12", "2008", "2022-W02");
* when no article carries a date (the seeds), the story's *anchor* weekday is inferred
  from the text (the weekday the lead event is named with) and relative expressions are
  resolved against a stand-in date on that weekday, then written relative to the
  anchor ("anchor-1d", "anchor+2d", "anchor+0w", "anchor-1m"). No calendar date is
  invented: a month named without a year is kept as "--12" (ISO 8601's year-less month).

Each event cites the clause that states it; events on the same date whose clauses share
key words are merged, with every outlet that reports them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from newsprism.model import Article, Span, TimelineEvent

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
# An expression is a point in time only if it names one of these; this picks candidates,
# dateparser does the parsing.
_POINT = re.compile(
    r"\b(?:" + "|".join(WEEKDAYS + MONTHS) + r"|today|yesterday|tomorrow|tonight)\b"
    r"|\b1[5-9]\d\d\b|\b20\d\d\b"
    r"|\b(?:last|next|this|coming|past)\s+(?:week|month|year)\b|\bago\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[5-9]\d\d|20\d\d)\b")
_LEADING_NOISE = re.compile(
    r"^(?:the|on|in|since|by|from|until|pre-|post-|mid-|early|late)\s*", re.IGNORECASE
)
# 2001-01-01 is a Monday: the stand-in reference date when no article has a date.
_STAND_IN_MONDAY = dt.datetime(2001, 1, 1)

_FUTURE_AUX = {"will", "shall", "'ll", "’ll"}
_FUTURE_VERBS = {"expect", "schedule", "plan", "set", "due"}
_FUTURE_WORDS = {"upcoming", "next", "scheduled", "planned", "forthcoming", "ahead", "later"}
_REPORTING = {"say", "tell", "add", "warn", "insist", "claim", "announce", "state", "report"}
_STOP_KEYS = {"say", "tell", "be", "have", "do", "week", "day", "time", "year", "month"}
_CLAUSE_CUT = {"conj", "cc", "parataxis", "advcl", "punct", "mark", "preconj"}
_CUE_WINDOW = 4
MIN_SHARED_KEYS = 2
FUZZY_MERGE = 85
MAX_RESOLUTIONS = 8  # references an article's dates are kept for (the latest ones)
_PRECISION_RANK = {"year": 0, "month": 1, "relative": 2, "week": 2, "day": 3, "weekday-relative": 3}


@dataclass(frozen=True, slots=True)
class _Mention:
    """One time expression in one article, resolved."""

    article: Article
    expression: Span
    date: str
    precision: str
    scheduled: bool
    clause: Span
    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class TimeExpression:
    """One point-in-time expression of an article, read from its parse, not yet dated.

    Its date depends on the story's reference (see :class:`Reference`); everything else
    here depends on the article alone, so a store keeps it and the parse is not needed
    again.
    """

    expression: Span
    text: str
    scheduled: bool
    past: bool
    clause: Span
    keys: tuple[str, ...]  # sorted content lemmas of the clause


@dataclass(frozen=True, slots=True)
class Resolution:
    """An article's time expressions dated against one reference (see :func:`base_key`):
    one ``(date label, precision)`` per expression, ``None`` where dateparser found none."""

    base: str
    dates: tuple[tuple[str, str] | None, ...]


@dataclass(frozen=True, slots=True)
class ArticleTimes:
    """What the timeline takes from one article: the per-article half of the stage.

    ``weekday_votes`` are the article's votes for the story's anchor weekday, in the order
    first seen; ``resolutions`` cache the dates of ``expressions`` against the references
    met so far (dateparser is the slow part, and a story's reference rarely changes as it
    grows).
    """

    weekday_votes: tuple[tuple[int, int], ...]
    expressions: tuple[TimeExpression, ...]
    resolutions: tuple[Resolution, ...] = ()


@dataclass(frozen=True, slots=True)
class Reference:
    """What relative expressions resolve against.

    ``calendar`` is true when ``base`` is a real (published) date; otherwise ``base`` is
    a stand-in on the anchor weekday and results are written relative to it.
    """

    base: dt.datetime
    calendar: bool


@lru_cache(maxsize=64)
def _parser(base: dt.datetime, prefer: str) -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": prefer,
            "RETURN_TIME_AS_PERIOD": True,
            "PREFER_DAY_OF_MONTH": "first",
        },
    )


def _parse(expression: str, base: dt.datetime, prefer: str) -> tuple[dt.datetime, str] | None:
    """dateparser's reading of the expression (or of its year/weekday/month part)."""
    attempts = [expression, _LEADING_NOISE.sub("", expression)]
    attempts += [m.group(0) for m in _POINT.finditer(expression)]
    for attempt in attempts:
        if not attempt.strip():
            continue
        data = _parser(base, prefer).get_date_data(attempt)
        if data.date_obj is not None:
            return data.date_obj, data.period or "day"
    return None


def _published(article: Article) -> dt.datetime | None:
    if not article.published:
        return None
    try:
        parsed = dt.datetime.fromisoformat(article.published)
    except ValueError:
        logger.warning("%s: unreadable published date %r", article.id, article.published)
        return None
    return parsed.replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)


def _weekday_of(token: Token) -> int | None:
    low = token.lower_
    return WEEKDAYS.index(low) if low in WEEKDAYS else None


def _weekday_votes(
    article: Article, paragraphs: Sequence[ParsedParagraph]
) -> tuple[tuple[int, int], ...]:
    """One article's votes for the anchor weekday, ``(weekday, weight)`` in first-seen order.

    Each weekday mention votes; a mention in the article's lead (its first two sentences)
    or with a past-tense verb (what happened, not what is planned) votes more.
    """
    votes: dict[int, int] = {}
    lead_end = article.sentences[1].span.end if len(article.sentences) > 1 else len(article.text)
    for para in paragraphs:
        for token in para.doc:
            weekday = _weekday_of(token)
            if weekday is None or token.pos_ != "PROPN":
                continue
            weight = 1
            if para.offset + token.idx < lead_end:
                weight += 2
            verb = _governing_verb(token)
            if verb is not None and verb.tag_ == "VBD" and not _is_scheduled(token, verb):
                weight += 1
            votes[weekday] = votes.get(weekday, 0) + weight
    return tuple(votes.items())


def _anchor_weekday(votes_by_article: Sequence[Sequence[tuple[int, int]]]) -> int | None:
    """The most voted weekday (ties: the one voted for first, in article order)."""
    votes: Counter[int] = Counter()
    for article_votes in votes_by_article:
        for weekday, weight in article_votes:
            votes[weekday] += weight
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def infer_anchor_weekday(
    articles: Sequence[Article], paragraphs_by_article: Mapping[str, Sequence[ParsedParagraph]]
) -> int | None:
    """The weekday of the story's main event (0 = Monday), or ``None`` if none is named.

    Each weekday mention votes; a mention in an article's lead (its first two sentences)
    or with a past-tense verb (what happened, not what is planned) votes more.
    """
    return _anchor_weekday(
        [_weekday_votes(a, paragraphs_by_article.get(a.id, ())) for a in articles]
    )


def story_reference(
    articles: Sequence[Article], paragraphs_by_article: Mapping[str, Sequence[ParsedParagraph]]
) -> Reference:
    """The story's reference date: its most common published date, else the anchor."""
    return reference_of(
        articles,
        {a.id: article_times(a, paragraphs_by_article.get(a.id, ())) for a in articles},
    )


def reference_of(articles: Sequence[Article], times: Mapping[str, ArticleTimes]) -> Reference:
    """The story's reference date from its articles' :class:`ArticleTimes` (no parse
    needed): the most common published date, else a stand-in on the anchor weekday."""
    dates = Counter(d for d in (_published(a) for a in articles) if d is not None)
    if dates:
        return Reference(dates.most_common(1)[0][0], calendar=True)
    weekday = _anchor_weekday([times[a.id].weekday_votes for a in articles if a.id in times])
    return Reference(_STAND_IN_MONDAY + dt.timedelta(days=weekday or 0), calendar=False)


def _governing_verb(token: Token) -> Token | None:
    current = token
    while current.head.i != current.i:
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            return current
    return current if current.pos_ in ("VERB", "AUX") else None


def _is_scheduled(token: Token, verb: Token | None) -> bool:
    """Future at the time of writing: "will", "is expected to", "upcoming", "next"."""
    doc = token.doc
    window = doc[max(0, token.i - _CUE_WINDOW) : token.i + _CUE_WINDOW + 1]
    for t in window:
        following = doc[t.i + 1].lower_ if t.i + 1 < len(doc) else ""
        if t.lower_ in _FUTURE_WORDS and not (t.lower_ == "ahead" and following == "of"):
            return True  # "ahead of the talks" dates something before them, not a plan
    if token.dep_ == "poss":  # "Monday's talks": the date names a thing, not a plan
        return False
    current = verb
    while current is not None:
        for child in current.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in _FUTURE_AUX:
                return True
            if child.dep_ == "aux" and child.lower_ == "would" and current.dep_ == "ccomp":
                return True  # reported future: "he said Russia would decide"
        if current.lemma_ in _FUTURE_VERBS and current.tag_ == "VBN":
            return True  # "is expected to", "is scheduled to"
        if current.dep_ in ("xcomp", "conj") and current.head.i != current.i:
            current = current.head  # "is expected to offer to discuss ..."
            continue
        break
    return False


def _is_past(token: Token, verb: Token | None) -> bool:
    """The verb is past and the date modifies the verb itself: in "deferred debate to a
    meeting on Wednesday" the date belongs to the meeting, whose tense is unknown."""
    if verb is None:
        return False
    head = token.head
    attached = head.i == verb.i or (head.dep_ == "prep" and head.head.i == verb.i)
    if not attached:
        return False
    if verb.tag_ == "VBD":
        return True
    return verb.tag_ == "VBN" and any(c.lemma_ == "have" for c in verb.children)


def _clause(token: Token, verb: Token | None) -> tuple[int, int]:
    """Character range (in the doc) of the clause that states the dated event."""
    if token.dep_ == "poss" or verb is None:
        node = token.head if token.dep_ == "poss" else token.sent.root
        tokens = list(node.subtree) if token.dep_ == "poss" else list(token.sent)
    else:
        tokens = [verb]
        for child in verb.children:
            if child.dep_ in _CLAUSE_CUT and token not in child.subtree:
                continue
            tokens.extend(child.subtree)
    indices = sorted(t.i for t in tokens)
    doc = token.doc
    start, end = indices[0], indices[-1]
    while start < end and (doc[start].is_punct or doc[start].dep_ in ("cc", "mark")):
        start += 1
    while end > start and doc[end].is_punct and doc[end].text not in ("”", '"', ")"):
        end -= 1
    return doc[start].idx, doc[end].idx + len(doc[end].text)


def _expressions(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges of the point-in-time expressions of one paragraph."""
    out: list[tuple[int, int]] = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ in ("DATE", "TIME") and _POINT.search(ent.text):
            if re.search(r"\d+-year-old", ent.text):
                continue
            out.append((ent.start, ent.end))
            covered.update(range(ent.start, ent.end))
    for token in doc:
        if token.i in covered or token.pos_ != "PROPN":
            continue
        if token.lower_ in WEEKDAYS or (token.lower_ in MONTHS and token.lower_ != "may"):
            out.append((token.i, token.i + 1))
    return sorted(out)


def _label(
    resolved: dt.datetime, period: str, expression: str, reference: Reference, weekday: bool
) -> tuple[str, str]:
    """(date label, precision) for a resolved expression."""
    has_year = bool(_YEAR.search(expression))
    if period == "year":
        if reference.calendar or has_year:
            return f"{resolved.year:04d}", "year"
        return f"anchor{resolved.year - reference.base.year:+d}y", "relative"
    if period == "month":
        if reference.calendar or has_year:
            return f"{resolved.year:04d}-{resolved.month:02d}", "month"
        if any(m in expression.lower() for m in MONTHS):
            return f"--{resolved.month:02d}", "month"  # which year is not stated
        months = (resolved.year - reference.base.year) * 12 + resolved.month - reference.base.month
        return f"anchor{months:+d}m", "relative"
    if period == "week":
        if reference.calendar:
            year, week, _ = resolved.isocalendar()
            return f"{year:04d}-W{week:02d}", "week"
        weeks = (resolved.date() - reference.base.date()).days // 7
        return f"anchor{weeks:+d}w", "relative"
    if reference.calendar or has_year:
        return resolved.date().isoformat(), "day"
    if any(m in expression.lower() for m in MONTHS):
        return f"--{resolved.month:02d}-{resolved.day:02d}", "day"  # which year is not stated
    days = (resolved.date() - reference.base.date()).days
    return f"anchor{days:+d}d", "weekday-relative" if weekday else "relative"


def _resolve(
    expression: str, reference: Reference, base: dt.datetime, scheduled: bool, past: bool
) -> tuple[str, str] | None:
    lowered = expression.lower()
    weekday = next((i for i, w in enumerate(WEEKDAYS) if w in lowered), None)
    explicit = re.search(r"\b(?:last|next|this|ago)\b", lowered) is not None
    if weekday is not None and weekday == base.weekday() and not explicit:
        # a story names its own day by its weekday ("talks on Monday" written Monday)
        return _label(base, "day", expression, reference, True)
    earlier = _parse(expression, base, "past")
    later = _parse(expression, base, "future")
    if earlier is None and later is None:
        return None
    if scheduled and later is not None:
        chosen = later
    elif past and earlier is not None:
        chosen = earlier
    elif earlier is not None and later is not None:
        # tense unknown: the nearer reading
        chosen = min((earlier, later), key=lambda r: abs((r[0] - base).total_seconds()))
    else:
        chosen = earlier or later  # type: ignore[assignment]
    assert chosen is not None
    period = "day" if chosen[1] in ("time", "part_of_day") else chosen[1]
    return _label(chosen[0], period, expression, reference, weekday is not None)


def _keys(doc: Doc, start_char: int, end_char: int) -> frozenset[str]:
    span = doc.char_span(start_char, end_char, alignment_mode="expand")
    if span is None:
        return frozenset()
    return frozenset(
        t.lemma_.lower()
        for t in span
        if t.pos_ in ("NOUN", "PROPN", "VERB")
        and t.lower_ not in WEEKDAYS
        and t.lower_ not in MONTHS
        and t.lemma_.lower() not in _STOP_KEYS
        and not t.is_stop
    )


def article_times(article: Article, paragraphs: Sequence[ParsedParagraph]) -> ArticleTimes:
    """The per-article half of the timeline: weekday votes and time expressions, undated.

    Depends on the article's text and parse only, never on the other articles.
    """
    expressions: list[TimeExpression] = []
    for para in paragraphs:
        doc = para.doc
        for start, end in _expressions(doc):
            expression = doc[start:end]
            token = expression.root
            verb = _governing_verb(token)
            clause_start, clause_end = _clause(token, verb)
            expressions.append(
                TimeExpression(
                    expression=Span(
                        article.id,
                        para.offset + expression.start_char,
                        para.offset + expression.end_char,
                    ),
                    text=expression.text,
                    scheduled=_is_scheduled(token, verb),
                    past=_is_past(token, verb),
                    clause=Span(article.id, para.offset + clause_start, para.offset + clause_end),
                    keys=tuple(sorted(_keys(doc, clause_start, clause_end))),
                )
            )
    return ArticleTimes(_weekday_votes(article, paragraphs), tuple(expressions))


def _article_base(article: Article, reference: Reference) -> dt.datetime:
    """What the article's expressions resolve against: its own published day when the
    story is on the calendar and the article is dated, else the story's reference."""
    own = _published(article) if reference.calendar else None
    return own or reference.base


def base_key(article: Article, reference: Reference) -> str:
    """Everything an article's dates depend on besides its own expressions."""
    kind = "calendar" if reference.calendar else "anchor"
    return f"{kind}|{_article_base(article, reference).isoformat()}"


def resolved(article: Article, times: ArticleTimes, reference: Reference) -> ArticleTimes:
    """``times`` with its expressions dated against ``reference`` (dateparser runs only
    when that reference is not among its cached resolutions; the last
    :data:`MAX_RESOLUTIONS` are kept)."""
    key = base_key(article, reference)
    if any(r.base == key for r in times.resolutions):
        return times
    base = _article_base(article, reference)
    memo: dict[tuple[str, bool, bool], tuple[str, str] | None] = {}  # "Monday" recurs
    for e in times.expressions:
        if (e.text, e.scheduled, e.past) not in memo:
            memo[e.text, e.scheduled, e.past] = _resolve(
                e.text, reference, base, e.scheduled, e.past
            )
    dates = tuple(memo[e.text, e.scheduled, e.past] for e in times.expressions)
    kept = times.resolutions[-(MAX_RESOLUTIONS - 1) :]
    return replace(times, resolutions=(*kept, Resolution(key, dates)))


def _article_mentions(
    article: Article, times: ArticleTimes, reference: Reference
) -> list[_Mention]:
    times = resolved(article, times, reference)
    key = base_key(article, reference)
    dates = next(r.dates for r in times.resolutions if r.base == key)
    out: list[_Mention] = []
    for expression, date in zip(times.expressions, dates, strict=True):
        if date is None:
            logger.debug("%s: unresolved time expression %r", article.id, expression.text)
            continue
        out.append(
            _Mention(
                article=article,
                expression=expression.expression,
                date=date[0],
                precision=date[1],
                scheduled=expression.scheduled,
                clause=expression.clause,
                keys=frozenset(expression.keys),
            )
        )
    return out


def _text(mention: _Mention) -> str:
    return mention.article.text[mention.clause.start : mention.clause.end]


def _same_event(a: _Mention, b: _Mention) -> bool:
    from rapidfuzz import fuzz

    if a.date != b.date:
        return False
    shared = len(a.keys & b.keys)
    if shared >= MIN_SHARED_KEYS:
        return True
    if shared and min(len(a.keys), len(b.keys)) <= 2:
        return True  # a bare mention ("Monday's talks") joins the clause about the same thing
    shorter = min(len(a.keys), len(b.keys))
    return shorter >= 3 and fuzz.token_set_ratio(_text(a), _text(b)) >= FUZZY_MERGE


def _relative_value(label: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"anchor([+-]\d+)([dwmy])", label)
    if match is None:
        return None
    n = int(match.group(1))
    days = {"d": 1, "w": 7, "m": 30, "y": 365}[match.group(2)]
    rank = {"d": 3, "w": 2, "m": 1, "y": 0}[match.group(2)]
    return n * days, rank


def sort_key(event: TimelineEvent) -> tuple[int, int, int, str]:
    """A chronological key across precisions; a coarser date sorts before a finer one
    that starts on the same day (2014 < 2014-03 < 2014-03-01).

    Calendar dates come first, then anchor-relative ones: with no calendar date for the
    anchor, a named year is taken to lie before the story's own week.
    """
    date = event.date
    rank = _PRECISION_RANK.get(str(event.precision), 3)
    if re.fullmatch(r"\d{4}", date):
        return (0, dt.date(int(date), 1, 1).toordinal(), 0, event.text)
    if re.fullmatch(r"\d{4}-\d{2}", date):
        return (0, dt.date(int(date[:4]), int(date[5:]), 1).toordinal(), 1, event.text)
    if match := re.fullmatch(r"(\d{4})-W(\d{2})", date):
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        return (0, monday.toordinal(), 2, event.text)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        return (0, dt.date.fromisoformat(date).toordinal(), 3, event.text)
    if re.fullmatch(r"--\d{2}(?:-\d{2})?", date):
        # a month without its year: within the months around the anchor, before or
        # after it as the article tells (a "last month" is 30 days back)
        return (1, 45 if event.scheduled else -45, 1 if len(date) == 4 else 3, event.text)
    relative = _relative_value(date)
    if relative is not None:
        return (1, relative[0], relative[1], event.text)
    return (2, 0, rank, event.text)


def _merge(group: Sequence[_Mention]) -> TimelineEvent:
    def centrality(m: _Mention) -> tuple[int, int]:
        shared = sum(len(m.keys & other.keys) for other in group if other is not m)
        return (shared, -len(_text(m)))

    representative = max(group, key=centrality)
    ordered = [representative] + [m for m in group if m is not representative]
    votes = sum(1 if m.scheduled else -1 for m in group)
    relative = _relative_value(representative.date)
    later = relative is not None and relative[0] > 0
    scheduled = votes > 0 or (votes == 0 and later)
    citations: list[Span] = []
    for m in ordered:
        if m.clause not in citations:
            citations.append(m.clause)
    return TimelineEvent(
        date=representative.date,
        precision=representative.precision,
        text=_text(representative),
        scheduled=scheduled,
        citations=tuple(citations),
        outlets=tuple(sorted({m.article.outlet for m in group})),
    )


def build_timeline(
    articles: Sequence[Article],
    paragraphs_by_article: Mapping[str, Sequence[ParsedParagraph]],
    *,
    times: Mapping[str, ArticleTimes] | None = None,
) -> tuple[TimelineEvent, ...]:
    """The story's dated events, merged across outlets, in chronological order.

    Args:
        articles: the story's annotated articles.
        paragraphs_by_article: their parsed paragraphs (``Annotation.docs``); read only
            for articles that ``times`` lacks.
        times: each article's :func:`article_times` (a store keeps them, with their
            resolutions): with them, no parse is read and dateparser runs only for
            references not met before.

    Returns:
        Events sorted by :func:`sort_key`. ``text`` is the representative clause,
        verbatim at ``citations[0]``; every citation is a clause stating the event.
    """
    given = times or {}
    per_article = {
        a.id: given.get(a.id) or article_times(a, paragraphs_by_article.get(a.id, ()))
        for a in articles
    }
    reference = reference_of(articles, per_article)
    if not reference.calendar:
        logger.info(
            "no published date: timeline relative to anchor %s", reference.base.strftime("%A")
        )
    mentions: list[_Mention] = []
    for article in articles:
        mentions.extend(_article_mentions(article, per_article[article.id], reference))
    groups: list[list[_Mention]] = []
    for mention in mentions:
        for group in groups:
            if _same_event(group[0], mention):
                group.append(mention)
                break
        else:
            groups.append([mention])
    events = sorted((_merge(g) for g in groups), key=sort_key)
    logger.info("timeline: %d events from %d time expressions", len(events), len(mentions))
    return tuple(events)


__all__ = [
    "ArticleTimes",
    "Reference",
    "Resolution",
    "TimeExpression",
    "article_times",
    "base_key",
    "build_timeline",
    "infer_anchor_weekday",
    "reference_of",
    "resolved",
    "sort_key",
    "story_reference",
]
