"""Quantity conflicts the rules used to miss: a part counted against its whole ("157 of 338
seats") and one result told with different verbs ("took" / "won"). Sentences written for
these tests; spaCy runs, the alignment's similarity is given by hand."""

from __future__ import annotations

from newsprism.divergence import (
    Quantity,
    extract_quantities,
    quantity_divergences,
    same_fact_quantity_divergences,
)
from newsprism.model import Article, content_id


def _annotated(outlet: str, text: str):  # type: ignore[no-untyped-def]
    from newsprism.nlp import annotate

    article = Article(id=content_id(outlet, text), outlet=outlet, text=text)
    annotation = annotate([article])
    return annotation.articles[0], annotation.docs[article.id]


def _quantities(text: str) -> dict[str, Quantity]:
    article, docs = _annotated("a", text)
    found = extract_quantities(article, docs)
    for q in found:
        assert article.text[q.span.start : q.span.end] == q.text
    return {q.text: q for q in found}


def test_a_part_of_a_whole_counts_the_whole_s_noun() -> None:
    got = _quantities("The party had won 157 of 338 seats by midnight.")
    assert got["157"].head == "seat" and got["338"].head == "seat"
    got = _quantities("Soleimani helped 10 of the 12 attackers travel to Afghanistan.")
    assert got["10"].head == "attacker"


def test_a_year_or_a_smaller_number_after_of_is_not_a_whole() -> None:
    got = _quantities("Vinokourov won stage 13 of the 2007 Tour de France.")
    assert got["13"].head is None  # not 13 "Tours"
    got = _quantities("He took 40 of 12 shots on target.")
    assert got["40"].head is None  # a part is never larger than its whole


def _conflicts(*texts: tuple[str, str], similarity: float):  # type: ignore[no-untyped-def]
    articles, by_id = [], {}
    for outlet, text in texts:
        article, docs = _annotated(outlet, text)
        articles.append(article)
        by_id[article.id] = extract_quantities(article, docs)
    raw = quantity_divergences(articles, by_id)
    kept = same_fact_quantity_divergences(raw, articles, by_id, lambda _a, _b: similarity)
    return [d for d in kept if d.conflict]


def test_seats_taken_and_seats_won_are_one_result() -> None:
    (div,) = _conflicts(
        ("x", "The Liberals took 156 seats in the Canadian House of Commons."),
        ("y", "The Liberal Party had won 157 of 338 Canadian House seats, by early results."),
        similarity=0.75,
    )
    assert div.question == "How many seats?"
    # the size of the House (338) is not an answer: it is the whole, not the result
    assert sorted((a.outlet, a.value) for a in div.answers) == [("x", "156"), ("y", "157")]
    # two outlets on a specific count: the sentences must carry the same information
    assert (
        _conflicts(
            ("x", "The Liberals took 156 seats in the Canadian House of Commons."),
            ("y", "The Liberal Party had won 157 of 338 Canadian House seats, by early results."),
            similarity=0.3,
        )
        == []
    )


def test_seats_won_and_seats_lost_are_different_events() -> None:
    assert (
        _conflicts(
            ("x", "The Liberals lost 156 seats in the Canadian House of Commons."),
            ("y", "The Liberal Party had won 157 of 338 Canadian House seats, by early results."),
            similarity=0.75,
        )
        == []
    )
