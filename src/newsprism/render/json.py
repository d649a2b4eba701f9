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


def _unique(report: UniqueReport) -> dict[str, Any]:
    return {"outlet": report.outlet, "text": report.text, "citations": _citations(report.citations)}


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
            {"outlet": v.outlet, "text": v.text, "citation": v.citation.to_dict()}
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


def _divergence(divergence: Divergence) -> dict[str, Any]:
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
    return {
        "schema": brief.schema,
        "generator": f"newsprism {__version__}",
        "words": brief.words,
        "outlets": sorted({a.outlet for a in story.articles}),
        "articles": [_article(a) for a in story.articles],
        "skipped": [{"source": s.source, "reason": s.reason} for s in story.skipped],
        "points": [_point(p) for p in brief.points],
        "unique": [_unique(u) for u in brief.unique],
        "quotes": [_quote(q) for q in story.quotes],
        "divergences": [_divergence(d) for d in story.divergences],
        "entities": [_entity(e) for e in story.entities],
        "timeline": [_event(e) for e in story.timeline],
        "meta": brief.meta,
    }


def render_json(brief: Brief) -> str:
    return json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2)
