"""Direct quotations, their speakers, and the same utterance across outlets.

Three steps, each usable on its own:

1. :func:`scan_quotations` finds quotation marks in a paragraph and pairs them (curly,
   straight, single and double; apostrophes such as "Russia's" are not marks; quotes
   nested in a quote belong to the outer one).
2. :func:`extract_quotes` turns the top-level quotations of an article into
   :class:`~newsprism.model.Quote` records and names their speakers from the
   dependency parse (the subject of the speech verb that governs the quote, or of the
   speech verb beside it), following the conventions of news writing: a quote that
   runs on into the next paragraph, a quote split around its attribution, a paragraph
   that is only a quote continuing the previous speaker, "he added" resolved to the
   person last named, "Mr Ryabkov" to the full name the article gives, and "the deputy
   foreign minister" to the one person the article gives that role. A speaker the
   article does not name stays ``Speaker(None)``: nothing is guessed.
3. :func:`group_quotes` merges the same utterance across outlets (fuzzy match of the
   quoted words, compatible speakers) into :class:`~newsprism.model.QuoteGroup`\\ s.

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
from typing import TYPE_CHECKING

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

    @property
    def region_end(self) -> int:
        """End of the quotation including its closing mark (for "outside the quote")."""
        return self.close + 1 if self.close is not None else self.end


def _is_letter(ch: str) -> bool:
    return ch.isalnum()


def _classify(text: str, i: int, stack: list[tuple[str, int]]) -> tuple[str, str] | None:
    """The role of the character at ``i``: ``(family, "open" | "close")`` or None."""
    ch = text[i]
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    open_families = {family for family, _ in stack}
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
    stack: list[tuple[str, int]] = []
    found: list[Quotation] = []
    for i, ch in enumerate(text):
        if ch not in "\"'“”‘’„«»":
            continue
        role = _classify(text, i, stack)
        if role is None:
            continue
        family, kind = role
        if kind == "open":
            stack.append((family, i))
            continue
        depth = next((d for d in range(len(stack) - 1, -1, -1) if stack[d][0] == family), None)
        if depth is None:
            continue  # a stray closing mark
        open_at = stack[depth][1]
        del stack[depth:]
        if depth == 0:
            quotation = _trimmed(text, open_at, i, family)
            if quotation is not None:
                found.append(quotation)
    if stack:
        family, open_at = stack[0]
        quotation = _trimmed(text, open_at, None, family)
        if quotation is not None:
            found.append(quotation)
    return tuple(found)


def _trimmed(text: str, open_at: int, close: int | None, family: str) -> Quotation | None:
    start, end = open_at + 1, len(text) if close is None else close
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if not _WORDS.search(text[start:end]):
        return None
    return Quotation(start, end, open_at, close, family)


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

    def inside_quote(self, char: int) -> bool:
        return any(q.open <= char < q.region_end for q in self.quotations)

    def outside_text(self) -> str:
        text, pieces, last = self.doc.text, [], 0
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


def _is_heading(doc: Doc) -> bool:
    # a crosshead or standfirst: one short line without closing punctuation
    text = doc.text.strip()
    return len(list(doc.sents)) == 1 and len(text.split()) <= 14 and not _TERMINAL.search(text)


def extract_quotes(
    article: Article, paragraphs: Sequence[ParsedParagraph], *, indirect: bool = False
) -> tuple[Quote, ...]:
    """The quotations of one article, with speakers and speech-verb cues.

    Args:
        article: the article (its ``text`` is what every span indexes).
        paragraphs: its parsed paragraphs (``Annotation.docs[article.id]``).
        indirect: also return reported speech (``Quote(direct=False)``, see
            :func:`reported_speech`); off by default, direct quotations only.

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
                and _opens_with_quote(ctx.paragraphs[p_index + 1].doc.text)
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
            words = len(_WORDS.findall(para.doc.text[quotation.start : quotation.end]))
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
    if indirect:
        quotes.extend(_reported_speech(ctx, quotes))
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
            and next_para.offset <= nxt.span.start < (next_para.offset + len(next_para.doc.text))
        ):
            quotes[index] = Quote(quote.span, quote.text, nxt.speaker, quote.direct, nxt.cue)


def _context(article: Article, paragraphs: Sequence[ParsedParagraph]) -> _Context:
    people = PersonIndex()
    parsed: list[_Paragraph] = []
    for para in paragraphs:
        doc = para.doc
        persons = person_ents(doc)
        parsed.append(
            _Paragraph(
                para.offset,
                doc,
                scan_quotations(doc.text),
                entity_overrides(doc),
                _is_heading(doc),
                persons,
            )
        )
        for ent in persons:
            start, end = person_name_tokens(ent)
            people.add(doc[start:end].text)
    roles = find_roles(article.id, paragraphs)
    ctx = _Context(article, parsed, people, roles)
    for statement in roles:
        ctx.role_people.setdefault(people.canonical(statement.name), []).append(statement)
    return ctx


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
    if p_index == 0 or _WORDS.search(para.doc.text[: quotation.open]):
        return None
    previous = ctx.paragraphs[p_index - 1]
    if previous.heading:
        return None
    last_sentence = list(previous.doc.sents)[-1]
    cues = [t for t in last_sentence if _is_cue(t, previous)]
    if not cues:
        return None
    if previous.doc.text.rstrip().endswith(":"):
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

#: Verbs whose clausal complement reports what someone said, wrote, thought or found
#: ("Ryabkov said that ...", "polls show Clinton ahead"); on top of SPEECH_VERBS.
REPORTING_VERBS = SPEECH_VERBS | frozenset(
    [
        "report",
        "show",
        "find",
        "reveal",
        "indicate",
        "think",
        "believe",
        "hope",
        "fear",
        "expect",
        "know",
        "learn",
        "estimate",
        "signal",
        "point",
        "hint",
        "insist",
        "boast",
        "brag",
        "allege",
        "charge",
        "counter",
        "proclaim",
        "pledge",
        "worry",
        "feel",
        "mention",
        "recount",
        "disclose",
        "predict",
        "guarantee",
        "assure",
        "inform",
        "remind",
        "convince",
        "persuade",
        "contend",
        "speculate",
        "imply",
        "reason",
        "figure",
        "conclude",
        "decide",
        "read",
    ]
)

#: Verbs whose infinitive complement states an intention or demand someone voiced
#: ("pledged to enact judicial reform", "urged voters to turn away from Trump").
INTENT_VERBS = frozenset(
    [
        "pledge",
        "promise",
        "vow",
        "plan",
        "refuse",
        "want",
        "urge",
        "threaten",
        "decline",
        "hope",
        "seek",
        "intend",
        "ask",
        "call",
        "vow",
        "demand",
        "offer",
        "propose",
        "warn",
        "encourage",
        "push",
        "press",
        "agree",
    ]
)

#: Verbs whose object is the content of a stance or statement ("criticized Clinton for
#: accepting donations", "called the agreement “an historic step forward”").
OBJECT_VERBS = frozenset(
    [
        "criticize",
        "criticise",
        "slam",
        "decry",
        "bemoan",
        "blast",
        "praise",
        "accuse",
        "blame",
        "deny",
        "defend",
        "tout",
        "call",
        "describe",
        "dismiss",
        "reject",
        "condemn",
        "question",
        "announce",
        "acknowledge",
        "admit",
        "cite",
        "repeat",
        "reiterate",
        "echo",
        "applaud",
        "laud",
        "hail",
        "welcome",
        "mock",
        "attack",
        "lament",
        "predict",
        "promise",
        "pledge",
        "vow",
        "propose",
        "demand",
        "oppose",
        "support",
        "endorse",
        "urge",
        "dispute",
        "challenge",
        "characterize",
        "characterise",
        "label",
        "brand",
        "dub",
    ]
)
_OBJECT_DEPS = frozenset({"dobj", "oprd", "prep", "xcomp", "ccomp", "dative", "advmod", "acomp"})

#: Reported contents shorter than this (in words) are too thin to be worth a ledger line.
MIN_REPORTED_WORDS = 3

_EDGE_PUNCT = " \t\n,;:.!?—–-\"'“”‘’()[]"


def _trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    return start, end


def _reported_speech(ctx: _Context, direct: Sequence[Quote]) -> list[Quote]:
    """Reported speech of every paragraph: "X said (that) ...", "according to X, ...".

    The content is the clausal complement of the cue verb (its ``ccomp`` subtree, with
    "that"), trimmed of punctuation and quotation marks at its edges; the cue is the verb
    (or "according to"); the speaker comes from the verb's subject as for direct quotes.
    A complement that lies inside a direct quotation is left to the direct quote; one
    that holds a partial quotation ("said he is “on pace”") is kept beside it, with the
    same cue.
    """
    text = ctx.article.text
    direct_spans = [(q.span.start, q.span.end) for q in direct if q.direct]
    out: list[Quote] = []
    seen: set[tuple[int, int]] = set()
    for p_index, para in enumerate(ctx.paragraphs):
        if para.heading:
            continue
        doc = para.doc
        for token in doc:
            if para.inside_quote(token.idx):
                continue
            found = _complement(token, para)
            if found is None:
                continue
            pieces, cue_tokens, speaker_token = found
            for lo, hi in pieces:
                start, end = _trimmed_span(text, para.offset + lo, para.offset + hi)
                if len(_WORDS.findall(text[start:end])) < MIN_REPORTED_WORDS:
                    continue
                if (start, end) in seen or any(s <= start and end <= e for s, e in direct_spans):
                    continue
                seen.add((start, end))
                cue = Span(
                    ctx.article.id,
                    para.offset + cue_tokens[0].idx,
                    para.offset + cue_tokens[-1].idx + len(cue_tokens[-1].text),
                )
                if speaker_token is not None:
                    speaker = _resolve(ctx, p_index, speaker_token) or Speaker(None)
                else:
                    speaker = _best_of(ctx, p_index, [token], governed=True).speaker
                out.append(
                    Quote(
                        Span(ctx.article.id, start, end),
                        text[start:end],
                        speaker,
                        direct=False,
                        cue=cue,
                    )
                )
    return out


def _complement(
    token: Token, para: _Paragraph
) -> tuple[list[tuple[int, int]], list[Token], Token | None] | None:
    """``(content character ranges, cue tokens, speaker token or None)`` of a cue token.

    Character ranges are relative to the paragraph; ``None`` speaker token means "the
    subject of the cue verb".
    """
    doc = token.doc
    if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
        to = doc[token.i + 1]
        sources = [c for c in to.children if c.dep_ == "pobj"]
        if not sources:
            return None
        phrase = list(token.subtree) if token.head.i != token.i else [token, *to.subtree]
        lo = min(t.i for t in phrase + [to, *to.subtree])
        hi = max(t.i for t in phrase + [to, *to.subtree])
        sentence = token.sent
        pieces = []
        if lo > sentence.start:
            pieces.append((sentence.start_char, doc[lo - 1].idx + len(doc[lo - 1].text)))
        if hi + 1 < sentence.end:
            pieces.append((doc[hi + 1].idx, sentence.end_char))
        return pieces, [token, to], sources[0]
    if token.pos_ not in {"VERB", "AUX"} or token.lemma_.lower() not in REPORTING_VERBS:
        return None
    lemma = token.lemma_.lower()
    comps = [c for c in token.children if c.dep_ == "ccomp" and not para.inside_quote(c.idx)]
    if not comps and lemma in INTENT_VERBS:
        comps = [
            c
            for c in token.children
            if c.dep_ == "xcomp"
            and c.i > token.i
            and any(g.dep_ == "aux" and g.lower_ == "to" for g in c.children)
        ]
    if comps:
        tokens = list(comps[0].subtree)
        lo, hi = tokens[0], tokens[-1]
        return [(lo.idx, hi.idx + len(hi.text))], [token], None
    if lemma not in OBJECT_VERBS or not any(c.dep_ == "dobj" for c in token.children):
        return None
    # the verb's right-hand dependents from its object on, up to a clause boundary
    right = []
    for child in token.rights:
        if child.dep_ not in _OBJECT_DEPS:
            break
        right.append(child)
    if not right or right[0].dep_ not in {"dobj", "dative"}:
        return None
    lo = min(t.i for t in right[0].subtree)
    hi = max(t.i for t in right[-1].subtree)
    return [(doc[lo].idx, doc[hi].idx + len(doc[hi].text))], [token], None


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
    return "\n" not in para.doc.text[lo:hi]


def _attribute(ctx: _Context, p_index: int, quotation: Quotation) -> _Attribution | None:
    """The speech verb that governs the quotation, else one beside it in its sentence."""
    para = ctx.paragraphs[p_index]
    doc = para.doc
    inside = [t for t in doc if quotation.start <= t.idx < quotation.end]
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
        s for s in doc.sents if s.start_char < quotation.region_end and s.end_char > quotation.open
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
    return _Attribution(Speaker(None), _token_span(ctx, para, cues[0]), governed)


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
            t.pos_ in {"VERB", "AUX"} or t.text in "\"“”‘’'" or "\n" in t.text for t in tokens
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


def _resolve(ctx: _Context, p_index: int, token: Token) -> Speaker | None:
    """Name the speaker a subject token refers to, or None when the article does not."""
    para = ctx.paragraphs[p_index]
    ent = para.entity_of.get(token.i)
    if ent is not None:
        return _speaker_from_entity(ctx, para, ent) if ent.label_ in _SPEAKER_LABELS else None
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
    text = para.doc.text[start:end]
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
    phrase = " ".join(t.text for t in token.subtree if t.i not in drop)
    words = role_words(phrase)
    head = token.lower_
    if not words or head not in words:
        return None
    matches = {
        name
        for name, statements in ctx.role_people.items()
        if any(words <= role_words(s.role) for s in statements)
    }
    if len(matches) != 1:
        return None
    name = matches.pop()
    first = ctx.role_people[name][0]
    return Speaker(name, _role_of(ctx, name, first.name_span), first.name_span)


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
            if not para.inside_quote(ent.start_char) and (back < p_index or ent.end <= pronoun.i)
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
#: Quotes shorter than this many words must match almost verbatim to be grouped.
GROUP_MIN_SUBSET_WORDS = 4
_NORMALISE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": " "})


def _normalise(text: str) -> str:
    return " ".join(_WORDS.findall(text.translate(_NORMALISE).casefold().replace("-", " ")))


def _compatible(a: Speaker, b: Speaker) -> bool:
    """Same speaker, or one of them unnamed; surnames suffice ("Sherman" / "Wendy Sherman")."""
    if a.name is None or b.name is None:
        return True
    if entity_key(a.name) == entity_key(b.name):
        return True
    wa, wb = name_words(a.name), name_words(b.name)
    return bool(wa and wb and wa[-1] == wb[-1])


def _similar(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    shorter = min(len(a.split()), len(b.split()))
    if shorter < GROUP_MIN_SUBSET_WORDS:
        return float(fuzz.ratio(a, b))
    # token_set_ratio is 100 when one quote is a cut of the other; partial_ratio keeps
    # quotes that merely share many words (but not their order) apart.
    return min(float(fuzz.token_set_ratio(a, b)), float(fuzz.partial_ratio(a, b)) + 10.0)


@dataclass
class _Group:
    members: list[tuple[str, Quote]]  # (outlet, quote)
    normalised: list[str]
    first: int


def group_quotes(
    quotes_by_article: Mapping[str, Sequence[Quote]], outlets: Mapping[str, str]
) -> tuple[QuoteGroup, ...]:
    """Merge the same utterance quoted by several articles into quote groups.

    Two quotes join when their words match (rapidfuzz token-set and partial ratios at
    least :data:`GROUP_THRESHOLD`; near-verbatim for very short quotes) and their
    speakers are compatible (same name or surname, or one unnamed).

    Args:
        quotes_by_article: article id -> that article's quotes, in story order.
        outlets: article id -> outlet.

    Returns:
        Groups ordered by number of outlets (descending), then first appearance. A
        group's ``text`` is its longest variant; its speaker is the most common named
        speaker among its members.
    """
    groups: list[_Group] = []
    order = 0
    for article_id, quotes in quotes_by_article.items():
        outlet = outlets.get(article_id, article_id)
        for quote in quotes:
            normalised = _normalise(quote.text)
            best: tuple[float, _Group] | None = None
            for group in groups:
                if not all(_compatible(quote.speaker, q.speaker) for _, q in group.members):
                    continue
                score = max(_similar(normalised, other) for other in group.normalised)
                if score >= GROUP_THRESHOLD and (best is None or score > best[0]):
                    best = (score, group)
            if best is None:
                groups.append(_Group([(outlet, quote)], [normalised], order))
            else:
                best[1].members.append((outlet, quote))
                best[1].normalised.append(normalised)
            order += 1
    groups.sort(key=lambda g: (-len({o for o, _ in g.members}), g.first))
    return tuple(_to_group(g) for g in groups)


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
    longest = max((q for _, q in group.members), key=lambda q: len(q.text))
    return QuoteGroup(
        text=longest.text,
        speaker=speaker,
        direct=all(q.direct for _, q in group.members),
        outlets=tuple(sorted({o for o, _ in group.members})),
        citations=tuple(q.span for _, q in group.members),
        variants=tuple(QuoteVariant(o, q.text, q.span) for o, q in group.members),
    )


__all__ = [
    "GROUP_THRESHOLD",
    "SCARE_QUOTE_MAX_WORDS",
    "SPEECH_VERBS",
    "Quotation",
    "extract_quotes",
    "group_quotes",
    "scan_quotations",
]
