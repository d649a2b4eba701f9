"""What only one outlet states: named things and numbers no other outlet mentions.

Alignment links sentences by overall similarity, so a sentence that adds a new fact to a
shared one ("Russia seized Crimea and backs an insurgency in which more than 13,000 people
have died") joins a multi-outlet point, and its new fact would be lost from the unique
reports. This module finds the *anchors* of such facts in each sentence:

* a named entity (person, organisation, place, product, ...) that no other outlet
  mentions under any spelling (names compared by :func:`newsprism.entities.entity_key`,
  which folds case, punctuation and exonyms such as Kiev / Kyiv, and by plain text);
* a quantity (:mod:`newsprism.divergence`) whose counted thing no other outlet gives a
  compatible number for ("eight hours of talks", "more than 13,000 people").

:func:`compose.unique_reports` ranks sentences with such anchors among the unique reports
and cites each anchor.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsprism.divergence import Quantity
from newsprism.entities import entity_key
from newsprism.lexicons import reporting_class
from newsprism.model import Article, Span

if TYPE_CHECKING:
    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

MIN_NAME_CHARS = 3
PREFIX = 4
_NAME_WORD = re.compile(r"\b[A-Z][\w’'-]{2,}")
_ANY_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A name or a number that only one outlet states, with its span."""

    span: Span
    kind: str  # "name" or "number"


def _entity_keys(article: Article) -> set[str]:
    return {entity_key(m.text) for s in article.sentences for m in s.mentions}


def _compatible(a: Quantity, b: Quantity) -> bool:
    return a.low <= b.high and b.low <= a.high


def _name_words(text: str) -> list[str]:
    return [_fold(w) for w in _NAME_WORD.findall(text)]


def _fold(word: str) -> str:
    """Lower case without a possessive or plural ending ("Russians'" -> "russian")."""
    word = word.lower().replace("’", "'")
    for ending in ("'s", "'", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 3:
            return word[: -len(ending)]
    return word


def _known(word: str, others: set[str], prefixes: set[str]) -> bool:
    """The word, or a longer word it begins ("America" in "American"), occurs elsewhere."""
    return word in others or word[:PREFIX] in prefixes and any(
        o.startswith(word) for o in others if o[:PREFIX] == word[:PREFIX]
    )


def _where_said(span: Span, paragraphs: Sequence[ParsedParagraph]) -> bool:
    """The name says where or to whom something was said ("warning on CNN", "told Sky
    News"): a detail of the attribution, not a fact of the story."""
    for para in paragraphs:
        end = para.end
        if not para.offset <= span.start < end:
            continue
        tokens = para.doc.char_span(
            span.start - para.offset, min(span.end, end) - para.offset, alignment_mode="expand"
        )
        if tokens is None:
            return False
        root = tokens.root
        if root.dep_ in ("dobj", "dative") and reporting_class(root.head.lemma_):
            return True
        if root.dep_ == "pobj" and root.head.lower_ in ("on", "to", "in"):
            return reporting_class(root.head.head.lemma_) is not None
    return False


def _quantity_is_fact(q: Quantity) -> bool:
    """Numbers worth reporting as a fact: a measure, a duration, money, a percentage, or a
    count of ten or more ("the two diplomats" is not news)."""
    if q.kind != "count":
        return True
    return q.low >= 10


def novel_anchors(
    articles: Sequence[Article],
    quantities: Mapping[str, Sequence[Quantity]] | None = None,
    docs: Mapping[str, Sequence[ParsedParagraph]] | None = None,
) -> dict[Span, tuple[Anchor, ...]]:
    """Sentence span -> the names and numbers in it that only its outlet states.

    A name is new when no other outlet mentions it (same :func:`entity_key`) and at
    least one of its capitalised words appears nowhere in the other outlets' text ("Nord
    Stream 2", "Jens Stoltenberg"; not "the permanent council of the Organization for
    Security and Cooperation in Europe" when others name the organisation). With ``docs``,
    names that only say where or to whom something was said are left out. A number is new
    when it is a fact (:func:`_quantity_is_fact`) and no other outlet gives a compatible
    number for the same counted thing. Crossheads are left out.
    """
    quantities = quantities or {}
    docs = docs or {}
    outlets = sorted({a.outlet for a in articles})
    if len(outlets) < 2:
        return {}
    keys_by_outlet: dict[str, set[str]] = defaultdict(set)
    words_by_outlet: dict[str, set[str]] = defaultdict(set)
    quantities_by_outlet: dict[str, list[Quantity]] = defaultdict(list)
    for article in articles:
        keys_by_outlet[article.outlet] |= _entity_keys(article)
        words_by_outlet[article.outlet] |= {_fold(w) for w in _ANY_WORD.findall(article.text)}
        quantities_by_outlet[article.outlet].extend(quantities.get(article.id, ()))
    out: dict[Span, tuple[Anchor, ...]] = {}
    for article in articles:
        others = [o for o in outlets if o != article.outlet]
        other_keys = set().union(*(keys_by_outlet[o] for o in others))
        other_words = set().union(*(words_by_outlet[o] for o in others))
        other_prefixes = {w[:PREFIX] for w in other_words}
        other_quantities = [q for o in others for q in quantities_by_outlet[o]]
        by_sentence: dict[Span, list[Anchor]] = defaultdict(list)
        for sentence in article.sentences:
            if sentence.heading:
                continue
            for mention in sentence.mentions:
                key = entity_key(mention.text)
                if len(key) < MIN_NAME_CHARS or key in other_keys:
                    continue
                words = _name_words(mention.text)
                if mention.label == "PERSON" and words:
                    words = words[-1:]  # "Joe Biden" is known where others write "Biden"
                if not words or all(_known(w, other_words, other_prefixes) for w in words):
                    continue
                span = Span(article.id, mention.start, mention.end)
                if _where_said(span, docs.get(article.id, ())):
                    continue
                by_sentence[sentence.span].append(Anchor(span, "name"))
        for q in quantities.get(article.id, ()):
            if q.canonical_head is None or not _quantity_is_fact(q):
                continue
            if any(
                o.canonical_head == q.canonical_head and o.kind == q.kind and _compatible(o, q)
                for o in other_quantities
            ):
                continue
            span = q.span
            if q.head_span is not None and q.head_span.start >= span.end:
                span = Span(span.article_id, span.start, q.head_span.end)  # "eight hours"
            by_sentence[q.sentence].append(Anchor(span, "number"))
        for sentence_span, anchors in by_sentence.items():
            unique = {a.span: a for a in anchors}
            out[sentence_span] = tuple(sorted(unique.values(), key=lambda a: a.span.start))
    logger.debug("%d sentences with anchors only their outlet states", len(out))
    return out


__all__ = ["Anchor", "novel_anchors"]
