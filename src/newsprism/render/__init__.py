"""Renderers: a brief as JSON (``newsprism.brief/1``), Markdown, or a self-contained HTML page.

A registry maps a format name to its renderer; every renderer takes a :class:`Brief`
and returns text.
"""

from __future__ import annotations

from collections.abc import Callable

from newsprism.model import Brief
from newsprism.render.html import render_html
from newsprism.render.json import brief_to_dict, render_json
from newsprism.render.markdown import render_markdown

Renderer = Callable[[Brief], str]

RENDERERS: dict[str, Renderer] = {
    "json": render_json,
    "md": render_markdown,
    "html": render_html,
}


def render(brief: Brief, fmt: str) -> str:
    """Render ``brief`` in the named format (``json``, ``md`` or ``html``)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(RENDERERS)}") from None
    return renderer(brief)


__all__ = ["RENDERERS", "brief_to_dict", "render", "render_html", "render_json", "render_markdown"]
