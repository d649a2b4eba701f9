"""Quantities (extraction, normalisation) and numeric divergences across outlets."""

from __future__ import annotations

import math

import pytest

from newsprism.divergence import Quantity, extract_quantities, quantity_divergences
from newsprism.model import Article, content_id
from tests.conftest import shared_path


def _annotated(outlet: str, text: str):  # type: ignore[no-untyped-def]
    from newsprism.nlp import annotate

    article = Article(id=content_id(outlet, text), outlet=outlet, text=text)
    annotation = annotate([article])
    return annotation.articles[0], annotation.docs[article.id]


def _quantities(text: str, outlet: str = "a") -> tuple[Article, tuple[Quantity, ...]]:
    article, docs = _annotated(outlet, text)
    return article, extract_quantities(article, docs)


def _by_text(quantities: tuple[Quantity, ...]) -> dict[str, Quantity]:
    return {q.text: q for q in quantities}


def test_counts_with_qualifiers_heads_and_exact_spans() -> None:
    article, qs = _quantities(
        "Russia's 100,000 plus troops camped on the border. Some 100,000 Russian troops "
        "wait there. Moscow amassed tens of thousands of troops. Russia has stationed more "
        "than 50 BTGs near Ukraine. The sides spent eight hours of talks. More than 13,000 "
        "people have died. Armour came from nearly 4,000 miles away."
    )
    for q in qs:
        assert article.text[q.span.start : q.span.end] == q.text
        assert q.sentence.start <= q.span.start and q.span.end <= q.sentence.end
    got = _by_text(qs)
    plus = got["100,000 plus"]
    assert (plus.value, plus.approx, plus.head, plus.low, plus.high) == (
        100_000,
        "plus",
        "troop",
        100_000,
        math.inf,
    )
    some = got["Some 100,000"]
    assert some.approx == "about" and some.head == "troop" and some.low < 100_000 < some.high
    tens = got["tens of thousands"]
    assert tens.value is None and (tens.low, tens.high) == (20_000, 99_999)
    assert tens.head == "troop" and tens.approx == "tens of"
    assert got["more than 50"].head == "BTG" and got["more than 50"].approx == "more than"
    assert got["eight"].head == "hour" and got["eight"].kind == "duration"
    assert got["More than 13,000"].head == "people" and got["More than 13,000"].value == 13_000
    miles = got["nearly 4,000"]
    assert miles.unit == "mile" and miles.high == 4_000 and miles.low < 4_000


def test_money_percent_word_numbers_and_no_dates() -> None:
    _article, qs = _quantities(
        "The fund pledged $1.5 billion in aid in 2014. Support rose 20% on January 10. "
        "Two hundred protesters gathered on Monday at 8:55 a.m."
    )
    got = _by_text(qs)
    assert got["$1.5 billion"].value == 1.5e9 and got["$1.5 billion"].unit == "USD"
    assert got["$1.5 billion"].kind == "money"
    assert got["20%"].value == 20 and got["20%"].kind == "percent"
    assert got["Two hundred"].value == 200 and got["Two hundred"].head == "protester"
    assert not any(q.value in (2014, 10, 8, 55) for q in qs)  # dates and clock times


def _divergences(*texts: tuple[str, str]):  # type: ignore[no-untyped-def]
    articles, by_id = [], {}
    for outlet, text in texts:
        article, qs = _quantities(text, outlet)
        articles.append(article)
        by_id[article.id] = qs
    return quantity_divergences(articles, by_id)


def test_compatible_approximations_agree_and_synonyms_align() -> None:
    (div,) = _divergences(
        ("x", "Russia has massed 100,000 troops at the border."),
        ("y", "Russia has massed some 100,000 soldiers at the border."),
    )
    assert div.kind == "quantity" and not div.conflict
    assert {a.outlet for a in div.answers} == {"x", "y"}
    assert {a.value for a in div.answers} == {"100,000", "some 100,000"}


def test_tens_of_thousands_conflicts_with_100000() -> None:
    (div,) = _divergences(
        ("x", "Russia has massed 100,000 troops at the border."),
        ("y", "Russia has massed tens of thousands of troops at the border."),
    )
    assert div.conflict and div.question == "How many troops?"


def test_identical_statements_are_not_a_divergence() -> None:
    assert (
        _divergences(
            ("x", "Russia has massed 100,000 troops at the border."),
            ("y", "Officials say 100,000 troops are at the border."),
        )
        == ()
    )


@pytest.fixture(scope="module")
def seeds():  # type: ignore[no-untyped-def]
    from newsprism.clean import clean_articles
    from newsprism.nlp import annotate
    from newsprism.pipeline import read

    return annotate(clean_articles(read([shared_path("seeds")]).articles))


def test_seed_troop_count_divergence(seeds) -> None:  # type: ignore[no-untyped-def]
    by_article = {a.id: extract_quantities(a, seeds.docs[a.id]) for a in seeds.articles}
    texts = {a.id: a.text for a in seeds.articles}
    divergences = quantity_divergences(seeds.articles, by_article)
    troops = [d for d in divergences if d.question == "How many troops?"]
    assert len(troops) == 1 and troops[0].conflict
    answers = troops[0].answers
    vague = [a for a in answers if a.value == "tens of thousands"]
    assert [a.outlet for a in vague] == ["003_ac1127b9f94b2fb7"]
    hundred_k = {a.outlet for a in answers if a.value and "100,000" in a.value}
    assert len(hundred_k) >= 3 and "003_ac1127b9f94b2fb7" not in hundred_k
    for divergence in divergences:
        for answer in divergence.answers:
            number, sentence = answer.citations
            assert texts[number.article_id][number.start : number.end] == answer.value
            assert texts[sentence.article_id][sentence.start : sentence.end] == answer.text
