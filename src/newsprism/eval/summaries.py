"""ROUGE evaluation of multi-document summaries, side by side with baselines and peers.

One run scores, on every story of a data set in the shared JSONL schema and with the same
word budget: the summarizer under test, three baselines run in this process (Lead, sumy
LexRank, sumy TextRank) and, when a peers file is given, the other systems' published
outputs. Remembered numbers from papers are never the comparison: the baselines and peers
are scored by the same code in the same run.

Conventions (they are also written into :meth:`EvalReport.to_dict`):

* **Words** are whitespace-separated tokens (``len(text.split())``), as in the MultiLing
  and DUC/TAC length limits.
* **Budget** — every system's output, peers included, goes through the same
  :func:`truncate_to_budget`: sentences are taken in order while they fit in ``words``;
  a sentence that does not fit is skipped and the following, shorter ones are still
  tried. Nothing is cut mid-sentence by this harness, so a summary is never longer than the
  budget and always readable. (Peers that their organisers cut mid-sentence at the same
  limit keep their final fragment: it fits.) Each row reports its mean word count, so a
  system that leaves budget unused is visible.
* **Sentences** come from spaCy's rule-based ``sentencizer`` on a blank English pipeline
  (no trained model, no download), after splitting on line breaks so that headlines and
  datelines stand alone. The same splitter feeds the sumy baselines (see
  :class:`OfflineSumyTokenizer`): sumy's default tokenizer needs NLTK's punkt data, which
  is not available offline.
* **ROUGE** is the ``rouge-score`` package with Porter stemming, ROUGE-1, ROUGE-2 and
  ROUGE-L (summary-level LCS over the whole text). With several references, each is
  scored separately and precision, recall and F1 are **averaged over references** (not
  the maximum), then averaged over stories.
* **Failures** — a system that raises on a story, or a peer with no summary for it, is
  recorded with the reason, counted in the row's ``failures``, and scored as an empty
  summary (zero) so that every row averages over the same stories.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from newsprism.errors import InputError
from newsprism.eval.datasets import EvalStory, load_peers, load_stories

if TYPE_CHECKING:
    from rich.table import Table
    from rouge_score.rouge_scorer import RougeScorer
    from spacy.language import Language

logger = logging.getLogger(__name__)

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
"""The ROUGE variants scored, in table order."""

BASELINES = ("Lead", "LexRank", "TextRank")
"""The baselines every evaluation runs beside the summarizer under test."""

_LINE_BREAK = re.compile(r"\r?\n")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_PEER_ORDER = re.compile(r"(\d+)")

T = TypeVar("T")
Progress = Callable[[int, int], None]
SystemKind = Literal["system", "baseline", "peer"]


class Summarizer(Protocol):
    """Anything that writes a summary of one story within a word budget."""

    def __call__(self, story: EvalStory, words: int) -> str:
        """Summarize ``story`` in at most about ``words`` words (the harness enforces it)."""
        ...


# ---------------------------------------------------------------------------------------
# Sentences, words and the budget


@lru_cache(maxsize=1)
def _sentencizer() -> Language:
    # A blank pipeline + rule-based sentencizer: spaCy's tokenizer exceptions keep
    # "U.S." or "Dec." whole, which an untrained Punkt model splits on.
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def count_words(text: str) -> int:
    """Count whitespace-separated words, the unit of every length budget here."""
    return len(text.split())


def split_sentences(text: str) -> list[str]:
    """Split text into sentences without any downloaded model.

    Line breaks always end a sentence (headlines, datelines and list items carry no final
    punctuation); within a line spaCy's rule-based sentencizer decides.

    Args:
        text: Any plain text.

    Returns:
        The non-empty sentences, stripped, in order.
    """
    lines = [line for line in _LINE_BREAK.split(text) if line.strip()]
    sentences: list[str] = []
    for doc in _sentencizer().pipe(lines):
        sentences.extend(s.text.strip() for s in doc.sents if s.text.strip())
    return sentences


def _fill(items: Iterable[T], words: int, size: Callable[[T], int]) -> list[T]:
    """Greedy budget fill: keep items in order while they fit, skip those that do not."""
    kept: list[T] = []
    used = 0
    for item in items:
        n = size(item)
        if n and used + n <= words:
            kept.append(item)
            used += n
    return kept


def fill_budget(sentences: Iterable[str], words: int) -> list[str]:
    """Take sentences in the given order while they fit in ``words``; skip the rest.

    Args:
        sentences: Candidate sentences in priority order.
        words: The budget, in whitespace-separated words.

    Returns:
        The kept sentences, in the given order, totalling at most ``words`` words.
    """
    return _fill(sentences, words, count_words)


def truncate_to_budget(text: str, words: int) -> str:
    """Apply the harness's one length rule to any system's output.

    Text already within the budget is returned unchanged. Otherwise the text is split
    into sentences and :func:`fill_budget` keeps whole sentences in order; a sentence
    that does not fit is skipped (later, shorter ones may still fit). The kept sentences
    are joined with line breaks.

    Args:
        text: A summary.
        words: The budget, in whitespace-separated words.

    Returns:
        A summary of at most ``words`` words (possibly empty if no sentence fits).
    """
    if count_words(text) <= words:
        return text
    return "\n".join(fill_budget(split_sentences(text), words))


class OfflineSumyTokenizer:
    """A tokenizer for sumy that needs no NLTK data.

    sumy's own ``Tokenizer`` calls ``nltk.sent_tokenize``/``word_tokenize``, which load
    the punkt model from NLTK's data directory; it cannot be downloaded here. This class
    offers the same two methods sumy's document model calls, backed by
    :func:`split_sentences` and spaCy's rule-based tokenizer.
    """

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """Split a paragraph into sentences (see :func:`split_sentences`)."""
        return tuple(split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """Tokenize one sentence, keeping tokens that contain a letter (as sumy does)."""
        tokenizer = _sentencizer().tokenizer
        return tuple(t.text for t in tokenizer(sentence) if _HAS_LETTER.search(t.text))


# ---------------------------------------------------------------------------------------
# Baselines


def lead_summary(story: EvalStory, words: int) -> str:
    """Lead baseline: the first sentences of the story's first article, within budget.

    As the DUC/TAC lead baselines, it reads one article only; when that article is
    shorter than the budget the summary is shorter too.
    """
    return "\n".join(fill_budget(split_sentences(story.documents[0]["text"]), words))


class SumyBaseline:
    """sumy's LexRank or TextRank over all of a story's articles, within a word budget.

    Each article becomes one sumy paragraph (in file order); exact duplicate sentences
    (wire copy reprinted across articles) are kept once, since sumy rates sentences by
    their text and would otherwise select both copies. Sentences are then taken by
    descending rating while they fit in the budget and printed in document order.

    Args:
        algorithm: ``"lexrank"`` or ``"textrank"``.
    """

    def __init__(self, algorithm: Literal["lexrank", "textrank"]) -> None:
        if algorithm not in ("lexrank", "textrank"):
            raise ValueError(f"unknown sumy algorithm {algorithm!r}: use 'lexrank' or 'textrank'")
        self.algorithm = algorithm
        self._summarizer: Any = None

    def warm_up(self) -> None:
        """Import sumy and build the summarizer now rather than on the first story."""
        self._load()

    def _load(self) -> Any:
        if self._summarizer is None:
            from sumy.nlp.stemmers import Stemmer
            from sumy.summarizers.lex_rank import LexRankSummarizer
            from sumy.summarizers.text_rank import TextRankSummarizer
            from sumy.utils import get_stop_words

            cls = LexRankSummarizer if self.algorithm == "lexrank" else TextRankSummarizer
            # The Snowball stemmer and sumy's bundled stop-word list need no NLTK data.
            summarizer = cls(Stemmer("english"))
            summarizer.stop_words = get_stop_words("english")
            self._summarizer = summarizer
        return self._summarizer

    def __call__(self, story: EvalStory, words: int) -> str:
        """Summarize ``story`` in at most ``words`` words."""
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

        summarizer = self._load()
        tokenizer = OfflineSumyTokenizer()
        seen: set[str] = set()
        paragraphs = []
        for document in story.documents:
            sentences = []
            for text in split_sentences(document["text"]):
                key = " ".join(text.split()).lower()
                if key in seen:
                    continue
                seen.add(key)
                sentences.append(Sentence(text, tokenizer))
            if sentences:
                paragraphs.append(Paragraph(sentences))
        if not paragraphs:
            return ""

        # sumy accepts a callable as the sentence count: it receives the sentences sorted
        # by descending rating and returns the ones to keep. That is where the budget goes.
        def within_budget(infos: list[Any]) -> list[Any]:
            return _fill(infos, words, lambda info: count_words(str(info.sentence)))

        chosen = summarizer(ObjectDocumentModel(tuple(paragraphs)), within_budget)
        return "\n".join(str(sentence) for sentence in chosen)


def documents_summarizer(function: Callable[[list[dict[str, Any]], int], str]) -> Summarizer:
    """Adapt a ``(documents, words) -> str`` function to the :class:`Summarizer` protocol.

    Args:
        function: For example ``newsprism.pipeline.summarize_documents``.

    Returns:
        A summarizer that passes a story's documents (as a new list) and the budget.
    """

    def summarize(story: EvalStory, words: int) -> str:
        return function(list(story.documents), words)

    return summarize


def baselines() -> dict[str, Summarizer]:
    """The in-process baselines, by row name (see :data:`BASELINES`)."""
    return {
        "Lead": lead_summary,
        "LexRank": SumyBaseline("lexrank"),
        "TextRank": SumyBaseline("textrank"),
    }


# ---------------------------------------------------------------------------------------
# ROUGE


@lru_cache(maxsize=1)
def _scorer() -> RougeScorer:
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def metric_names() -> list[str]:
    """The metric keys of :func:`rouge`, e.g. ``rouge1_recall`` or ``rougeL_f1``."""
    return [f"{kind}_{part}" for kind in ROUGE_TYPES for part in ("precision", "recall", "f1")]


def rouge(summary: str, references: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L of one summary against one or more references.

    Each reference is scored separately (``rouge-score``, Porter stemming) and precision,
    recall and F1 are averaged over the references.

    Args:
        summary: The candidate summary.
        references: At least one reference summary.

    Returns:
        ``{"rouge1_precision": ..., "rouge1_recall": ..., "rouge1_f1": ..., ...}``, each
        in [0, 1].

    Raises:
        ValueError: ``references`` is empty.
    """
    if not references:
        raise ValueError("rouge() needs at least one reference summary")
    totals = dict.fromkeys(metric_names(), 0.0)
    scorer = _scorer()
    for reference in references:
        scores = scorer.score(reference, summary)
        for kind in ROUGE_TYPES:
            totals[f"{kind}_precision"] += scores[kind].precision
            totals[f"{kind}_recall"] += scores[kind].recall
            totals[f"{kind}_f1"] += scores[kind].fmeasure
    return {name: value / len(references) for name, value in totals.items()}


# ---------------------------------------------------------------------------------------
# The evaluation run


@dataclass(frozen=True)
class EvalReport:
    """The result of one :func:`evaluate` run.

    Attributes:
        dataset: The data set's path, as given.
        words: The word budget every system had.
        stories: How many stories were scored.
        rows: System name -> aggregate metrics: the :func:`metric_names` keys (means over
            stories), ``words`` (mean summary length after truncation), ``failures``
            (stories the system failed or lacked) and, for systems run in this process,
            ``seconds`` (total summarizing time). Ordered: the summarizer under test,
            baselines, then peers.
        kinds: System name -> ``"system"``, ``"baseline"`` or ``"peer"``.
        failures: System name -> story id -> reason, for every failed or missing summary.
        per_story: System name -> story id -> that story's metrics and ``words``.
        seconds: Wall time of the whole run.
    """

    dataset: str
    words: int
    stories: int
    rows: dict[str, dict[str, float]]
    kinds: dict[str, SystemKind]
    failures: dict[str, dict[str, str]] = field(default_factory=dict)
    per_story: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self, *, per_story: bool = True) -> dict[str, Any]:
        """A JSON-ready dict of the report, with the scoring conventions spelled out.

        Args:
            per_story: Include every story's scores (for paired comparisons).
        """
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "words": self.words,
            "stories": self.stories,
            "seconds": round(self.seconds, 3),
            "scoring": {
                "package": "rouge-score",
                "metrics": list(ROUGE_TYPES),
                "stemming": True,
                "multiple_references": "mean over references",
                "budget": "whole sentences in order while they fit; longer ones skipped",
                "word": "whitespace-separated token",
                "failures": "scored as an empty summary",
            },
            "systems": {
                name: {"kind": self.kinds[name], **metrics} for name, metrics in self.rows.items()
            },
            "failures": self.failures,
        }
        if per_story:
            out["per_story"] = self.per_story
        return out


def _peer_sort_key(name: str) -> tuple[Any, ...]:
    # Natural order, so ID2 comes before ID10.
    return tuple(int(p) if p.isdigit() else p for p in _PEER_ORDER.split(name))


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def evaluate(
    dataset_path: str | Path,
    summarizer: Summarizer | None,
    *,
    words: int = 250,
    peers_path: str | Path | None = None,
    limit: int | None = None,
    progress: Progress | None = None,
    name: str = "newsprism",
) -> EvalReport:
    """Score a summarizer, the baselines and the peers on a data set, with one budget.

    Args:
        dataset_path: A JSONL file in the shared multi-document schema.
        summarizer: The system under test, or ``None`` to score baselines and peers only.
        words: The word budget for every system (whitespace-separated words).
        peers_path: Optional ``*_peers.jsonl`` file with other systems' summaries.
        limit: Score only the first ``limit`` stories of the file.
        progress: Called as ``progress(done, total)`` once before the first story and
            after each story, so a CLI can draw a progress bar.
        name: The row name of the system under test.

    Returns:
        The :class:`EvalReport`.

    Raises:
        InputError: The data set or peers file cannot be read, or the peers file shares
            no story id with the data set (most likely the wrong pairing of files).
        ValueError: ``words`` or ``limit`` is not a positive integer, or ``name`` clashes
            with a baseline or peer.
    """
    if words < 1:
        raise ValueError(f"words must be a positive integer, got {words}")
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be a positive integer or None, got {limit}")
    started = time.perf_counter()
    stories = load_stories(dataset_path)
    if limit is not None:
        stories = stories[:limit]

    systems: dict[str, Summarizer] = {}
    kinds: dict[str, SystemKind] = {}
    if summarizer is not None:
        systems[name] = summarizer
        kinds[name] = "system"
    for baseline, function in baselines().items():
        if baseline in systems:
            raise ValueError(f"name {name!r} is taken by a baseline: choose another")
        systems[baseline] = function
        kinds[baseline] = "baseline"

    peers: dict[str, dict[str, str]] = {}
    if peers_path is not None:
        peers = load_peers(peers_path)
        story_ids = {s.id for s in stories}
        if not any(story_ids & set(by_story) for by_story in peers.values()):
            raise InputError(
                str(peers_path),
                f"no story id in common with {dataset_path}",
                "Pass the peers file that belongs to this data set",
            )
        for peer in sorted(peers, key=_peer_sort_key):
            if peer in kinds:
                raise ValueError(f"peer system {peer!r} clashes with a row name: rename {name!r}")
            kinds[peer] = "peer"

    per_story: dict[str, dict[str, dict[str, float]]] = {system: {} for system in kinds}
    failures: dict[str, dict[str, str]] = {}
    seconds = dict.fromkeys(systems, 0.0)

    def record(system: str, story: EvalStory, summary: str) -> None:
        summary = truncate_to_budget(summary, words)
        scores = rouge(summary, story.references)
        scores["words"] = float(count_words(summary))
        per_story[system][story.id] = scores

    # Load the shared tools before the clock starts, so no system's timing pays for them.
    _sentencizer()
    _scorer()
    for function in systems.values():
        if isinstance(function, SumyBaseline):
            function.warm_up()

    total = len(stories)
    if progress is not None:
        progress(0, total)
    for done, story in enumerate(stories, start=1):
        for system, function in systems.items():
            tick = time.perf_counter()
            try:
                summary = function(story, words)
            except Exception as exc:  # one story must not end the run
                logger.warning("%s failed on story %s: %s", system, story.id, exc, exc_info=True)
                failures.setdefault(system, {})[story.id] = f"{type(exc).__name__}: {exc}"
                summary = ""
            seconds[system] += time.perf_counter() - tick
            if not isinstance(summary, str):
                failures.setdefault(system, {})[story.id] = (
                    f"returned {type(summary).__name__}, not str"
                )
                summary = ""
            record(system, story, summary)
        for peer, by_story in peers.items():
            text = by_story.get(story.id)
            if text is None:
                failures.setdefault(peer, {})[story.id] = "no summary in the peers file"
                text = ""
            record(peer, story, text)
        if progress is not None:
            progress(done, total)

    rows: dict[str, dict[str, float]] = {}
    for system in kinds:
        scored = list(per_story[system].values())
        row = {key: _mean([s[key] for s in scored]) for key in [*metric_names(), "words"]}
        row["failures"] = len(failures.get(system, {}))
        if system in seconds:
            row["seconds"] = seconds[system]
        rows[system] = row
    report = EvalReport(
        dataset=str(dataset_path),
        words=words,
        stories=total,
        rows=rows,
        kinds=kinds,
        failures=failures,
        per_story=per_story,
        seconds=time.perf_counter() - started,
    )
    logger.info("scored %d systems on %d stories in %.1f s", len(rows), total, report.seconds)
    return report


def format_table(report: EvalReport) -> Table:
    """Render a report's rows as a Rich table (recall and F1 of ROUGE-1/2/L).

    Args:
        report: The output of :func:`evaluate`.

    Returns:
        A ``rich.table.Table``, ready for ``Console.print``.
    """
    from rich.table import Table

    table = Table(
        title=(
            f"ROUGE on {Path(report.dataset).name}: {report.stories} stories, "
            f"at most {report.words} words"
        ),
        caption=(
            "rouge-score with stemming, mean over references; R = recall, F = F1. "
            "Failures score as empty summaries."
        ),
    )
    table.add_column("system")
    table.add_column("kind", style="dim")
    labels = {"rouge1": "R-1", "rouge2": "R-2", "rougeL": "R-L"}
    for kind in ROUGE_TYPES:
        table.add_column(f"{labels[kind]} R", justify="right")
        table.add_column(f"{labels[kind]} F", justify="right")
    table.add_column("words", justify="right")
    table.add_column("failed", justify="right")
    table.add_column("s/story", justify="right")
    for system, row in report.rows.items():
        cells = [system, report.kinds[system]]
        for kind in ROUGE_TYPES:
            cells += [f"{row[f'{kind}_recall']:.3f}", f"{row[f'{kind}_f1']:.3f}"]
        cells.append(f"{row['words']:.0f}")
        cells.append(f"{row['failures']:.0f}")
        per_story = row["seconds"] / report.stories if "seconds" in row and report.stories else None
        cells.append("—" if per_story is None else f"{per_story:.2f}")
        style = "bold" if report.kinds[system] == "system" else None
        table.add_row(*cells, style=style)
    return table
