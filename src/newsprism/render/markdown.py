"""Markdown for the terminal: every line ends with its citations (``[A2 120–245]``)."""

from __future__ import annotations

from newsprism.model import Brief, Span, Story
from newsprism.render import tables


def _count(n: int, noun: str) -> str:
    """``1 mention``, ``3 mentions``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _labels(brief: Brief) -> dict[str, str]:
    return {a.id: f"A{i + 1}" for i, a in enumerate(brief.story.articles)}


def _cite(spans: tuple[Span, ...], labels: dict[str, str], limit: int = 6) -> str:
    shown = [f"{labels.get(s.article_id, s.article_id)} {s.start}–{s.end}" for s in spans[:limit]]
    more = f" +{len(spans) - limit}" if len(spans) > limit else ""
    return "[" + "; ".join(shown) + more + "]"


def _text_of(story: Story, span: Span) -> str:
    article = next(a for a in story.articles if a.id == span.article_id)
    return article.text[span.start : span.end]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_markdown(brief: Brief) -> str:
    story = brief.story
    labels = _labels(brief)
    n_outlets = len({a.outlet for a in story.articles})
    lines = [
        f"# Brief: {len(story.articles)} articles from {n_outlets} outlets",
        "",
        "## What the outlets report",
        "",
    ]
    for point in brief.points:
        lines.append(
            f"- **{point.support}/{n_outlets}** {_one_line(point.text)} "
            f"_({', '.join(point.outlets)})_ {_cite(point.citations, labels)}"
        )
    if brief.unique:
        lines += ["", "## Only one outlet reports", ""]
        current = None
        for report in brief.unique:
            if report.outlet != current:
                current = report.outlet
                lines += [f"### {current}", ""]
            # a sentence that shares its point with other outlets is here for its new facts
            only = "; ".join(f"“{_one_line(_text_of(story, span))}”" for span in report.highlights)
            adds = f" — only here: {only}" if only else ""
            lines.append(f"- {_one_line(report.text)} {_cite(report.citations, labels)}{adds}")
    if story.quotes:
        lines += ["", "## Who said what", ""]
        texts = {a.id: a.text for a in story.articles}

        def words(text: str, direct: bool, cue: Span | None) -> str:
            # reported speech is the outlet's paraphrase: never shown in quotation marks
            if direct:
                return f"“{_one_line(text)}”"
            said = f" (“{texts[cue.article_id][cue.start : cue.end]}”)" if cue else ""
            return f"reported{said}: {_one_line(text)}"

        for group in story.quotes:
            speaker = group.speaker.name or "unnamed speaker"
            role = f" ({group.speaker.role})" if group.speaker.role else ""
            shown = next(v for v in group.variants if v.text == group.text)
            lines.append(
                f"- **{speaker}**{role}: {words(group.text, shown.direct, shown.cue)} "
                f"_({', '.join(group.outlets)})_ {_cite(group.citations, labels)}"
            )
            if len({(v.text, v.direct) for v in group.variants}) > 1:
                for variant in group.variants:
                    wording = words(variant.text, variant.direct, variant.cue)
                    lines.append(f"  - {variant.outlet}: {wording}")

    def cite(spans: tuple[Span, ...]) -> str:
        return _cite(spans, labels)

    if story.divergences:
        lines += ["", "## Where outlets differ", ""]
        lines += tables.divergence_tables(brief, cite)
    if story.omissions:
        lines += ["", "## What most outlets report and who leaves it out", ""]
        lines += tables.omission_matrix(brief, cite)
    people = [e for e in story.entities if e.kind in {"person", "organisation"}][:25]
    if people:
        lines += ["", "## People and organisations", ""]
        for entity in people:
            roles = "; ".join(r.text for r in entity.roles[:3])
            aliases = [a for a in entity.aliases if a != entity.name][:4]
            extra = f" — {roles}" if roles else ""
            also = f" (also: {', '.join(aliases)})" if aliases else ""
            lines.append(
                f"- **{entity.name}** ({entity.kind}, {_count(entity.mentions, 'mention')}){extra}{also}"
            )
    if story.timeline:
        lines += ["", "## Timeline", ""]
        for event in story.timeline:
            when = f"{event.date} ({event.precision}{', scheduled' if event.scheduled else ''})"
            lines.append(f"- {when}: {_one_line(event.text)} {_cite(event.citations, labels)}")
    if story.framing:
        lines += ["", "## How each article tells it (framing, compared)", ""]
        lines += tables.framing_table(brief, labels, cite)
    lines += ["", "## Sources", ""]
    for article in story.articles:
        title = _one_line(article.title) if article.title else "(untitled)"
        where = f" <{article.url}>" if article.url else ""
        lines.append(f"- {labels[article.id]} **{article.outlet}**: {title}{where}")
    if story.skipped:
        lines += ["", f"_Skipped {len(story.skipped)} input(s):_", ""]
        lines += [f"- {s.source}: {s.reason}" for s in story.skipped]
    return "\n".join(lines) + "\n"
