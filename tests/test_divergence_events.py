"""Numbers that count alike but belong to different events are not conflicts (real parses).

Each case is one error class found by the hand review: distances of different events
(where a plane vanished vs where wreckage was found), margins of different polls, a total
whose make-up is spelt out ("20 dead, including the three gunmen"), an area vs a distance.
The similarity passed to the filter says the sentences align, so only the new rules can
drop them; the matching true conflicts show the rules do not drop everything.
"""

from __future__ import annotations

from newsprism.divergence import (
    extract_quantities,
    quantity_divergences,
    same_fact_quantity_divergences,
)
from newsprism.model import Article, content_id


def _conflicts(*stated: tuple[str, str], similarity: float = 0.95):  # type: ignore[no-untyped-def]
    """The conflicts kept among the stated sentences, every pair aligned at ``similarity``."""
    from newsprism.nlp import annotate

    raw = [Article(id=content_id(o, t), outlet=o, text=t) for o, t in stated]
    annotation = annotate(raw)
    quantities = {a.id: extract_quantities(a, annotation.docs[a.id]) for a in annotation.articles}
    found = quantity_divergences(annotation.articles, quantities)
    kept = same_fact_quantity_divergences(
        found, annotation.articles, quantities, lambda _a, _b: similarity
    )
    return [d for d in kept if d.conflict]


def test_frames_name_the_event_a_number_belongs_to() -> None:
    from newsprism.nlp import annotate

    text = (
        "The blast left 49 people dead. The storm killed 50 people. "
        "There were 13 aftershocks. The jet vanished 300 km off the coast."
    )
    article = annotate([Article(id=content_id("x", text), outlet="x", text=text)])
    (a,) = article.articles
    frames = {q.text: q.frame for q in extract_quantities(a, article.docs[a.id])}
    assert frames["49"] == frames["50"] == "death"  # "left ... dead" and "killed" fold
    assert frames["13"] is None  # "there were": no event beyond existing
    assert frames["300"] == "vanish"


def test_distances_of_different_events_do_not_conflict() -> None:
    assert (
        _conflicts(
            ("x", "The airliner vanished from radar 306 km off the Brazilian coast."),
            ("y", "Navy ships found airliner wreckage 650 km off the Brazilian coast."),
        )
        == []
    )
    # the same event at two distances is still a conflict
    assert _conflicts(
        ("x", "The airliner vanished from radar 306 km off the Brazilian coast."),
        ("y", "The airliner vanished from radar 650 km off the Brazilian coast."),
    )


def test_margins_of_different_polls_do_not_conflict() -> None:
    assert (
        _conflicts(
            ("x", "In the city poll, voters oppose the mayor by a 16-point margin."),
            ("y", "In the city poll, young people support the mayor by a 22-point margin."),
        )
        == []
    )


def test_a_total_with_its_make_up_spelt_out_is_not_compared() -> None:
    assert (
        _conflicts(
            ("x", "Gunmen killed 17 people in the attacks on the two offices."),
            ("y", "The attacks on the two offices killed 20 people, including the three gunmen."),
        )
        == []
    )
    assert _conflicts(  # without the make-up, 17 vs 20 dead is a real conflict
        ("x", "Gunmen killed 17 people in the attacks on the two offices."),
        ("y", "The attacks on the two offices left 20 people dead."),
    )


def test_an_area_is_not_a_distance() -> None:
    assert (
        _conflicts(
            ("x", "The boxes lie within 300 square kilometres of the site."),
            ("y", "The boxes lie within 650 kilometres of the site."),
        )
        == []
    )
    assert _conflicts(
        ("x", "The boxes lie within 300 kilometres of the site."),
        ("y", "The boxes lie within 650 kilometres of the site."),
    )


def test_a_make_up_that_does_not_explain_the_gap_leaves_a_conflict() -> None:
    # 144 - 64 is neither 125 nor near it: the outlets disagree on the toll
    found = _conflicts(
        ("x", ("At least 144 people were killed across the country on Monday, including 64 "
              "who died at a checkpoint.")),
        ("y", "As many as 125 people died across the country on Monday, activists said."),
    )
    assert [sorted(a.value for a in d.answers) for d in found] == [
        ["As many as 125", "At least 144"]
    ]


def test_an_unknown_event_matches_a_known_one_when_an_outlet_counts_several_things() -> None:
    # both outlets also count the three stabbed: only 12 arrested vs 13 in custody conflict
    found = _conflicts(
        ("x", ("Three people were stabbed and 12 people were arrested during a brawl between "
              "Klan members and protesters at the park.")),
        ("y", ("Authorities say 13 people are in custody after a brawl between Klan members and "
              "protesters at the park that left three people stabbed.")),
    )
    assert [sorted(a.value for a in d.answers) for d in found] == [["12", "13"]]


def test_distances_in_different_directions_from_one_place_are_different_points() -> None:
    assert (
        _conflicts(
            ("x", "The epicentre of the tremor was 45 kilometres southwest of San Antonio."),
            ("y", "The epicentre of the tremor was 95 kilometres south of San Antonio."),
        )
        == []
    )
    assert _conflicts(
        ("x", "The epicentre of the tremor was 45 kilometres south of San Antonio."),
        ("y", "The epicentre of the tremor was 95 kilometres south of San Antonio."),
    )


def test_small_counts_compare_only_inside_near_paraphrases() -> None:
    same = (
        ("x", "Eight people, including two children, were injured in the gas explosion."),
        ("y", "Eight people, including three children, were injured in the gas explosion."),
    )
    found = [sorted(a.value for a in d.answers) for d in _conflicts(*same)]
    assert ["three", "two"] in found
    # the same small counts in sentences that are not two versions of one are not compared
    assert _conflicts(*same, similarity=0.9) == []
