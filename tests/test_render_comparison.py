"""Divergence tables, the omission matrix and framing profiles in JSON, Markdown and HTML
(hand-built records, no models)."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema

from newsprism.model import (
    AspectShare,
    Brief,
    Divergence,
    DivergenceAnswer,
    FramingItem,
    FramingProfile,
    Omission,
    Point,
    Span,
    Story,
    UniqueReport,
)
from newsprism.render import render_html, render_json, render_markdown
from tests.conftest import make_article


def _span_of(article, text: str) -> Span:  # type: ignore[no-untyped-def]
    start = article.text.index(text)
    return Span(article.id, start, start + len(text))


def _brief() -> Brief:
    a = make_article(
        "Alpha Daily",
        [
            "The envoy described the talks as “tense and unproductive”.",
            "Rail videos <b>showed</b> tanks.",
        ],
    )
    b = make_article("Beta News", ["The envoy described the talks as “calm and productive”."])
    c = make_article("Gamma Post", ["Of course the sabre-rattling is dangerous, I think."])
    answers = []
    for article, value, word in (
        (a, "tense and unproductive", "tense"),
        (b, "calm and productive", "calm"),
    ):
        answers.append(
            DivergenceAnswer(
                outlet=article.outlet,
                text=article.sentences[0].text,
                citations=(_span_of(article, value), article.sentences[0].span),
                value=value,
                highlights=(_span_of(article, word),),
            )
        )
    divergence = Divergence("characterisation", "How is “the talks” characterised?", tuple(answers))
    point = Point(
        a.sentences[0].text,
        2,
        ("Alpha Daily", "Beta News"),
        (a.sentences[0].span, b.sentences[0].span),
    )
    omission = Omission(
        point.text, 2, ("Alpha Daily", "Beta News"), ("Gamma Post",), point.citations
    )
    profile = FramingProfile(
        article_id=c.id,
        outlet=c.outlet,
        words=c.word_count,
        aspects=(AspectShare("military", 8, 1.0, (c.sentences[0].span,)),),
        attributions=(),
        terms=(
            FramingItem("sabre-rattling", "loaded", _span_of(c, "sabre-rattling")),
            FramingItem("dangerous", "evaluative", _span_of(c, "dangerous")),
        ),
        markers=(
            FramingItem("Of course", "stance", _span_of(c, "Of course")),
            FramingItem("I", "first person", _span_of(c, "I")),
        ),
    )
    unique = UniqueReport(
        "Alpha Daily", a.sentences[1].text, (a.sentences[1].span,), (_span_of(a, "Rail videos"),)
    )
    story = Story(
        articles=(a, b, c),
        points=(point,),
        divergences=(divergence,),
        omissions=(omission,),
        framing=(profile,),
    )
    return Brief(story=story, points=(point,), unique=(unique,), words=100)


def test_json_carries_every_section_and_each_cited_text_resolves() -> None:
    doc = json.loads(render_json(_brief()))
    schema = json.loads(
        resources.files("newsprism").joinpath("schema/brief.schema.json").read_text("utf-8")
    )
    jsonschema.validate(doc, schema)
    texts = {a["id"]: a["text"] for a in doc["articles"]}

    def cited(c):  # type: ignore[no-untyped-def]
        return texts[c["article_id"]][c["start"] : c["end"]]

    (div,) = doc["divergences"]
    for answer in div["answers"]:
        assert cited(answer["citations"][0]) == answer["value"]
        assert cited(answer["citations"][1]) == answer["text"]
        for h in answer["highlights"]:
            assert cited(h["citation"]) == h["text"]
    assert [h["text"] for h in doc["unique"][0]["highlights"]] == ["Rail videos"]
    (row,) = doc["omissions"]
    assert row["omitted_by"] == ["Gamma Post"] and cited(row["citations"][0]) == row["text"]
    (profile,) = doc["framing"]
    for item in profile["terms"] + profile["markers"]:
        assert cited(item["citation"]) == item["text"]
    assert profile["counts"]["terms"] == {"loaded": 1, "evaluative": 1}


def test_markdown_shows_the_divergence_table_matrix_and_framing() -> None:
    md = render_markdown(_brief())
    assert "| Outlet | Wording | Sentence | Cited |" in md
    assert "| Alpha Daily | **tense and unproductive** |" in md
    matrix = md.split("who leaves it out", 1)[1]
    assert "| Point | Support | Alpha Daily | Beta News | Gamma Post |" in matrix
    assert "| 2/3 | ✓ | ✓ | — |" in matrix
    framing = md.split("framing, compared", 1)[1]
    assert "military 100%" in framing and "sabre-rattling [A3" in framing
    assert "stance ×1: Of course [A3" in framing


def test_html_links_every_comparison_citation_to_a_marked_passage() -> None:
    brief = _brief()
    html = render_html(brief)
    body = html.split('class="article-text"', 1)[1]
    spans = [brief.unique[0].highlights[0], brief.story.omissions[0].citations[0]]
    spans += [i.citation for i in brief.story.framing[0].terms]
    spans += [h for a in brief.story.divergences[0].answers for h in a.highlights]
    for span in spans:
        cid = f"c-{span.article_id}-{span.start}-{span.end}"
        assert f'data-cite="{cid}"' in html and cid in body
    assert "What most outlets report and who leaves it out" in html
    assert 'title="Gamma Post leaves it out"' in html
    assert "&lt;b&gt;showed&lt;/b&gt;" in html  # article text stays escaped
