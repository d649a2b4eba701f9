"""Evaluating story clustering against gold stories: B-cubed and pairwise P/R/F1.

Two dataset shapes are read:

* the ECB+ format (``ecbplus_train_dev.jsonl``), one article a line with ``doc_id``,
  ``subtopic`` (the gold story: one real-world event), ``split`` and tokenised ``text``.
  A leading URL line becomes the article's ``url`` and a dateline in the first lines its
  ``published`` date, as an HTML reader would take them from page metadata;
* the shared multi-document schema (one story a line, ``documents``), where each line's
  documents form one gold story; several files are pooled into one pile.

On ECB+ the threshold is chosen on the ``train`` split (:func:`calibrate`, B-cubed F1)
and scores are reported on ``dev``. :func:`fit_representation` (``python -m
newsprism.eval.clusters calibrate``) fits the channel weights and the attach ratio on
train as well, and cross-validates the whole procedure over train topics. Online mode
feeds the articles in a fixed order: undated articles first in a pseudo-random
(content-hash) order, then dated ones by date; its threshold is calibrated on a train
stream (:func:`online_calibration_curve`).
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from newsprism.cluster import (
    CHANNELS,
    DEFAULT_CLUSTER_CONFIG,
    DEFAULT_ONLINE_THRESHOLD,
    DEFAULT_THRESHOLD,
    ArticleSignals,
    ClusterConfig,
    Clustering,
    Features,
    OnlineClusterer,
    average_linkage,
    channel_of,
    cluster_batch,
    cluster_online,
    cut,
    embed_leads,
    extract_signals,
    featurize,
    idf_of_singleton,
    similarity_matrix,
    weighted_vectors,
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
    topics: Mapping[str, str] = field(default_factory=dict)  # article id -> ECB+ topic


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
    topics: dict[str, str] = {}
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
                topic = f"{path.stem}:{record.get('topic', record['subtopic'])}"
            elif isinstance(record.get("documents"), list):
                found = list(read_record(record, where).articles)
                label = f"{path.stem}:{record.get('id', number)}"
                split = ""
                topic = label
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
                topics[article.id] = topic
    if duplicates:
        logger.info("%d duplicate articles skipped while loading %s", duplicates, paths)
    return GoldPile(tuple(articles), gold, splits, frozenset(raw), topics)


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
    sims = similarity_matrix(featurize(articles, config), config)
    ids = [a.id for a in articles]
    return _cut_scores(sims, ids, {i: gold[i] for i in ids}, config.attach_ratio, grid)


def _cut_scores(
    sims: np.ndarray,
    ids: Sequence[str],
    gold: Mapping[str, str],
    ratio: float,
    grid: Sequence[float],
) -> list[tuple[float, PRF]]:
    """B-cubed of the average-link cut (with singleton attachment) at each threshold."""
    dendrogram = average_linkage(sims)
    return [
        (t, b_cubed(_labels(cut(dendrogram, ids, t, similarities=sims, attach_ratio=ratio)), gold))
        for t in grid
    ]


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


def online_calibration_curve(
    articles: Sequence[Article],
    gold: Mapping[str, str],
    *,
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    grid: Sequence[float] = DEFAULT_GRID,
) -> list[tuple[float, PRF]]:
    """B-cubed scores of online clustering at each threshold (one NER and embedding pass).

    The articles stream in :func:`online_order`, with their own tokens as background IDF
    (as the dev stream gets the train pile's).
    """
    ordered = online_order(articles)
    signals = extract_signals(ordered, config)
    dense = embed_leads([s.lead for s in signals], config)
    subset = {a.id: gold[a.id] for a in ordered}
    curve = []
    for threshold in grid:
        clusterer = OnlineClusterer(threshold=threshold, config=config)
        clusterer.add_background_signals(signals)
        for row, signal in enumerate(signals):
            clusterer.assign(signal, None if dense is None else dense[row])
        curve.append((threshold, b_cubed(_labels(clusterer.snapshot()), subset)))
    return curve


# A batch and an online run of the same file calibrate on the same train pile once.
_CALIBRATED: dict[tuple[tuple[str, ...], ClusterConfig, str], float] = {}


def _calibrated(
    articles: Sequence[Article], gold: Mapping[str, str], config: ClusterConfig, mode: Mode
) -> float:
    key = (tuple(a.id for a in articles), config, mode)
    if key not in _CALIBRATED:
        curve_of = calibration_curve if mode == "batch" else online_calibration_curve
        _CALIBRATED[key] = best_threshold(curve_of(articles, gold, config=config))
    return _CALIBRATED[key]


# --------------------------------------------------------------------------- fitting

FEATURE_NAMES = ("words", "dense", "lead", "years", "persons")


@dataclass(frozen=True)
class PreparedPile:
    """A training pile's signals and dense vectors, computed once (NER, MiniLM), with the
    gold story and topic of each article (same order)."""

    articles: tuple[Article, ...]
    signals: tuple[ArticleSignals, ...]
    dense: np.ndarray | None
    gold: tuple[str, ...]
    topics: tuple[str, ...]


def _prepare(pile: GoldPile, articles: Sequence[Article], config: ClusterConfig) -> PreparedPile:
    signals = extract_signals(articles, config)
    dense = embed_leads([s.lead for s in signals], config)
    return PreparedPile(
        tuple(articles),
        tuple(signals),
        dense,
        tuple(pile.gold[a.id] for a in articles),
        tuple(pile.topics.get(a.id, pile.gold[a.id]) for a in articles),
    )


def _similarities(prep: PreparedPile, rows: Sequence[int], config: ClusterConfig) -> np.ndarray:
    """The clustering similarity of a subset of the pile (IDF fitted on the subset)."""
    signals = [prep.signals[i] for i in rows]
    tfidf, dense = weighted_vectors(
        [s.tokens for s in signals], None if prep.dense is None else prep.dense[list(rows)], config
    )
    features = Features(
        tuple(s.article_id for s in signals),
        tfidf,
        dense,
        np.array([np.nan if s.day is None else s.day for s in signals], dtype=np.float64),
    )
    return similarity_matrix(features, config)


def _channel_cosine(documents: Sequence[Sequence[str]], channel: int) -> np.ndarray:
    """Pairwise TF-IDF cosine over one channel's tokens (IDF fitted on these documents)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    kept = [[t for t in doc if channel_of(t) == channel] for doc in documents]
    if not any(kept):
        return np.zeros((len(documents), len(documents)))
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    matrix = vectorizer.fit_transform(kept).tocsr()
    cosines = np.asarray((matrix @ matrix.T).todense(), dtype=np.float64)
    if CHANNELS[channel] in ("years", "persons"):  # scaled by specificity, as clustered
        ceiling = idf_of_singleton(len(documents))
        spec = np.array(
            [
                vectorizer.idf_[matrix.indices[start:end]].mean() / ceiling if end > start else 0.0
                for start, end in itertools.pairwise(matrix.indptr)
            ]
        )
        cosines *= np.outer(spec, spec)
    return cosines


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _channel_cosines(prep: PreparedPile, rows: Sequence[int]) -> np.ndarray:
    """Pairwise cosine of each feature of :data:`FEATURE_NAMES` (n x n x 5)."""
    documents = [prep.signals[i].tokens for i in rows]
    mats = []
    for name in FEATURE_NAMES:
        if name == "dense":
            if prep.dense is None:
                mats.append(np.zeros((len(rows), len(rows))))
            else:
                vectors = prep.dense[list(rows)].astype(np.float64)
                mats.append(vectors @ vectors.T)
        else:
            mats.append(_channel_cosine(documents, CHANNELS.index(name)))
    return np.stack(mats, axis=-1)


def fit_channel_weights(
    prep: PreparedPile, rows: Sequence[int], config: ClusterConfig = DEFAULT_CLUSTER_CONFIG
) -> ClusterConfig:
    """Channel weights from a logistic regression of "same story" on the channel cosines.

    Fitted on the pairs of articles of one topic (same kind of event; the hard pairs),
    class-balanced, and rescaled so that ``words`` weighs 1; a negative weight is clipped
    to 0 (that channel is then off).
    """
    from sklearn.linear_model import LogisticRegression

    cosines = _channel_cosines(prep, rows)
    upper = np.triu_indices(len(rows), 1)
    topics = np.array([prep.topics[i] for i in rows])
    gold = np.array([prep.gold[i] for i in rows])
    same_topic = topics[upper[0]] == topics[upper[1]]
    features = cosines[upper][same_topic]
    labels = (gold[upper[0]] == gold[upper[1]])[same_topic].astype(int)
    if len(set(labels.tolist())) < 2:
        raise ValueError("fitting channel weights needs topics holding two or more stories")
    model = LogisticRegression(class_weight="balanced", max_iter=2000).fit(features, labels)
    coef = dict(zip(FEATURE_NAMES, np.clip(model.coef_[0], 0.0, None), strict=True))
    if coef["words"] <= 0:
        raise ValueError("the words channel got no weight; the training pile is too small")
    scale = 1.0 / coef["words"]
    return replace(
        config,
        dense_weight=round(coef["dense"] * scale, 2),
        lead_weight=round(coef["lead"] * scale, 2),
        year_weight=round(coef["years"] * scale, 2),
        person_weight=round(coef["persons"] * scale, 2),
    )


def _curve(
    prep: PreparedPile, rows: Sequence[int], config: ClusterConfig, grid: Sequence[float]
) -> list[tuple[float, PRF]]:
    sims = _similarities(prep, rows, config)
    ids = [prep.signals[i].article_id for i in rows]
    gold = {prep.signals[i].article_id: prep.gold[i] for i in rows}
    return _cut_scores(sims, ids, gold, config.attach_ratio, grid)


def _fit(
    prep: PreparedPile,
    rows: Sequence[int],
    config: ClusterConfig,
    ratios: Sequence[float],
    grid: Sequence[float],
    fit_weights: bool,
) -> tuple[ClusterConfig, float, float]:
    """Weights, then the (attach ratio, threshold) with the best smoothed B-cubed F1."""
    if fit_weights:
        config = fit_channel_weights(prep, rows, config)
    best: tuple[float, float, ClusterConfig, float] | None = None
    for ratio in ratios:
        candidate = replace(config, attach_ratio=ratio)
        curve = _curve(prep, rows, candidate, grid)
        threshold = best_threshold(curve)
        score = dict(curve)[threshold].f1
        if best is None or score > best[0]:
            best = (score, threshold, candidate, ratio)
    assert best is not None
    return best[2], best[1], best[0]


@dataclass(frozen=True, slots=True)
class RepresentationFit:
    """What :func:`fit_representation` chose on a training pile, and how well it did."""

    config: ClusterConfig
    threshold: float
    train_f1: float  # B-cubed F1 at the chosen settings, in-sample
    cv_f1: float | None  # pooled out-of-fold B-cubed F1 (leave-topics-out), when asked

    def to_dict(self) -> dict[str, Any]:
        c = self.config
        return {
            "dense_weight": c.dense_weight,
            "lead_weight": c.lead_weight,
            "year_weight": c.year_weight,
            "person_weight": c.person_weight,
            "attach_ratio": c.attach_ratio,
            "threshold": self.threshold,
            "train_b3_f1": round(self.train_f1, 4),
            "cv_b3_f1": None if self.cv_f1 is None else round(self.cv_f1, 4),
        }


def fit_representation(
    train_path: str | Path,
    *,
    split: str | None = "train",
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    ratios: Sequence[float] = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5),
    grid: Sequence[float] = DEFAULT_GRID,
    folds: int = 0,
    seeds: Sequence[int] = (0, 1, 2),
    fit_weights: bool = True,
) -> RepresentationFit:
    """Fit channel weights, attach ratio and threshold on a training pile.

    With ``folds`` > 1 the whole procedure is also cross-validated: topics are dealt into
    folds (shuffled by each seed), each fold is clustered with settings fitted on the
    others, and the out-of-fold stories are scored together (pooled B-cubed F1, mean
    over seeds). This is how the defaults were chosen without looking at ECB+ dev.
    """
    pile = load_gold(train_path)
    has_splits = any(pile.splits.values())
    articles = _select(pile, split if has_splits else None)
    prep = _prepare(pile, articles, config)
    rows = list(range(len(articles)))
    fitted, threshold, train_f1 = _fit(prep, rows, config, ratios, grid, fit_weights)
    cv = None
    if folds > 1:
        scores = []
        topic_names = sorted(set(prep.topics))
        for seed in seeds:
            order = list(topic_names)
            np.random.RandomState(seed).shuffle(order)
            predicted: dict[str, str] = {}
            for fold in range(folds):
                held = set(order[fold::folds])
                train_rows = [i for i in rows if prep.topics[i] not in held]
                test_rows = [i for i in rows if prep.topics[i] in held]
                if not test_rows or not train_rows:
                    continue
                cfg, t, _ = _fit(prep, train_rows, config, ratios, grid, fit_weights)
                sims = _similarities(prep, test_rows, cfg)
                ids = [prep.signals[i].article_id for i in test_rows]
                clustering = cut(
                    average_linkage(sims), ids, t, similarities=sims, attach_ratio=cfg.attach_ratio
                )
                predicted.update({a: f"{fold}:{s}" for a, s in _labels(clustering).items()})
            gold = {prep.signals[i].article_id: prep.gold[i] for i in rows}
            scores.append(b_cubed(predicted, gold).f1)
        cv = float(np.mean(scores))
    return RepresentationFit(fitted, threshold, train_f1, cv)


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
            has one (in the mode evaluated: online mode's own cut), else uses
            :data:`~newsprism.cluster.DEFAULT_THRESHOLD` (batch) or
            :data:`~newsprism.cluster.DEFAULT_ONLINE_THRESHOLD` (online).
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
            threshold = _calibrated(training, pile.gold, config, mode)
            source = "calibrated on train"
        else:
            threshold = DEFAULT_THRESHOLD if mode == "batch" else DEFAULT_ONLINE_THRESHOLD
            source = "default"
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


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newsprism.eval.clusters calibrate TRAIN.jsonl [--folds 5] [--keep-weights]``.

    Prints the fitted channel weights, attach ratio and threshold (and the
    cross-validated B-cubed F1) as JSON: the provenance of the defaults in
    :mod:`newsprism.cluster`.
    """
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m newsprism.eval.clusters")
    sub = parser.add_subparsers(dest="command", required=True)
    cal = sub.add_parser("calibrate", help="fit weights, attach ratio and threshold on train")
    cal.add_argument("dataset")
    cal.add_argument("--split", default="train")
    cal.add_argument("--folds", type=int, default=5, help="leave-topics-out folds (0: no CV)")
    cal.add_argument("--keep-weights", action="store_true", help="keep the default channel weights")
    args = parser.parse_args(argv)
    fit = fit_representation(
        args.dataset, split=args.split, folds=args.folds, fit_weights=not args.keep_weights
    )
    print(json.dumps(fit.to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = [
    "PRF",
    "ClusterEvalReport",
    "GoldPile",
    "PreparedPile",
    "RepresentationFit",
    "b_cubed",
    "best_threshold",
    "calibrate",
    "calibration_curve",
    "evaluate_clusters",
    "fit_channel_weights",
    "fit_representation",
    "format_table",
    "load_gold",
    "online_order",
    "pairwise",
]
