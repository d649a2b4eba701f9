"""Records to plain data and back (the store keeps records as JSON)."""

from __future__ import annotations

import json
import math

import pytest

from newsprism.divergence import Quantity
from newsprism.model import (
    Article,
    Brief,
    Mention,
    Point,
    Quote,
    Removal,
    Sentence,
    Span,
    Speaker,
    Story,
    TimelineEvent,
    to_plain,
)
from newsprism.plain import article_from_dict, article_to_dict, dump, from_plain


def _article() -> Article:
    text = "Talks resumed in Geneva. Nato said no."
    span = Span("a1", 0, 24)
    return Article(
        id="a1",
        outlet="Example Wire",
        text=text,
        title="Talks resume",
        published="2024-01-10",
        raw="Talks resume\n" + text,
        removed=(Removal(0, 12, "title", "Talks resume"),),
        sentences=(
            Sentence(span, text[:24], 0, (Mention(17, 23, "Geneva", "GPE"),)),
            Sentence(Span("a1", 25, 38), text[25:], 0, heading=False),
        ),
    )


def test_an_article_survives_json_exactly():
    article = _article()
    again = article_from_dict(json.loads(json.dumps(article_to_dict(article))))
    assert again == article
    assert isinstance(again.sentences, tuple) and isinstance(again.sentences[0].span, Span)


def test_dump_is_to_plain():
    brief = Brief(
        story=Story(articles=(_article(),), timeline=()),
        points=(Point("Talks resumed in Geneva.", 2, ("A", "B"), (Span("a1", 0, 24),), 0.5),),
        unique=(),
        words=100,
        meta={"timings": {"align": 0.1}},
    )
    assert dump(brief) == to_plain(brief)
    assert from_plain(Brief, json.loads(json.dumps(dump(brief)))) == brief


def test_optional_records_literals_and_infinity_round_trip():
    quote = Quote(Span("a1", 1, 5), "text", Speaker(None), direct=True, cue=None)
    assert from_plain(Quote, to_plain(quote)) == quote
    quantity = Quantity(
        Span("a1", 0, 9),
        "more than",
        None,
        100.0,
        math.inf,
        "more than",
        None,
        "troop",
        None,
        Span("a1", 0, 20),
    )
    stored = json.dumps(to_plain(quantity))  # Infinity: Python's json reads it back
    assert from_plain(Quantity, json.loads(stored)) == quantity
    event = TimelineEvent("2022-01-10", "day", "talks", False, (Span("a1", 0, 5),))
    assert from_plain(TimelineEvent, to_plain(event)) == event


def test_ints_become_floats_where_the_record_wants_floats():
    point = from_plain(
        Point, {"text": "t", "support": 1, "outlets": [], "citations": [], "score": 1}
    )
    assert isinstance(point.score, float)


def test_data_that_does_not_fit_names_the_field():
    with pytest.raises(TypeError, match=r"Span.start: expected int, got str"):
        from_plain(Span, {"article_id": "a", "start": "0", "end": 3})
    with pytest.raises(TypeError, match="Article"):
        from_plain(Article, {"id": "a"})  # outlet and text are required
    with pytest.raises(TypeError, match="expected list or tuple"):
        from_plain(tuple[Span, ...], {"article_id": "a"})
