"""Quantities and where outlets state them differently.

:func:`extract_quantities` reads the numbers an article states ("some 100,000 Russian
troops", "tens of thousands of troops", "more than 50 BTGs", "eight hours of talks",
"$1.5 billion", "20%") from the spaCy parse, each with its exact span, its value as an
interval, its approximation qualifier, its unit and the thing counted (the head noun).

:func:`quantity_divergences` aligns the quantities of a story's outlets by what they
count and reports every group that the outlets state differently. Interval reasoning
decides whether the wordings conflict: "100,000" and "100,000 plus" overlap (agreement,
``conflict=False``), "100,000" and "tens of thousands" (20,000 to 99,999) do not.

Dates and clock times are not quantities here; :mod:`newsprism.timeline` reads them.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newsprism.model import Article, Divergence, DivergenceAnswer, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

# Number words spaCy's ``like_num`` recognises but does not give a value for.
_UNITS = {
    "zero": 0, "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALE_ABBREV = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12}
# "tens of thousands": a plural multiplier names an order of magnitude, not a number.
_VAGUE = {"tens": 10, "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1e3,
          "millions": 1e6, "billions": 1e9}  # fmt: skip
_VAGUE_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}

# Qualifiers before the number, longest first, mapped to the canonical qualifier.
_QUALIFIERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("more", "than"), "more than"),
    (("upwards", "of"), "more than"),
    (("in", "excess", "of"), "more than"),
    (("at", "least"), "at least"),
    (("fewer", "than"), "less than"),
    (("less", "than"), "less than"),
    (("up", "to"), "up to"),
    (("as", "many", "as"), "up to"),
    (("as", "much", "as"), "up to"),
    (("close", "to"), "nearly"),
    (("just", "under"), "nearly"),
    (("an", "estimated"), "about"),
    (("over",), "more than"),
    (("nearly",), "nearly"),
    (("almost",), "nearly"),
    (("about",), "about"),
    (("around",), "about"),
    (("roughly",), "about"),
    (("approximately",), "about"),
    (("some",), "about"),
    (("estimated",), "about"),
    (("under",), "less than"),
)
_APPROX_SLACK = 0.15  # "about 100,000" is read as 85,000..115,000

_CURRENCY_SYMBOLS = {"$": "USD", "us$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY"}
_CURRENCY_WORDS = {"dollar": "USD", "euro": "EUR", "pound": "GBP", "rouble": "RUB",
                   "ruble": "RUB", "yen": "JPY", "hryvnia": "UAH"}  # fmt: skip
_MEASURE_UNITS = {
    "second", "minute", "hour", "day", "week", "month", "year", "decade", "century",
    "mile", "kilometre", "kilometer", "km", "metre", "meter", "foot", "feet", "inch",
    "kilogram", "kg", "tonne", "ton", "pound", "litre", "liter", "barrel", "acre", "hectare",
    "ft", "mi", "cm", "mm", "mph", "kph",
}  # fmt: skip
_DURATION_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade"}
_TENS = {"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
_DASHES = ("-", "–", "—")
#: Counted nouns that are addresses or labels, not amounts ("the 3300 block of Florence Ave").
_NOT_AMOUNTS = {"block"}

# The same thing counted under different names (canonical name first).
_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("troop", "soldier", "serviceman", "servicemen", "force", "personnel", "military"),
    ("people", "person", "civilian", "resident", "citizen"),
    ("death", "dead", "fatality", "casualty", "killed", "kill", "die"),
    ("win", "take", "capture", "secure"),  # "took 156 seats", "won 157 of 338 seats"
    ("mile", "mi"),
    ("foot", "feet", "ft"),
    ("kilometre", "kilometer", "km"),
)
_CANONICAL = {word: group[0] for group in _SYNONYMS for word in group}
_STOP_CONTEXT = {"be", "have", "say", "do", "the", "a", "an", "of", "and", "to", "in", "on"}
_SKIP_BEFORE_HEAD = {"ADJ", "NUM", "ADV", "PUNCT", "DET"}
_HEAD_WINDOW = 4


@dataclass(frozen=True, slots=True)
class Quantity:
    """One number an article states, as printed and as an interval.

    Attributes:
        span: the number phrase as printed ("some 100,000", "tens of thousands", "$1.5
            billion", "20%"), qualifier and currency or percent sign included, the
            counted noun excluded.
        text: ``article.text[span.start:span.end]``.
        value: the number stated (``None`` for vague magnitudes such as "tens of thousands").
        low: the smallest value the wording allows.
        high: the largest value it allows (``math.inf`` for "more than", "plus").
        approx: "about", "more than", "at least", "nearly", "up to", "less than", "plus",
            or the vague magnitude ("tens of", "hundreds of", ...), else ``None``.
        unit: "USD"/"EUR"/..., "%", or a measure ("mile", "hour"); ``None`` for counts.
        head: lemma of the thing counted ("troop", "people", "hour", "BTG"), or ``None``.
        head_span: where the counted noun is printed.
        sentence: the sentence that states it.
        frame: the event the counted thing takes part in (:func:`_frame`): the governing
            verb's lemma with synonyms folded ("killed 50 people" and "left 49 people
            dead" -> "death"), the subject of a copula ("the last point ... is 1,200km"
            -> "point"), or ``None`` when the verb says nothing about what is counted
            ("there were 13 aftershocks", "officials said").
    """

    span: Span
    text: str
    value: float | None
    low: float
    high: float
    approx: str | None
    unit: str | None
    head: str | None
    head_span: Span | None
    sentence: Span
    frame: str | None = None
    conjoined: bool = False  # "420 passengers and crew": the number counts a wider set

    @property
    def kind(self) -> str:
        """ "money", "percent", "duration", "measure" or "count"."""
        if self.unit == "%":
            return "percent"
        if self.unit and self.unit.isupper():
            return "money"
        if self.unit in _DURATION_UNITS:
            return "duration"
        return "measure" if self.unit else "count"

    @property
    def canonical_head(self) -> str | None:
        """The head with synonyms folded ("soldier" -> "troop")."""
        if self.head is None:
            return None
        return _CANONICAL.get(self.head, self.head)


def _word_value(token: Token) -> float | None:
    """The value of one number token ("100,000", "1.5", "eight", "million")."""
    text = token.text.lower().replace(",", "")
    try:
        return float(text)
    except ValueError:
        pass
    if text in _UNITS:
        return float(_UNITS[text])
    if text in _SCALES:
        return _SCALES[text]
    return None


def _is_number(token: Token) -> bool:
    low = token.text.lower()
    if low in ("a", "an"):
        return False  # only a number before a scale word ("a hundred"), checked by caller
    return (token.like_num or low in _UNITS or low in _SCALES) and _word_value(token) is not None


def _combine(values: Sequence[float], words: Sequence[str]) -> float:
    """Fold "two hundred thousand" / "1.5 million" into one value."""
    total = 0.0
    current = 0.0
    for value, word in zip(values, words, strict=True):
        if word in _SCALES or word in _SCALE_ABBREV:
            scale = _SCALES.get(word) or _SCALE_ABBREV[word]
            current = (current or 1.0) * scale
            if scale >= 1e3:
                total += current
                current = 0.0
        else:
            current += value
    return total + current


def _excluded(token: Token) -> bool:
    """Numbers that belong to dates, clock times, ordinals or names are not quantities."""
    if token.ent_type_ in ("ORDINAL", "PERSON", "ORG", "GPE", "LAW", "PRODUCT", "EVENT"):
        return True
    if token.ent_type_ in ("DATE", "TIME"):
        # "eight hours", "eight years" are durations: the entity ends in a duration unit
        following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
        return following is None or following.lemma_.lower() not in _DURATION_UNITS
    return False


def _split_number(doc: Doc, start: int, end: int) -> bool:
    """A number that is part of a larger printed figure the tokenizer split: a tokenised
    decimal or fraction ("$2 . 6 million", "4 1 / 2 months"), the first side of a score or
    range ("52-48 vote", "2-3 inches", "5 to 7 inches": the second side carries the range)."""
    before = doc[start - 1].text if start > 0 else ""
    digits = doc[start].text[:1].isdigit()
    # "$2 . 6 million", "4 1 / 2", a clock time "5 : 40"; not a sentence end "10. Two"
    spaced_alike = start > 1 and bool(doc[start - 2].whitespace_) == bool(doc[start - 1].whitespace_)
    split = before in ("/", ":") or (before == "." and spaced_alike)
    if split and digits and start > 1 and doc[start - 2].like_num:
        return True
    if (
        before == ","
        and start > 1
        and doc[start - 2].whitespace_  # "2 , 117", not "May 5, 120 people"
        and doc[start - 2].text.isdigit()
        and len(doc[start - 2].text) <= 3
        and len(doc[start].text) == 3
        and doc[start].text.isdigit()
    ):
        return True  # a thousands group split by the tokenizer: "2 , 117 points"
    if end < len(doc) and doc[end].text == ":" and end + 1 < len(doc) and doc[end + 1].like_num:
        return True
    if (
        end + 1 < len(doc)
        and doc[end].text == ","
        and doc[end - 1].whitespace_
        and doc[end + 1].text.isdigit()
        and len(doc[end + 1].text) == 3
        and doc[start].text.isdigit()
        and len(doc[start].text) <= 3
    ):
        return True  # "6 , 728 yards": the tokenizer split a thousands group
    if end < len(doc) and doc[end].lower_ == "and" and before.lower() == "between":
        return True  # the low end of "between 2 and 3"
    if end + 1 < len(doc) and doc[end].text in ("/", ".") and doc[end + 1].like_num:
        # "2 . 6": spaced on both sides (a sentence end "killed 12. 13 more" is not)
        return bool(doc[end].whitespace_) and (doc[end].text == "/" or bool(doc[end - 1].whitespace_))
    if end + 1 < len(doc) and (doc[end].text in _DASHES or doc[end].lower_ == "to"):
        return _is_number(doc[end + 1])
    return False


def _range_start(doc: Doc, start: int) -> tuple[float | None, int, bool]:
    """The low end of a range the number ends ("5 to 7", "2-3", "between 2 and 3"): its
    value, its first token, and whether the pair is a score ("52-48": low end above the
    high end) rather than a range. ``(None, start, False)`` when there is none."""
    if start < 2 or not _is_number(doc[start - 2]):
        return None, start, False
    link = doc[start - 1]
    low = _word_value(doc[start - 2])
    if low is None:
        return None, start, False
    if link.text in _DASHES and not link.whitespace_ and not doc[start - 2].whitespace_:
        return low, start - 2, True  # the caller compares the two sides
    if link.lower_ == "to" and (start < 3 or doc[start - 3].lower_ != "from"):
        return low, start - 2, False  # "from 5 to 7" is a change, not a range
    if link.lower_ == "and" and start >= 3 and doc[start - 3].lower_ == "between":
        return low, start - 3, False
    return None, start, False


def _qualifier(doc: Doc, start: int) -> tuple[str | None, int]:
    """The approximation qualifier ending just before token ``start`` and its first token."""
    for words, canonical in _QUALIFIERS:
        n = len(words)
        if start - n < 0:
            continue
        if tuple(t.lower_ for t in doc[start - n : start]) == words:
            return canonical, start - n
    return None, start


def _head(doc: Doc, end: int, *, of: bool = False, part: float | None = None) -> Token | None:
    """The counted noun after the number phrase: "100,000 Russian troops" -> troops.

    ``of``: the phrase is a vague magnitude ("tens of thousands of troops"), whose
    counted noun follows "of". ``part``: the number's value, which may be a part of a
    whole whose noun it counts ("157 of 338 seats": :func:`_after_whole`).
    """
    if of and end < len(doc) and doc[end].lower_ == "of":
        end += 1
    elif not of:
        end = _after_whole(doc, end, part)
    for token in doc[end : min(len(doc), end + _HEAD_WINDOW)]:
        if token.lower_ in ("plus", "-", "+", "strong"):
            continue
        if token.pos_ in ("NOUN", "PROPN"):
            if token.ent_type_ in ("GPE", "NORP") or token.dep_ == "compound":
                continue  # "Russian", "U.S.": a modifier of the counted noun
            return token
        if token.pos_ not in _SKIP_BEFORE_HEAD:
            return None
    return None


#: Words between "of" and the size of the whole in "157 of the 338 seats".
_WHOLE_DETERMINERS = frozenset({"the", "its", "their", "his", "her", "all"})


def _after_whole(doc: Doc, end: int, part: float | None) -> int:
    """Where the counted noun is looked for after a number ``part`` ending at ``end``:
    after the size of the whole in "157 of 338 seats" or "10 of the 12 terrorists" (the
    part counts the whole's noun: seats, terrorists), else ``end`` itself. The whole is a
    number (not a year: "stage 13 of the 2007 Tour") no smaller than the part."""
    if part is None or end >= len(doc) or doc[end].lower_ != "of":
        return end
    i = end + 1
    while i < len(doc) and doc[i].lower_ in _WHOLE_DETERMINERS:
        i += 1
    first = i
    while i < len(doc) and _is_number(doc[i]) and not _excluded(doc[i]):
        i += 1
    if i == first:
        return end
    whole = [doc[k].lower_.replace(",", "") for k in range(first, i)]
    values = [_word_value(doc[k]) or 0.0 for k in range(first, i)]
    return i if _combine(values, whole) >= part else end


def _lemma(token: Token) -> str:
    text = token.text
    if len(text) > 2 and text[:-1].isupper() and text.endswith("s"):
        return text[:-1]  # "BTGs" -> "BTG": acronyms keep their case
    if text.isupper() and len(text) > 1:
        return text
    return token.lemma_.lower()


def _sentence_span(article: Article, start: int, end: int, token: Token, offset: int) -> Span:
    for sentence in article.sentences:
        if sentence.span.start <= start and end <= sentence.span.end:
            return sentence.span
    sent = token.sent
    return Span(article.id, offset + sent.start_char, offset + sent.end_char)


def _interval(value: float, approx: str | None) -> tuple[float, float]:
    if approx == "about":
        return value * (1 - _APPROX_SLACK), value * (1 + _APPROX_SLACK)
    if approx in ("more than", "at least", "plus"):
        return value, math.inf
    if approx == "nearly":
        return value * (1 - _APPROX_SLACK), value
    if approx in ("up to", "less than"):
        return 0.0, value
    return value, value


def _paragraph_quantities(article: Article, para: ParsedParagraph) -> list[Quantity]:
    doc = para.doc
    out: list[Quantity] = []
    i = 0
    while i < len(doc):
        token = doc[i]
        vague = token.lower_ in _VAGUE and token.tag_ == "NNS" and i + 1 < len(doc)
        vague = vague and doc[i + 1].lower_ == "of"
        if not vague and not (_is_number(token) and not _excluded(token)):
            i += 1
            continue
        start = i
        value: float | None
        range_low: float | None = None
        if vague:
            magnitude = _VAGUE[token.lower_]
            end = i + 1
            scale_word = doc[i + 2].lower_ if i + 2 < len(doc) else ""
            if scale_word in _VAGUE_SCALES:  # "tens of thousands"
                magnitude *= _VAGUE_SCALES[scale_word]
                end = i + 3
            low, high = 2 * magnitude, 10 * magnitude - 1
            approx: str | None = f"{token.lower_} of"
            value = None
        else:
            end = i
            values: list[float] = []
            words: list[str] = []
            while end < len(doc):
                t = doc[end]
                word = t.lower_
                if end > start and word in ("a", "an"):
                    break
                digits_before = bool(words) and any(ch.isdigit() for ch in words[-1])
                if digits_before and word not in _SCALES and word not in _SCALE_ABBREV:
                    break  # "2013 11", "Sep 2013 Four": two numbers, not one
                if words and word[:1].isdigit() and words[-1] not in _SCALES:
                    break
                if _is_number(t) or (end > start and word in _SCALE_ABBREV):
                    values.append(_word_value(t) or 0.0)
                    words.append(word.replace(",", ""))
                    end += 1
                elif (
                    word in _DASHES
                    and words
                    and words[-1] in _TENS
                    and end + 1 < len(doc)
                    and _UNITS.get(doc[end + 1].lower_, 10) < 10
                ):
                    end += 1  # "Fifty-two"
                elif word in ("and",) and end + 1 < len(doc) and doc[end + 1].lower_ in _UNITS:
                    end += 1  # "one hundred and twenty"
                else:
                    break
            if _split_number(doc, start, end):
                i = end
                continue
            scaled = start > 0 and doc[start - 1].lower_ in ("a", "an") and words[0] in _SCALES
            if scaled:
                start -= 1  # "a million people"
            value = _combine(values, words)
            if scaled and start > 0 and doc[start - 1].lower_ == "half":
                start, value = start - 1, value / 2  # "half a million"
            approx = None
            low = high = value
            range_low, range_first, _dashed = _range_start(doc, start)
            if range_low is not None and range_low > value:
                i = end
                continue  # a score ("won 316-301", "a 7 to 2 vote"), not a count
            if range_low is not None and len(values) > 1 and values[0]:
                range_low *= value / values[0]  # "2 to 3 million": the low end is 2 million
            if range_low is not None and range_low < value:
                start = range_first
            else:
                range_low = None
        qualifier, start = _qualifier(doc, start)
        approx = qualifier or approx
        unit: str | None = None
        # currency sign before, percent/currency word or "plus" after
        if start > 0 and doc[start - 1].lower_ in _CURRENCY_SYMBOLS:
            unit = _CURRENCY_SYMBOLS[doc[start - 1].lower_]
            start -= 1
            if start > 0 and doc[start - 1].lower_ in ("us", "u.s.") and unit == "USD":
                start -= 1
            if qualifier is None:  # "nearly $500 billion": the qualifier precedes the sign
                qualifier, start = _qualifier(doc, start)
                approx = qualifier or approx
        if end < len(doc):
            after = doc[end]
            if after.text in ("%",) or after.lower_ in ("percent", "pct"):
                unit, end = "%", end + 1
            elif after.lower_ == "per" and end + 1 < len(doc) and doc[end + 1].lower_ == "cent":
                unit, end = "%", end + 2
            elif after.lemma_.lower() in _CURRENCY_WORDS and unit is None:
                unit, end = _CURRENCY_WORDS[after.lemma_.lower()], end + 1
        if end < len(doc) and doc[end].lower_ in ("plus", "+") and value is not None:
            approx, end = "plus", end + 1
        elif (
            end + 1 < len(doc)
            and doc[end].text == "-"
            and doc[end + 1].lower_ == "plus"
            and value is not None
        ):
            approx, end = "plus", end + 2
        if value is not None:
            low, high = _interval(value, approx)
            if not vague and range_low is not None:
                low = min(low, range_low)
        head_token = _head(doc, end, of=vague, part=value)
        if head_token is not None and head_token.lemma_.lower() in _NOT_AMOUNTS:
            i = max(end, i + 1)
            continue
        head = _lemma(head_token) if head_token is not None else None
        if unit is None and head is not None and head in _MEASURE_UNITS:
            unit = "foot" if head == "feet" else head
        span_start = para.offset + doc[start].idx
        span_end = para.offset + doc[end - 1].idx + len(doc[end - 1].text)
        head_span = (
            Span(
                article.id,
                para.offset + head_token.idx,
                para.offset + head_token.idx + len(head_token.text),
            )
            if head_token is not None
            else None
        )
        out.append(
            Quantity(
                span=Span(article.id, span_start, span_end),
                text=article.text[span_start:span_end],
                value=value,
                low=low,
                high=high,
                approx=approx,
                unit=unit,
                head=head,
                head_span=head_span,
                sentence=_sentence_span(article, span_start, span_end, doc[start], para.offset),
                frame=_frame(head_token if head_token is not None else doc[end - 1]),
                conjoined=head_token is not None
                and any(
                    c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "ADJ")
                    for c in head_token.children
                ),
            )
        )
        i = max(end, i + 1)
    return out


#: Verbs that report, show or hold a number without saying what happened to the thing counted.
_NEUTRAL_VERBS = frozenset(
    {"say", "report", "tell", "show", "see", "include", "put", "give", "add", "state",
     "estimate", "count", "record", "confirm", "number", "total", "reach", "become", "remain"}
)  # fmt: skip
_RELATIVE = frozenset({"which", "that", "who", "whom"})
_MAX_CLIMB = 6


def _copula_subject(verb: Token, counted: Token) -> str | None:
    """The subject a copula or "have" describes, ``None`` for "there were N" or when the
    counted thing is itself the subject ("100,000 troops are at the border")."""
    if any(child.dep_ == "expl" for child in verb.children):
        return None
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass"):
            continue
        if child.lower_ == "there" or child == counted:
            return None
        if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
            child = verb.head  # "the last point ..., which is 1,200km" -> point
        if child.pos_ not in ("NOUN", "PROPN"):
            return None
        lemma = child.lemma_.lower()
        return _CANONICAL.get(lemma, lemma)
    return None


def _frame(counted: Token) -> str | None:
    """The event a counted thing takes part in, from the dependency parse.

    Two numbers that count alike ("people", "km", "margin") still count different things
    when they belong to different events: 306 km where the plane vanished from radar, 650
    km where wreckage was found; a 16-point margin against a candidate, a 22-point margin
    for a president. The frame is the lemma of the nearest verb governing the counted noun,
    with an adjectival complement preferred ("left 49 people dead" -> "dead") and synonyms
    folded (:data:`_SYNONYMS`); for a copula it is the subject described; ``None`` when no
    verb governs the noun or the verb only reports or holds the number.
    """
    token = counted
    for _ in range(_MAX_CLIMB):
        if token.head is token:
            break
        token = token.head
        if token.pos_ == "VERB" or (token.pos_ == "AUX" and token.dep_ in ("ROOT", "relcl")):
            break
    else:
        return None
    if token.pos_ not in ("VERB", "AUX"):
        return None
    lemma = token.lemma_.lower()
    if lemma in ("be", "have"):
        return _copula_subject(token, counted)
    for child in token.children:
        if child.dep_ in ("oprd", "acomp", "xcomp") and child.pos_ == "ADJ":
            lemma = child.lemma_.lower()
            break
    if lemma in _NEUTRAL_VERBS:
        return None
    return _CANONICAL.get(lemma, lemma)


def extract_quantities(
    article: Article, paragraphs: Sequence[ParsedParagraph]
) -> tuple[Quantity, ...]:
    """Every quantity the article states, in text order.

    Args:
        article: an annotated article (its sentences give the sentence spans).
        paragraphs: its parsed paragraphs (``Annotation.docs[article.id]``).

    Returns:
        The quantities; each ``article.text[q.span.start:q.span.end] == q.text``.
    """
    out: list[Quantity] = []
    for para in paragraphs:
        out.extend(_paragraph_quantities(article, para))
    logger.debug("%s: %d quantities", article.id, len(out))
    return tuple(out)


_CONTEXT_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def _context(article: Article, quantity: Quantity) -> frozenset[str]:
    """Content words of the stating sentence, to tell "13,000 people died" from
    "300 people protested" when both count people."""
    text = article.text[quantity.sentence.start : quantity.sentence.end].lower()
    words = {w.rstrip("s’'") for w in _CONTEXT_WORD.findall(text) if len(w) > 3}
    head = quantity.canonical_head or ""
    return frozenset(w for w in words if w not in _STOP_CONTEXT and w != head.lower())


def _compatible(a: Quantity, b: Quantity) -> bool:
    return a.low <= b.high and b.low <= a.high


def _wording(q: Quantity) -> tuple[float | None, float, float, str | None, str | None]:
    return (q.value, q.low, q.high, q.approx, q.unit)


MIN_SHARED_CONTEXT = 2
#: Context words two sentences must share when one number's event is unknown ("13 people
#: are in custody" against "12 people were arrested"): game statistics share two or three.
UNKNOWN_FRAME_CONTEXT = 4


def _counts_several_things(group: Sequence[tuple[Article, Quantity, frozenset[str]]]) -> bool:
    """One outlet giving incompatible numbers for the group ("18,700 feet", "26,291
    feet"): the group mixes several things counted alike, so comparing is unsafe."""
    by_outlet: dict[str, list[Quantity]] = {}
    for article, q, _c in group:
        by_outlet.setdefault(article.outlet, []).append(q)
    return any(
        not _compatible(a, b) for qs in by_outlet.values() for a in qs for b in qs if a is not b
    )


def _plural(group: Sequence[Quantity], article_text: str) -> str:
    first = group[0]
    if first.head_span is not None and first.value != 1:
        printed = article_text[first.head_span.start : first.head_span.end]
        plural = printed.lower().endswith("s") or printed.lower() == "people"
        if plural or first.head is None or printed.lower() != first.head:
            return printed
        return printed + "s"
    head = first.head or "items"
    return head if head.endswith("s") or head == "people" else head + "s"


def _question(group: Sequence[Quantity], article_text: str) -> str:
    first = group[0]
    if first.kind == "money":
        return f"How much money ({first.head or first.unit})?"
    if first.kind == "percent":
        return f"What percentage ({first.head})?" if first.head else "What percentage?"
    return f"How many {_plural(group, article_text)}?"


def quantity_divergences(
    articles: Sequence[Article],
    quantities_by_article: Mapping[str, Sequence[Quantity]],
    *,
    min_outlets: int = 2,
) -> tuple[Divergence, ...]:
    """Quantities that several outlets state differently, each outlet's wording cited.

    Quantities align when they count the same thing (head lemma with synonyms folded)
    and either their intervals overlap or their sentences share context words. A group
    is reported when at least ``min_outlets`` outlets state it and the wordings differ;
    ``conflict`` is true when two outlets' intervals do not overlap.

    Each answer's ``value`` is the number phrase as printed, ``text`` the sentence;
    ``citations[0]`` is the number phrase's span and ``citations[1]`` the sentence's.

    Args:
        articles: the story's articles.
        quantities_by_article: :func:`extract_quantities` output by article id.
        min_outlets: outlets that must state a quantity for it to be compared.
    """
    by_id = {a.id: a for a in articles}
    items: list[tuple[Article, Quantity, frozenset[str]]] = []
    for article in articles:
        for q in quantities_by_article.get(article.id, ()):
            if q.canonical_head is None or q.kind == "percent" and q.head is None:
                continue
            items.append((article, q, _context(article, q)))
    # single-link clustering within each counted thing
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_a, qi, ci) in enumerate(items):
        for j in range(i + 1, len(items)):
            _b, qj, cj = items[j]
            if qi.canonical_head != qj.canonical_head or qi.kind != qj.kind:
                continue
            if _compatible(qi, qj) or len(ci & cj) >= MIN_SHARED_CONTEXT:
                parent[find(j)] = find(i)
    clusters: dict[int, list[int]] = {}
    for i in range(len(items)):
        clusters.setdefault(find(i), []).append(i)

    out: list[Divergence] = []
    for members in clusters.values():
        group = [items[i] for i in members]
        outlets = {a.outlet for a, _q, _c in group}
        if len(outlets) < min_outlets:
            continue
        if len({_wording(q) for _a, q, _c in group}) < 2:
            continue  # every outlet says the same: agreement, not a divergence
        if _counts_several_things(group):
            # one outlet gives several numbers for the group: it mixes things counted
            # alike, so only pairs on which two outlets really disagree are kept
            out.extend(_disagreeing_pairs(group, by_id))
            continue
        out.append(_group_divergence(group, by_id))
    # conflicts first, then by how many outlets take part
    out.sort(key=lambda d: (not d.conflict, -len({a.outlet for a in d.answers}), d.question))
    logger.info("%d quantity divergences (%d conflicts)", len(out), sum(d.conflict for d in out))
    return tuple(out)


def _disagreeing_pairs(
    group: Sequence[tuple[Article, Quantity, frozenset[str]]], by_id: Mapping[str, Article]
) -> list[Divergence]:
    """Conflicts inside a group that mixes several things counted alike: two outlets'
    incompatible numbers of the same event (:func:`_same_event`: an unknown frame
    matches any) whose sentences share context words, where neither outlet also
    states a number compatible with the other's ("three stabbed, 12 arrested" against "13
    in custody, three stabbed": 12 against 13 is a disagreement, 3 against 13 is not).
    Pairs that share a number are shown as one divergence."""
    by_outlet: dict[str, list[Quantity]] = {}
    for article, q, _c in group:
        by_outlet.setdefault(article.outlet, []).append(q)
    parent = list(range(len(group)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    paired: set[int] = set()
    for n, (a, qa, ca) in enumerate(group):
        for m in range(n + 1, len(group)):
            b, qb, cb = group[m]
            if a.outlet == b.outlet or _compatible(qa, qb):
                continue
            shared = len(ca & cb)
            if shared < MIN_SHARED_CONTEXT or not _same_event(qa, qb):
                continue  # the outlet counts several things: the event must be the same
            if qa.frame != qb.frame and (
                shared < UNKNOWN_FRAME_CONTEXT or qa.canonical_head in GAME_STATISTICS
            ):
                continue  # one frame unknown: the sentences must share more of the event
            if any(_agrees(q, qb) for q in by_outlet[a.outlet]):
                continue
            if any(_agrees(q, qa) for q in by_outlet[b.outlet]):
                continue
            parent[find(m)] = find(n)
            paired.update((n, m))
    components: dict[int, list[tuple[Article, Quantity, frozenset[str]]]] = {}
    for i in sorted(paired):
        components.setdefault(find(i), []).append(group[i])
    return [_group_divergence(members, by_id) for members in components.values()]


def _agrees(q: Quantity, other: Quantity) -> bool:
    """``q`` states the other figure: each number lies in the other's wording ("at least
    two" does not state 12, nor "104" "as many as 125", though the intervals overlap)."""
    if not _compatible(q, other):
        return False
    if q.value is None or other.value is None:
        return True
    return q.low <= other.value <= q.high and other.low <= q.value <= other.high


def _group_divergence(
    group: Sequence[tuple[Article, Quantity, frozenset[str]]], by_id: Mapping[str, Article]
) -> Divergence:
    """One divergence of a group of aligned quantities, each outlet's wording cited."""
    answers: list[tuple[float, DivergenceAnswer, Quantity]] = []
    seen: set[tuple[str, str]] = set()
    for article, q, _c in group:
        key = (article.outlet, q.text.lower())
        if key in seen:
            continue
        seen.add(key)
        answer = DivergenceAnswer(
            outlet=article.outlet,
            text=article.text[q.sentence.start : q.sentence.end],
            citations=(q.span, q.sentence),
            value=q.text,
        )
        answers.append((q.low, answer, q))
    answers.sort(key=lambda item: (item[0], item[1].outlet))
    conflict = any(
        not _compatible(qa, qb)
        for _la, aa, qa in answers
        for _lb, ab, qb in answers
        if aa.outlet != ab.outlet
    )
    first_article = by_id[group[0][1].span.article_id]
    return Divergence(
        kind="quantity",
        question=_question([q for _a, q, _c in group], first_article.text),
        answers=tuple(a for _l, a, _q in answers),
        conflict=conflict,
    )


#: Counted things too generic to show that two numbers count the same thing: a duration, a
#: measure, or one of these heads needs the two sentences to carry the same information.
#: Game statistics: every game and player has its own (ECB+ review).
GAME_STATISTICS = frozenset(
    {"yard", "game", "goal", "win", "loss", "run", "touchdown", "carry", "catch", "rebound",
     "assist", "shot", "match", "round", "pass", "completion", "interception", "sack",
     "tackle"}
)  # fmt: skip
GENERIC_HEADS = GAME_STATISTICS | frozenset(
    {"people", "person", "man", "woman", "child", "time", "member", "case", "thing", "way",
     "point", "year", "month", "week", "day", "hour", "minute", "second"}
)  # fmt: skip
#: Words before or after a number that make it a part, not the total ("four more boys",
#: "the remaining eight boys", "another 300 troops").
_PARTIAL_AFTER = re.compile(
    r"^\s*(more|additional|other|remaining|extra|further|new)\b", re.IGNORECASE
)
_PARTIAL_BEFORE = re.compile(
    r"\b(another|remaining|other|first|last|further|additional|the)\s*$", re.IGNORECASE
)
#: A duration followed by these is a time offset ("four minutes after", "two years ago").
_OFFSET_AFTER = re.compile(r"^\s*\S+\s+(after|later|before|earlier|ago|since)\b", re.IGNORECASE)
#: A number someone expects is a forecast, not a count ("were expecting 870,000 jobs").
_FORECAST_BEFORE = re.compile(
    r"\b(expect\w*|forecast\w*|project\w*|predict\w*|estimat\w*|anticipat\w*)"
    r"(\s+\S+){0,3}\s*$",
    re.IGNORECASE,
)
#: "157 of 338 seats": the number after "N of" is the size of the whole set.
_TOTAL_BEFORE = re.compile(
    r"\d[\d,.]*\s+of\s+(?:(?:its|their|his|her|the)\s+)?(?:(?:next|last|first)\s+)?$"
)
#: The baseline a change is measured from ("a 36% increase from February").
_BASELINE_AFTER = re.compile(r"\b(?:from|since|than|compared with|compared to)\s+([^,.;]{1,40})")
WIDELY_STATED = 3  # outlets stating a specific counted thing that make it a story figure
SAME_INFORMATION = 0.6  # blended sentence similarity of two sentences carrying one fact
NEAR_PARAPHRASE = 0.8  # needed for measures and durations: distances, times of many things
SAME_SENTENCE = 0.95  # needed for small counts: one sentence in two outlets' versions
MAX_RATIO = 3.0  # two counts further apart than this count different things
MIN_COUNT = 10  # small counts ("three states", "five charges") differ between facts


def _comparable(a: Quantity, b: Quantity) -> bool:
    """Numbers close enough to be two statements of one figure: within :data:`MAX_RATIO`
    of each other, and counts of at least :data:`MIN_COUNT` ("13 aftershocks" / "27";
    not "three states" / "five states", not "627,000 deaths" / "3.3 million")."""
    if a.kind == "count" and min(a.high, b.high) < MIN_COUNT:
        return False
    return _within_ratio(a, b)


def _within_ratio(a: Quantity, b: Quantity) -> bool:
    """The two numbers lie within :data:`MAX_RATIO` of each other."""
    return max(a.low, b.low) / max(min(a.high, b.high), 1e-9) <= MAX_RATIO


MAX_STATEMENT_WORDS = 60  # a longer "sentence" is a table or a list, not a statement
MAX_STATEMENT_NUMBERS = 6


def _partial(article_text: str, span: Span, quantity: Quantity) -> bool:
    """A part, a reference to a known set ("the two nations"), a time offset or a
    forecast: not the count the outlets could disagree on."""
    after = article_text[span.end : span.end + 30]
    before = article_text[max(0, span.start - 40) : span.start]
    if _PARTIAL_AFTER.match(after) or _PARTIAL_BEFORE.search(before):
        return True
    if _TOTAL_BEFORE.search(before):
        return True
    if quantity.kind == "duration" and _OFFSET_AFTER.match(after):
        return True
    return bool(_FORECAST_BEFORE.search(before))


#: "20 people dead, including the three gunmen": a total whose make-up is spelt out counts
#: a set other outlets may define differently (victims only), so it is not compared.
_INCLUSION_AFTER = re.compile(
    r"^[^,.;:()]{0,25}?,?\s*(?:including|excluding|not including|not counting|counting"
    r"|among them|of whom|of which)\b",
    re.IGNORECASE,
)


INCLUDED_REACH = 12  # characters between "including" and the number of the part


def _included_part(
    article_text: str, quantity: Quantity, stated: Sequence[Quantity]
) -> Quantity | None | bool:
    """What the total says it includes ("20 killed, including the three gunmen" -> the
    quantity "three"): ``False`` when no make-up follows, ``True`` when one follows
    without a number ("including children"), else the part's quantity."""
    end = (quantity.head_span or quantity.span).end
    match = _INCLUSION_AFTER.match(article_text[end : end + 60])
    if match is None:
        return False
    words = match.group(0).lower().split()
    if "not" in words or words[-1] not in ("including", "counting"):
        return True  # "excluding", "among them", "of whom": a different set, not added
    start = end + match.end()
    for part in stated:
        if start <= part.span.start <= start + INCLUDED_REACH and part.value is not None:
            return part
    return True


def _explained_by_make_up(
    article_text: str, quantity: Quantity, other: Quantity, stated: Sequence[Quantity]
) -> bool:
    """Whether a total's spelt-out make-up explains the other outlet's figure: "20 dead,
    including the three gunmen" against "17 killed" (20 - 3 is 17, so the outlets count
    different sets), not "at least 144 killed, including 64 at a checkpoint" against 125
    (neither 144 nor 80 is 125: they disagree). A make-up without a number ("including
    children") could explain any gap, so it always does."""
    part = _included_part(article_text, quantity, stated)
    if part is False:
        return False
    if part is True:
        return True
    assert isinstance(part, Quantity) and part.value is not None
    rest = replace(quantity, low=quantity.low - part.value, high=quantity.high - part.value)
    return _compatible(rest, other)


def _same_event(a: Quantity, b: Quantity) -> bool:
    """Two numbers belong to one event unless both frames are known and differ."""
    return a.frame is None or b.frame is None or a.frame == b.frame


def _baseline(article_text: str, span: Span) -> frozenset[str]:
    """Content words of the baseline a change is measured from, if the sentence gives one."""
    match = _BASELINE_AFTER.search(article_text[span.end : span.end + 60])
    if match is None:
        return frozenset()
    return frozenset(w for w in re.findall(r"[a-z0-9]+", match.group(1).lower()) if len(w) > 2)


def _same_baseline(texts: Mapping[str, str], a: DivergenceAnswer, b: DivergenceAnswer) -> bool:
    """Two changes compare only when measured from the same baseline (or either is silent)."""
    ba = _baseline(texts[a.citations[0].article_id], a.citations[0])
    bb = _baseline(texts[b.citations[0].article_id], b.citations[0])
    return not ba or not bb or bool(ba & bb)


_COMPOUND_AFTER = re.compile(r"^-([A-Za-z]+)")
_AREA_AFTER = re.compile(r"^\s*(square|sq\.?|cubic)\s", re.IGNORECASE)


def _measured_compound(article_text: str, span: Span) -> str | None:
    """The unit of a hyphenated measure after the number ("27-inch" -> "inch")."""
    match = _COMPOUND_AFTER.match(article_text[span.end : span.end + 20])
    if match is None:
        return None
    word = match.group(1).lower()
    word = word.removesuffix("s")
    return word if word in _MEASURE_UNITS or word in ("point", "degree") else None


_DIMENSION_BEFORE = re.compile(
    r"\b(depth|altitude|height|elevation|length|width|distance|radius|diameter|speed)"
    r"\s+of\s+(?:about\s+|some\s+|approximately\s+|nearly\s+)?$",
    re.IGNORECASE,
)


def _dimension(article_text: str, span: Span) -> str | None:
    """The dimension a measure is introduced as ("a depth of 44.3 km" -> "depth")."""
    match = _DIMENSION_BEFORE.search(article_text[max(0, span.start - 40) : span.start])
    return match.group(1).lower() if match else None


def _same_dimension(texts: Mapping[str, str], a: DivergenceAnswer, b: DivergenceAnswer) -> bool:
    """A "27-inch touchscreen" and a "10-finger touchscreen" measure different things, and
    so do "a depth of 44 km" and "95 km south of" a town."""
    ua = _measured_compound(texts[a.citations[0].article_id], a.citations[0])
    ub = _measured_compound(texts[b.citations[0].article_id], b.citations[0])
    if ua != ub:
        return False
    da = _dimension(texts[a.citations[0].article_id], a.citations[0])
    if da != _dimension(texts[b.citations[0].article_id], b.citations[0]):
        return False
    # "5 square kilometres" is an area, "650 kilometres" a distance
    area_a = _AREA_AFTER.match(texts[a.citations[0].article_id][a.citations[0].end :][:20])
    area_b = _AREA_AFTER.match(texts[b.citations[0].article_id][b.citations[0].end :][:20])
    return bool(area_a) == bool(area_b)


_CONVERSION_BEFORE = re.compile(r"\(\s*(?:about\s+|some\s+|approximately\s+)?[$£€]?\s*$")
_PLACE_AFTER = re.compile(r"^[^;:()]{0,40}?\b(?:of|from)\s+((?:[A-Z][\w'’.-]*\s*){1,3})")
_DISTANCE_UNITS = frozenset({"mile", "kilometre", "kilometer", "km", "metre", "meter", "foot",
                             "feet", "yard", "ft", "mi"})  # fmt: skip


def _conversion(article_text: str, quantity: Quantity) -> bool:
    """A measure in parentheses after another ("5,900 meters (19,350 feet)") converts the
    figure before it; outlets that round the conversion differently do not disagree."""
    if quantity.unit is None:
        return False
    return bool(_CONVERSION_BEFORE.search(article_text[max(0, quantity.span.start - 20) :
                                                         quantity.span.start]))


_DIRECTION = re.compile(r"\b(north|south|east|west)(?:[\s-]?(east|west))?\b", re.IGNORECASE)


def _place(article_text: str, quantity: Quantity) -> str | None:
    """The place a distance is measured from, with its compass direction when given ("45
    km southwest of San Antonio" -> "southwest san antonio"): 45 km southwest and 95 km
    south of one town are two different points, not two readings of one."""
    if quantity.unit not in _DISTANCE_UNITS:
        return None
    end = (quantity.head_span or quantity.span).end
    match = _PLACE_AFTER.match(article_text[end : end + 80])
    if match is None:
        return None
    place = match.group(1).strip().lower()
    direction = _DIRECTION.search(article_text[end : end + match.start(1)])
    if direction is None:
        return place
    return "".join(part.lower() for part in direction.groups() if part) + " " + place


def _same_reference(texts: Mapping[str, str], qa: Quantity, qb: Quantity) -> bool:
    """Two distances compare only when measured from the same place (or either is silent)."""
    pa = _place(texts[qa.span.article_id], qa)
    pb = _place(texts[qb.span.article_id], qb)
    return pa is None or pb is None or pa == pb


def _prints(article_text: str, other: Quantity) -> bool:
    """The article also states the other outlet's figure for the thing counted ("25
    vehicles" beside "30 cars"), or in a record ("58-3 with 51 wins by knockout" prints
    58): an outlet that states the other's number does not disagree with it, it counts
    something else. Only figures of :data:`MIN_COUNT` and more, in digits."""
    value = other.value
    if value is None or value < MIN_COUNT or value != int(value) or other.head is None:
        return False
    number = int(value)
    stem = re.escape(other.head[:4])
    for form in {str(number), f"{number:,}"}:
        pattern = (
            rf"(?<![\d.,:]){re.escape(form)}(?![\d]|[.,:]\d)"
            rf"(?:\s*[-–]\s*\d|[\s-]+(?:[\w-]+\s+){{0,2}}{stem})"
        )
        if re.search(pattern, article_text, re.IGNORECASE):
            return True
    return False


def _made_up_differently(
    texts: Mapping[str, str],
    quantities_by_article: Mapping[str, Sequence[Quantity]],
    by_span: Mapping[Span, Quantity],
    a: DivergenceAnswer,
    b: DivergenceAnswer,
) -> bool:
    """Either answer's total spells out a make-up that explains the other's figure."""
    qa, qb = by_span[a.citations[0]], by_span[b.citations[0]]
    ida, idb = qa.span.article_id, qb.span.article_id
    return _explained_by_make_up(
        texts[ida], qa, qb, quantities_by_article.get(ida, ())
    ) or _explained_by_make_up(texts[idb], qb, qa, quantities_by_article.get(idb, ()))


def _small_counts_in_one_sentence(
    by_span: Mapping[Span, Quantity],
    similarity: Callable[[Span, Span], float],
    a: DivergenceAnswer,
    b: DivergenceAnswer,
) -> bool:
    """Small counts (below :data:`MIN_COUNT`) compare only inside two versions of one
    sentence (:data:`SAME_SENTENCE`: "eight people, including two children, were injured"
    against "... three children ..."): elsewhere "three states" and "five states" are
    usually different facts."""
    qa, qb = by_span[a.citations[0]], by_span[b.citations[0]]
    if qa.kind != "count" or max(qa.high, qb.high) >= MIN_COUNT:
        return False
    if qa.canonical_head in GAME_STATISTICS:  # "blocked two shots" in a run, six in the game
        return False
    return _within_ratio(qa, qb) and similarity(a.citations[1], b.citations[1]) >= SAME_SENTENCE


def _shown_answers(
    answers: Sequence[DivergenceAnswer],
    pairs: Sequence[tuple[DivergenceAnswer, DivergenceAnswer]],
    by_span: Mapping[Span, Quantity],
) -> tuple[DivergenceAnswer, ...]:
    """The answers of the conflicting pairs, and those that state one of their figures
    ("as many as 125" beside "125"); other numbers of the group ("two", "15" in a group
    about 125 vs 144 dead) count something else and would only blur the question."""
    core = [x for pair in pairs for x in pair]
    return tuple(
        a
        for a in answers
        if any(a is x for x in core)
        or any(_agrees(by_span[a.citations[0]], by_span[x.citations[0]]) for x in core)
    )


def _statement(text: str) -> bool:
    numbers = sum(1 for w in text.split() if any(ch.isdigit() for ch in w))
    return len(text.split()) <= MAX_STATEMENT_WORDS and numbers <= MAX_STATEMENT_NUMBERS


def same_fact_quantity_divergences(
    divergences: Sequence[Divergence],
    articles: Sequence[Article],
    quantities_by_article: Mapping[str, Sequence[Quantity]],
    similarity: Callable[[Span, Span], float],
) -> tuple[Divergence, ...]:
    """Quantity conflicts kept only where the outlets state the same fact differently.

    Reviewing conflicts on the shared datasets showed three ways two numbers that count
    alike still answer different questions: a generic counted thing ("two years ago" and
    "eight years of rule"; :data:`GENERIC_HEADS` and every duration or measure), a part
    rather than the total ("four more boys" and "eight boys"), and tables read as
    sentences. So answers that state a part, a reference to a known set ("the two
    nations"), a time offset ("four minutes after"), the size of a whole ("157 of 338
    seats") or a forecast, or that sit in a table, are dropped; two changes measured from
    different baselines ("36% from February", "25% from March 2020") are not compared; a
    total whose make-up is spelt out ("20 dead, including the three gunmen") is dropped
    when that make-up explains the other outlet's figure (:func:`_explained_by_make_up`)
    and an area is not compared with a distance; and a conflict stands only when two conflicting answers of different
    outlets come from sentences that carry the same information (``same_information``: the
    alignment links them), or, for a specific counted thing (not in :data:`GENERIC_HEADS`,
    not a unit), when at least :data:`WIDELY_STATED` outlets state a number for it (a
    figure the story turns on, such as the troops at the border); measures and durations
    need near-paraphrases (:data:`NEAR_PARAPHRASE`); on that path aligned sentences are
    not enough: the two numbers must also belong to the same event (:attr:`Quantity.frame`,
    :func:`_same_event`: 306 km where a plane vanished and 650 km where wreckage was found
    count different things in near-identical sentences); and the two numbers must be close
    enough to be one figure (:func:`_comparable`). A group left without a
    conflict is dropped (it was one only by comparing different facts); compatible groups
    (``conflict=False``) are kept as they are.
    """
    texts = {a.id: a.text for a in articles}
    by_span = {q.span: q for qs in quantities_by_article.values() for q in qs}
    out: list[Divergence] = []
    for divergence in divergences:
        if divergence.kind != "quantity" or not divergence.conflict:
            out.append(divergence)
            continue
        answers = [
            a
            for a in divergence.answers
            if a.citations[0] in by_span
            and not _partial(
                texts[a.citations[0].article_id], a.citations[0], by_span[a.citations[0]]
            )
            and _statement(a.text)
            and not by_span[a.citations[0]].conjoined
            and not _conversion(texts[a.citations[0].article_id], by_span[a.citations[0]])
        ]
        pairs = [
            (a, b)
            for i, a in enumerate(answers)
            for b in answers[i + 1 :]
            if a.outlet != b.outlet
            and not _compatible(by_span[a.citations[0]], by_span[b.citations[0]])
            and _same_baseline(texts, a, b)
            and _same_dimension(texts, a, b)
            and _same_event(by_span[a.citations[0]], by_span[b.citations[0]])
            and _same_reference(texts, by_span[a.citations[0]], by_span[b.citations[0]])
            and not _prints(texts[a.citations[0].article_id], by_span[b.citations[0]])
            and not _prints(texts[b.citations[0].article_id], by_span[a.citations[0]])
            and not _made_up_differently(texts, quantities_by_article, by_span, a, b)
        ]
        generic = any(
            by_span[a.citations[0]].unit is not None
            or by_span[a.citations[0]].canonical_head in GENERIC_HEADS
            for a in answers
        )
        pairs = [
            (a, b)
            for a, b in pairs
            if _comparable(by_span[a.citations[0]], by_span[b.citations[0]])
            or _small_counts_in_one_sentence(by_span, similarity, a, b)
        ]
        measured = any(by_span[a.citations[0]].unit is not None for a in answers)
        widely = len({a.outlet for a in answers}) >= WIDELY_STATED
        if generic or not widely:
            needed = NEAR_PARAPHRASE if measured else SAME_INFORMATION
            pairs = [
                (a, b)
                for a, b in pairs
                if similarity(a.citations[1], b.citations[1]) >= needed
                and _same_event(by_span[a.citations[0]], by_span[b.citations[0]])
            ]
        if not pairs:
            logger.debug("dropped quantity conflict %r: different facts", divergence.question)
            continue
        out.append(replace(divergence, answers=_shown_answers(answers, pairs, by_span)))
    return tuple(out)


# ------------------------------------------------------------------------------------ ages

MAX_AGE_GAP = 3  # ages further apart than this belong to different people of one surname
MAX_AGE_DAYS = 120  # articles published further apart may both be right: a birthday passed
_AGE_WORDS = ("-", "year", "-", "old")


def _person_before(doc: Doc, index: int) -> list[Token] | None:
    """The name ending at token ``index`` ("Geraldine Alcorn", "Macomber")."""
    if index < 0 or doc[index].pos_ != "PROPN" or not doc[index].text[:1].isupper():
        return None
    if doc[index].ent_type_ and doc[index].ent_type_ != "PERSON":
        return None
    start = index
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].ent_type_ in (
        "",
        "PERSON",
    ):
        start -= 1
    return list(doc[start : index + 1])


def _person_after(doc: Doc, index: int) -> list[Token] | None:
    """The person named from token ``index`` on, after at most three lower-case words
    ("29-year-old Geraldine Alcorn", "29-year-old teacher Geraldine Alcorn")."""
    for skip in range(4):
        i = index + skip
        if i >= len(doc):
            return None
        if doc[i].ent_type_ == "PERSON":
            end = i
            while end + 1 < len(doc) and doc[end + 1].ent_type_ == "PERSON":
                end += 1
            return list(doc[i : end + 1])
        if not doc[i].is_lower:
            return None
    return None


# What a stated age looks like in text ("29-year-old", "29 year old", ", 28,"), so that
# paragraphs without one are not walked token by token.
_AGE_HINT = re.compile(r"\b\d{1,3}\s*-?\s*years?\s*-?\s*old\b|,\s*\d{1,3}\s*[,;]", re.IGNORECASE)


def _stated_ages(article: Article, para: ParsedParagraph) -> list[tuple[list[str], Span, Span]]:
    """(name words, age span, sentence span) for "N-year-old NAME" and "NAME, N,"."""
    out: list[tuple[list[str], Span, Span]] = []
    if not _AGE_HINT.search(para.text):  # most paragraphs state no age: skip their tokens
        return out
    doc = para.doc
    for token in doc:
        if not token.text.isdigit() or not 0 < int(token.text) < 120:
            continue
        following = tuple(t.lower_ for t in doc[token.i + 1 : token.i + 5])
        name: list[Token] | None = None
        if following == _AGE_WORDS:
            name = _person_after(doc, token.i + 5)
        elif (
            token.i >= 2
            and doc[token.i - 1].text == ","
            and token.i + 1 < len(doc)
            and doc[token.i + 1].text in (",", ";")
        ):
            name = _person_before(doc, token.i - 2)
        if not name:
            continue
        start = para.offset + token.idx
        span = Span(article.id, start, start + len(token.text))
        sentence = _sentence_span(article, span.start, span.end, token, para.offset)
        out.append(([t.text for t in name], span, sentence))
    return out


def _day(published: str | None) -> int | None:
    """The publication day as an ordinal, when the article has a parseable date."""
    from datetime import date

    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def _near_in_time(a: int | None, b: int | None) -> bool:
    return a is None or b is None or abs(a - b) <= MAX_AGE_DAYS


def age_divergences(
    articles: Sequence[Article], docs: Mapping[str, Sequence[ParsedParagraph]]
) -> tuple[Divergence, ...]:
    """Ages of one person that outlets state differently ("29-year-old Geraldine Alcorn"
    against "Geraldine Alcorn, 28,").

    spaCy reads ages as dates, so :func:`extract_quantities` leaves them out; they are
    read here from the two patterns news copy uses. A person is keyed by full name; a bare
    surname joins the one full name of the story that ends in it (when the story names
    several people of that surname, bare mentions are left out), and ages more than :data:`MAX_AGE_GAP` years apart (a child and a parent of one
    family). A conflict needs two outlets whose stated ages do not overlap at all (an
    outlet that also states the other's age does not disagree); when dated articles that
    give different ages were published more than :data:`MAX_AGE_DAYS` apart, the person
    is skipped (a suspect of 27 at the arrest is 29 at the trial). Each answer cites the age
    (``citations[0]``, the ``value``) and its sentence.
    """
    stated: dict[str, list[tuple[Article, list[str], Span, Span]]] = {}
    for article in articles:
        for para in docs.get(article.id, ()):
            for name, span, sentence in _stated_ages(article, para):
                stated.setdefault(name[-1].lower(), []).append((article, name, span, sentence))
    people: list[list[tuple[Article, list[str], Span, Span]]] = []
    for items in stated.values():
        by_first: dict[str, list[tuple[Article, list[str], Span, Span]]] = {}
        for item in items:
            if len(item[1]) > 1:
                by_first.setdefault(item[1][0].lower(), []).append(item)
        bare = [item for item in items if len(item[1]) == 1]
        if len(by_first) > 1:
            people.extend(by_first.values())  # a bare surname could be any of them
        else:
            people.append([*next(iter(by_first.values()), []), *bare])
    out: list[Divergence] = []
    for items in people:
        ages: dict[str, set[int]] = {}
        for article, _name, span, _sentence in items:
            ages.setdefault(article.outlet, set()).add(int(article.text[span.start : span.end]))
        if len(ages) < 2 or len(set().union(*ages.values())) < 2:
            continue
        every = set().union(*ages.values())
        if max(every) - min(every) > MAX_AGE_GAP:
            continue
        dated = [
            (_day(article.published), article.text[span.start : span.end])
            for article, _name, span, _sentence in items
            if _day(article.published) is not None
        ]
        if any(not _near_in_time(da, db) for da, va in dated for db, vb in dated if va != vb):
            continue  # the stories span a birthday: each age may be right when printed
        outlets = list(ages)
        if not any(not ages[x] & ages[y] for i, x in enumerate(outlets) for y in outlets[i + 1 :]):
            continue
        full = max((name for _a, name, _s, _t in items), key=len)
        answers: dict[tuple[str, int], DivergenceAnswer] = {}
        for article, _name, span, sentence in items:
            age = int(article.text[span.start : span.end])
            answers.setdefault(
                (article.outlet, age),
                DivergenceAnswer(
                    outlet=article.outlet,
                    text=article.text[sentence.start : sentence.end],
                    citations=(span, sentence),
                    value=article.text[span.start : span.end],
                ),
            )
        ordered = tuple(answers[key] for key in sorted(answers, key=lambda k: (k[1], k[0])))
        question = f"How old is {' '.join(full)}?"
        out.append(Divergence(kind="quantity", question=question, answers=ordered))
    return tuple(out)


__all__ = [
    "GENERIC_HEADS",
    "Quantity",
    "age_divergences",
    "extract_quantities",
    "quantity_divergences",
    "same_fact_quantity_divergences",
]
