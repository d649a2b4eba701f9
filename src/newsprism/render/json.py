"""The ``newsprism.brief/1`` JSON document (its JSON Schema is ``schema/brief.schema.json``)."""

from __future__ import annotations

import json
from typing import Any

from newsprism import __version__
from newsprism.model import (
    Article,
    Brief,
    Divergence,
    Entity,
    FramingItem,
    FramingProfile,
    Omission,
    Point,
    QuoteGroup,
    Span,
    TimelineEvent,
    UniqueReport,
)


def _citations(spans: tuple[Span, ...]) -> list[dict[str, Any]]:
    return [span.to_dict() for span in spans]


def _article(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "outlet": article.outlet,
        "title": article.title,
        "url": article.url,
        "published": article.published,
        "source": article.source,
        "text": article.text,
        "removed": [
            {"start": r.start, "end": r.end, "reason": r.reason, "text": r.text}
            for r in article.removed
        ],
    }


def _point(point: Point) -> dict[str, Any]:
    return {
        "text": point.text,
        "support": point.support,
        "outlets": list(point.outlets),
        "score": point.score,
        "citations": _citations(point.citations),
    }


def _unique(report: UniqueReport, texts: dict[str, str] | None = None) -> dict[str, Any]:
    out = {"outlet": report.outlet, "text": report.text, "citations": _citations(report.citations)}
    if texts is not None:
        out["highlights"] = _highlights(report.highlights, texts)
    return out


def _highlights(spans: tuple[Span, ...], texts: dict[str, str]) -> list[dict[str, Any]]:
    """Cited words, each with its text (``article.text[start:end]``)."""
    return [
        {"text": texts[s.article_id][s.start : s.end], "citation": s.to_dict()}
        for s in spans
        if s.article_id in texts
    ]


def _omission(row: Omission) -> dict[str, Any]:
    return {
        "text": row.text,
        "support": row.support,
        "reported_by": list(row.reported_by),
        "omitted_by": list(row.omitted_by),
        "citations": _citations(row.citations),
    }


def _framing(profile: FramingProfile) -> dict[str, Any]:
    from newsprism.framing import counts

    def items(values: tuple[FramingItem, ...]) -> list[dict[str, Any]]:
        return [
            {
                "text": i.text,
                "category": i.category,
                "quoted": i.quoted,
                "citation": i.citation.to_dict(),
            }
            for i in values
        ]

    return {
        "article_id": profile.article_id,
        "outlet": profile.outlet,
        "words": profile.words,
        "aspects": [
            {
                "aspect": a.aspect,
                "words": a.words,
                "share": a.share,
                "citations": _citations(a.citations),
            }
            for a in profile.aspects
        ],
        "attributions": items(profile.attributions),
        "terms": items(profile.terms),
        "markers": items(profile.markers),
        "counts": counts(profile),
    }


def _quote(group: QuoteGroup) -> dict[str, Any]:
    speaker = group.speaker
    return {
        "text": group.text,
        "speaker": {
            "name": speaker.name,
            "role": speaker.role,
            "citation": speaker.span.to_dict() if speaker.span else None,
        },
        "direct": group.direct,
        "outlets": list(group.outlets),
        "citations": _citations(group.citations),
        "variants": [
            {
                "outlet": v.outlet,
                "text": v.text,
                "citation": v.citation.to_dict(),
                "direct": v.direct,
                "cue": v.cue.to_dict() if v.cue else None,
            }
            for v in group.variants
        ],
    }


def _entity(entity: Entity) -> dict[str, Any]:
    return {
        "name": entity.name,
        "kind": entity.kind,
        "aliases": list(entity.aliases),
        "roles": [{"text": r.text, "citations": _citations(r.citations)} for r in entity.roles],
        "mentions": entity.mentions,
        "mentions_by_outlet": dict(entity.mentions_by_outlet),
        "citations": _citations(entity.citations),
    }


def _divergence(divergence: Divergence, texts: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "kind": divergence.kind,
        "question": divergence.question,
        "conflict": divergence.conflict,
        "answers": [
            {
                "outlet": a.outlet,
                "text": a.text,
                "value": a.value,
                "citations": _citations(a.citations),
                "highlights": _highlights(a.highlights, texts or {}),
            }
            for a in divergence.answers
        ],
    }


def _event(event: TimelineEvent) -> dict[str, Any]:
    return {
        "date": event.date,
        "precision": event.precision,
        "text": event.text,
        "scheduled": event.scheduled,
        "outlets": list(event.outlets),
        "citations": _citations(event.citations),
    }


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """The brief as a ``newsprism.brief/1`` document."""
    story = brief.story
    texts = {a.id: a.text for a in story.articles}
    return {
        "schema": brief.schema,
        "generator": f"newsprism {__version__}",
        "words": brief.words,
        "outlets": sorted({a.outlet for a in story.articles}),
        "articles": [_article(a) for a in story.articles],
        "skipped": [{"source": s.source, "reason": s.reason} for s in story.skipped],
        "points": [_point(p) for p in brief.points],
        "unique": [_unique(u, texts) for u in brief.unique],
        "quotes": [_quote(q) for q in story.quotes],
        "divergences": [_divergence(d, texts) for d in story.divergences],
        "entities": [_entity(e) for e in story.entities],
        "timeline": [_event(e) for e in story.timeline],
        "omissions": [_omission(o) for o in story.omissions],
        "framing": [_framing(f) for f in story.framing],
        "meta": brief.meta,
    }


def render_json(brief: Brief) -> str:
    return json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2)


# Public names of the item shapes, for API responses outside a whole brief (the service's
# articles and changes endpoints), so they cannot drift from the brief's own items.
article_to_dict = _article
point_to_dict = _point
quote_to_dict = _quote
divergence_to_dict = _divergence
