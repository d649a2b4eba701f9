"""A self-contained HTML report (no external assets): every point shows its outlets, and
every citation reveals the cited passage, highlighted inside its article.

Article text is untrusted: it is rendered only through Jinja2 autoescaping, and the
source passages are carried as escaped HTML, never as script data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from jinja2 import Environment, PackageLoader, select_autoescape

from newsprism.model import Article, Brief, FramingProfile, Span


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("newsprism", "render/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class Segment:
    """A run of article text, with the ids of the citations that cover it."""

    text: str
    cites: tuple[str, ...]


def cite_id(span: Span) -> str:
    return f"c-{span.article_id}-{span.start}-{span.end}"


def _segments(article: Article, spans: list[Span]) -> list[Segment]:
    """Cut the article text at every citation boundary so each piece can be marked."""
    cuts = {0, len(article.text)}
    for span in spans:
        cuts.update((span.start, span.end))
    bounds = sorted(cuts)
    out: list[Segment] = []
    for start, end in pairwise(bounds):
        covering = tuple(cite_id(s) for s in spans if s.start <= start and end <= s.end)
        out.append(Segment(article.text[start:end], covering))
    return out


def _all_spans(brief: Brief) -> dict[str, list[Span]]:
    story = brief.story
    spans: list[Span] = []
    for point in brief.points:
        spans += point.citations
    for report in brief.unique:
        spans += report.citations
    for group in story.quotes:
        spans += group.citations
    for divergence in story.divergences:
        for answer in divergence.answers:
            spans += answer.citations
    for event in story.timeline:
        spans += event.citations
    spans += _comparison_spans(brief)
    by_article: dict[str, list[Span]] = {}
    for span in set(spans):
        by_article.setdefault(span.article_id, []).append(span)
    return by_article


def _framing_counts(profile: FramingProfile) -> dict[str, dict[str, int]]:
    from newsprism.framing import counts

    return counts(profile)


def _comparison_spans(brief: Brief) -> list[Span]:
    """Citations of the divergence highlights, omission matrix and framing profiles."""
    story = brief.story
    spans: list[Span] = []
    for report in brief.unique:
        spans += report.highlights
    for divergence in story.divergences:
        for answer in divergence.answers:
            spans += answer.highlights
    for row in story.omissions:
        spans += row.citations
    for profile in story.framing:
        for item in (*profile.attributions, *profile.terms, *profile.markers):
            spans.append(item.citation)
        for aspect in profile.aspects:
            spans += aspect.citations
    return spans


def render_html(brief: Brief) -> str:
    story = brief.story
    by_article = _all_spans(brief)
    articles = [
        {
            "article": article,
            "label": f"A{i + 1}",
            "segments": _segments(article, sorted(by_article.get(article.id, []))),
        }
        for i, article in enumerate(story.articles)
    ]
    outlet_of = {a.id: a.outlet for a in story.articles}
    texts = {a.id: a.text for a in story.articles}
    label_of = {a.id: f"A{i + 1}" for i, a in enumerate(story.articles)}
    template = _environment().get_template("brief.html.j2")
    return template.render(
        brief=brief,
        story=story,
        articles=articles,
        outlet_of=outlet_of,
        label_of=label_of,
        cite_id=cite_id,
        n_outlets=len({a.outlet for a in story.articles}),
        outlets=list(dict.fromkeys(a.outlet for a in story.articles)),
        framing_counts=_framing_counts,
        text_of=lambda span: texts[span.article_id][span.start : span.end],
        people=[e for e in story.entities if e.kind in {"person", "organisation"}][:30],
    )
