"""The omission matrix: for each point most outlets report, which outlets leave it out.

A point is "reported by most outlets" when its support (independent outlets) reaches half
the story's outlets, rounded up; the matrix needs at least three outlets, since with two
every omission is just the other side of a unique report. An outlet omits a point when
none of its sentences is linked to any of the point's sentences under the alignment's
own linking rule: a sentence that carries the point but anchors another point (a long
sentence can carry two) still counts as reporting it.

Rows repeat neither a point (near-duplicate points, as judged by the brief's redundancy
rule, give one row) nor a point that every outlet reports (nothing is omitted there).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np

from newsprism.align import CORROBORATED_SLACK, Alignment
from newsprism.model import Article, Omission, Point

logger = logging.getLogger(__name__)

MIN_OUTLETS = 3


def majority(n_outlets: int) -> int:
    """Support a point needs to count as reported by most outlets."""
    return math.ceil(n_outlets / 2)


def _linked(alignment: Alignment, threshold: float) -> np.ndarray:
    """The alignment's linking rule, as a boolean candidate x candidate matrix."""
    similarity, shared = alignment.similarity, alignment.shared
    return (similarity >= threshold) | (
        (shared >= 2) & (similarity >= threshold - CORROBORATED_SLACK)
    )


def omission_matrix(
    articles: Sequence[Article],
    ranked: Sequence[Point],
    alignment: Alignment,
    *,
    threshold: float = 0.65,
    redundancy_threshold: float = 0.62,
    max_rows: int = 15,
) -> tuple[Omission, ...]:
    """Rows of the omission matrix, most important point first.

    Args:
        articles: the story's annotated articles (the alignment's order).
        ranked: the story's points, most important first (``compose.score_points``).
        alignment: the alignment the points come from.
        threshold: the alignment threshold the story was aligned with.
        redundancy_threshold: a point this similar to a listed one is the same row.
        max_rows: rows kept.
    """
    outlets = list(dict.fromkeys(a.outlet for a in articles))
    if len(outlets) < MIN_OUTLETS or alignment.similarity.size == 0:
        return ()
    need = majority(len(outlets))
    members_of = {
        p.citations[0]: m for p, m in zip(alignment.points, alignment.members, strict=True)
    }
    outlet_of_candidate = [articles[c.article_index].outlet for c in alignment.candidates]
    linked = _linked(alignment, threshold)
    rows: list[Omission] = []
    reps: list[int] = []
    for point in ranked:
        if point.support < need or len(rows) >= max_rows:
            continue
        members = members_of.get(point.citations[0])
        if members is None:
            continue
        rep = members[0]
        if reps and float(alignment.similarity[rep, reps].max()) >= redundancy_threshold:
            continue
        touching = np.flatnonzero(linked[list(members)].any(axis=0))
        carrying = set(point.outlets) | {outlet_of_candidate[i] for i in touching}
        omitted = tuple(o for o in outlets if o not in carrying)
        if not omitted:
            continue
        reps.append(rep)
        rows.append(
            Omission(
                text=point.text,
                support=point.support,
                reported_by=tuple(o for o in outlets if o in point.outlets),
                omitted_by=omitted,
                citations=point.citations,
            )
        )
    logger.info("%d omission rows over %d outlets", len(rows), len(outlets))
    return tuple(rows)


__all__ = ["MIN_OUTLETS", "majority", "omission_matrix"]
