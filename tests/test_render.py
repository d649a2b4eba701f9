import json
from dataclasses import replace
from importlib import resources

import jsonschema

from newsprism.model import (
    Brief,
    Entity,
    Point,
    QuoteGroup,
    QuoteVariant,
    Removal,
    Role,
    Speaker,
    Story,
    UniqueReport,
)
from newsprism.render import render, render_html, render_json, render_markdown
from tests.conftest import make_article

EVIL = '<script>window.pwned = 1</script><img src=x onerror="alert(1)">'


def _brief() -> Brief:
    a = make_article(
        "Alpha Daily",
        [
            "The bridge closed on Monday after inspectors found a crack.",
            f"A reader wrote {EVIL} in the comments.",
        ],
        title=f"Bridge shut {EVIL}",
    )
    b = make_article("Beta News", ["Inspectors found a crack and the bridge closed on Monday."])
    a = replace(
        a, url="javascript:alert(1)", removed=(Removal(0, 11, "newsletter", "Sign up now"),)
    )
    s0, s1 = a.sentences[0].span, a.sentences[1].span
    point = Point(
        text=a.sentences[0].text,
        support=2,
        outlets=("Alpha Daily", "Beta News"),
        citations=(s0, b.sentences[0].span),
        score=1.0,
    )
    unique = UniqueReport("Alpha Daily", a.sentences[1].text, (s1,))
    quote_span = s0.__class__(a.id, s1.start + 15, s1.start + 15 + len(EVIL))
    quote = QuoteGroup(
        text=EVIL,
        speaker=Speaker("Dana Okafor", "transport commissioner"),
        direct=True,
        outlets=("Alpha Daily",),
        citations=(quote_span,),
        variants=(QuoteVariant("Alpha Daily", EVIL, quote_span),),
    )
    entity = Entity(
        "Dana Okafor",
        "person",
        ("Dana Okafor", "Ms Okafor"),
        (Role("transport commissioner", (s0,)),),
        mentions=2,
    )
    story = Story(articles=(a, b), points=(point,), quotes=(quote,), entities=(entity,))
    return Brief(story=story, points=(point,), unique=(unique,), words=100)


def test_json_follows_the_published_schema_and_citations_resolve():
    brief = _brief()
    doc = json.loads(render_json(brief))
    schema = json.loads(
        resources.files("newsprism").joinpath("schema/brief.schema.json").read_text("utf-8")
    )
    jsonschema.validate(doc, schema)
    assert doc["schema"] == "newsprism.brief/1"
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    for item in doc["points"] + doc["unique"] + doc["quotes"]:
        for c in item["citations"]:
            assert texts[c["article_id"]][c["start"] : c["end"]]
    point = doc["points"][0]
    first = point["citations"][0]
    assert texts[first["article_id"]][first["start"] : first["end"]] == point["text"]
    quote = doc["quotes"][0]
    c = quote["citations"][0]
    assert texts[c["article_id"]][c["start"] : c["end"]] == quote["text"]


def test_html_escapes_article_text_and_drops_script_urls():
    html = render_html(_brief())
    assert "<script>window.pwned" not in html
    assert "&lt;script&gt;window.pwned" in html
    assert 'onerror="alert(1)"' not in html
    assert 'href="javascript:' not in html
    # the only script is the report's own citation helper
    assert html.count("<script>") == 1


def test_html_marks_every_cited_passage_once_per_citation():
    brief = _brief()
    html = render_html(brief)
    for span in brief.points[0].citations:
        assert f'data-cite="c-{span.article_id}-{span.start}-{span.end}"' in html
        assert (
            f"c-{span.article_id}-{span.start}-{span.end}"
            in html.split('class="article-text"', 1)[1]
        )


def test_markdown_lists_points_with_support_and_citations():
    md = render_markdown(_brief())
    assert "**2/2** The bridge closed on Monday" in md
    assert "[A1 0–" in md and "A2 0–" in md
    assert "Dana Okafor" in md


def test_markdown_names_what_only_one_outlet_states():
    """A sentence that shares its point with other outlets is listed as one outlet's
    report for its new facts: the reader must see which words those are, verbatim."""
    brief = _brief()
    a = brief.story.articles[0]
    s0 = a.sentences[0].span
    monday = s0.__class__(a.id, a.text.index("Monday"), a.text.index("Monday") + len("Monday"))
    report = UniqueReport("Alpha Daily", a.sentences[0].text, (s0,), (monday,))
    md = render_markdown(replace(brief, unique=(report,)))
    line = next(x for x in md.splitlines() if x.startswith("- The bridge closed"))
    assert line.endswith("— only here: “Monday”")
    plain = render_markdown(brief)  # no new facts: nothing claimed as only here
    assert "only here" not in plain


def test_unknown_format_names_the_choices():
    try:
        render(_brief(), "pdf")
    except ValueError as error:
        assert "json" in str(error) and "html" in str(error)
    else:
        raise AssertionError("expected ValueError")
