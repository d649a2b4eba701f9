"""Alignment: link sentences across outlets that carry the same information into points.

Similarity is the cosine of dense sentence embeddings (paraphrase), lowered for pairs that
share no informative word (a number, or a word few sentences of the story use), so that
two sentences about different facts of one story (every sentence mentions Russia and
Ukraine) do not merge on topic alone. Sentences are grouped by star clustering: the
sentence that links to the most independent sources becomes a point's centre and takes,
from every other article, its best-matching sentence above the threshold; a point's ``support`` counts independent outlets, where articles that reprint
the same wire copy form one source.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from newsprism.model import Article, Point, Sentence

logger = logging.getLogger(__name__)

MIN_POINT_WORDS = 6
CORROBORATED_SLACK = 0.08  # pairs sharing 2+ informative words link this much lower
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*")


@dataclass(frozen=True)
class Candidate:
    """A sentence eligible to carry a point, with where it sits in its article."""

    article_index: int
    sentence: Sentence
    position: float  # 0.0 = first sentence of the article, 1.0 = last


@dataclass(frozen=True)
class Alignment:
    """Points plus what compose needs to rank them and keep the brief non-redundant."""

    points: tuple[Point, ...]
    members: tuple[tuple[int, ...], ...]  # candidate indices of each point
    candidates: tuple[Candidate, ...]
    embeddings: np.ndarray  # one row per candidate, L2-normalised
    similarity: np.ndarray  # blended candidate x candidate similarity
    shared: np.ndarray  # informative words each pair of candidates shares
    source_of_article: tuple[int, ...]  # independent-source group of each article


def candidates(articles: Sequence[Article]) -> list[Candidate]:
    """Sentences that can carry information on their own (not crossheads, not fragments)."""
    out: list[Candidate] = []
    for a_index, article in enumerate(articles):
        body = [s for s in article.sentences if not s.heading]
        for rank, sentence in enumerate(body):
            if len(sentence.text.split()) < MIN_POINT_WORDS:
                continue
            position = rank / max(1, len(body) - 1)
            out.append(Candidate(a_index, sentence, position))
    return out


def informative_overlap(texts: Sequence[str], max_share: float = 0.12) -> np.ndarray:
    """How many informative words two sentences share: numbers, and content-word stems
    that few of the story's sentences use (every sentence of a story shares its topic
    words, so those are not evidence of the same fact).

    Returns an integer matrix.
    """
    return _word_matrices([_stems(t) for t in texts], max_share)[0]


def lexical_similarity(texts: Sequence[str]) -> np.ndarray:
    """Cosine of TF-IDF vectors of word stems (sublinear tf, the story's own idf)."""
    return _word_matrices([_stems(t) for t in texts])[1]


def _word_matrices(
    stemmed: Sequence[str], max_share: float = 0.12
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`informative_overlap` and :func:`lexical_similarity` of texts given as their
    :func:`_stems`, from one count matrix: stemming and counting once, not once per
    matrix, is most of their cost (both run on every brief)."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    n = len(stemmed)
    vectorizer = CountVectorizer(token_pattern=_WORD.pattern, lowercase=False, preprocessor=_same)
    try:
        counts = vectorizer.fit_transform(stemmed)
    except ValueError:  # every text is stop words only
        overlap = np.ones((n, n), dtype=np.int32) if n < 2 else np.eye(n, dtype=np.int32)
        return overlap, np.zeros((n, n), dtype=np.float32)
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts.astype(np.float64))
    lexical = (tfidf @ tfidf.T).toarray().astype(np.float32)
    if n < 2:
        return np.ones((n, n), dtype=np.int32), lexical
    present = counts.tocsc()
    present.data[:] = 1  # binary: which stems each sentence uses
    frequency = np.asarray(present.sum(axis=0)).ravel()
    rare = frequency <= max(2.0, max_share * n)
    keep = np.flatnonzero(rare | _is_number(vectorizer.get_feature_names_out()))
    informative = present[:, keep].astype(np.float32)
    return (informative @ informative.T).toarray().round().astype(np.int32), lexical


def _same(text: str) -> str:
    """The identity preprocessor: texts reach the vectorizer already stemmed."""
    return text


@dataclass(frozen=True)
class Lexical:
    """What alignment needs besides the embeddings: the source groups of the articles and
    the candidates' word-overlap matrices. It depends on the words only, so a brief
    computes it while a new article's embeddings are still being made."""

    groups: tuple[int, ...]  # independent-source group of each article
    shared: np.ndarray  # informative_overlap of the candidates
    similarity: np.ndarray  # lexical_similarity of the candidates


def lexical(articles: Sequence[Article], cands: Sequence[Candidate]) -> Lexical:
    """The :class:`Lexical` part of :func:`align` for these articles and candidates."""
    shared, similarity = _word_matrices([_stems(c.sentence.text) for c in cands])
    return Lexical(source_groups(articles), shared, similarity)


def _stems(text: str) -> str:
    """Lower-cased stems of the content words (stop words dropped)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = _WORD.findall(_normalise(text).lower())
    return " ".join(_stem(w) for w in words if w not in ENGLISH_STOP_WORDS)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    from nltk.stem.porter import PorterStemmer

    return _porter(PorterStemmer).stem(word)


@lru_cache(maxsize=1)
def _porter(cls: type) -> object:
    return cls()


def _normalise(text: str) -> str:
    return text.replace("’", "'").replace("-", " ")


def _is_number(tokens: np.ndarray) -> np.ndarray:
    return np.array([t[:1].isdigit() for t in tokens], dtype=bool)


def source_groups(articles: Sequence[Article], threshold: float = 0.5) -> tuple[int, ...]:
    """Group articles that are copies of one another (wire copy, syndication).

    Two articles are one source when at least ``threshold`` of the shorter one's
    sentences appear (near-)verbatim in the other. Returns a group number per article.
    """
    from rapidfuzz import fuzz, process

    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    bodies = [
        [s.text for s in a.sentences if len(s.text.split()) >= MIN_POINT_WORDS] for a in articles
    ]
    for i in range(len(articles)):
        for j in range(i + 1, len(articles)):
            short, long_ = sorted((bodies[i], bodies[j]), key=len)
            if not short or not long_:
                continue
            copied = sum(
                1
                for s in short
                if process.extractOne(s, long_, scorer=fuzz.ratio, score_cutoff=92) is not None
            )
            if copied / len(short) >= threshold:
                parent[find(j)] = find(i)
    roots: dict[int, int] = {}
    return tuple(roots.setdefault(find(i), len(roots)) for i in range(len(articles)))


def align(
    articles: Sequence[Article],
    embeddings: np.ndarray,
    cands: Sequence[Candidate],
    *,
    threshold: float = 0.55,
    unshared_penalty: float = 0.15,
    lexical_bonus: float = 0.3,
    corroborated_slack: float = CORROBORATED_SLACK,
    words: Lexical | None = None,
) -> Alignment:
    """Cluster candidate sentences into points.

    Args:
        articles: the story's annotated articles.
        embeddings: L2-normalised embeddings, one row per candidate.
        cands: the candidates, from :func:`candidates`.
        threshold: similarity a pair needs (on average-link) to share a point.
        lexical_bonus: weight of the TF-IDF cosine of word stems added to the embedding
            cosine (the same rare words are strong evidence of the same fact).
        corroborated_slack: how much lower the threshold is for pairs that share two or
            more informative words.
        unshared_penalty: subtracted from the embedding cosine of two sentences that share
            no informative word (topic similarity is not the same information).
        words: :func:`lexical` of these articles and candidates, when already made.
    """
    words = words if words is not None else lexical(articles, cands)
    groups = words.groups
    n = len(cands)
    if n == 0:
        empty = np.zeros((0, 0), dtype=np.float32)
        return Alignment((), (), (), embeddings, empty, empty.astype(np.int32), groups)
    dense = np.clip(embeddings @ embeddings.T, -1.0, 1.0)
    shared = words.shared
    similarity = dense + lexical_bonus * words.similarity
    similarity = np.where(shared > 0, similarity, similarity - unshared_penalty).astype(np.float32)
    article_of = np.array([c.article_index for c in cands])
    # Two or more shared informative words (a name and a figure, a rare verb and its
    # object) are strong evidence: such pairs link at a lower similarity.
    linked = (similarity >= threshold) | (
        (shared >= 2) & (similarity >= threshold - corroborated_slack)
    )
    linked &= article_of[:, None] != article_of[None, :]  # a point draws on other articles

    source_of = np.array([groups[i] for i in article_of])
    reach = [len(set(source_of[np.flatnonzero(linked[i])]) | {source_of[i]}) for i in range(n)]
    centrality = similarity.mean(axis=1)
    order = sorted(range(n), key=lambda i: (-reach[i], -float(centrality[i]), cands[i].position))

    points: list[Point] = []
    members: list[tuple[int, ...]] = []
    covered = np.zeros(n, dtype=bool)
    used_reps: set[int] = set()  # a sentence stands for one point only
    for centre in order:
        if covered[centre]:
            continue
        best_per_article: dict[int, int] = {}
        for j in np.flatnonzero(linked[centre] & ~covered):
            a = int(article_of[j])
            if (
                a not in best_per_article
                or similarity[centre, j] > similarity[centre, best_per_article[a]]
            ):
                best_per_article[a] = int(j)
        group = [centre] + sorted(
            best_per_article.values(), key=lambda j: (article_of[j], cands[j].sentence.span.start)
        )
        covered[group] = True
        # A long sentence can carry several points: outlets whose matching sentence already
        # anchors another point still support this one (cited, but not re-anchored).
        supporting = _supporting(centre, group, linked, similarity, article_of)
        rep = _representative(
            group, [j for j in supporting if j not in used_reps], similarity, cands
        )
        used_reps.add(rep)
        # The point reads as ``rep``'s sentence, so only sentences that carry what it says
        # support it: a member linked to the centre alone is left for another point.
        apart = [i for i in group if i != rep and not linked[rep, i]]
        covered[apart] = False
        cited = [rep] + [i for i in group + supporting if i != rep and linked[rep, i]]
        outlets = sorted({articles[article_of[i]].outlet for i in cited})
        points.append(
            Point(
                text=cands[rep].sentence.text,
                support=len({int(source_of[i]) for i in cited}),
                outlets=tuple(outlets),
                citations=tuple(cands[i].sentence.span for i in cited),
            )
        )
        members.append(tuple(cited))
    logger.debug("aligned %d sentences into %d points", n, len(points))
    return Alignment(
        tuple(points), tuple(members), tuple(cands), embeddings, similarity, shared, groups
    )


def _supporting(
    centre: int,
    group: list[int],
    linked: np.ndarray,
    similarity: np.ndarray,
    article_of: np.ndarray,
) -> list[int]:
    """The best already-claimed sentence linked to ``centre`` in each article not in ``group``."""
    present = {int(article_of[i]) for i in group}
    best: dict[int, int] = {}
    for j in np.flatnonzero(linked[centre]):
        a = int(article_of[j])
        if a in present:
            continue
        if a not in best or similarity[centre, j] > similarity[centre, best[a]]:
            best[a] = int(j)
    return sorted(best.values(), key=lambda j: (article_of[j], j))


LENGTH_PENALTY = 0.006  # per word beyond CONCISE_WORDS: a brief prefers the concise wording
CONCISE_WORDS = 22


def _representative(
    group: list[int], supporting: list[int], similarity: np.ndarray, cands: Sequence[Candidate]
) -> int:
    """The member that best stands for the point: central to all cited sentences, concise,
    and a statement rather than a question."""
    cited = group + supporting
    if len(cited) == 1:
        return cited[0]

    def merit(i: int) -> float:
        others = [j for j in cited if j != i]
        words = len(cands[i].sentence.text.split())
        question = cands[i].sentence.text.rstrip("”’\"' ").endswith("?")
        return (
            float(similarity[i, others].mean())
            - LENGTH_PENALTY * max(0, words - CONCISE_WORDS)
            - (0.2 if question else 0.0)
        )

    return max(cited, key=merit)
