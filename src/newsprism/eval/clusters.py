"""Evaluating story clustering against gold stories: B-cubed and pairwise P/R/F1.

Two dataset shapes are read:

* the ECB+ format (``ecbplus_train_dev.jsonl``), one article a line with ``doc_id``,
  ``subtopic`` (the gold story: one real-world event), ``split`` and tokenised ``text``.
  A leading URL line becomes the article's ``url`` and a dateline in the first lines its
  ``published`` date, as an HTML reader would take them from page metadata;
* the shared multi-document schema (one story a line, ``documents``), where each line's
  documents form one gold story; several files are pooled into one pile.

On ECB+ the threshold is chosen on the ``train`` split (:func:`calibrate`, B-cubed F1)
and scores are reported on ``dev``. Online mode feeds the articles in a fixed order:
undated articles first in a pseudo-random (content-hash) order, then dated ones by date.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from newsprism.cluster import (
    DEFAULT_CLUSTER_CONFIG,
    DEFAULT_THRESHOLD,
    ClusterConfig,
    Clustering,
    average_linkage,
    cluster_batch,
    cluster_online,
    cut,
    featurize,
    similarity_matrix,
)
from newsprism.errors import InputError
from newsprism.eval.datasets import json_lines
from newsprism.ingest.common import make_article
from newsprism.ingest.dates import to_iso
from newsprism.ingest.jsonfmt import read_record
from newsprism.model import Article, content_id

if TYPE_CHECKING:
    from rich.table import Table

logger = logging.getLogger(__name__)

Mode = Literal["batch", "online"]
DEFAULT_GRID = tuple(round(x, 2) for x in np.arange(0.05, 0.61, 0.01))
_ECB_HINT = (
    "ECB+ lines need doc_id, subtopic, split and text; multi-document lines need "
    "id and documents (see ../shared/data/README.md)"
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATELINE = re.compile(
    rf"^(?P<date>.{{0,30}}?(?:\b{_MONTH}\s+\d{{1,2}}\s*,?\s*|\b\d{{1,2}}\s+{_MONTH}\s+)(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- metrics


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float

    def to_dict(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1}


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _check_items(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> None:
    if set(predicted) != set(gold):
        missing = len(set(gold) - set(predicted))
        extra = len(set(predicted) - set(gold))
        raise ValueError(
            f"predicted and gold clusterings cover different items ({missing} missing, "
            f"{extra} extra); score the same articles on both sides"
        )


def b_cubed(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> PRF:
    """B-cubed precision/recall/F1 (Bagga & Baldwin 1998), averaged over items.

    Args:
        predicted: item -> predicted cluster label.
        gold: item -> gold cluster label (same items).
    """
    _check_items(predicted, gold)
    if not gold:
        return PRF(1.0, 1.0, 1.0)
    joint = Counter((predicted[i], gold[i]) for i in gold)
    pred_size = Counter(predicted.values())
    gold_size = Counter(gold.values())
    # Each item of cell (p, g) has |p ∩ g| correct companions (itself included).
    precision = sum(n * n / pred_size[p] for (p, _), n in joint.items()) / len(gold)
    recall = sum(n * n / gold_size[g] for (_, g), n in joint.items()) / len(gold)
    return PRF(precision, recall, _f1(precision, recall))


def pairwise(predicted: Mapping[str, Hashable], gold: Mapping[str, Hashable]) -> PRF:
    """Pairwise precision/recall/F1 over item pairs placed in the same cluster.

    With no predicted pairs precision is 1.0 (nothing was wrongly joined); with no gold
    pairs recall is 1.0.
    """
    _check_items(predicted, gold)

    def pairs(sizes: Sequence[int]) -> int:
        return sum(n * (n - 1) // 2 for n in sizes)

    joint = Counter((predicted[i], gold[i]) for i in gold)
    both = pairs(list(joint.values()))
    predicted_pairs = pairs(list(Counter(predicted.values()).values()))
    gold_pairs = pairs(list(Counter(gold.values()).values()))
    precision = both / predicted_pairs if predicted_pairs else 1.0
    recall = both / gold_pairs if gold_pairs else 1.0
    return PRF(precision, recall, _f1(precision, recall))


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class GoldPile:
    """Articles with their gold story labels, in file order."""

    articles: tuple[Article, ...]
    gold: dict[str, str]  # article id -> gold story
    splits: dict[str, str]  # article id -> split ("" when the file has none)
    raw: frozenset[str] = frozenset()  # ids of articles read as scraped (not yet cleaned)


def _ecb_article(record: dict[str, Any], where: str) -> Article | None:
    lines = record["text"].split("\n")
    url = None
    if lines and lines[0].lstrip().startswith("http"):
        url = lines.pop(0).replace(" ", "")
    published = None
    for line in lines[:4]:
        match = _DATELINE.match(line.strip())
        if match and len(line.split()) <= 20:
            published = to_iso(match.group("date").replace(" , ", ", "))
            if published:
                break
    made = make_article(
        "\n".join(lines),
        source=f"{where}#{record['doc_id']}",
        fallback_outlet=str(record["doc_id"]),
        url=url,
        published=published,
    )
    return made if isinstance(made, Article) else None


def load_gold(paths: str | Path | Sequence[str | Path]) -> GoldPile:
    """Read one or more evaluation files into one pile with gold story labels.

    Raises:
        InputError: a missing file or a line of neither supported shape.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    articles: list[Article] = []
    gold: dict[str, str] = {}
    splits: dict[str, str] = {}
    raw: set[str] = set()
    duplicates = 0
    for raw_path in paths:
        path = Path(raw_path)
        for number, record in json_lines(path, _ECB_HINT):
            where = f"{path}:{number}"
            if "subtopic" in record and "text" in record:
                made = _ecb_article(record, where)
                found = [made] if made is not None else []
                label = f"{path.stem}:{record['subtopic']}"
                split = str(record.get("split", ""))
            elif isinstance(record.get("documents"), list):
                found = list(read_record(record, where).articles)
                label = f"{path.stem}:{record.get('id', number)}"
                split = ""
                raw.update(a.id for a in found)
            else:
                raise InputError(where, "a line of unknown shape", _ECB_HINT)
            for article in found:
                if article.id in gold:
                    duplicates += 1  # the same text twice: scored once, first story wins
                    continue
                articles.append(article)
                gold[article.id] = label
                splits[article.id] = split
    if duplicates:
        logger.info("%d duplicate articles skipped while loading %s", duplicates, paths)
    return GoldPile(tuple(articles), gold, splits, frozenset(raw))


def _select(pile: GoldPile, split: str | None) -> list[Article]:
    if split is None:
        return list(pile.articles)
    chosen = [a for a in pile.articles if pile.splits[a.id] == split]
    if not chosen:
        found = sorted(set(pile.splits.values()) - {""}) or ["none"]
        raise InputError(
            "dataset", f"no articles in split {split!r}", f"Choose one of: {', '.join(found)}"
        )
    return chosen


def online_order(articles: Sequence[Article]) -> list[Article]:
    """The fixed stream order: undated articles in content-hash order, then dated by date."""
    return sorted(
        articles,
        key=lambda a: (a.published is not None, a.published or "", content_id("order", a.id)),
    )


# --------------------------------------------------------------------------- calibration


def _labels(clustering: Clustering) -> dict[str, str]:
    return clustering.story_of()


def calibration_curve(
    articles: Sequence[Article],
    gold: Mapping[str, str],
    *,
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    grid: Sequence[float] = DEFAULT_GRID,
) -> list[tuple[float, PRF]]:
    """B-cubed scores of batch clustering at each threshold of ``grid`` (one featurisation)."""
    features = featurize(articles, config)
    dendrogram = average_linkage(similarity_matrix(features, config))
    ids = [a.id for a in articles]
    subset = {i: gold[i] for i in ids}
    return [(t, b_cubed(_labels(cut(dendrogram, ids, t)), subset)) for t in grid]


def best_threshold(curve: Sequence[tuple[float, PRF]], *, smooth: int = 1) -> float:
    """The threshold whose B-cubed F1, averaged with ``smooth`` grid neighbours each side, is best.

    The F1 curve of a few dozen stories is jagged: one article changing sides moves it by
    0.02, so a lone peak is noise. The centre of the best plateau transfers better to new
    data. Ties go to the lowest threshold.
    """
    scores = [prf.f1 for _, prf in curve]

    def smoothed(index: int) -> float:
        window = scores[max(0, index - smooth) : index + smooth + 1]
        return sum(window) / len(window)

    best = max(range(len(curve)), key=lambda i: (smoothed(i), scores[i], -curve[i][0]))
    return curve[best][0]


def calibrate(
    train_path: str | Path,
    *,
    split: str | None = "train",
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    grid: Sequence[float] = DEFAULT_GRID,
) -> float:
    """The threshold with the best batch B-cubed F1 on a training pile.

    Args:
        train_path: an evaluation file (ECB+ format or the multi-document schema).
        split: the split used (``None``: every article of the file).
        config: the representation being calibrated.
        grid: thresholds tried; ties go to the lowest.
    """
    pile = load_gold(train_path)
    has_splits = any(pile.splits.values())
    articles = _select(pile, split if has_splits else None)
    curve = calibration_curve(articles, pile.gold, config=config, grid=grid)
    best = best_threshold(curve)
    score = dict(curve)[best]
    logger.info(
        "calibrated threshold %.2f (B3 F1 %.4f on %d articles)", best, score.f1, len(articles)
    )
    return best


# A batch and an online run of the same file calibrate on the same train pile once.
_CALIBRATED: dict[tuple[tuple[str, ...], ClusterConfig], float] = {}


def _calibrated(
    articles: Sequence[Article], gold: Mapping[str, str], config: ClusterConfig
) -> float:
    key = (tuple(a.id for a in articles), config)
    if key not in _CALIBRATED:
        _CALIBRATED[key] = best_threshold(calibration_curve(articles, gold, config=config))
    return _CALIBRATED[key]


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class ClusterEvalReport:
    """Scores of one clustering run against gold stories."""

    dataset: str
    mode: str
    split: str | None
    threshold: float
    threshold_source: str  # "given", "calibrated on <split>", or "default"
    articles: int
    gold_stories: int
    predicted_stories: int
    b_cubed: PRF
    pairwise: PRF
    seconds: float  # featurisation + clustering of the evaluated pile
    merges: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "mode": self.mode,
            "split": self.split,
            "threshold": self.threshold,
            "threshold_source": self.threshold_source,
            "articles": self.articles,
            "gold_stories": self.gold_stories,
            "predicted_stories": self.predicted_stories,
            "b_cubed": self.b_cubed.to_dict(),
            "pairwise": self.pairwise.to_dict(),
            "seconds": round(self.seconds, 3),
            "merges": self.merges,
        }


def evaluate_clusters(
    dataset_path: str | Path | Sequence[str | Path],
    *,
    mode: Mode = "batch",
    threshold: float | None = None,
    split: str | None = None,
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    clean: bool = True,
) -> ClusterEvalReport:
    """Cluster an evaluation pile and score it against its gold stories.

    Args:
        dataset_path: one file, or several pooled into one pile.
        mode: ``"batch"`` (:func:`~newsprism.cluster.cluster_batch`) or ``"online"``
            (:class:`~newsprism.cluster.OnlineClusterer`, fixed :func:`online_order`).
        threshold: the cut; ``None`` calibrates it on the file's ``train`` split when it
            has one, else uses :data:`~newsprism.cluster.DEFAULT_THRESHOLD`.
        split: the split scored; ``None`` scores ``dev`` when the file has one, else all.
        config: the representation.
        clean: run :func:`~newsprism.clean.clean_articles` over the articles of
            multi-document files (scraped, with boilerplate) first, as ingest does;
            ECB+ text is already clean. Cleaning keeps article ids.

    Raises:
        ValueError: an unknown mode.
        InputError: unreadable data or an empty split.
    """
    if mode not in ("batch", "online"):
        raise ValueError(f"unknown mode {mode!r}; choose 'batch' or 'online'")
    pile = load_gold(dataset_path)
    present = set(pile.splits.values()) - {""}
    chosen_split = split if split is not None else ("dev" if "dev" in present else None)
    articles = _select(pile, chosen_split)
    if clean and pile.raw:
        from newsprism.clean import clean_articles

        cleaned = iter(clean_articles([a for a in articles if a.id in pile.raw]))
        articles = [next(cleaned) if a.id in pile.raw else a for a in articles]
    training = [a for a in pile.articles if pile.splits[a.id] == "train"]
    source = "given"
    if threshold is None:
        if training and chosen_split != "train":
            threshold = _calibrated(training, pile.gold, config)
            source = "calibrated on train"
        else:
            threshold, source = DEFAULT_THRESHOLD, "default"
    started = time.perf_counter()
    merges = 0
    if mode == "batch":
        clustering = cluster_batch(articles, threshold=threshold, config=config)
    else:
        background = training if chosen_split != "train" else []
        clustering = cluster_online(
            online_order(articles), threshold=threshold, config=config, background=background
        )
        merges = len(clustering.merges)
    seconds = time.perf_counter() - started
    predicted = _labels(clustering)
    gold = {a.id: pile.gold[a.id] for a in articles}
    names = [dataset_path] if isinstance(dataset_path, (str, Path)) else list(dataset_path)
    return ClusterEvalReport(
        dataset=" + ".join(Path(n).name for n in names),
        mode=mode,
        split=chosen_split,
        threshold=float(threshold),
        threshold_source=source,
        articles=len(articles),
        gold_stories=len(set(gold.values())),
        predicted_stories=len(clustering.stories),
        b_cubed=b_cubed(predicted, gold),
        pairwise=pairwise(predicted, gold),
        seconds=seconds,
        merges=merges,
    )


def format_table(report: ClusterEvalReport) -> Table:
    """The report as a ``rich`` table (B-cubed and pairwise rows), ready to print."""
    from rich.table import Table

    split = f", split {report.split}" if report.split else ""
    table = Table(
        title=(
            f"Story clustering: {report.dataset} ({report.mode}{split}; "
            f"{report.articles} articles, {report.gold_stories} gold / "
            f"{report.predicted_stories} predicted stories; threshold "
            f"{report.threshold:.2f} {report.threshold_source}; {report.seconds:.1f} s)"
        )
    )
    table.add_column("metric")
    for column in ("precision", "recall", "F1"):
        table.add_column(column, justify="right")
    for name, score in (("B-cubed", report.b_cubed), ("pairwise", report.pairwise)):
        table.add_row(name, f"{score.precision:.3f}", f"{score.recall:.3f}", f"{score.f1:.3f}")
    return table


__all__ = [
    "PRF",
    "ClusterEvalReport",
    "GoldPile",
    "b_cubed",
    "best_threshold",
    "calibrate",
    "calibration_curve",
    "evaluate_clusters",
    "format_table",
    "load_gold",
    "online_order",
    "pairwise",
]
