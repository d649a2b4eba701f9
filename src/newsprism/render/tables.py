"""Comparison tables shared by the Markdown report: divergences, the omission matrix and
the framing profiles side by side. Every word shown from an article is the text of the
span cited beside it; shares and counts are computed from cited items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

from newsprism.model import Brief, FramingItem, FramingProfile, Span

Cite = Callable[[tuple[Span, ...]], str]

KIND_LABELS = {
    "quantity": "number",
    "characterisation": "characterisation",
    "attribution": "attribution verb",
    "negation": "negation",
    "actor": "actor",
    "day": "day of the event",
}


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def divergence_tables(brief: Brief, cite: Cite) -> list[str]:
    """One small table per divergence: each outlet's wording, sentence and citations."""
    lines: list[str] = []
    for divergence in brief.story.divergences:
        verdict = "outlets disagree" if divergence.conflict else "compatible wordings"
        if not divergence.conflict and divergence.kind != "quantity":
            verdict = "wordings compared"  # a claim comparison, not a claimed disagreement
        kind = KIND_LABELS.get(divergence.kind, divergence.kind)
        lines += [
            f"**{_cell(divergence.question)}** ({kind}; {verdict})",
            "",
            "| Outlet | Wording | Sentence | Cited |",
            "|---|---|---|---|",
        ]
        for answer in divergence.answers:
            wording = f"**{_cell(answer.value)}**" if answer.value else ""
            lines.append(
                f"| {_cell(answer.outlet)} | {wording} | {_cell(answer.text)} "
                f"| {cite(answer.citations)} |"
            )
        lines.append("")
    return lines


def omission_matrix(brief: Brief, cite: Cite) -> list[str]:
    """Rows: points most outlets report; columns: outlets; a cell says whether the outlet
    reports the point (✓) or leaves it out (—)."""
    story = brief.story
    if not story.omissions:
        return []
    outlets = list(dict.fromkeys(a.outlet for a in story.articles))
    lines = [
        "| Point | Support | " + " | ".join(_cell(o) for o in outlets) + " |",
        "|---|---|" + "---|" * len(outlets),
    ]
    for row in story.omissions:
        cells = ["—" if o in row.omitted_by else "✓" for o in outlets]
        lines.append(
            f"| {_cell(row.text)} {cite(row.citations)} | {row.support}/{len(outlets)} | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def _aspects(profile: FramingProfile) -> str:
    ranked = sorted(profile.aspects, key=lambda a: -a.share)
    return ", ".join(f"{a.aspect} {round(100 * a.share)}%" for a in ranked) or "—"


def _verbs(profile: FramingProfile) -> str:
    own = [i for i in profile.attributions if not i.quoted]
    verbs = Counter(i.text.lower() for i in own)
    classes = Counter(i.category for i in own)
    shown = ", ".join(f"{v} ×{n}" for v, n in verbs.most_common(6))
    stances = ", ".join(f"{c} {n}" for c, n in classes.most_common())
    return f"{shown} ({stances})" if shown else "—"


def _items(items: Sequence[FramingItem], cite: Cite, limit: int = 6) -> str:
    if not items:
        return "—"
    shown = [
        f"{_cell(i.text)}{' (quoted)' if i.quoted else ''} {cite((i.citation,))}"
        for i in items[:limit]
    ]
    more = f" +{len(items) - limit}" if len(items) > limit else ""
    return "; ".join(shown) + more


def _markers(profile: FramingProfile, cite: Cite) -> str:
    if not profile.markers:
        return "—"
    by_kind: dict[str, list[FramingItem]] = {}
    for item in profile.markers:
        by_kind.setdefault(item.category, []).append(item)
    parts = []
    for kind, items in by_kind.items():
        examples = "; ".join(f"{_cell(i.text)} {cite((i.citation,))}" for i in items[:2])
        parts.append(f"{kind} ×{len(items)}: {examples}")
    return " · ".join(parts)


def framing_table(brief: Brief, labels: dict[str, str], cite: Cite) -> list[str]:
    """The framing profiles as one comparison table, one row per article."""
    story = brief.story
    if not story.framing:
        return []
    header = (
        "| Article | Words | Aspects (share of words) | Attribution verbs (own voice) "
        "| Evaluative terms (own voice) | Loaded terms | Opinion markers |"
    )
    lines = [header, "|---|---|---|---|---|---|---|"]
    for profile in story.framing:
        evaluative = [i for i in profile.terms if i.category == "evaluative"]
        loaded = [i for i in profile.terms if i.category == "loaded"]
        label = labels.get(profile.article_id, profile.article_id)
        lines.append(
            f"| {label} {_cell(profile.outlet)} | {profile.words} | {_aspects(profile)} "
            f"| {_verbs(profile)} | {len(evaluative)}: {_items(evaluative, cite, 5)} "
            f"| {_items(loaded, cite)} | {_markers(profile, cite)} |"
        )
    return lines


__all__ = ["divergence_tables", "framing_table", "omission_matrix"]
