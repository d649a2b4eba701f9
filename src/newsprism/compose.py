"""Compose: rank points and select a brief within a word budget, without redundancy.

Importance follows what editors and multi-document summarisers both use: how many
independent outlets report a point (support), how central it is to the story (cosine to
the story centroid), and how early the outlets place it (the inverted pyramid).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from newsprism.align import CORROBORATED_SLACK, Alignment
from newsprism.model import Article, Point, Span, UniqueReport

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
    chosen: list[Point] = []
    chosen_reps: list[int] = []
    cited: set[Span] = set()
    used = 0
    while pool:
        best_index, best_value = -1, -np.inf
        for index, point in enumerate(pool):
            closest = (
                float(alignment.similarity[rep_of[point.citations[0]], chosen_reps].max())
                if chosen_reps
                else 0.0
            )
            value = point.score - diversity * max(0.0, closest)
            if value > best_value:
                best_index, best_value = index, value
        point = pool.pop(best_index)
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
    return tuple(chosen)


def _redundant(alignment: Alignment, rep: int, chosen: list[int], threshold: float) -> bool:
    """Near-duplicate of a chosen point: similar enough, or a little less similar but
    sharing two or more informative words (the same rule that links sentences)."""
    similarity = alignment.similarity[rep, chosen]
    corroborated = (alignment.shared[rep, chosen] >= 2) & (
        similarity >= threshold - CORROBORATED_SLACK
    )
    return bool((similarity >= threshold).any() or corroborated.any())


def unique_reports(
    articles: Sequence[Article], ranked: Sequence[Point], *, per_outlet: int = 8
) -> tuple[UniqueReport, ...]:
    """Points that a single outlet reports, grouped by outlet, most important first."""
    by_outlet: dict[str, list[UniqueReport]] = {}
    for point in ranked:
        if point.support != 1 or len(point.outlets) != 1:
            continue
        outlet = point.outlets[0]
        bucket = by_outlet.setdefault(outlet, [])
        if len(bucket) < per_outlet:
            bucket.append(UniqueReport(outlet, point.text, point.citations))
    order = [a.outlet for a in articles]
    return tuple(
        report
        for outlet in sorted(by_outlet, key=lambda o: order.index(o) if o in order else len(order))
        for report in by_outlet[outlet]
    )
