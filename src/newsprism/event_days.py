"""Days of the week that outlets give differently for one event.

"Cummings died early Thursday" in one outlet and "Cummings died early Tuesday" in another
is a difference a reader cares about: one event happens on one day. Numbers and ages are
compared by :mod:`newsprism.divergence`; this module compares the weekday on which linked
sentences (the alignment's blended similarity reaches ``min_similarity``) say the same
actor did the same thing.

The event is read off the spaCy parse: the weekday must be an adverbial of a past-tense
verb ("died Thursday", "was charged on Saturday", "died early Tuesday"), not of a noun
("Friday's semifinal", "attempts on Saturday"), not a dateline ("Wednesday, July 28,
2004"), not a reporting verb ("said Tuesday": when the speaker spoke, not when the event
happened) and not a scheduled or hedged event ("will play Saturday", "may vote Monday").
Two outlets' weekdays are compared when the verbs' lemmas, the named or common-noun
subjects and the objects (when both give one) match. Adjacent days either side of
midnight ("late Tuesday" / "early Wednesday") are one moment told twice, not a
disagreement; articles published more than six days apart may mean different weeks, so
they are not compared.

Each answer cites the day as printed with its qualifier ("early Thursday", "Saturday
night"; ``citations[0]``, the ``value``) and its sentence (``citations[1]``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from newsprism.claims import actor_key, entity_index, sentence_tokens
from newsprism.lexicons import reporting_class
from newsprism.model import Article, Divergence, DivergenceAnswer, Entity, Span

if TYPE_CHECKING:
    from spacy.tokens import Token

    from newsprism.align import Alignment
    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Parts of the day a weekday may modify ("Tuesday night"): late ones and early ones.
LATE_PARTS = frozenset({"evening", "night"})
EARLY_PARTS = frozenset({"morning"})
PARTS_OF_DAY = LATE_PARTS | EARLY_PARTS | frozenset({"afternoon"})
MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
     "sep", "sept", "oct", "nov", "dec"}
)  # fmt: skip
PAST_TAGS = frozenset({"VBD", "VBN"})
MIN_SIMILARITY = 0.6
MAX_DAYS_APART = 6  # articles published further apart may name the weekdays of two weeks


@dataclass(frozen=True, slots=True)
class DayClaim:
    """One outlet's statement that an event happened on a weekday."""

    article: Article
    candidate: int  # index of the sentence among the alignment's candidates
    day: int  # 0 = Monday
    late: bool  # "late Tuesday", "Tuesday night": may be the next day's small hours
    early: bool  # "early Wednesday", "Wednesday morning"
    verb: str  # lemma
    subject: str  # actor key or "noun:<lemma>"
    obj: str | None  # lemma of the direct object, if any
    question: str
    value: Span  # the day as printed, qualifier included
    sentence: Span


def _attached_verb(anchor: Token) -> Token | None:
    """The verb a weekday phrase is an adverbial of ("died Thursday", "died on Thursday")."""
    if anchor.dep_ in ("npadvmod", "tmod") and anchor.head.pos_ in ("VERB", "AUX"):
        return anchor.head
    preposition = anchor.head
    if anchor.dep_ == "pobj" and preposition.lower_ == "on" and preposition.head.pos_ == "VERB":
        return preposition.head
    return None


def _asserted_past(verb: Token) -> bool:
    """A past event stated as done: past tense, not reported speech, not negated, no modal."""
    if verb.tag_ not in PAST_TAGS or reporting_class(verb.lemma_.lower()) is not None:
        return False
    return not any(c.dep_ == "neg" or c.tag_ == "MD" for c in verb.children)


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    if verb.dep_ == "conj" and verb.head is not verb:
        return _subject(verb.head)  # "arrived and died Thursday"
    return None


def _subject_key(subject: Token, entities: Mapping[str, str]) -> str | None:
    """A named actor's key, a common noun's lemma, ``None`` for a pronoun (not resolved)."""
    if subject.pos_ == "PRON":
        return None
    named = next((c for c in subject.children if c.dep_ == "appos" and c.ent_type_), subject)
    key = actor_key(named, entities) or actor_key(subject, entities)
    return key or f"noun:{subject.lemma_.lower()}"


def _dateline(token: Token) -> bool:
    """ "Wednesday, July 28, 2004": the weekday of a date, a dateline or a posting time."""
    doc = token.doc
    after = doc[token.i + 1 : token.i + 3]
    return (
        len(after) == 2
        and after[0].text == ","
        and (after[1].lower_ in MONTHS or after[1].like_num)
    )


def _claim(
    article: Article,
    candidate: tuple[int, Span],
    token: Token,
    offset: int,
    entities: Mapping[str, str],
) -> DayClaim | None:
    """The event a weekday token dates, or ``None`` when it dates none this module reads."""
    if token.lower_ not in WEEKDAYS or not token.text[:1].isupper() or _dateline(token):
        return None
    following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    if following is not None and following.tag_ == "POS":
        return None  # "Friday's semifinal"
    anchor, part = token, None
    if token.dep_ == "compound" and token.head.lower_ in PARTS_OF_DAY:
        anchor = part = token.head  # "Tuesday night"
    verb = _attached_verb(anchor)
    if verb is None or not _asserted_past(verb):
        return None
    subject = _subject(verb)
    if subject is None:
        return None
    key = _subject_key(subject, entities)
    if key is None:
        return None
    qualifier = next(
        (c for c in (*token.children, *anchor.children) if c.lower_ in ("early", "late")), None
    )
    first = min((t for t in (token, qualifier) if t is not None), key=lambda t: t.i)
    last = part if part is not None and part.i > token.i else token
    start, end = offset + first.idx, offset + last.idx + len(last.text)
    obj = next((c.lemma_.lower() for c in verb.children if c.dep_ == "dobj"), None)
    subject_words = " ".join(t.text for t in subject.subtree if t.i <= subject.i)
    passive = subject.dep_ == "nsubjpass"
    question = (
        f"When was {subject_words} {verb.text}?"
        if passive
        else f"When did {subject_words} {verb.lemma_.lower()}?"
    )
    return DayClaim(
        article=article,
        candidate=candidate[0],
        day=WEEKDAYS.index(token.lower_),
        late=(qualifier is not None and qualifier.lower_ == "late")
        or (part is not None and part.lower_ in LATE_PARTS),
        early=(qualifier is not None and qualifier.lower_ == "early")
        or (part is not None and part.lower_ in EARLY_PARTS),
        verb=verb.lemma_.lower(),
        subject=key,
        obj=obj,
        question=question,
        value=Span(article.id, start, end),
        sentence=candidate[1],
    )


def _either_side_of_midnight(a: DayClaim, b: DayClaim) -> bool:
    """ "late Tuesday" and "early Wednesday" (or "Tuesday night" / "Wednesday morning")."""
    if (a.day + 1) % 7 == b.day:
        return a.late or b.early
    if (b.day + 1) % 7 == a.day:
        return b.late or a.early
    return False


def _same_event(a: DayClaim, b: DayClaim) -> bool:
    return (
        a.verb == b.verb
        and a.subject == b.subject
        and (a.obj is None or b.obj is None or a.obj == b.obj)
    )


def _near_in_time(a: Article, b: Article) -> bool:
    """Both undated, or published within :data:`MAX_DAYS_APART` days of each other."""
    try:
        da = date.fromisoformat((a.published or "")[:10])
        db = date.fromisoformat((b.published or "")[:10])
    except ValueError:
        return True  # an undated article names the weekday of the story's own week
    return abs((da - db).days) <= MAX_DAYS_APART


def day_claims(
    articles: Sequence[Article],
    docs: Mapping[str, Sequence[ParsedParagraph]],
    alignment: Alignment,
    entities: Sequence[Entity] = (),
) -> list[DayClaim]:
    """Every weekday the candidate sentences give a past event (:func:`_claim`)."""
    index = entity_index(entities)
    out: list[DayClaim] = []
    for n, candidate in enumerate(alignment.candidates):
        if not any(day in candidate.sentence.text.lower() for day in WEEKDAYS):
            continue
        article = articles[candidate.article_index]
        parsed = sentence_tokens(article, docs.get(article.id, ()), candidate.sentence)
        if parsed is None:
            continue
        tokens, offset = parsed
        for token in tokens:
            claim = _claim(article, (n, candidate.sentence.span), token, offset, index)
            if claim is not None:
                out.append(claim)
    return out


def weekday_divergences(
    articles: Sequence[Article],
    docs: Mapping[str, Sequence[ParsedParagraph]],
    alignment: Alignment,
    *,
    entities: Sequence[Entity] = (),
    min_similarity: float = MIN_SIMILARITY,
) -> tuple[Divergence, ...]:
    """Events that linked sentences of several outlets date to different weekdays.

    Args:
        articles: the annotated articles, in the order the alignment indexes them.
        docs: their parsed paragraphs (``Annotation.docs``).
        alignment: the story's alignment (its candidates and their blended similarity).
        entities: the entity roster, whose aliases name the same actor.
        min_similarity: two sentences are compared only when their similarity reaches this.
    """
    claims = day_claims(articles, docs, alignment, entities)
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    conflicting: set[int] = set()
    for i, a in enumerate(claims):
        for j in range(i + 1, len(claims)):
            b = claims[j]
            if a.article.outlet == b.article.outlet or not _same_event(a, b):
                continue
            if float(alignment.similarity[a.candidate, b.candidate]) < min_similarity:
                continue
            if not _near_in_time(a.article, b.article):
                continue
            if a.day != b.day and not _either_side_of_midnight(a, b):
                conflicting.update((i, j))
            parent[find(j)] = find(i)  # the same event, whether its days agree or not
    groups: dict[int, list[DayClaim]] = {}
    for i in sorted(conflicting):
        groups.setdefault(find(i), []).append(claims[i])
    out = [_divergence(group) for group in groups.values()]
    logger.info("%d weekday divergences", len(out))
    return tuple(out)


def _divergence(group: Sequence[DayClaim]) -> Divergence:
    answers: list[DivergenceAnswer] = []
    seen: set[Span] = set()
    for claim in sorted(group, key=lambda c: (c.day, c.article.outlet)):
        if claim.value in seen:
            continue
        seen.add(claim.value)
        text = claim.article.text
        answers.append(
            DivergenceAnswer(
                outlet=claim.article.outlet,
                text=text[claim.sentence.start : claim.sentence.end],
                citations=(claim.value, claim.sentence),
                value=text[claim.value.start : claim.value.end],
            )
        )
    return Divergence(kind="day", question=group[0].question, answers=tuple(answers))


__all__ = ["DayClaim", "day_claims", "weekday_divergences"]
