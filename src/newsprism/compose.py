"""Compose: rank points and select a brief within a word budget, without redundancy.

Importance follows what editors and multi-document summarisers both use: how many
independent outlets report a point (support), how central it is to the story (cosine to
the story centroid), and how early the outlets place it (the inverted pyramid).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from newsprism.align import CORROBORATED_SLACK, Alignment
from newsprism.model import Article, Point, Span, UniqueReport
from newsprism.novelty import Anchor

logger = logging.getLogger(__name__)

SUPPORT_WEIGHT = 2.0
DIVERSITY_WEIGHT = 0.3  # MMR: how much similarity to chosen points costs
QUESTION_PENALTY = 0.5
LENGTH_PENALTY = 0.01  # per word beyond CONCISE_WORDS: long sentences crowd a brief out
CONCISE_WORDS = 30  # questions ask; a brief reports
CENTRALITY_WEIGHT = 1.2
POSITION_WEIGHT = 0.35


def agreement(alignment: Alignment, members: Sequence[int]) -> float:
    """Support weighted by how closely each independent source matches the point: 1 for
    the point's own source plus, for every other source, its best member's similarity to
    the representative. Tight paraphrases count fully; loose topical matches count less.
    """
    rep = members[0]
    source_of = alignment.source_of_article
    own = source_of[alignment.candidates[rep].article_index]
    best: dict[int, float] = {}
    for i in members[1:]:
        source = source_of[alignment.candidates[i].article_index]
        if source != own:
            best[source] = max(best.get(source, 0.0), float(alignment.similarity[rep, i]))
    return 1.0 + sum(min(1.0, max(0.0, v)) for v in best.values())


def score_points(alignment: Alignment) -> tuple[Point, ...]:
    """Points with ``score`` set, most important first."""
    if not alignment.points:
        return ()
    centroid = alignment.embeddings.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    centrality = alignment.embeddings @ (centroid / norm)
    strengths = [agreement(alignment, members) for members in alignment.members]
    top = math.log1p(max(strengths))
    scored: list[Point] = []
    for point, members, strength in zip(
        alignment.points, alignment.members, strengths, strict=True
    ):
        rep = members[0]
        lead = min(alignment.candidates[i].position for i in members)
        score = (
            SUPPORT_WEIGHT * math.log1p(strength) / top
            + CENTRALITY_WEIGHT * float(centrality[rep])
            + POSITION_WEIGHT * (1.0 - lead)
            - LENGTH_PENALTY * max(0, len(point.text.split()) - CONCISE_WORDS)
            - (QUESTION_PENALTY if point.text.rstrip("”’\"' ").endswith("?") else 0.0)
        )
        scored.append(replace(point, score=round(score, 4)))
    order = sorted(range(len(scored)), key=lambda i: -scored[i].score)
    return tuple(scored[i] for i in order)


def select(
    alignment: Alignment,
    ranked: Sequence[Point],
    *,
    words: int,
    redundancy_threshold: float = 0.72,
    diversity: float | None = None,
    min_support: int = 1,
) -> tuple[Point, ...]:
    """Maximal-marginal-relevance selection within the word budget.

    Each step takes the point whose score, minus ``diversity`` times its similarity to the
    closest point already chosen, is highest; near-duplicates (similarity at or above
    ``redundancy_threshold``, or most of their evidence already cited) and points that no
    longer fit the budget are skipped (a shorter one may still fit).
    """
    diversity = DIVERSITY_WEIGHT if diversity is None else diversity
    rep_of = {
        point.citations[0]: members[0]
        for point, members in zip(alignment.points, alignment.members, strict=True)
    }
    pool = [p for p in ranked if p.support >= min_support]
    # Per pool point, as arrays: its score, its representative, and its similarity to the
    # closest chosen point (kept up to date as points are chosen, so that each step is
    # one vector operation rather than a loop over the pool).
    scores = np.array([p.score for p in pool], dtype=np.float64)
    reps = np.array([rep_of[p.citations[0]] for p in pool], dtype=np.intp)
    closest = np.full(len(pool), -np.inf, dtype=alignment.similarity.dtype)
    chosen: list[Point] = []
    chosen_reps: list[int] = []
    cited: set[Span] = set()
    used = 0
    while pool:
        near = closest.astype(np.float64)
        near[~(near > 0.0)] = 0.0  # nothing chosen yet, negative or undefined: no cost
        values = scores - diversity * near
        valid = values > -np.inf
        best_index = int(np.argmax(np.where(valid, values, -np.inf))) if valid.any() else -1
        point = pool.pop(best_index)
        scores, reps, closest = (np.delete(a, best_index) for a in (scores, reps, closest))
        rep = rep_of[point.citations[0]]
        length = len(point.text.split())
        if used + length > words:
            continue
        if chosen_reps and _redundant(alignment, rep, chosen_reps, redundancy_threshold):
            continue
        # Same evidence, same point: most of its sentences already back a chosen point.
        if len(cited.intersection(point.citations)) * 2 > len(point.citations):
            continue
        chosen.append(point)
        chosen_reps.append(rep)
        cited.update(point.citations)
        used += length
        closest = np.maximum(closest, alignment.similarity[reps, rep])
    return tuple(chosen)


def _redundant(alignment: Alignment, rep: int, chosen: list[int], threshold: float) -> bool:
    """Near-duplicate of a chosen point: similar enough, or a little less similar but
    sharing two or more informative words (the same rule that links sentences)."""
    similarity = alignment.similarity[rep, chosen]
    corroborated = (alignment.shared[rep, chosen] >= 2) & (
        similarity >= threshold - CORROBORATED_SLACK
    )
    return bool((similarity >= threshold).any() or corroborated.any())


#: Rank bonus per name / number only the outlet states: a new number is the clearest new
#: fact ("more than 13,000 people have died"), a new name a lesser one.
NOVELTY_WEIGHT = {"number": 0.6, "name": 0.3}
MAX_NOVELTY = 0.9


def _importance(alignment: Alignment) -> np.ndarray:
    """Per candidate sentence, the support-free part of :func:`score_points`: centrality,
    position, concision, and not being a question."""
    centroid = alignment.embeddings.mean(axis=0)
    norm = float(np.linalg.norm(centroid)) or 1.0
    centrality = alignment.embeddings @ (centroid / norm)
    out = np.zeros(len(alignment.candidates), dtype=np.float32)
    for i, candidate in enumerate(alignment.candidates):
        text = candidate.sentence.text
        out[i] = (
            CENTRALITY_WEIGHT * float(centrality[i])
            + POSITION_WEIGHT * (1.0 - candidate.position)
            - LENGTH_PENALTY * max(0, len(text.split()) - CONCISE_WORDS)
            - (QUESTION_PENALTY if text.rstrip("”’\"' ").endswith("?") else 0.0)
        )
    return out


def unique_reports(
    articles: Sequence[Article],
    ranked: Sequence[Point],
    *,
    per_outlet: int = 8,
    alignment: Alignment | None = None,
    novel: Mapping[Span, tuple[Anchor, ...]] | None = None,
) -> tuple[UniqueReport, ...]:
    """What a single outlet reports, grouped by outlet, most important first.

    Two kinds of report: a point only one outlet carries (support 1), and, given the
    ``alignment`` and the ``novel`` anchors (:func:`newsprism.novelty.novel_anchors`), a
    sentence that adds a name or a number no other outlet states to an otherwise shared
    point ("... an insurgency in which more than 13,000 people have died"): alignment
    links it to the other outlets for the rest of its content, but its new fact is still
    this outlet's alone. Reports rank by the importance of the sentence (centrality and
    position, as in :func:`score_points`) plus :data:`NOVELTY_WEIGHT` per new name or
    number (at most :data:`MAX_NOVELTY`), so new facts come before commentary only one
    outlet carries. Each report highlights its new names and numbers.
    """
    novel = novel or {}
    scored: dict[Span, tuple[float, UniqueReport]] = {}
    importance = _importance(alignment) if alignment is not None else None
    index = (
        {c.sentence.span: i for i, c in enumerate(alignment.candidates)}
        if alignment is not None
        else {}
    )

    def bonus(span: Span) -> float:
        return min(MAX_NOVELTY, sum(NOVELTY_WEIGHT[a.kind] for a in novel.get(span, ())))

    def highlights(span: Span) -> tuple[Span, ...]:
        return tuple(a.span for a in novel.get(span, ()))

    for point in ranked:
        if point.support != 1 or len(point.outlets) != 1:
            continue
        span = point.citations[0]
        base = point.score
        if importance is not None and span in index:
            base = float(importance[index[span]])
        report = UniqueReport(point.outlets[0], point.text, point.citations, highlights(span))
        scored[span] = (base + bonus(span), report)
    if alignment is not None and importance is not None:
        for span in novel:
            if span in scored or span not in index:
                continue
            candidate = alignment.candidates[index[span]]
            outlet = articles[candidate.article_index].outlet
            report = UniqueReport(outlet, candidate.sentence.text, (span,), highlights(span))
            scored[span] = (float(importance[index[span]]) + bonus(span), report)
    by_outlet: dict[str, list[tuple[float, UniqueReport]]] = {}
    for score, report in scored.values():
        by_outlet.setdefault(report.outlet, []).append((score, report))
    order = [a.outlet for a in articles]
    out: list[UniqueReport] = []
    for outlet in sorted(by_outlet, key=lambda o: order.index(o) if o in order else len(order)):
        best = sorted(by_outlet[outlet], key=lambda item: (-item[0], item[1].citations[0]))
        out.extend(report for _score, report in best[:per_outlet])
    return tuple(out)
