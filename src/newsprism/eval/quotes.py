"""Quote extraction scored against PolNeAR attributions (``newsprism eval quotes``).

PolNeAR (Newell, Margolin & Ruths, LREC 2018) annotates every attribution of US
election news with its ``cue``, ``sources`` (the speaker) and ``contents`` spans,
character offsets into the raw article text. The articles are used as they are (no
cleaning), so gold spans and predicted spans index the same string.

Conventions (also written into :meth:`QuoteEvalReport.to_dict`):

* **Units.** A gold quote is one attribution; its content is the union of its
  ``contents`` pieces (PolNeAR splits "“X,” he said, “Y”" into two pieces of one
  attribution). A predicted quote is the union of the extracted :class:`Quote` spans
  that share a cue span (the two halves of a split quote); quotes without a cue stand
  alone. Attributions without any content are ignored.
* **Tokens.** Spans are compared as sets of word tokens (``\\w+`` runs), so punctuation
  and quotation marks at the edges do not matter: our direct quote spans stop inside the
  marks, PolNeAR's include them.
* **Exact match**: the same token set. **Overlap match**: shared tokens ≥ 0.5 of the
  longer of the two. Matching is one-to-one, greedy by overlap (highest first).
* **Direct quotes.** A gold attribution is direct when each of its content pieces opens
  with a quotation mark; a prediction is direct when ``Quote.direct``. One matching is
  made over all quotes; direct precision is the share of predicted direct quotes matched
  to any gold quote, direct recall the share of gold direct quotes matched by any
  prediction.
* **Speaker accuracy** over overlap-matched pairs. A predicted speaker is right when
  (1) its span overlaps the gold ``sources`` span (for an unnamed prediction, whose span
  points at the words describing the source, "officials" or "they", not when the gold
  source is "he"/"she": that person must be named); or (2) its surname (last word of the
  name) is a word of the gold source text ("Trump" vs "Mr. Trump", "Donald Trump"); or
  (3) the gold source is a pronoun and the person named nearest before it (spaCy
  PERSON mentions of the same article, and the lone surnames of those people that NER
  missed, see :func:`person_mentions`) has that surname — an approximate coreference,
  reported separately as the *strict* figure leaves it out; or (4) the prediction is
  unnamed (``Speaker(None)``) and the gold source names nobody: not a pronoun, and its
  head word (in spaCy's parse) is not part of a PERSON/ORG/GPE/NORP mention ("a
  source", "officials", "aides to Clinton").

The published figures printed beside ours (Citron on PARC 3.0; a newsroom quote
tracker) come from other corpora and other definitions: they are a yardstick, not a
comparison on the same data.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.errors import InputError
from newsprism.model import Article, Quote, content_id

if TYPE_CHECKING:
    from rich.table import Table

    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
CharSpan = tuple[int, int]

OVERLAP_THRESHOLD = 0.5
"""Shared tokens, as a share of the longer span, for an overlap match."""

BATCH_ARTICLES = 16
"""Articles per spaCy annotation batch (memory stays flat on the full train split)."""

PUBLISHED = (
    {
        "system": "Citron (PARC 3.0)",
        "overlap_f1": 0.832,
        "exact_f1": 0.567,
        "speaker_accuracy": None,
    },
    {
        "system": "newsroom quote tracker",
        "overlap_f1": 0.837,
        "exact_f1": None,
        "speaker_accuracy": 0.865,
    },
)
"""Figures others publish on comparable tasks, on other data (for orientation only)."""

_TOKEN = re.compile(r"\w+", re.UNICODE)
_OPENING_MARKS = "“\"‘'„«"
_PRONOUNS = frozenset(
    [
        "he",
        "she",
        "they",
        "i",
        "we",
        "you",
        "it",
        "who",
        "whom",
        "which",
        "that",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "him",
        "them",
        "us",
        "me",
        "this",
        "these",
        "those",
    ]
)
_NAMED_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
#: Pronouns that stand for one person: an unnamed prediction pointing at them is not
#: enough, the person must be named (rule 3).
_SINGULAR_PERSONAL = frozenset({"he", "she", "him", "her", "i", "me"})


# ---------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """One PolNeAR attribution: content pieces, source pieces and cue pieces."""

    contents: tuple[CharSpan, ...]
    sources: tuple[CharSpan, ...]
    cue: tuple[CharSpan, ...]
    direct: bool


@dataclass(frozen=True, slots=True)
class PRF:
    """Counts behind precision and recall (matched predictions may differ from gold)."""

    matched_predicted: int
    predicted: int
    matched_gold: int
    gold: int

    @property
    def precision(self) -> float:
        return self.matched_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: PRF) -> PRF:
        return PRF(
            self.matched_predicted + other.matched_predicted,
            self.predicted + other.predicted,
            self.matched_gold + other.matched_gold,
            self.gold + other.gold,
        )

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "matched_predicted": self.matched_predicted,
            "predicted": self.predicted,
            "matched_gold": self.matched_gold,
            "gold": self.gold,
        }


_ZERO = PRF(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class QuoteError:
    """One error, for reading: a gold attribution missed, a prediction matching nothing,
    or a matched quote with the wrong speaker (``kind``: missed / spurious / speaker)."""

    kind: str
    article: str
    offset: int
    cue: str
    source: str  # the gold source (missed, speaker) or the predicted speaker (spurious)
    text: str  # the gold content (missed, speaker) or the predicted content (spurious)
    predicted: str = ""  # speaker errors: the predicted speaker

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(QuoteError)}


def _spans_text(text: str, spans: Sequence[CharSpan]) -> str:
    return " … ".join(" ".join(text[s:e].split()) for s, e in spans)


def article_errors(
    article: Article,
    gold: Sequence[GoldQuote],
    quotes: Sequence[Quote],
    paragraphs: Sequence[ParsedParagraph] = (),
) -> list[QuoteError]:
    """The errors of one article: missed gold, spurious predictions, wrong speakers."""
    text = article.text
    predictions, _exact, loose = _matchings(text, gold, quotes)
    matched_p = {p for p, _, _ in loose}
    matched_g = {g for _, g, _ in loose}
    out: list[QuoteError] = []
    persons = person_mentions(paragraphs)
    for g_index, quote in enumerate(gold):
        if g_index in matched_g:
            continue
        out.append(
            QuoteError(
                "missed",
                article.id,
                min(s for s, _ in quote.contents),
                _spans_text(text, quote.cue),
                _spans_text(text, quote.sources),
                _spans_text(text, quote.contents),
            )
        )
    for p_index, prediction in enumerate(predictions):
        if p_index in matched_p:
            continue
        q = prediction.quote
        out.append(
            QuoteError(
                "spurious",
                article.id,
                prediction.spans[0][0],
                _spans_text(text, [(q.cue.start, q.cue.end)]) if q.cue else "",
                q.speaker.name or "",
                _spans_text(text, prediction.spans),
            )
        )
    for p_index, g_index, _score in loose:
        q, quote = predictions[p_index].quote, gold[g_index]
        named = named_heads(paragraphs, quote.sources)
        if speaker_correct(text, q, quote, persons, named):
            continue
        span = q.speaker.span
        described = _spans_text(text, [(span.start, span.end)]) if span else ""
        out.append(
            QuoteError(
                "speaker",
                article.id,
                min(s for s, _ in quote.contents),
                _spans_text(text, quote.cue),
                _spans_text(text, quote.sources),
                _spans_text(text, quote.contents),
                q.speaker.name or (f"(unnamed: {described})" if described else "(unnamed)"),
            )
        )
    return sorted(out, key=lambda e: (e.kind, e.offset))


@dataclass(frozen=True, slots=True)
class ArticleScore:
    """The counts of one article (summed into the report).

    ``reported_*`` score reported speech alone (gold attributions that are not direct,
    predictions with ``direct=False``); ``ledger_reported`` scores the reported speech
    the brief's ledger keeps (:data:`newsprism.quotes.LEDGER_REPORTED`), overlap match.
    """

    all_exact: PRF = _ZERO
    all_overlap: PRF = _ZERO
    direct_exact: PRF = _ZERO
    direct_overlap: PRF = _ZERO
    speaker_correct: int = 0
    speaker_correct_strict: int = 0
    speaker_total: int = 0
    reported_exact: PRF = _ZERO
    reported_overlap: PRF = _ZERO
    ledger_reported: PRF = _ZERO

    def __add__(self, other: ArticleScore) -> ArticleScore:
        return ArticleScore(
            *(getattr(self, f.name) + getattr(other, f.name) for f in fields(ArticleScore))
        )


@dataclass(frozen=True)
class QuoteEvalReport:
    """Figures of one evaluation run over a PolNeAR file."""

    dataset: str
    articles: int
    all_exact: PRF
    all_overlap: PRF
    direct_exact: PRF
    direct_overlap: PRF
    speaker_correct: int
    speaker_correct_strict: int
    speaker_total: int
    seconds: float
    published: tuple[dict[str, Any], ...] = field(default=PUBLISHED)
    reported_exact: PRF = _ZERO
    reported_overlap: PRF = _ZERO
    ledger_reported: PRF = _ZERO
    errors: tuple[QuoteError, ...] = ()

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.speaker_total if self.speaker_total else 0.0

    @property
    def speaker_accuracy_strict(self) -> float:
        """Without the pronoun-resolution rule (3)."""
        return self.speaker_correct_strict / self.speaker_total if self.speaker_total else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "articles": self.articles,
            "all": {"exact": self.all_exact.to_dict(), "overlap": self.all_overlap.to_dict()},
            "direct": {
                "exact": self.direct_exact.to_dict(),
                "overlap": self.direct_overlap.to_dict(),
            },
            "reported": {
                "exact": self.reported_exact.to_dict(),
                "overlap": self.reported_overlap.to_dict(),
                "ledger_overlap": self.ledger_reported.to_dict(),
            },
            "speaker": {
                "accuracy": round(self.speaker_accuracy, 4),
                "accuracy_strict": round(self.speaker_accuracy_strict, 4),
                "correct": self.speaker_correct,
                "correct_strict": self.speaker_correct_strict,
                "matched_quotes": self.speaker_total,
            },
            "seconds": round(self.seconds, 1),
            "errors": [e.to_dict() for e in self.errors],
            "published_reference": [
                {**row, "note": "published figure on other data, not comparable one to one"}
                for row in self.published
            ],
            "conventions": {
                "tokens": "\\w+ runs; spans compared as token sets",
                "exact": "same token set",
                "overlap": f"shared tokens >= {OVERLAP_THRESHOLD} of the longer span",
                "matching": "one-to-one, greedy by overlap",
                "gold_direct": "every content piece opens with a quotation mark",
                "reported": "gold not direct vs predictions with direct=False; ledger_overlap"
                " scores the ledger's policy (newsprism.quotes.LEDGER_REPORTED)",
                "predicted_unit": "quotes sharing a cue span are one prediction",
                "speaker": "span overlap, surname in gold source, pronoun -> nearest "
                "preceding PERSON (not in strict), or unnamed vs unnamed gold",
            },
        }


# ---------------------------------------------------------------------------------------
# Reading PolNeAR


def _pieces(items: Sequence[dict[str, Any]]) -> tuple[CharSpan, ...]:
    return tuple((int(item["start"]), int(item["end"])) for item in items)


def _is_direct(text: str, contents: Sequence[CharSpan]) -> bool:
    return all(text[s:e].lstrip()[:1] in _OPENING_MARKS for s, e in contents if text[s:e].strip())


def load_polnear(
    path: str | Path, *, limit: int | None = None
) -> list[tuple[Article, tuple[GoldQuote, ...]]]:
    """Read a PolNeAR JSONL file into raw-text articles and their gold attributions.

    Args:
        path: ``polnear_{train,dev}.jsonl`` (one article per line).
        limit: read only the first ``limit`` articles.

    Raises:
        InputError: the file is missing or a line is not a PolNeAR record.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(
            str(path), "no such file", "Pass ../shared/data/polnear/polnear_dev.jsonl."
        )
    out: list[tuple[Article, tuple[GoldQuote, ...]]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if limit is not None and len(out) >= limit:
                break
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                doc_id = record["article"]
                gold = tuple(
                    GoldQuote(
                        contents=_pieces(q["contents"]),
                        sources=_pieces(q.get("sources", [])),
                        cue=_pieces(q.get("cue", [])),
                        direct=_is_direct(text, _pieces(q["contents"])),
                    )
                    for q in record.get("quotes", [])
                    if q.get("contents")
                )
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputError(
                    f"{path}:{number}",
                    f"not a PolNeAR record ({exc})",
                    "Each line needs 'article', 'text' and 'quotes' with character spans.",
                ) from exc
            # the raw text, uncleaned: the gold offsets index it
            article = Article(
                id=content_id("polnear", doc_id),
                outlet=str(record.get("publisher") or "unknown"),
                text=text,
                title=record.get("title"),
                published=record.get("date"),
                source=f"{path}:{number}",
            )
            out.append((article, gold))
    return out


# ---------------------------------------------------------------------------------------
# Span metrics


def token_offsets(text: str) -> list[CharSpan]:
    """Character ranges of the word tokens (``\\w+``) of a text."""
    return [m.span() for m in _TOKEN.finditer(text)]


def span_tokens(tokens: Sequence[CharSpan], spans: Sequence[CharSpan]) -> frozenset[int]:
    """Indices of the tokens that lie (even partly) within any of ``spans``."""
    from bisect import bisect_right

    starts = [s for s, _ in tokens]
    found: set[int] = set()
    for start, end in spans:
        index = max(0, bisect_right(starts, start) - 1)
        while index < len(tokens) and tokens[index][0] < end:
            if tokens[index][1] > start:
                found.add(index)
            index += 1
    return frozenset(found)


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """Shared tokens as a share of the longer of the two token sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


def match_spans(
    predicted: Sequence[frozenset[int]],
    gold: Sequence[frozenset[int]],
    *,
    exact: bool = False,
    threshold: float = OVERLAP_THRESHOLD,
) -> list[tuple[int, int, float]]:
    """One-to-one matching of predicted to gold token sets, greedy by overlap.

    Args:
        predicted: token sets of the predictions.
        gold: token sets of the gold spans.
        exact: only identical token sets match.
        threshold: minimum :func:`overlap` for a match (ignored when ``exact``).

    Returns:
        ``(predicted index, gold index, overlap)`` triples, best overlap first.
    """
    candidates: list[tuple[float, int, int]] = []
    for p_index, p in enumerate(predicted):
        for g_index, g in enumerate(gold):
            if exact:
                if p and p == g:
                    candidates.append((1.0, p_index, g_index))
                continue
            score = overlap(p, g)
            if score >= threshold:
                candidates.append((score, p_index, g_index))
    # ties: the earlier prediction and the earlier gold span first, for stable results
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    out: list[tuple[int, int, float]] = []
    for score, p_index, g_index in candidates:
        if p_index in used_p or g_index in used_g:
            continue
        used_p.add(p_index)
        used_g.add(g_index)
        out.append((p_index, g_index, score))
    return out


@dataclass(frozen=True, slots=True)
class _Prediction:
    spans: tuple[CharSpan, ...]
    quote: Quote  # the first quote of the unit (its speaker and directness)


def group_predictions(quotes: Sequence[Quote]) -> list[_Prediction]:
    """Quotes that share a cue span form one prediction (the halves of a split quote)."""
    units: dict[Any, list[Quote]] = {}
    for index, quote in enumerate(quotes):
        key = (quote.cue.start, quote.cue.end) if quote.cue is not None else ("solo", index)
        units.setdefault(key, []).append(quote)
    return [
        _Prediction(
            tuple((q.span.start, q.span.end) for q in group),
            group[0] if all(q.direct for q in group) else next(q for q in group if not q.direct),
        )
        for group in units.values()
    ]


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _TOKEN.findall(text)]


def _names_someone(text: str, gold: GoldQuote, named: Sequence[CharSpan]) -> bool:
    """Whether the gold source names someone: a pronoun, or a name as its head word.

    ``named`` holds the spans of the named-entity mentions that head a noun phrase
    (see :func:`named_heads`); "Aides to Clinton" and "Nine in 10 Democratic voters"
    name nobody, "Vice President Joe Biden" does.
    """
    words = _words(" ".join(text[s:e] for s, e in gold.sources))
    if len(words) == 1 and words[0] in _PRONOUNS:
        return True  # a pronoun refers to someone, who may be named
    return any(s <= s2 and e2 <= e for s, e in gold.sources for s2, e2 in named)


def named_heads(
    paragraphs: Sequence[ParsedParagraph], sources: Sequence[CharSpan]
) -> list[CharSpan]:
    """Character ranges of the head words of ``sources`` that a named entity covers."""
    out: list[CharSpan] = []
    for start, end in sources:
        for para in paragraphs:
            lo, hi = start - para.offset, end - para.offset
            if hi <= 0 or lo >= len(para.doc.text):
                continue
            inside = [t for t in para.doc if lo <= t.idx < hi]
            ids = {t.i for t in inside}
            for token in inside:
                if token.head.i in ids and token.head.i != token.i:
                    continue  # not the head of the source phrase
                if token.ent_type_ in _NAMED_LABELS:
                    begin = para.offset + token.idx
                    out.append((begin, begin + len(token.text)))
    return out


def person_mentions(paragraphs: Sequence[ParsedParagraph]) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` of the people mentioned in an article, in text order.

    spaCy's PERSON entities, plus the lone surnames NER misses on second mention
    ("Sanders said" tagged ORG or nothing): a capitalised word that is the last word of
    a multi-word PERSON entity of the same article. Used by the pronoun rule (3).
    """
    surnames = {
        ent.text.split()[-1]
        for para in paragraphs
        for ent in para.doc.ents
        if ent.label_ == "PERSON" and len(ent.text.split()) > 1
    }
    out = []
    for para in paragraphs:
        for token in para.doc:
            if token.ent_type_ == "PERSON":
                if token.ent_iob_ == "B":
                    ent = next(e for e in para.doc.ents if e.start == token.i)
                    out.append((para.offset + ent.start_char, para.offset + ent.end_char, ent.text))
            elif token.text in surnames and token.text[:1].isupper():
                start = para.offset + token.idx
                out.append((start, start + len(token.text), token.text))
    return out


def speaker_correct(
    text: str,
    quote: Quote,
    gold: GoldQuote,
    persons: Sequence[tuple[int, int, str]] = (),
    named: Sequence[CharSpan] = (),
    *,
    resolve_pronouns: bool = True,
) -> bool:
    """Whether a predicted speaker is the gold source (rules in the module docstring).

    Args:
        text: the article text.
        quote: the predicted quote (its ``speaker``).
        gold: the matched gold attribution.
        persons: ``(start, end, text)`` of PERSON mentions, for rule (3).
        named: the source head words that a PERSON/ORG/GPE/NORP mention covers
            (:func:`named_heads`), for rule (4).
        resolve_pronouns: apply rule (3).
    """
    speaker = quote.speaker
    if not gold.sources:
        return speaker.name is None
    overlaps = speaker.span is not None and any(
        speaker.span.start < e and s < speaker.span.end for s, e in gold.sources
    )
    source_words = _words(" ".join(text[s:e] for s, e in gold.sources))
    if speaker.name is None:
        if overlaps and not (len(source_words) == 1 and source_words[0] in _SINGULAR_PERSONAL):
            return True  # the source words themselves ("officials", "they", "Democrats")
        return not _names_someone(text, gold, named)
    if overlaps:
        return True
    surname = (_words(speaker.name) or [""])[-1]
    if surname and surname in source_words:
        return True
    if resolve_pronouns and len(source_words) == 1 and source_words[0] in _PRONOUNS:
        start = min(s for s, _ in gold.sources)
        before = [p for p in persons if p[1] <= start]
        if before:
            return surname in _words(before[-1][2])
    return False


def _subset_prf(
    predictions: Sequence[_Prediction],
    gold: Sequence[GoldQuote],
    pairs: Sequence[tuple[int, int, float]],
    kind: str,
) -> PRF:
    """Counts for ``kind`` = "all", "direct" or "reported" quotes of one matching."""

    def wanted(direct: bool) -> bool:
        return kind == "all" or (direct if kind == "direct" else not direct)

    p_keep = {i for i, p in enumerate(predictions) if wanted(p.quote.direct)}
    g_keep = {i for i, g in enumerate(gold) if wanted(g.direct)}
    p_matched = {p for p, _, _ in pairs} & p_keep
    g_matched = {g for _, g, _ in pairs} & g_keep
    return PRF(len(p_matched), len(p_keep), len(g_matched), len(g_keep))


def _matchings(
    text: str, gold: Sequence[GoldQuote], quotes: Sequence[Quote]
) -> tuple[list[_Prediction], list[tuple[int, int, float]], list[tuple[int, int, float]]]:
    """Prediction units and their exact and overlap matchings to the gold."""
    tokens = token_offsets(text)
    predictions = group_predictions(quotes)
    p_sets = [span_tokens(tokens, p.spans) for p in predictions]
    g_sets = [span_tokens(tokens, g.contents) for g in gold]
    return predictions, match_spans(p_sets, g_sets, exact=True), match_spans(p_sets, g_sets)


def score_article(
    article: Article,
    gold: Sequence[GoldQuote],
    quotes: Sequence[Quote],
    paragraphs: Sequence[ParsedParagraph] = (),
    ledger_quotes: Sequence[Quote] | None = None,
) -> ArticleScore:
    """Score one article's extracted quotes against its gold attributions.

    ``ledger_quotes``, when given, are the same article's quotes under the ledger's
    reported-speech policy; their reported speech is scored on its own.
    """
    predictions, exact, loose = _matchings(article.text, gold, quotes)

    def prf(pairs: list[tuple[int, int, float]], direct: bool) -> PRF:
        return _subset_prf(predictions, gold, pairs, "direct" if direct else "all")

    persons = person_mentions(paragraphs)
    correct = strict = 0
    for p_index, g_index, _score in loose:
        quote = predictions[p_index].quote
        named = named_heads(paragraphs, gold[g_index].sources)
        if speaker_correct(article.text, quote, gold[g_index], persons, named):
            correct += 1
        if speaker_correct(
            article.text, quote, gold[g_index], persons, named, resolve_pronouns=False
        ):
            strict += 1
    ledger = _ZERO
    if ledger_quotes is not None:
        ledger_predictions, _, ledger_loose = _matchings(article.text, gold, ledger_quotes)
        ledger = _subset_prf(ledger_predictions, gold, ledger_loose, "reported")
    return ArticleScore(
        prf(exact, False),
        prf(loose, False),
        prf(exact, True),
        prf(loose, True),
        correct,
        strict,
        len(loose),
        _subset_prf(predictions, gold, exact, "reported"),
        _subset_prf(predictions, gold, loose, "reported"),
        ledger,
    )


# ---------------------------------------------------------------------------------------
# The run


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def evaluate_quotes(
    dataset_path: str | Path,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
    errors: int = 0,
) -> QuoteEvalReport:
    """Extract quotes from every PolNeAR article and score them against the gold.

    Args:
        dataset_path: a PolNeAR JSONL file (``../shared/data/polnear/polnear_dev.jsonl``).
        limit: score only the first ``limit`` articles.
        progress: called with ``(articles done, articles total)`` after each batch.
        errors: keep up to this many errors of each kind (missed, spurious, speaker),
            spread over the file (every k-th), in :attr:`QuoteEvalReport.errors`.

    Returns:
        The report; :func:`format_table` renders it.
    """
    from newsprism.nlp import annotate
    from newsprism.quotes import LEDGER_REPORTED, extract_quotes

    began = time.perf_counter()
    records = load_polnear(dataset_path, limit=limit)
    total = ArticleScore()
    done = 0
    found: list[QuoteError] = []
    for batch in _batches(records, BATCH_ARTICLES):
        annotation = annotate([article for article, _ in batch])
        for article, gold in batch:
            paragraphs = annotation.docs[article.id]
            quotes = extract_quotes(article, paragraphs, indirect=True)
            ledger = extract_quotes(article, paragraphs, indirect=LEDGER_REPORTED)
            total = total + score_article(article, gold, quotes, paragraphs, ledger)
            if errors:
                found.extend(article_errors(article, gold, quotes, paragraphs))
        done += len(batch)
        if progress is not None:
            progress(done, len(records))
    seconds = time.perf_counter() - began
    logger.info("scored %d PolNeAR articles in %.1f s", len(records), seconds)
    return QuoteEvalReport(
        dataset=str(dataset_path),
        articles=len(records),
        all_exact=total.all_exact,
        all_overlap=total.all_overlap,
        direct_exact=total.direct_exact,
        direct_overlap=total.direct_overlap,
        speaker_correct=total.speaker_correct,
        speaker_correct_strict=total.speaker_correct_strict,
        speaker_total=total.speaker_total,
        seconds=seconds,
        reported_exact=total.reported_exact,
        reported_overlap=total.reported_overlap,
        ledger_reported=total.ledger_reported,
        errors=_spread(found, errors),
    )


def _spread(found: Sequence[QuoteError], per_kind: int) -> tuple[QuoteError, ...]:
    """Up to ``per_kind`` errors of each kind, evenly spaced through the file."""
    out: list[QuoteError] = []
    for kind in ("missed", "spurious", "speaker"):
        of_kind = [e for e in found if e.kind == kind]
        if per_kind and of_kind:
            step = max(1, len(of_kind) // per_kind)
            out.extend(of_kind[::step][:per_kind])
    return tuple(out)


def format_errors(report: QuoteEvalReport) -> Table:
    """The sampled errors of a run, one row each."""
    from rich.table import Table

    table = Table(title="Errors (sampled through the file)", show_lines=True)
    for column in ("kind", "article", "cue", "source / speaker", "content"):
        table.add_column(column, overflow="fold")
    for e in report.errors:
        source = f"{e.source} → predicted {e.predicted}" if e.kind == "speaker" else e.source
        table.add_row(e.kind, f"{e.article}:{e.offset}", e.cue, source, e.text[:300])
    return table


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def format_table(report: QuoteEvalReport) -> Table:
    """Our figures, then the published figures of other systems on other data."""
    from rich.table import Table

    table = Table(
        title=f"Quotes on {Path(report.dataset).name} ({report.articles} articles)",
        caption="Published rows: figures their authors report on other corpora "
        "(PARC 3.0, a newsroom's own data) — a yardstick, not the same test.",
    )
    table.add_column("system", no_wrap=True)
    for column in ("quotes", "match"):
        table.add_column(column)
    for column in ("P", "R", "F1", "speaker acc."):
        table.add_column(column, justify="right")
    speaker = f"{report.speaker_accuracy:.3f} (strict {report.speaker_accuracy_strict:.3f})"
    rows = (
        ("all", "overlap", report.all_overlap, speaker),
        ("all", "exact", report.all_exact, ""),
        ("direct", "overlap", report.direct_overlap, ""),
        ("direct", "exact", report.direct_exact, ""),
        ("reported", "overlap", report.reported_overlap, ""),
        ("reported", "exact", report.reported_exact, ""),
        ("reported (ledger)", "overlap", report.ledger_reported, ""),
    )
    for kind, match, prf, acc in rows:
        table.add_row(
            "newsprism", kind, match, _fmt(prf.precision), _fmt(prf.recall), _fmt(prf.f1), acc
        )
    for row in report.published:
        for match, key in (("overlap", "overlap_f1"), ("exact", "exact_f1")):
            if row[key] is None:
                continue
            table.add_row(
                f"{row['system']} (published, other data)",
                "all",
                match,
                "—",
                "—",
                _fmt(row[key]),
                _fmt(row["speaker_accuracy"]) if match == "overlap" else "",
            )
    return table


__all__ = [
    "OVERLAP_THRESHOLD",
    "PRF",
    "PUBLISHED",
    "ArticleScore",
    "GoldQuote",
    "QuoteError",
    "QuoteEvalReport",
    "article_errors",
    "evaluate_quotes",
    "format_errors",
    "format_table",
    "group_predictions",
    "load_polnear",
    "match_spans",
    "named_heads",
    "overlap",
    "person_mentions",
    "score_article",
    "span_tokens",
    "speaker_correct",
    "token_offsets",
]
