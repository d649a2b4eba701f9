"""Characterisations are compared only when one speaker gives them (sentences written for
these tests; spaCy runs, no embedding model)."""

from __future__ import annotations

from newsprism.claims import NARRATIVE, characterisations, compare_members
from tests.conftest import claim_member


def _characterisations(north: str, south: str) -> list[str]:
    """The characterisation comparisons between two outlets' sentences, as their values."""
    out = compare_members([claim_member("north", north), claim_member("south", south)])
    return sorted(
        "/".join(sorted(a.value or "" for a in d.answers))
        for d in out
        if d.kind == "characterisation"
    )


def _speaker(text: str) -> frozenset[str] | None:
    (finding, *_rest) = characterisations(claim_member("north", text))
    return finding.speaker


def test_two_speakers_opposite_claims_are_not_compared() -> None:
    # PolNeAR: one source's "wrong" against another source's "truthful"
    assert (
        _characterisations(
            "Comey said those statements were wrong.",
            "Clinton said those statements were truthful.",
        )
        == []
    )
    assert _characterisations(
        "Comey said those statements were wrong.",
        "Comey said those statements were false.",
    ) == ["false/wrong"]


def test_narrative_is_compared_only_with_narrative() -> None:
    assert _characterisations("The new plan was reckless.", "The new plan was prudent.") == [
        "prudent/reckless"
    ]
    # a source's view against the outlet's own words: two different claims
    assert (
        _characterisations("The new plan was reckless.", "Smith said the new plan was prudent.")
        == []
    )


def test_unresolved_speakers_are_not_compared() -> None:
    assert _speaker("He said the new plan was reckless.") is None
    assert _speaker("“The new plan is reckless,” one post read.") is None  # unnamed quote
    assert (
        _characterisations(
            "He said the new plan was reckless.", "He said the new plan was prudent."
        )
        == []
    )


def test_speakers_are_read_from_the_parse() -> None:
    assert _speaker("The new plan was reckless.") == NARRATIVE
    assert _speaker("The mayor said the new plan was reckless.") == {"noun:mayor"}
    assert _speaker("“The new plan is reckless,” Smith said.") == {"name:smith"}
    assert _speaker("The new plan was reckless, according to officials.") == {"noun:official"}
    assert _speaker("Russia described the talks as “complex and very professional”.") == {
        "name:russia"
    }
    # an unnamed group is named by its modifiers: the seeds' "US and Russian diplomats"
    group = _speaker("US and Russian diplomats left Geneva, describing the talks as “useful”.")
    assert group == {"name:us", "name:russia"}
    assert _speaker("Diplomats from the US and Russia described the talks as useful.") == group
    # "Suga, responding to a question, said": the subject is parsed under "responding"
    assert _speaker(
        "Yoshihide Suga, responding to a question, said the statement was unacceptable."
    ) == {"name:suga"}


def test_a_group_and_its_member_country_are_one_speaker() -> None:
    assert _characterisations(
        "Russia described the talks as “complex and very professional”.",
        "US and Russian diplomats left Geneva, describing the talks as “useful”.",
    ) == ["complex and very professional/useful"]


def test_comparatives_are_not_characterisations() -> None:
    # PolNeAR: "three points higher than Clinton's support" against "remains strong"
    assert (
        characterisations(claim_member("north", "His approval rating is higher than her support."))
        == []
    )
    assert (
        _characterisations(
            "His approval rating is higher than her support.", "His approval rating remains strong."
        )
        == []
    )


def test_a_narrowed_target_is_not_the_bare_one() -> None:
    # PolNeAR: Comey's "wrong" (public statements) against his "truthful" (FBI interview)
    assert (
        _characterisations(
            "Comey said those statements were wrong.",
            "Comey said her statements in the interview were truthful.",
        )
        == []
    )
    assert _characterisations(
        "Comey said her statements in the interview were wrong.",
        "Comey said her statements in the interview were truthful.",
    ) == ["truthful/wrong"]
