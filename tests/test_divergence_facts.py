"""Quantity conflicts kept only when the outlets state the same fact (hand-built records)."""

from __future__ import annotations

from newsprism.divergence import Quantity, same_fact_quantity_divergences
from newsprism.model import Divergence, DivergenceAnswer, Span
from tests.conftest import make_article


def _answer(article, number: str, head: str, value: float, unit=None):  # type: ignore[no-untyped-def]
    sentence = article.sentences[0]
    start = article.text.index(number)
    span = Span(article.id, start, start + len(number))
    quantity = Quantity(span, number, value, value, value, None, unit, head, None, sentence.span)
    answer = DivergenceAnswer(article.outlet, sentence.text, (span, sentence.span), number)
    return answer, quantity


def _check(pairs, linked: bool):  # type: ignore[no-untyped-def]
    articles = [a for a, _n, _h, _v, _u in pairs]
    made = [_answer(a, n, h, v, u) for a, n, h, v, u in pairs]
    divergence = Divergence("quantity", "How many?", tuple(a for a, _q in made), conflict=True)
    quantities = {q.span.article_id: (q,) for _a, q in made}
    return same_fact_quantity_divergences(
        [divergence], articles, quantities, lambda _a, _b: 0.9 if linked else 0.0
    )


def test_generic_heads_need_the_same_information() -> None:
    a = make_article("x", ["The mayor served two years in office."])
    b = make_article("y", ["The mayor served three years in office."])
    pairs = [(a, "two", "year", 2, "year"), (b, "three", "year", 3, "year")]
    assert _check(pairs, linked=False) == ()
    assert len(_check(pairs, linked=True)) == 1


def test_a_specific_head_stated_by_three_outlets_is_a_story_figure() -> None:
    a = make_article("x", ["There were 13 aftershocks after the quake."])
    b = make_article("y", ["At least 27 aftershocks were recorded."])
    c = make_article("z", ["Seismologists counted 27 aftershocks."])
    two = [(a, "13", "aftershock", 13, None), (b, "27", "aftershock", 27, None)]
    assert _check(two, linked=False) == ()  # two outlets: only if the sentences align
    assert len(_check(two, linked=True)) == 1
    three = [*two, (c, "27", "aftershock", 27, None)]
    assert len(_check(three, linked=False)) == 1


def test_numbers_far_apart_or_small_count_different_things() -> None:
    a = make_article("x", ["There were 627,000 deaths from malaria."])
    b = make_article("y", ["Some 3.3 million deaths were avoided."])
    assert _check([(a, "627,000", "death", 627_000, None), (b, "3.3 million", "death", 3.3e6, None)], True) == ()  # fmt: skip
    c = make_article("x", ["Setbacks came in three states."])
    d = make_article("y", ["Lawsuits were filed in five states."])
    assert _check([(c, "three", "state", 3, None), (d, "five", "state", 5, None)], True) == ()


def test_offsets_forecasts_and_references_are_not_counts() -> None:
    a = make_article("x", ["Four minutes after the alarm the plane fell."])
    b = make_article("y", ["Fourteen minutes later a message was sent."])
    assert _check([(a, "Four", "minute", 4, "minute"), (b, "Fourteen", "minute", 14, "minute")], True) == ()  # fmt: skip
    c = make_article("x", ["Analysts were expecting 870,000 jobs."])
    d = make_article("y", ["The economy added 943,000 jobs."])
    assert _check([(c, "870,000", "job", 870_000, None), (d, "943,000", "job", 943_000, None)], True) == ()  # fmt: skip
    e = make_article("x", ["The two nations oppose caps."])
    f = make_article("y", ["Delegates from 190 nations met."])
    assert _check([(e, "two", "nation", 2, None), (f, "190", "nation", 190, None)], True) == ()  # fmt: skip


def test_a_part_is_not_the_total() -> None:
    a = make_article("x", ["Divers brought four more boys out of the cave."])
    b = make_article("y", ["Divers will extract the remaining eight boys."])
    c = make_article("z", ["Divers are trying to extract eight boys from the cave."])
    assert _check([(a, "four", "boy", 4, None), (c, "eight", "boy", 8, None)], True) == ()
    assert _check([(b, "eight", "boy", 8, None), (a, "four", "boy", 4, None)], True) == ()
