"""Rules added after the 2026 hand review of divergences (real parses, our own sentences).

Each test pins one class of error the review found (a number the tokenizer split, a score
read as a count, a conversion in parentheses, depth against distance, a count of a wider
set) or one class of real difference the finder had missed (two outlets disagreeing inside
a story that counts several things alike, a person's age), with the true case beside the
false one so that a rule cannot pass by dropping everything.
"""

from __future__ import annotations

from newsprism.divergence import (
    age_divergences,
    extract_quantities,
    quantity_divergences,
    same_fact_quantity_divergences,
)
from newsprism.model import Article, content_id


def _annotate(*stated: tuple[str, str]):  # type: ignore[no-untyped-def]
    from newsprism.nlp import annotate

    raw = [Article(id=content_id(o, t), outlet=o, text=t) for o, t in stated]
    return annotate(raw)


def _quantities(text: str) -> dict[str, tuple[float, float, str | None]]:
    annotation = _annotate(("x", text))
    (article,) = annotation.articles
    found = extract_quantities(article, annotation.docs[article.id])
    for q in found:
        assert article.text[q.span.start : q.span.end] == q.text
    return {q.text: (q.low, q.high, q.head) for q in found}


def _conflicts(*stated: tuple[str, str]):  # type: ignore[no-untyped-def]
    annotation = _annotate(*stated)
    quantities = {a.id: extract_quantities(a, annotation.docs[a.id]) for a in annotation.articles}
    found = quantity_divergences(annotation.articles, quantities)
    kept = same_fact_quantity_divergences(
        found, annotation.articles, quantities, lambda _a, _b: 0.95
    )
    return [d for d in kept if d.conflict]


def test_numbers_the_tokenizer_splits_are_read_whole_or_not_at_all() -> None:
    found = _quantities(
        "Fifty-two people were killed. Approximately half a million votes were left. "
        "It was a $2 . 6 million heist. He scored 2 , 117 points. Updated 5 : 40 p.m. today."
    )
    assert found["Fifty-two"] == (52, 52, "people")
    assert found["Approximately half a million"][2] == "vote"
    assert 425_000 <= found["Approximately half a million"][0] < 500_000
    assert not any(text in found for text in ("6 million", "$2", "117", "40", "5"))


def test_scores_are_not_counts_and_ranges_are_intervals() -> None:
    found = _quantities(
        "The Senate passed it in a 52-48 vote. The storm dropped 5 to 7 inches of snow. "
        "Between 2 and 3 million people fled. Prices rose from 5 to 7 percent."
    )
    assert not any(head == "vote" for _lo, _hi, head in found.values())
    assert found["5 to 7"] == (5, 7, "inch")
    assert found["Between 2 and 3 million"][:2] == (2e6, 3e6)
    assert found["7 percent"][:2] == (7, 7)  # a change "from 5 to 7" is not a range


def test_a_conversion_in_parentheses_is_not_an_outlet_figure() -> None:
    assert (
        _conflicts(
            ("x", "The climbers saw the bodies at a height of 5,900 meters (19,350 feet)."),
            ("y", "The climbers saw the bodies at a height of 19,356 feet (5,900 meters)."),
        )
        == []
    )


def test_a_depth_is_not_a_distance_and_distances_need_the_same_place() -> None:
    assert (
        _conflicts(
            ("x", "The quake struck at a depth of 44 kilometers near the coast of Chile."),
            ("y", "The quake struck 95 kilometers south of San Antonio near the coast of Chile."),
        )
        == []
    )
    assert (
        _conflicts(
            ("x", "The quake struck 45 kilometers south of Talca, near the coast of Chile."),
            ("y", "The quake struck 95 kilometers south of San Antonio, near the coast of Chile."),
        )
        == []
    )
    assert _conflicts(
        ("x", "The quake struck 45 kilometers south of San Antonio, near the coast of Chile."),
        ("y", "The quake struck 95 kilometers south of San Antonio, near the coast of Chile."),
    )


def test_a_count_of_a_wider_set_is_not_compared() -> None:
    assert (
        _conflicts(
            ("x", "Pirates forced the cruise ship to evacuate 246 passengers in the gulf."),
            ("y", "Pirates forced the cruise ship to evacuate 420 passengers and crew in the gulf."),
        )
        == []
    )


def test_outlets_that_disagree_inside_a_story_that_counts_several_things() -> None:
    x = (
        "x",
        (
            "Three people were stabbed and 12 people were arrested during the brawl at the "
            "park. Police said 12 people were arrested after the brawl at the park."
        ),
    )
    y = (
        "y",
        (
            "Police said 13 people were arrested after the brawl at the park, where three "
            "people were stabbed."
        ),
    )
    found = _conflicts(x, y)
    assert len(found) == 1
    assert {a.value for a in found[0].answers} == {"12", "13"}
    # an outlet that also states the other's figure does not disagree with it
    z = ("z", "Police said 13 people were arrested after the brawl, not 12 people as first said.")
    assert _conflicts(x, z) == []


def test_ages_of_one_person_that_outlets_state_differently() -> None:
    annotation = _annotate(
        ("x", "The teacher, identified as 29-year-old Geraldine Alcorn, faces charges."),
        ("y", "Geraldine Alcorn, 28, was charged on Wednesday."),
        ("z", "Her son Tom Alcorn, 6, was unharmed, and Geraldine Alcorn, 29, was charged."),
    )
    found = age_divergences(annotation.articles, annotation.docs)
    (divergence,) = found
    assert divergence.conflict and divergence.question == "How old is Geraldine Alcorn?"
    texts = {a.id: a.text for a in annotation.articles}
    for answer in divergence.answers:
        value, sentence = answer.citations
        assert texts[value.article_id][value.start : value.end] == answer.value
        assert texts[sentence.article_id][sentence.start : sentence.end] == answer.text
    assert {(a.outlet, a.value) for a in divergence.answers} == {
        ("x", "29"),
        ("y", "28"),
        ("z", "29"),
    }  # the son's age is not Geraldine's


def test_ages_of_different_people_or_an_outlet_stating_both_are_not_conflicts() -> None:
    family = _annotate(
        ("x", "Rene Pasztor, 6, died, police said."),
        ("y", "Amber Pasztor, 29, was arrested, police said."),
    )
    assert age_divergences(family.articles, family.docs) == ()
    both = _annotate(
        ("x", "Salah Ali, 70, the grandfather, spoke to reporters."),
        ("y", "Salah Ali, 77, spoke first; later Salah Ali, 70, left the building."),
    )
    assert age_divergences(both.articles, both.docs) == ()


def test_ages_printed_a_birthday_apart_are_not_conflicts() -> None:
    from newsprism.nlp import annotate

    def story(later: str) -> tuple[Article, ...]:
        raw = [
            Article(id=content_id(o, t), outlet=o, text=t, published=p)
            for o, t, p in (
                ("x", "Police arrested Jose Orozco, 27, on Sunday.", "2005-06-26"),
                ("y", "A jury found Jose Orozco, 29, guilty of murder.", later),
            )
        ]
        annotation = annotate(raw)
        return age_divergences(annotation.articles, annotation.docs)

    assert story("2007-03-20") == ()  # the trial came two years after the arrest
    assert len(story("2005-06-27")) == 1  # a day apart: the outlets disagree
