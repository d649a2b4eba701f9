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


def _conflicts(*stated: tuple[str, str]):  # type: ignore[no-untyped-def]
    from newsprism.nlp import annotate

    raw = [Article(id=content_id(o, t), outlet=o, text=t) for o, t in stated]
    annotation = annotate(raw)
    quantities = {a.id: extract_quantities(a, annotation.docs[a.id]) for a in annotation.articles}
    found = quantity_divergences(annotation.articles, quantities)
    kept = same_fact_quantity_divergences(
        found, annotation.articles, quantities, lambda _a, _b: 0.95
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
