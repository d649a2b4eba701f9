"""The data model every stage reads and extends.

Records are frozen dataclasses. A stage never mutates a record; it returns a new one
(``dataclasses.replace``). Every piece of text a stage refers to is a :class:`Span`, a
character range of one article's cleaned ``Article.text``: provenance is structural.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from typing import Any, Literal

SCHEMA_ID = "newsprism.brief/1"


def content_id(*parts: str, length: int = 16) -> str:
    """A stable id derived from content (same input, same id, on every machine)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A citation: characters ``[start, end)`` of the cleaned text of one article."""

    article_id: str
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end}) in {self.article_id}")

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Removal:
    """A span of the raw text that cleaning cut, with the reason. Offsets index ``raw``."""

    start: int
    end: int
    reason: str
    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A named-entity mention inside an article (offsets into ``Article.text``)."""

    start: int
    end: int
    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article, with what annotation found in it."""

    span: Span
    text: str
    paragraph: int = 0
    mentions: tuple[Mention, ...] = ()
    heading: bool = False  # a crosshead or standfirst-like line without a verb-final period


@dataclass(frozen=True, slots=True)
class Article:
    """One news article, read and (once cleaned) with boilerplate removed.

    ``raw`` is the text as the reader produced it (after HTML extraction); ``text`` is the
    cleaned text that every :class:`Span` indexes. ``removed`` records each cut from
    ``raw`` so that ``raw`` can be audited against ``text``.
    """

    id: str
    outlet: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, when known
    source: str | None = None  # the file (and line or member) it was read from
    raw: str | None = None
    removed: tuple[Removal, ...] = ()
    language: str = "en"
    sentences: tuple[Sentence, ...] = ()

    def span_text(self, span: Span) -> str:
        if span.article_id != self.id:
            raise ValueError(f"span of article {span.article_id} applied to {self.id}")
        return self.text[span.start : span.end]

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class Skip:
    """An input that did not become an article, and why."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What readers return: articles and recorded skips. Nothing vanishes silently."""

    articles: tuple[Article, ...] = ()
    skipped: tuple[Skip, ...] = ()

    def __add__(self, other: ReadResult) -> ReadResult:
        return ReadResult(self.articles + other.articles, self.skipped + other.skipped)


@dataclass(frozen=True, slots=True)
class Role:
    """A role or title an article gives an entity ("US deputy secretary of state")."""

    text: str
    citations: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """A canonical person, organisation, place... merged across the story's articles."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    mentions: int = 0
    mentions_by_outlet: tuple[tuple[str, int], ...] = ()
    citations: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str | None
    role: str | None = None
    span: Span | None = None  # where the article names the speaker (None: not named)


@dataclass(frozen=True, slots=True)
class Quote:
    """One quotation in one article: the quoted words verbatim, who said them, the cue."""

    span: Span
    text: str
    speaker: Speaker
    direct: bool = True
    cue: Span | None = None


@dataclass(frozen=True, slots=True)
class QuoteVariant:
    """One outlet's wording of an utterance: quoted verbatim, or reported (``direct=False``,
    with ``cue`` the span of the reporting verb: "said", "according to")."""

    outlet: str
    text: str
    citation: Span
    direct: bool = True
    cue: Span | None = None


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """The same utterance as carried by one or more outlets."""

    text: str
    speaker: Speaker
    direct: bool
    outlets: tuple[str, ...]
    citations: tuple[Span, ...]
    variants: tuple[QuoteVariant, ...] = ()


@dataclass(frozen=True, slots=True)
class Point:
    """One piece of information as reported across articles.

    ``support`` counts independent outlets: outlets that reprint the same wire copy
    count once. ``citations[0]`` is the representative sentence, whose text is ``text``.
    """

    text: str
    support: int
    outlets: tuple[str, ...]
    citations: tuple[Span, ...]
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class UniqueReport:
    outlet: str
    text: str
    citations: tuple[Span, ...]
    highlights: tuple[Span, ...] = ()  # names and numbers in it that only this outlet states


@dataclass(frozen=True, slots=True)
class DivergenceAnswer:
    outlet: str
    text: str
    citations: tuple[Span, ...]
    value: str | None = None
    highlights: tuple[Span, ...] = ()  # each differing word on its own (claim divergences)


@dataclass(frozen=True, slots=True)
class Divergence:
    """One question the outlets answer differently, with each outlet's answer."""

    kind: str  # "quantity", "day", "characterisation", "attribution", "negation", "actor"
    question: str
    answers: tuple[DivergenceAnswer, ...]
    conflict: bool = True


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    date: str  # ISO date, or an anchor-relative label such as "anchor-1d"
    precision: Literal["year", "month", "day", "weekday-relative", "relative"] | str
    text: str
    scheduled: bool
    citations: tuple[Span, ...]
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Omission:
    """A point most outlets report, and the outlets that leave it out."""

    text: str  # the point's representative sentence (``citations[0]``)
    support: int
    reported_by: tuple[str, ...]
    omitted_by: tuple[str, ...]
    citations: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class FramingItem:
    """One cited word or phrase of a framing profile (a verb, a term, a marker)."""

    text: str
    category: str  # the attribution class, "evaluative"/"loaded", or the marker kind
    citation: Span
    quoted: bool = False  # inside a quotation (someone else's words)


@dataclass(frozen=True, slots=True)
class AspectShare:
    """The share of an article's words spent on one aspect, with the sentences."""

    aspect: str
    words: int
    share: float
    citations: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class FramingProfile:
    """How one article tells the story: aspects, attribution verbs, evaluative and loaded
    terms, opinion markers. A comparison across articles, never a bias label."""

    article_id: str
    outlet: str
    words: int
    aspects: tuple[AspectShare, ...] = ()
    attributions: tuple[FramingItem, ...] = ()
    terms: tuple[FramingItem, ...] = ()
    markers: tuple[FramingItem, ...] = ()


@dataclass(frozen=True, slots=True)
class Story:
    """A story's articles and everything the extract stages found in them."""

    articles: tuple[Article, ...]
    points: tuple[Point, ...] = ()
    quotes: tuple[QuoteGroup, ...] = ()
    entities: tuple[Entity, ...] = ()
    divergences: tuple[Divergence, ...] = ()
    timeline: tuple[TimelineEvent, ...] = ()
    skipped: tuple[Skip, ...] = ()
    omissions: tuple[Omission, ...] = ()
    framing: tuple[FramingProfile, ...] = ()


@dataclass(frozen=True, slots=True)
class Brief:
    """A rendering-ready selection from a :class:`Story` within a word budget."""

    story: Story
    points: tuple[Point, ...]
    unique: tuple[UniqueReport, ...]
    words: int
    schema: str = SCHEMA_ID
    meta: dict[str, Any] = field(default_factory=dict)


def to_plain(value: Any) -> Any:
    """Convert records (recursively) to JSON-ready dicts, lists and scalars."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    return value


__all__ = [
    "SCHEMA_ID",
    "Article",
    "AspectShare",
    "Brief",
    "Divergence",
    "DivergenceAnswer",
    "Entity",
    "FramingItem",
    "FramingProfile",
    "Mention",
    "Omission",
    "Point",
    "Quote",
    "QuoteGroup",
    "QuoteVariant",
    "ReadResult",
    "Removal",
    "Role",
    "Sentence",
    "Skip",
    "Span",
    "Speaker",
    "Story",
    "TimelineEvent",
    "UniqueReport",
    "asdict",
    "content_id",
    "to_plain",
]
