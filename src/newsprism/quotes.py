"""Quotations and reported speech, their speakers, and the same utterance across outlets.

Three steps, each usable on its own:

1. :func:`scan_quotations` finds quotation marks in a paragraph and pairs them (curly,
   straight, single and double, and the two apostrophes ``''`` of New York Times copy;
   apostrophes such as "Russia's" are not marks; quotes nested in a quote belong to the
   outer one).
2. :func:`extract_quotes` turns the top-level quotations of an article into
   :class:`~newsprism.model.Quote` records and names their speakers from the
   dependency parse (the subject of the speech verb that governs the quote, or of the
   speech verb beside it), following the conventions of news writing: a quote that
   runs on into the next paragraph, a quote split around its attribution, a paragraph
   that is only a quote continuing the previous speaker, "he added" resolved to the
   person last named, "Mr Ryabkov" to the full name the article gives, and "the deputy
   foreign minister" to the one person the article gives that role ("Mr."/"Ms." keep
   "she" off a man; a lone surname NER missed still counts as the person). A speaker
   the article does not name stays ``Speaker(None)``: nothing is guessed, but the span
   points at the words that describe the source ("officials", "one Democrat").
   With ``indirect``, reported speech comes too (``Quote(direct=False)``, the cue
   verb or "according to" as ``cue``): :mod:`newsprism.attribution` finds it, and a
   :class:`ReportedSpeech` policy says which of it to keep (all of it for evaluation,
   the sure statements for the ledger).
3. :func:`group_quotes` merges the same utterance across outlets (fuzzy match of the
   quoted words, compatible speakers) into :class:`~newsprism.model.QuoteGroup`\\ s,
   a report with the direct quote it paraphrases.

Scare quotes: a quotation of at most :data:`SCARE_QUOTE_MAX_WORDS` words ("useful",
"foreign agent", "spheres of interest") is kept only when a speech verb of its own
sentence attributes it: the verb governs it in the parse (``describing the talks as
"useful"``), or it names the speaker (``Ryabkov ... telling news agencies the meeting had
been "difficult."``). Otherwise it is the author's word choice, not something said.

Every ``Quote.text`` equals ``article.text[quote.span.start:quote.span.end]``: the span
is the quoted words inside the marks, without surrounding spaces and without the comma
that conventionally closes a quote before its attribution ("...forward," she said).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from newsprism.docview import doc_view
from newsprism.entities import (
    PersonIndex,
    RoleStatement,
    entity_key,
    entity_overrides,
    find_roles,
    name_words,
    person_ents,
    person_name_tokens,
    role_words,
    split_honorific,
)
from newsprism.model import Article, Quote, QuoteGroup, QuoteVariant, Span, Speaker

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

    from newsprism.attribution import AttributionModel
    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

#: Lemmas of verbs that attribute speech ("said", "told", "tweeted", "warning" ...).
SPEECH_VERBS = frozenset(
    [
        "say",
        "tell",
        "warn",
        "insist",
        "add",
        "tweet",
        "post",
        "write",
        "stress",
        "confirm",
        "respond",
        "reply",
        "answer",
        "note",
        "remark",
        "explain",
        "argue",
        "claim",
        "declare",
        "state",
        "announce",
        "suggest",
        "describe",
        "call",
        "liken",
        "ask",
        "conclude",
        "admit",
        "concede",
        "acknowledge",
        "repeat",
        "reiterate",
        "urge",
        "predict",
        "promise",
        "vow",
        "threaten",
        "maintain",
        "comment",
        "recall",
        "emphasise",
        "emphasize",
        "caution",
        "complain",
        "deny",
        "agree",
        "accuse",
        "demand",
        "testify",
        "contend",
        "assert",
        "affirm",
        "observe",
        "joke",
        "quip",
        "mutter",
        "shout",
        "cry",
        "whisper",
        "insist",
        "continue",
        "brand",
        "dub",
        "term",
        "label",
        "characterise",
        "characterize",
    ]
)

#: Quotations this short need a speech verb governing them to count as quotes.
SCARE_QUOTE_MAX_WORDS = 3

_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "GPE"})
# How far back (in paragraphs) "he said" looks for the person it refers to.
_PRONOUN_WINDOW = 6
_WORDS = re.compile(r"\w+(?:[’'\-]\w+)*", re.UNICODE)

#: Tokens that are quotation marks (spaCy keeps ``''`` as one token).
_MARK_TOKENS = frozenset(['"', "“", "”", "‘", "’", "'", "''", "``"])
_POSSESSIVE_END = re.compile(r"['’]s$")
_TERMINAL = re.compile(r"[.!?:;…][\"'”’»)\]]*$")
_DOUBLE_OPEN = "“„«"
_DOUBLE_CLOSE = "”»"
_OPENING_CONTEXT = " \t\n([{—–-/:" + _DOUBLE_OPEN + "‘"


# --------------------------------------------------------------------------------------
# 1. Quotation marks


@dataclass(frozen=True, slots=True)
class Quotation:
    """A top-level quotation in a paragraph (offsets relative to the paragraph text).

    ``start``/``end`` delimit the quoted words (inside the marks, trimmed); ``open`` is
    the position of the opening mark and ``close`` that of the closing mark, or ``None``
    when the quotation runs to the end of the paragraph without one.
    """

    start: int
    end: int
    open: int
    close: int | None
    family: str  # "double" or "single"
    close_width: int = 1  # 2 for the closing mark ``''`` (two apostrophes)

    @property
    def region_end(self) -> int:
        """End of the quotation including its closing mark (for "outside the quote")."""
        return self.close + self.close_width if self.close is not None else self.end


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def _classify(
    text: str, i: int, stack: list[tuple[str, int, int]], width: int = 1
) -> tuple[str, str] | None:
    """The role of the mark at ``i`` (``width`` characters): ``(family, kind)`` or None.

    ``kind`` is ``"open"`` or ``"close"``. A two-apostrophe mark ``''`` (the typewriter
    double quotation mark of New York Times copy) is classified as a straight ``"``.
    """
    ch = '"' if width == 2 else text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + width] if i + width < len(text) else " "
    open_families = {entry[0] for entry in stack}
    if ch in _DOUBLE_OPEN:
        return "double", "open"
    if ch in _DOUBLE_CLOSE:
        return "double", "close"
    if ch == '"':
        if prev in _OPENING_CONTEXT and not nxt.isspace():
            return "double", "open"
        if not prev.isspace() and (nxt.isspace() or not _is_letter(nxt)):
            return "double", "close"
        return ("double", "close") if "double" in open_families else ("double", "open")
    if ch in "‘'":
        if _is_letter(prev) and _is_letter(nxt):
            return None  # an apostrophe inside a word
        if prev in _OPENING_CONTEXT and not nxt.isspace():
            return "single", "open"
        if ch == "‘":
            return None
        # a straight ' after a word: closes a single quotation only if one is open
        return ("single", "close") if "single" in open_families else None
    if ch == "’":
        if _is_letter(prev) and _is_letter(nxt):
            return None  # Russia’s, it’s
        if prev in _OPENING_CONTEXT and _is_letter(nxt):
            return None  # elided year or word: ’90s, ’em
        # the Russians’ readiness: a plural possessive unless a single quotation is open
        return ("single", "close") if "single" in open_families else None
    return None


def scan_quotations(text: str) -> tuple[Quotation, ...]:
    """Pair the quotation marks of one paragraph and return its top-level quotations.

    Curly and straight marks of one family pair with each other (``"…”`` happens in
    real copy); a closing mark closes the innermost open quotation of its family and
    drops any unclosed one nested inside it. An opening mark left unclosed at the end
    of the paragraph yields a quotation running to the paragraph's end (``close=None``);
    whether that counts is decided by the caller (multi-paragraph quotes).

    Args:
        text: one paragraph.

    Returns:
        The top-level quotations in text order; quotations with no words are dropped.
    """
    stack: list[tuple[str, int, int]] = []  # (family, position, width of the mark)
    found: list[Quotation] = []
    i = -1
    while i + 1 < len(text):
        i += 1
        if text[i] not in "\"'“”‘’„«»":
            continue
        width = _mark_width(text, i, stack)
        role = _classify(text, i, stack, width)
        if role is None:
            continue
        family, kind = role
        i += width - 1
        if kind == "open":
            stack.append((family, i - width + 1, width))
            continue
        depth = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0] == family), None)
        if depth is None:
            continue  # a stray closing mark
        _family, open_at, open_width = stack[depth]
        del stack[depth:]
        if depth == 0:
            quotation = _trimmed(text, open_at, i - width + 1, family, (open_width, width))
            if quotation is not None:
                found.append(quotation)
    if stack:
        family, open_at, open_width = stack[0]
        quotation = _trimmed(text, open_at, None, family, (open_width, 1))
        if quotation is not None:
            found.append(quotation)
    return tuple(found)


def _mark_width(text: str, i: int, stack: list[tuple[str, int, int]]) -> int:
    """2 when the ``''`` at ``i`` is one double mark; 1 otherwise.

    In ``'''`` with a single quotation open, the first apostrophe closes it and the
    other two make the double mark.
    """
    if text[i : i + 2] != "''":
        return 1
    if text[i : i + 3] == "'''" and any(entry[0] == "single" for entry in stack):
        return 1
    return 2


def _trimmed(
    text: str, open_at: int, close: int | None, family: str, widths: tuple[int, int] = (1, 1)
) -> Quotation | None:
    start, end = open_at + widths[0], len(text) if close is None else close
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if not _WORDS.search(text[start:end]):
        return None
    return Quotation(start, end, open_at, close, family, widths[1])


def _opens_with_quote(text: str) -> bool:
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in "\"'“‘„«"


# --------------------------------------------------------------------------------------
# 2. Quotes and speakers


@dataclass
class _Paragraph:
    offset: int
    doc: Doc
    quotations: tuple[Quotation, ...]
    entity_of: dict[int, SpacySpan]
    heading: bool
    persons: list[SpacySpan] = field(default_factory=list)  # PERSON ents, NER gaps filled
    text: str = ""  # doc.text, kept: Doc.text re-joins every token on each call

    def __post_init__(self) -> None:
        if not self.text:
            self.text = self.doc.text

    def inside_quote(self, char: int) -> bool:
        return bool(self.quotations) and any(
            q.open <= char < q.region_end for q in self.quotations
        )

    def outside_text(self) -> str:
        text, pieces, last = self.text, [], 0
        for q in self.quotations:
            pieces.append(text[last : q.open])
            last = q.region_end
        pieces.append(text[last:])
        return "".join(pieces)


@dataclass
class _Attribution:
    speaker: Speaker
    cue: Span | None = None
    governed: bool = False  # a speech verb governs the quotation in the parse


@dataclass
class _Context:
    article: Article
    paragraphs: list[_Paragraph]
    people: PersonIndex
    roles: tuple[RoleStatement, ...]
    role_people: dict[str, list[RoleStatement]] = field(default_factory=dict)
    gender: dict[str, str] = field(default_factory=dict)  # full name -> "he" / "she"


def _is_heading(doc: Doc, text: str) -> bool:
    # a crosshead or standfirst: one short line without closing punctuation
    text = text.strip()
    return (
        len(doc_view(doc).sentences) == 1
        and len(text.split()) <= 14
        and not _TERMINAL.search(text)
    )


def extract_quotes(
    article: Article,
    paragraphs: Sequence[ParsedParagraph],
    *,
    indirect: bool | ReportedSpeech = False,
) -> tuple[Quote, ...]:
    """The quotations of one article, with speakers and speech-verb cues.

    Args:
        article: the article (its ``text`` is what every span indexes).
        paragraphs: its parsed paragraphs (``Annotation.docs[article.id]``).
        indirect: also return reported speech (``Quote(direct=False)``, found by
            :mod:`newsprism.attribution`): ``True`` for all of it
            (:data:`ALL_REPORTED`), or a :class:`ReportedSpeech` policy such as
            :data:`LEDGER_REPORTED`; off by default, direct quotations only.

    Returns:
        Quotes in text order. ``Quote.text`` always equals the article text at
        ``Quote.span``; ``Speaker(None)`` where the article does not name the speaker.
    """
    ctx = _context(article, paragraphs)
    quotes: list[Quote] = []
    # attribution of the last quote of each paragraph, for run-on and follow-on quotes
    last_in_paragraph: dict[int, _Attribution] = {}
    pending_forward: list[tuple[int, int]] = []  # (index in quotes, paragraph) unattributed
    for p_index, para in enumerate(ctx.paragraphs):
        earlier: list[_Attribution] = []
        for q_index, quotation in enumerate(para.quotations):
            runs_on = quotation.close is None
            if runs_on and not (
                p_index + 1 < len(ctx.paragraphs)
                and _opens_with_quote(ctx.paragraphs[p_index + 1].text)
            ):
                logger.debug("unclosed quotation dropped in %s at %d", article.id, para.offset)
                continue
            attribution = _attribute(ctx, p_index, quotation)
            inherited = False
            if attribution is None and earlier and not para.heading:
                attribution, inherited = earlier[-1], True
            if (
                attribution is None
                and q_index == 0
                and not para.heading
                and p_index - 1 in last_in_paragraph
            ) and _continues(ctx, p_index, quotation):
                attribution, inherited = last_in_paragraph[p_index - 1], True
            if attribution is None:
                attribution = _colon_lead_in(ctx, p_index, quotation)
            words = len(_WORDS.findall(para.text[quotation.start : quotation.end]))
            # a short quotation needs its own speech verb: one that governs it in the
            # parse, or one beside it in its sentence with a named speaker (the parser
            # sometimes detaches "... telling agencies the meeting had been "difficult."")
            attributed = (
                attribution is not None
                and not inherited
                and (attribution.governed or attribution.speaker.name is not None)
            )
            if words <= SCARE_QUOTE_MAX_WORDS and not attributed:
                continue
            if para.heading and attribution is None:
                continue  # a crosshead quoting the body ("'Time to call Putin's bluff'")
            start, end = para.offset + quotation.start, para.offset + quotation.end
            span = Span(article.id, start, end)
            if attribution is None:
                pending_forward.append((len(quotes), p_index))
                attribution = _Attribution(Speaker(None))
            quotes.append(
                Quote(
                    span=span,
                    text=article.text[start:end],
                    speaker=attribution.speaker,
                    direct=True,
                    cue=attribution.cue,
                )
            )
            if attribution.cue is not None:
                earlier.append(attribution)
                last_in_paragraph[p_index] = attribution
    _attribute_forward(quotes, pending_forward, ctx)
    if indirect is not False:
        policy = indirect if isinstance(indirect, ReportedSpeech) else ALL_REPORTED
        reported, quotes = _reported_speech(ctx, quotes, policy)
        quotes.extend(reported)
        quotes.sort(key=lambda q: (q.span.start, q.span.end))
    logger.debug("%s: %d quotes", article.id, len(quotes))
    return tuple(quotes)


def _attribute_forward(quotes: list[Quote], pending: list[tuple[int, int]], ctx: _Context) -> None:
    """A run-on quote attributed only in a later paragraph takes that attribution."""
    for index, p_index in reversed(pending):
        quote = quotes[index]
        if quote.cue is not None or index + 1 >= len(quotes):
            continue
        para = ctx.paragraphs[p_index]
        runs_on = any(
            q.close is None and para.offset + q.start == quote.span.start for q in para.quotations
        )
        nxt = quotes[index + 1]
        next_para = ctx.paragraphs[p_index + 1] if p_index + 1 < len(ctx.paragraphs) else None
        if (
            runs_on
            and next_para is not None
            and next_para.offset <= nxt.span.start < (next_para.offset + len(next_para.text))
        ):
            quotes[index] = Quote(quote.span, quote.text, nxt.speaker, quote.direct, nxt.cue)


def _context(article: Article, paragraphs: Sequence[ParsedParagraph]) -> _Context:
    people = PersonIndex()
    parsed: list[_Paragraph] = []
    for para in paragraphs:
        doc = para.doc
        text = doc.text
        persons = person_ents(doc)
        parsed.append(
            _Paragraph(
                para.offset,
                doc,
                scan_quotations(text),
                entity_overrides(doc, persons),
                _is_heading(doc, text),
                persons,
                text,
            )
        )
        for ent in persons:
            start, end = person_name_tokens(ent)
            people.add(doc[start:end].text)
    for parsed_para in parsed:
        _add_surname_mentions(parsed_para, people)
    roles = find_roles(article.id, paragraphs)
    ctx = _Context(article, parsed, people, roles, gender=_genders(parsed, people))
    for statement in roles:
        ctx.role_people.setdefault(people.canonical(statement.name), []).append(statement)
    return ctx


#: Labels a lone surname may wrongly carry ("Wilcox said" tagged ORG or nothing).
_SURNAME_LABELS = frozenset({"", "ORG", "NORP", "GPE", "PERSON"})


def _add_surname_mentions(para: _Paragraph, people: PersonIndex) -> None:
    """Count a lone surname of a person the article names in full as that person.

    NER misses many second mentions ("Wilcox said", "Beruff, a Scott ally,"): a
    capitalised proper noun that is the last word of exactly one full name of the
    article, outside any longer non-person entity ("the Clinton Foundation"), becomes a
    PERSON mention, so that speakers and pronouns can resolve to it.
    """
    from spacy.tokens import Span as SpacySpan

    surnames: dict[str, set[str]] = {}
    for full in people.full_names:
        words = name_words(full)
        if words:
            surnames.setdefault(words[-1], set()).add(full)
    taken = {t.i for ent in para.persons for t in ent}
    added = []
    view = doc_view(para.doc)
    pos, words = view.pos, view.text
    for i in range(view.n):
        if (
            i in taken
            or pos[i] != "PROPN"
            or not words[i][:1].isupper()
            or len(surnames.get(view.lower[i], ())) != 1
            or view.ent[i] not in _SURNAME_LABELS
        ):
            continue
        ent = para.entity_of.get(i)
        if ent is not None and len(ent) > 1 and ent.label_ != "PERSON":
            continue  # part of "the Clinton Foundation"
        if i + 1 < view.n and pos[i + 1] == "PROPN" and words[i + 1][:1].isupper():
            continue  # part of a longer name NER did not tag
        span = SpacySpan(para.doc, i, i + 1, label="PERSON")
        added.append(span)
        para.entity_of[i] = span
    if added:
        para.persons = sorted([*para.persons, *added], key=lambda e: e.start)


_HONORIFIC_GENDER = {"mr": "he", "mrs": "she", "ms": "she", "miss": "she"}


def _genders(paragraphs: Sequence[_Paragraph], people: PersonIndex) -> dict[str, str]:
    """Full name -> "he"/"she" where the article writes "Mr."/"Ms." before the surname."""
    seen: dict[str, set[str]] = {}
    for para in paragraphs:
        view = doc_view(para.doc)
        for i in range(view.n - 1):
            pronoun = _HONORIFIC_GENDER.get(view.lower[i].rstrip("."))
            word = view.text[i + 1]
            if pronoun and view.pos[i + 1] == "PROPN" and word[:1].isupper():
                seen.setdefault(people.canonical(word), set()).add(pronoun)
    return {name: next(iter(found)) for name, found in seen.items() if len(found) == 1}


def _continues(ctx: _Context, p_index: int, quotation: Quotation) -> bool:
    """Whether a paragraph's first quotation continues the previous paragraph's speaker.

    Either the previous paragraph's quotation ran on (no closing mark), or this
    paragraph is nothing but a quotation (``"I have a rather pessimistic forecast."``).
    """
    previous = ctx.paragraphs[p_index - 1]
    if previous.quotations and previous.quotations[-1].close is None:
        return True
    para = ctx.paragraphs[p_index]
    return not _WORDS.search(para.outside_text())


def _colon_lead_in(ctx: _Context, p_index: int, quotation: Quotation) -> _Attribution | None:
    """The previous paragraph introduces this quote.

    Either it ends with ``Sherman told reporters:``, or this paragraph is nothing but a
    quotation and the previous one ends with reported speech by one named person and
    quotes nothing itself (``Dr Marcus Feld ... said the team had been surprised.`` and
    then a quote of several paragraphs with no attribution of its own), which news
    writing reads as that person's words. Two different named speakers in that sentence
    make it ambiguous: no speaker.
    """
    para = ctx.paragraphs[p_index]
    if p_index == 0 or _WORDS.search(para.text[: quotation.open]):
        return None
    previous = ctx.paragraphs[p_index - 1]
    if previous.heading:
        return None
    last_sentence = doc_view(previous.doc).sentences[-1]
    cues = [t for t in last_sentence if _is_cue(t, previous)]
    if not cues:
        return None
    if previous.text.rstrip().endswith(":"):
        return _best_of(ctx, p_index - 1, cues[::-1], governed=True)
    if previous.quotations or _WORDS.search(para.outside_text()):
        return None
    named: dict[str, _Attribution] = {}
    for cue in cues:
        for subject in _subjects(cue, previous):
            if subject.pos_ != "PROPN":
                continue  # "she said ..." / "officials said ...": not a named lead-in
            speaker = _resolve(ctx, p_index - 1, subject)
            if speaker is not None and speaker.name is not None:
                named.setdefault(
                    speaker.name, _Attribution(speaker, _token_span(ctx, previous, cue))
                )
                break
    if len(named) != 1:
        return None
    return next(iter(named.values()))


# --------------------------------------------------------------------------------------
# 2b. Reported (indirect) speech

_EDGE_PUNCT = " \t\n,;:.!?—–-\"'“”‘’()[]"
#: Words a reported clause needs outside its own partial quotation to stand beside it.
_MIN_FRAME_WORDS = 1


_OPEN_MARKS = "“‘\"'"
_CLOSE_MARKS = "”’\"'"


def _trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim spaces and punctuation at the edges, quotation marks only when they pair.

    ``“not hopeless”`` loses both marks; ``“ironclad ... guarantees” that Ukraine ...``
    keeps its opening mark, so that the span never shows a quotation half-open.
    """
    edges = _EDGE_PUNCT.translate({ord(c): None for c in _OPEN_MARKS + _CLOSE_MARKS})
    while True:
        while start < end and text[start] in edges:
            start += 1
        while end > start and text[end - 1] in edges:
            end -= 1
        inner = text[start + 1 : end - 1]
        if (
            end - start >= 2
            and text[start] in _OPEN_MARKS
            and text[end - 1] in _CLOSE_MARKS
            and not any(c in _OPEN_MARKS + _CLOSE_MARKS for c in inner if c not in "'’")
        ):
            start, end = start + 1, end - 1  # the whole span is one quotation
            continue
        if start < end and text[start] in _OPEN_MARKS and not _closes(text, start, end):
            start += 1  # a stray opening mark whose quotation ends outside the span
            continue
        if start < end and text[end - 1] in _CLOSE_MARKS and not _opens(text, start, end):
            end -= 1
            continue
        return start, end


def _closes(text: str, start: int, end: int) -> bool:
    """Whether the quotation opened at ``start`` closes inside ``text[start:end]``."""
    return any(c in '”"' for c in text[start + 1 : end]) or (
        text[start] in "‘'" and any(c in "’'" for c in text[start + 1 : end])
    )


def _opens(text: str, start: int, end: int) -> bool:
    """Whether the quotation closed at ``end - 1`` opens inside ``text[start:end]``."""
    return any(c in '“"' for c in text[start : end - 1]) or (
        text[end - 1] in "’'" and any(c in "‘'" for c in text[start : end - 1])
    )


@dataclass(frozen=True, slots=True)
class ReportedSpeech:
    """Which reported speech :func:`extract_quotes` returns.

    Attributions are found and settled against each other the same way for every
    policy; the policy then keeps those whose cue the model is sure of, whose cue is a
    verb of saying (:data:`SPEECH_VERBS`, or "according to"), and whose content is long
    enough. :data:`ALL_REPORTED` keeps everything (what ``eval quotes`` scores);
    :data:`LEDGER_REPORTED` keeps what the brief's quote ledger shows.
    """

    min_cue_probability: float = 0.0
    min_score: float = 0.0  # the attribution's score (accept probability; see attribution)
    speech_cues_only: bool = False
    min_words: int = 1
    frames: bool = True  # the reported clause around a partial quotation, beside it


ALL_REPORTED = ReportedSpeech()
#: Reported speech shown in the ledger: statements ("said", "told", "warned",
#: "according to") the cue model is sure of, that the accept model is fairly sure of as
#: a whole (0.6: the ledger's precision on a held-out fifth of PolNeAR train stays
#: above 0.9), with a content of a few words at least.
LEDGER_REPORTED = ReportedSpeech(
    min_cue_probability=0.8, min_score=0.6, speech_cues_only=True, min_words=4, frames=False
)


@dataclass(frozen=True)
class _Found:
    p_index: int
    cue: Token
    spans: tuple[tuple[int, int], ...]  # article offsets, trimmed
    score: float
    cue_probability: float
    frame: bool = False  # around a partial quotation of the same cue


def _keep(item: _Found, text: str, policy: ReportedSpeech) -> bool:
    if item.cue_probability < policy.min_cue_probability or (item.frame and not policy.frames):
        return False
    if item.score < policy.min_score:
        return False
    if policy.speech_cues_only and not (
        item.cue.lower_ == "according" or item.cue.lemma_.lower() in SPEECH_VERBS
    ):
        return False
    words = sum(len(_WORDS.findall(text[s:e])) for s, e in item.spans)
    return words >= policy.min_words


def _cue_span(ctx: _Context, para: _Paragraph, cue: Token) -> Span:
    """The cue's span: the verb, or the whole of "according to"."""
    span = _token_span(ctx, para, cue)
    nxt = cue.doc[cue.i + 1] if cue.i + 1 < len(cue.doc) else None
    if cue.lower_ == "according" and nxt is not None and nxt.lower_ == "to":
        return Span(span.article_id, span.start, para.offset + nxt.idx + len(nxt.text))
    return span


def _reported_speech(
    ctx: _Context, direct: Sequence[Quote], policy: ReportedSpeech = ALL_REPORTED
) -> tuple[list[Quote], list[Quote]]:
    """Reported speech of every paragraph, found by :mod:`newsprism.attribution`.

    Each attribution the cue model finds (outside quotation marks) gets the content
    its content model chooses, trimmed of punctuation and quotation marks at the edges.
    Like PolNeAR, every word belongs to at most one attribution: attributions are taken
    best score first, and one whose cue lies in an earlier content, or whose content
    lies mostly within one already taken, is dropped. A reported clause that holds a
    partial quotation of the same cue (``said the probe is “ongoing.”``) is kept beside
    that quotation, with the same cue. A reported clause that holds a quotation given
    to another cue, or to none (``Comey said her handling was “extremely careless”``
    when the parse tied the quotation elsewhere), takes it in: the quotation is part of
    what the clause reports, so it is re-attributed to the clause's cue and speaker.

    Returns:
        ``(reported quotes, direct quotes)``: the direct quotes as given, except those
        a reported clause took in, re-attributed.
    """
    from newsprism import attribution

    model = attribution.load_model()
    text = ctx.article.text
    direct_cues: dict[tuple[int, int], list[Quote]] = {}
    for quote in direct:
        if quote.cue is not None:
            direct_cues.setdefault((quote.cue.start, quote.cue.end), []).append(quote)
    found = _partial_quote_frames(ctx, direct_cues, model)
    for p_index, para in enumerate(ctx.paragraphs):
        view = doc_view(para.doc)
        tokens = [t for t, idx in zip(view.tokens, view.idx) if not para.inside_quote(idx)]
        for reported in attribution.find_reported(model, tokens):
            spans = _char_spans(ctx, para, reported.pieces)
            if spans:
                cue_token = para.doc[reported.cue]
                found.append(
                    _Found(p_index, cue_token, spans, reported.score, reported.cue_probability)
                )
    found.sort(key=lambda f: -f.score)
    taken = [(q.span.start, q.span.end) for q in direct]
    out: list[Quote] = []
    regrouped: dict[int, Quote] = {}
    done: set[tuple[int, int]] = set()
    for item in found:
        para = ctx.paragraphs[item.p_index]
        cue = _cue_span(ctx, para, item.cue)
        if (cue.start, cue.end) in done or any(s <= cue.start < e for s, e in taken):
            continue
        done.add((cue.start, cue.end))
        verb = _token_span(ctx, para, item.cue)
        own = direct_cues.get((verb.start, verb.end), [])
        if own and not (
            all(_within(item.spans, q, text) for q in own)
            and _words_outside(text, item.spans, own) >= _MIN_FRAME_WORDS
        ):
            continue  # the cue of a direct quote, its content not a clause around it
        own_spans = {(q.span.start, q.span.end) for q in own}
        inner = _taken_in(item, direct, own, text)
        inner_spans = {(q.span.start, q.span.end) for q in inner}
        others = [span for span in taken if span not in own_spans and span not in inner_spans]
        if any(_shared(span, others) > 0 for span in item.spans):
            continue  # every word belongs to one attribution at most
        speaker = _reported_speaker(ctx, item.p_index, item.cue)
        keep = _keep(item, text, policy)
        if keep:
            for q in inner:
                regrouped[id(q)] = Quote(q.span, q.text, speaker, True, cue)
        for start, end in item.spans:
            taken.append((start, end))
            if keep:
                quote = Quote(
                    Span(ctx.article.id, start, end), text[start:end], speaker, False, cue
                )
                out.append(quote)
    return out, [regrouped.get(id(q), q) for q in direct]


#: Words a reported clause needs outside the quotations it takes in from other cues.
_MIN_TAKEN_IN_FRAME_WORDS = 2


def _taken_in(
    item: _Found, direct: Sequence[Quote], own: Sequence[Quote], text: str
) -> list[Quote]:
    """The direct quotes of other cues (or none) that lie wholly inside a reported clause.

    Empty unless the clause has words of its own besides them (a clause that is only
    the quotation adds nothing to it).
    """
    mine = {id(q) for q in own}
    inside = [
        q
        for q in direct
        if id(q) not in mine
        and _within(item.spans, q, text)
    ]
    if inside and _words_outside(text, item.spans, inside) < _MIN_TAKEN_IN_FRAME_WORDS:
        return []
    return inside


def _char_spans(
    ctx: _Context, para: _Paragraph, pieces: Iterable[tuple[int, int]]
) -> tuple[tuple[int, int], ...]:
    """Article character spans of token ranges, trimmed of edge punctuation and marks."""
    text = ctx.article.text
    view = doc_view(para.doc)
    is_punct, dep = view.is_punct, view.dep
    spans = []
    for first, last in pieces:
        while first < last and (is_punct[first] or dep[first] == "cc"):
            first += 1
        while last > first and (is_punct[last] or dep[last] == "cc"):
            last -= 1
        start, end = _trimmed_span(
            text, para.offset + view.idx[first], para.offset + view.idx[last] + len(view.text[last])
        )
        if end > start:
            spans.append(_balanced(text, start, end))
    return tuple(spans)


#: How far (in characters) a span may grow to take in the other mark of a quotation.
_MARK_REACH = 3


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the opening (or closing) mark of a quotation the span cuts in half.

    ``insisting on “ironclad ... guarantees” that Ukraine ...``: the parse puts the
    opening mark outside the content; reading ``ironclad ... guarantees” that ...``
    would show a quotation closed but never opened. Straight marks (``"`` and NYT's
    ``''``) pair up the same way: ``that it was not done "willy-nilly`` takes in ``."``.
    """
    span = text[start:end]
    if span.count("“") != span.count("”"):
        opening, closing = "“", "”"
        wants_open = span.count("”") > span.count("“")
    else:
        # a straight mark ('"', or the two apostrophes of NYT text) left unpaired: it
        # opens when a space (or nothing) comes before it
        for mark in ('"', "''"):
            if span.count(mark) % 2:
                last = start + span.rindex(mark)
                opens = last == 0 or text[last - 1].isspace() or text[last - 1] in "([{—–-"
                opening = closing = mark
                wants_open = not opens
                break
        else:
            return start, end
    reach = _MARK_REACH + len(opening) - 1
    if wants_open:
        before = text.rfind(opening, max(0, start - reach), start)
        if before >= 0 and not text[before + len(opening) : start].strip():
            start = before
    else:
        after = text.find(closing, end, end + reach)
        if after >= 0 and not text[end:after].strip(" .,;:!?"):
            end = after + len(closing)
    return start, end


def _partial_quote_frames(
    ctx: _Context, direct_cues: Mapping[tuple[int, int], Sequence[Quote]], model: AttributionModel
) -> list[_Found]:
    """The reported clause around each partial quotation, as attributions of its cue.

    ``Carson noted that one of them had “even died” while volunteering``: the speech verb
    is certain (it governs a quotation), and what it reports is the clause that holds
    the quoted words. Among the verb's content candidates, those that contain all its
    quotations and at least one word besides are scored by the content model; the best
    is taken, ranked above everything the cue model finds.
    """
    from newsprism.attribution import content_candidates_at, content_features_at

    out: list[_Found] = []
    for (start, _end), quotes in direct_cues.items():
        located = _token_at(ctx, start)
        if located is None:
            continue
        p_index, cue = located
        para = ctx.paragraphs[p_index]
        view = doc_view(para.doc)
        candidates = content_candidates_at(view, cue.i)
        names = list(candidates)
        best: tuple[float, tuple[tuple[int, int], ...]] | None = None
        for name, pieces in candidates.items():
            ranges = [(piece[0], piece[-1]) for piece in pieces]
            spans = _char_spans(ctx, para, ranges)
            holds = all(
                _within(spans, q, ctx.article.text) for q in quotes
            )
            if not holds or _words_outside(ctx.article.text, spans, quotes) < _MIN_FRAME_WORDS:
                continue
            probability = model.content.probability(
                content_features_at(view, cue.i, name, pieces, names)
            )
            if best is None or probability > best[0]:
                best = (probability, spans)
        if best is not None:
            out.append(_Found(p_index, cue, best[1], 1.0 + best[0], 1.0, frame=True))
    return out


def _token_at(ctx: _Context, start: int) -> tuple[int, Token] | None:
    """The paragraph index and token that start at an article offset."""
    for p_index, para in enumerate(ctx.paragraphs):
        last = para.doc[-1] if len(para.doc) else None  # not len(doc.text): it re-joins tokens
        length = last.idx + len(last.text_with_ws) if last is not None else 0
        if para.offset <= start < para.offset + length:
            view = doc_view(para.doc)
            for i, idx in enumerate(view.idx):
                if para.offset + idx == start:
                    return p_index, view.tokens[i]
            return None
    return None


def _within(spans: Sequence[tuple[int, int]], quote: Quote, text: str) -> bool:
    """Whether a quotation's words lie within one of the spans.

    A quotation's span runs to its closing mark and so takes in the punctuation before
    it (``"willy-nilly."``), which a reported clause's span, trimmed of edge
    punctuation, leaves out: the two are compared without the punctuation at the edges.
    """
    start, end = quote.span.start, quote.span.end
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    return any(s <= start and end <= e for s, e in spans)


def _words_outside(text: str, spans: Sequence[tuple[int, int]], quotes: Sequence[Quote]) -> int:
    """Words of the content spans that lie outside the given quotations (and their marks)."""
    count = 0
    for start, end in spans:
        for match in _WORDS.finditer(text, start, end):
            if not any(q.span.start - 2 <= match.start() < q.span.end + 2 for q in quotes):
                count += 1
    return count


def _shared(span: tuple[int, int], others: Sequence[tuple[int, int]]) -> int:
    """Characters of ``span`` that lie within any of ``others``."""
    start, end = span
    return sum(max(0, min(end, e) - max(start, s)) for s, e in others)


def _reported_speaker(ctx: _Context, p_index: int, cue: Token) -> Speaker:
    """Who a reported content is attributed to.

    "according to X": X. A noun cue ("Trump's claim", "criticism from Clinton", "a
    statement by the ministry"): its possessor or the object of "by"/"from", else the
    subject of the verb it is the object of ("Clinton issued a statement"). A verb: its
    subject, as for direct quotes (:func:`_best_of`).
    """
    source = _source_token(cue)
    if source is not None:
        return _resolve(ctx, p_index, source) or _unnamed(ctx, ctx.paragraphs[p_index], source)
    if cue.pos_ == "NOUN" and cue.dep_ in {"dobj", "nsubjpass"} and cue.head.pos_ == "VERB":
        cue = cue.head
    return _best_of(ctx, p_index, [cue], governed=True).speaker


def _source_token(cue: Token) -> Token | None:
    """The source named inside the cue phrase, when the cue is not a verb with a subject."""
    if cue.lower_ == "according":
        for prep in cue.children:
            if prep.dep_ == "prep":
                objects = [c for c in prep.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        return None
    if cue.pos_ in {"NOUN", "PROPN"}:
        for child in cue.children:
            if child.dep_ == "poss":
                return child
        for child in cue.children:
            if child.dep_ in {"prep", "agent"} and child.lower_ in {"by", "from"}:
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
    return None


def _is_cue(token: Token, para: _Paragraph, quotation: Quotation | None = None) -> bool:
    """A speech verb outside quotations (and on the quotation's line, when given).

    Lines within a paragraph are separate units (lists of headlines, captions): a verb
    on another line does not attribute the quotation.
    """
    if not (
        token.pos_ in {"VERB", "AUX"}
        and token.lemma_.lower() in SPEECH_VERBS
        and not para.inside_quote(token.idx)
    ):
        return False
    if quotation is None:
        return True
    lo, hi = sorted((token.idx, quotation.start))
    return "\n" not in para.text[lo:hi]


def _attribute(ctx: _Context, p_index: int, quotation: Quotation) -> _Attribution | None:
    """The speech verb that governs the quotation, else one beside it in its sentence."""
    para = ctx.paragraphs[p_index]
    doc = para.doc
    view = doc_view(doc)
    inside = [
        view.tokens[i] for i, idx in enumerate(view.idx) if quotation.start <= idx < quotation.end
    ]
    if not inside:
        return None
    inside_ids = {t.i for t in inside}
    # 1. walk up the parse from the quotation to the speech verbs that govern it
    chain: list[Token] = []
    for token in inside:
        if token.head.i in inside_ids and token.head.i != token.i:
            continue
        node = token.head
        steps = 0
        while steps < 12:
            if node.i not in inside_ids and _is_cue(node, para, quotation) and node not in chain:
                chain.append(node)
            if node.head.i == node.i:
                break
            node, steps = node.head, steps + 1
        if chain:
            break
    if chain:
        return _best_of(ctx, p_index, chain, governed=True)
    # 2. a speech verb outside any quotation in the sentence(s) the quotation touches
    sentences = [
        s
        for s in view.sentences
        if s.start_char < quotation.region_end and s.end_char > quotation.open
    ]
    cues = [t for s in sentences for t in s if _is_cue(t, para, quotation)]
    if not cues:
        return None
    cues.sort(key=lambda t: min(abs(t.idx - quotation.open), abs(t.idx - quotation.region_end)))
    return _best_of(ctx, p_index, cues, governed=False)


def _best_of(ctx: _Context, p_index: int, cues: Sequence[Token], *, governed: bool) -> _Attribution:
    """The first cue whose subject names a speaker; else the first cue, speaker unnamed.

    ``Stoltenberg said the alliance would be warning Russia of the "severe costs"``: the
    lowest cue ("warning") has an unnamed subject, so the one above it ("said") speaks.
    """
    para = ctx.paragraphs[p_index]
    unnamed: Speaker | None = None
    for cue in cues:
        subjects = _subjects(cue, para)
        for subject in subjects:
            speaker = _resolve(ctx, p_index, subject)
            if speaker is not None:
                return _Attribution(speaker, _token_span(ctx, para, cue), governed)
        # only when the parse found no subject at all: "a spokesman for Clinton said"
        # has one (unnamed), and Clinton did not say it
        ent = _adjacent_name(para, cue) if not subjects else None
        if ent is not None:
            speaker = _speaker_from_entity(ctx, para, ent)
            return _Attribution(speaker, _token_span(ctx, para, cue), governed)
        if subjects and unnamed is None:
            unnamed = _unnamed(ctx, para, subjects[0])
    return _Attribution(unnamed or Speaker(None), _token_span(ctx, para, cues[0]), governed)


def _unnamed(ctx: _Context, para: _Paragraph, subject: Token) -> Speaker:
    """A source the article describes without naming ("officials", "one Democrat", "they").

    The name stays ``None`` (nothing is guessed); the span points at the words that
    describe the source, from the first word of its noun phrase to its head.
    """
    start = para.offset + subject.left_edge.idx
    end = para.offset + subject.idx + len(subject.text)
    if subject.left_edge.i > subject.i or para.inside_quote(subject.left_edge.idx):
        start = para.offset + subject.idx
    return Speaker(None, None, Span(ctx.article.id, start, end))


#: Tokens allowed between a name and its speech verb when the parse misses the link
#: ("Flynn, a top Trump surrogate, said"; "said Chuck Jordan").
_ADJACENT_WINDOW = 8


def _adjacent_name(para: _Paragraph, cue: Token) -> SpacySpan | None:
    """A PERSON named right before (or right after) a speech verb, with no verb between.

    The fallback for parses that detach the subject, as in ``"...,” Tulsa police Chief
    Chuck Jordan said``; names in quotations and across quotation marks do not count.
    """
    doc = cue.doc

    def clear(tokens: Iterable[Token]) -> bool:
        return not any(
            t.pos_ in {"VERB", "AUX"} or t.text in _MARK_TOKENS or "\n" in t.text for t in tokens
        )

    before = [
        e
        for e in para.persons
        if e.end <= cue.i
        and cue.i - e.end <= _ADJACENT_WINDOW
        and not para.inside_quote(e.start_char)
        and clear(doc[e.end : cue.i])
    ]
    if before:
        return before[-1]
    after = [
        e
        for e in para.persons
        if e.start > cue.i
        and e.start - cue.i <= 2
        and not para.inside_quote(e.start_char)
        and clear(doc[cue.i + 1 : e.start])
    ]
    return after[0] if after else None


def _token_span(ctx: _Context, para: _Paragraph, token: Token) -> Span:
    start = para.offset + token.idx
    return Span(ctx.article.id, start, start + len(token.text))


def _subjects(verb: Token, para: _Paragraph, depth: int = 0) -> list[Token]:
    """Who performs a speech verb, best candidate first.

    The nominal subject outside any quotation (names before common nouns: the parser
    sometimes gives "29-year-old soldier Mykhailo said" two subjects); the "by" agent of
    a passive ("branded ... by the government"); for a participle ("..., adding"), the
    subject of the clause it modifies.
    """
    found = [c for c in verb.children if c.dep_ == "nsubj" and not para.inside_quote(c.idx)]
    for child in verb.children:
        if child.dep_ == "agent":
            found.extend(g for g in child.children if g.dep_ == "pobj")
    if found:
        return sorted(found, key=lambda t: (t.i not in para.entity_of, abs(t.i - verb.i)))
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return []  # passive without agent: "what has been described as ..."
    if depth < 3 and verb.dep_ in {"advcl", "xcomp", "conj", "pcomp"} and verb.head.i != verb.i:
        return _subjects(verb.head, para, depth + 1)
    if verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN"}:
        return [verb.head]  # "RIA Novosti quoted Ryabkov saying ..."
    return []


def _resolve(ctx: _Context, p_index: int, token: Token, depth: int = 0) -> Speaker | None:
    """Name the speaker a subject token refers to, or None when the article does not."""
    para = ctx.paragraphs[p_index]
    ent = para.entity_of.get(token.i)
    if ent is not None and any(t.pos_ == "PROPN" for t in ent):
        # (an "entity" of common nouns only, "Commuters" tagged ORG, names nobody)
        return _speaker_from_entity(ctx, para, ent) if ent.label_ in _SPEAKER_LABELS else None
    if token.tag_ in {"WP", "WDT"} and token.head.dep_ == "relcl" and depth < 2:
        # "Cruz, who has opposed ground troops": the noun the relative clause modifies
        return _resolve(ctx, p_index, token.head.head, depth + 1)
    if token.pos_ == "PRON":
        return _antecedent(ctx, p_index, token) if token.lower_ in _PERSON_PRONOUNS else None
    if token.pos_ == "PROPN" and token.text[:1].isupper():
        # a name NER missed: the proper-noun phrase itself
        left = min(
            [token.i, *[c.i for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]]
        )
        name_tokens = para.doc[left : token.i + 1]
        return _speaker_from_name(ctx, para, name_tokens.start_char, name_tokens.end_char)
    if token.pos_ in {"NOUN", "PROPN"}:
        for child in token.children:
            if child.dep_ == "appos":
                appos_ent = para.entity_of.get(child.i)
                if appos_ent is not None and appos_ent.label_ in _SPEAKER_LABELS:
                    return _speaker_from_entity(ctx, para, appos_ent)
        phrases = [token, *[c for c in token.children if c.dep_ == "appos" and c.pos_ == "NOUN"]]
        for phrase in phrases:
            speaker = _by_role(ctx, phrase)
            if speaker is not None:
                return speaker
    return None


def _speaker_from_entity(ctx: _Context, para: _Paragraph, ent: SpacySpan) -> Speaker:
    bare = split_honorific(ent.text)[1]
    if ent.label_ == "PERSON" or ctx.people.canonical(bare) in ctx.people.full_names:
        # NER sometimes tags a surname ORG ("Stoltenberg said"): a surname of a person
        # the article names in full is that person.
        start, end = person_name_tokens(ent)
        name = para.doc[start:end]
        return _speaker_from_name(ctx, para, name.start_char, name.end_char)
    text = ent.text
    start = ent.start_char
    if text.lower().startswith("the "):
        start, text = start + 4, text[4:]
    return Speaker(
        text, None, Span(ctx.article.id, para.offset + start, para.offset + ent.end_char)
    )


def _speaker_from_name(ctx: _Context, para: _Paragraph, start: int, end: int) -> Speaker:
    text = para.text[start:end]
    _honorific, bare = split_honorific(text)
    start += len(text) - len(bare)
    # NER spans sometimes take in the possessive ("Donald Trump’s campaign vowed")
    possessive = _POSSESSIVE_END.search(bare)
    if possessive and possessive.start() > 0:
        end -= len(bare) - possessive.start()
        bare = bare[: possessive.start()]
    canonical = ctx.people.canonical(bare)
    span = Span(ctx.article.id, para.offset + start, para.offset + end)
    return Speaker(canonical, _role_of(ctx, canonical, span), span)


def _role_of(ctx: _Context, name: str, span: Span) -> str | None:
    """The role stated at this mention of the person, else the first one the article states."""
    statements = ctx.role_people.get(name, [])
    for statement in statements:
        if statement.name_span.start <= span.start < statement.name_span.end:
            return statement.role
    return statements[0].role if statements else None


def _by_role(ctx: _Context, token: Token) -> Speaker | None:
    """``the deputy foreign minister`` -> the one person the article gives that role."""
    drop = {
        t.i
        for c in token.children
        if c.dep_ in {"appos", "relcl", "acl", "punct", "conj", "cc"}
        for t in c.subtree
    }
    if any(c.dep_ == "det" and c.lower_ in _INDEFINITE for c in token.children):
        return None  # "a Carrier executive", "one aide": somebody, not the one named
    phrase = " ".join(t.text for t in token.subtree if t.i not in drop)
    words = role_words(phrase)
    head = token.lower_
    if not words or head not in words:
        return None
    matches = {
        name
        for name, statements in ctx.role_people.items()
        if any(words <= role_words(s.role) and _role_head(s.role) == head for s in statements)
    }
    if len(matches) != 1:
        return None
    name = matches.pop()
    first = ctx.role_people[name][0]
    return Speaker(name, _role_of(ctx, name, first.name_span), first.name_span)


#: Determiners of a description that does not pick out one known person.
_INDEFINITE = frozenset({"a", "an", "one", "another", "some", "any", "each", "every"})


def _role_head(role: str) -> str:
    """The head word of a role: its last word ("campaign manager" -> "manager")."""
    words = _WORDS.findall(role.casefold())
    return words[-1] if words else ""


def _is_subject(token: Token) -> bool:
    """A clause subject, or a name in apposition to one ("The former speaker, Dmytro X,")."""
    if token.dep_ == "appos":
        token = token.head
    return token.dep_ in {"nsubj", "nsubjpass"}


#: NER labels of a speech-verb subject that may well be a person NER did not recognise.
_UNCLEAR_LABELS = frozenset({"", "NORP"})


def _unknown_speaker_after(para: _Paragraph, after: SpacySpan | None, before: Token | None) -> bool:
    """Whether an unrecognised name speaks between an antecedent and a pronoun.

    ``Tallis said she would ...`` with "Tallis" not tagged as a person: a later "she
    said" may mean Tallis, so resolving it to a person named earlier would be a guess.
    """
    for token in para.doc:
        if after is not None and token.i < after.end:
            continue
        if before is not None and token.i >= before.i:
            break
        if (
            token.dep_ == "nsubj"
            and token.pos_ == "PROPN"
            and token.text[:1].isupper()
            and token.ent_type_ in _UNCLEAR_LABELS
            and token.i not in {t.i for e in para.persons for t in e}
            and not para.inside_quote(token.idx)
            and token.head.lemma_.lower() in SPEECH_VERBS
        ):
            return True
    return False


def _agrees(ctx: _Context, para: _Paragraph, ent: SpacySpan, pronoun: Token) -> bool:
    """False only when the article's "Mr."/"Ms." says the person is not ``pronoun``."""
    wanted = {"he": "he", "him": "he", "she": "she", "her": "she"}.get(pronoun.lower_)
    if wanted is None:
        return True
    start, end = person_name_tokens(ent)
    name = ctx.people.canonical(split_honorific(para.doc[start:end].text)[1])
    known = ctx.gender.get(name)
    return known is None or known == wanted


def _antecedent(ctx: _Context, p_index: int, pronoun: Token) -> Speaker | None:
    """The person named last before a pronoun, outside quotations and crossheads.

    A person who is the subject of a clause wins over one named in passing ("Sherman
    said on Twitter" -> Sherman, whom the next "she said" refers to, not "Twitter").
    """
    fallback: list[SpacySpan] = []
    fallback_para = ctx.paragraphs[p_index]
    for back in range(p_index, max(-1, p_index - _PRONOUN_WINDOW), -1):
        para = ctx.paragraphs[back]
        if para.heading:
            continue
        candidates = [
            ent
            for ent in para.persons
            if not para.inside_quote(ent.start_char)
            and (back < p_index or ent.end <= pronoun.i)
            and _agrees(ctx, para, ent, pronoun)
        ]
        if candidates:
            subjects = [e for e in candidates if _is_subject(e.root)]
            if not fallback:
                fallback, fallback_para = candidates[-1:], para
            if subjects:
                if _unknown_speaker_after(para, subjects[-1], pronoun if back == p_index else None):
                    return None
                return _speaker_from_entity(ctx, ctx.paragraphs[back], subjects[-1])
        elif _unknown_speaker_after(para, None, pronoun if back == p_index else None):
            return None
    if fallback:
        return _speaker_from_entity(ctx, fallback_para, fallback[0])
    return None


# --------------------------------------------------------------------------------------
# 3. The same utterance across outlets

#: Minimum rapidfuzz token-set similarity (0-100) of two quotes of the same utterance.
GROUP_THRESHOLD = 85.0
#: Minimum similarity of a report and a direct quote of the same utterance (same speaker).
REPORT_THRESHOLD = 70.0
#: Quotes shorter than this many words must match almost verbatim to be grouped.
GROUP_MIN_SUBSET_WORDS = 4
_NORMALISE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": " "})


def _normalise(text: str) -> str:
    return " ".join(_WORDS.findall(text.translate(_NORMALISE).casefold().replace("-", " ")))


def _compatible(a: Speaker, b: Speaker) -> bool:
    """Same speaker, or one of them unnamed; surnames suffice ("Sherman" / "Wendy Sherman")."""
    if a.name is None or b.name is None:
        return True
    (key_a, last_a), (key_b, last_b) = _name_keys(a.name), _name_keys(b.name)
    return key_a == key_b or (last_a is not None and last_a == last_b)


@lru_cache(maxsize=4096)
def _name_keys(name: str) -> tuple[str, str | None]:
    """A speaker name's entity key and last word, once per name: grouping compares the
    speakers of every pair of quotes in a story."""
    words = name_words(name)
    return entity_key(name), (words[-1] if words else None)


def _similar(a: str, b: str, cutoff: float = 0.0) -> float:
    """Similarity (0-100) of two normalised quotes. Below ``cutoff`` the value is only
    known to be below it (rapidfuzz then stops early)."""
    from rapidfuzz import fuzz

    shorter = min(len(a.split()), len(b.split()))
    if shorter < GROUP_MIN_SUBSET_WORDS:
        return float(fuzz.ratio(a, b, score_cutoff=cutoff))
    # token_set_ratio is 100 when one quote is a cut of the other; partial_ratio keeps
    # quotes that merely share many words (but not their order) apart.
    return min(
        float(fuzz.token_set_ratio(a, b, score_cutoff=cutoff)),
        float(fuzz.partial_ratio(a, b, score_cutoff=max(0.0, cutoff - 10.0))) + 10.0,
    )


@dataclass
class _Group:
    members: list[tuple[str, Quote]]  # (outlet, quote)
    normalised: list[str]
    keys: list[QuoteKey]
    first: int


#: A quote by its article id and its index among that article's quotes.
QuoteKey = tuple[str, int]
#: Two quotes, in sorted order (see :func:`quote_pair`).
QuotePair = tuple[QuoteKey, QuoteKey]


def quote_pair(a: QuoteKey, b: QuoteKey) -> QuotePair:
    """The key of a pair of quotes: a match score does not depend on their order."""
    return (a, b) if a <= b else (b, a)


def group_quotes(
    quotes_by_article: Mapping[str, Sequence[Quote]],
    outlets: Mapping[str, str],
    *,
    scores: Mapping[QuotePair, float] | None = None,
) -> tuple[QuoteGroup, ...]:
    """Merge the same utterance quoted by several articles into quote groups.

    Two quotes join when their words match (rapidfuzz token-set and partial ratios at
    least :data:`GROUP_THRESHOLD`; near-verbatim for very short quotes) and their
    speakers are compatible (same name or surname, or one unnamed). A report joins a
    direct quote of the same named speaker at a looser match (:func:`_match_score`).

    Args:
        quotes_by_article: article id -> that article's quotes, in story order.
        outlets: article id -> outlet.
        scores: the match scores made ahead (:func:`quote_match_scores`): every nonzero
            score of two speaker-compatible quotes of the story (absent: 0). ``None``:
            scored here, as the grouping goes.

    Returns:
        Groups ordered by number of outlets (descending), then first appearance. A
        group's ``text`` is its longest direct variant (its longest report when no
        outlet quotes it directly), and ``direct`` says whether any outlet quotes it;
        each variant keeps its own ``direct`` flag and cue, so that the ledger shows
        which outlet quotes what another only reports. Its speaker is the most common
        named speaker among its members.
    """
    groups: list[_Group] = []
    order = 0
    for article_id, quotes in quotes_by_article.items():
        outlet = outlets.get(article_id, article_id)
        for index, quote in enumerate(quotes):
            key = (article_id, index)
            normalised = _normalise(quote.text) if scores is None else ""
            best: tuple[float, _Group] | None = None
            for group in groups:
                if not all(_compatible(quote.speaker, q.speaker) for _, q in group.members):
                    continue
                if scores is None:
                    score = max(
                        (
                            _match_score(quote, member, normalised, other)
                            for (_, member), other in zip(
                                group.members, group.normalised, strict=True
                            )
                        ),
                        default=0.0,
                    )
                else:
                    score = max(scores.get(quote_pair(key, k), 0.0) for k in group.keys)
                if score > 0 and (best is None or score > best[0]):
                    best = (score, group)
            if best is None:
                groups.append(_Group([(outlet, quote)], [normalised], [key], order))
            else:
                best[1].members.append((outlet, quote))
                best[1].normalised.append(normalised)
                best[1].keys.append(key)
            order += 1
    groups.sort(key=lambda g: (-len({o for o, _ in g.members}), g.first))
    return tuple(_to_group(g) for g in groups)


def _match_score(quote: Quote, member: Quote, normalised: str, other: str) -> float:
    """The similarity of two quotes when they may be the same utterance, else 0.

    Two direct quotes must share their words (:data:`GROUP_THRESHOLD`). A report words
    the utterance in the reporter's words ("the US would not allow anyone to ..." /
    "We will not allow anyone to ..."; "the city hoped to reopen ..." / "the city
    expected to reopen ..."): with a report on either side a looser match
    (:data:`REPORT_THRESHOLD`) is enough when both name the speaker (their names are
    compatible, checked by the caller), else the strict one applies.
    """
    if quote.direct and member.direct:
        threshold = GROUP_THRESHOLD
    else:
        named = quote.speaker.name is not None and member.speaker.name is not None
        threshold = REPORT_THRESHOLD if named else GROUP_THRESHOLD
    # At or above its cutoff _similar is exact (rapidfuzz only stops early below it), so
    # one call both decides and scores the match; the texts go in one order whichever
    # quote came first, so that a score is one per pair (see quote_match_scores).
    first, second = sorted((normalised, other))
    score = _similar(first, second, cutoff=threshold)
    return score if score >= threshold else 0.0


def quote_match_scores(
    quotes_by_article: Mapping[str, Sequence[Quote]], pairs: Iterable[tuple[str, str]]
) -> dict[QuotePair, float]:
    """The nonzero match scores of the speaker-compatible quote pairs of some article pairs:
    what :func:`group_quotes` compares, made ahead so that a store keeps them.

    A score depends on the two quotes alone (their words, directness and speaker names),
    so a story that gains an article needs only the new article's pairs scored; the
    scores of the others are those of its last brief (see :func:`match_version`).

    Args:
        quotes_by_article: article id -> its quotes.
        pairs: article id pairs ``(a, b)``; ``(a, a)``: the pairs within article ``a``.
    """
    normalised: dict[str, list[str]] = {}

    def words(article_id: str) -> list[str]:
        if article_id not in normalised:
            normalised[article_id] = [_normalise(q.text) for q in quotes_by_article[article_id]]
        return normalised[article_id]

    out: dict[QuotePair, float] = {}
    for a, b in pairs:
        for i, x in enumerate(quotes_by_article[a]):
            for j, y in enumerate(quotes_by_article[b]):
                if (a == b and j <= i) or not _compatible(x.speaker, y.speaker):
                    continue
                score = _match_score(x, y, words(a)[i], words(b)[j])
                if score > 0:
                    out[quote_pair((a, i), (b, j))] = score
    return out


@lru_cache(maxsize=1)
def match_version() -> str:
    """What a stored match score depends on besides the two quotes: the code that scores
    and groups quotes and compares speaker names (the source of this module and of
    :mod:`newsprism.entities`), and rapidfuzz's version. A store keys its scores by it, so
    a change to any of them scores every pair afresh rather than reusing stale scores."""
    import hashlib
    from importlib.metadata import version

    from newsprism import entities

    digest = hashlib.sha256(version("rapidfuzz").encode())
    for module in (__file__, entities.__file__):
        with open(module, "rb") as source:
            digest.update(source.read())
    return digest.hexdigest()[:16]


def _to_group(group: _Group) -> QuoteGroup:
    named = Counter(q.speaker.name for _, q in group.members if q.speaker.name)
    speaker = Speaker(None)
    if named:
        top = named.most_common(1)[0][0]
        # the variant that states the speaker's role, when one does
        speaker = max(
            (q.speaker for _, q in group.members if q.speaker.name == top),
            key=lambda s: s.role is not None,
        )
    # the words of the group: a verbatim quote when any outlet quotes it, else a report
    direct = [q for _, q in group.members if q.direct]
    longest = max(direct or [q for _, q in group.members], key=lambda q: len(q.text))
    return QuoteGroup(
        text=longest.text,
        speaker=speaker,
        direct=bool(direct),
        outlets=tuple(sorted({o for o, _ in group.members})),
        citations=tuple(q.span for _, q in group.members),
        variants=tuple(QuoteVariant(o, q.text, q.span, q.direct, q.cue) for o, q in group.members),
    )


__all__ = [
    "ALL_REPORTED",
    "GROUP_THRESHOLD",
    "LEDGER_REPORTED",
    "SCARE_QUOTE_MAX_WORDS",
    "SPEECH_VERBS",
    "Quotation",
    "ReportedSpeech",
    "extract_quotes",
    "group_quotes",
    "match_version",
    "quote_match_scores",
    "quote_pair",
    "scan_quotations",
]
