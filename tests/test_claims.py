"""Claim divergences: the parse rules on sentences written for these tests (spaCy runs,
no embedding model: every pair of members is compared)."""

from __future__ import annotations

import pytest

from newsprism.claims import (
    attributions,
    characterisations,
    compare_members,
    predications,
)
from newsprism.model import Article, content_id
from tests.conftest import claim_member


def _compare_checked(*pairs: tuple[str, str]):  # type: ignore[no-untyped-def]
    """Divergences among the sentences; every cited span must resolve verbatim."""
    members = [claim_member(outlet, text) for outlet, text in pairs]
    texts = {m.article.id: m.article.text for m in members}
    out = compare_members(members)
    for divergence in out:
        for answer in divergence.answers:
            value, sentence = answer.citations
            assert texts[value.article_id][value.start : value.end] == answer.value
            assert texts[sentence.article_id][sentence.start : sentence.end] == answer.text
            for span in answer.highlights:
                assert value.start <= span.start < span.end <= value.end
    return out


def test_different_characterisations_of_the_same_talks_are_compared() -> None:
    (div,) = _compare_checked(
        ("north", "The envoy described the talks as “tense and unproductive”."),
        ("south", "The envoy described the talks as “calm and very productive”."),
    )
    # compared side by side, never claimed as a disagreement (COMPARISON_KINDS)
    assert div.kind == "characterisation" and not div.conflict
    assert div.question == "How is “the talks” characterised?"
    values = {a.outlet: a.value for a in div.answers}
    assert values == {"north": "tense and unproductive", "south": "calm and very productive"}
    south = next(a for a in div.answers if a.outlet == "south")
    highlighted = {south.text[h.start - south.citations[1].start : h.end - south.citations[1].start]
                   for h in south.highlights}  # fmt: skip
    assert highlighted == {"calm", "productive"}


def test_a_pronoun_target_is_compared_only_when_a_word_is_shared() -> None:
    (div,) = _compare_checked(
        ("north", "The minister said it was “difficult but constructive”."),
        ("south", "The minister said: “The meeting was difficult, long and constructive.”"),
    )
    assert div.kind == "characterisation" and not div.conflict  # a comparison
    assert (
        _compare_checked(
            ("north", "The minister said it was “pleasant”."),
            ("south", "The minister said: “The meeting was difficult.”"),
        )
        == []
    )


def test_the_same_words_or_descriptive_adjectives_are_not_a_divergence() -> None:
    assert (
        _compare_checked(
            ("north", "The mayor called the plan “reckless”."),
            ("south", "The mayor called the plan “reckless” on Monday."),
        )
        == []
    )
    found = characterisations(claim_member("north", "The exercises were military."))
    assert found == []  # descriptive adjectives do not characterise


def test_negated_characterisations_and_questions_are_left_out() -> None:
    assert characterisations(claim_member("north", "The talks were not useful.")) == []
    assert characterisations(claim_member("north", "Were the talks useful?")) == []


def test_people_and_generic_classes_are_not_characterisation_targets() -> None:
    # "mentally competent" (a court) and "mentally ill" (the defence) about one person are
    # two statements, and "such tremors are common" is not about this tremor
    assert characterisations(claim_member("north", "Gigante was mentally competent.")) == []
    assert characterisations(claim_member("north", "He was mentally ill.")) == []
    assert characterisations(claim_member("north", "Such tremors are common in the city.")) == []
    # people in general, relations and shares of a group characterise no event either
    assert characterisations(claim_member("north", "People are smart enough to decide.")) == []
    assert characterisations(claim_member("north", "His wife was very proud of it.")) == []
    assert characterisations(claim_member("north", "One in five patients were conscious.")) == []
    assert characterisations(claim_member("north", "The tremor was strong."))


def test_conditional_or_possible_characterisations_are_left_out() -> None:
    # found on Multi-News: "if the agreement is void", "whether a device ... would be
    # commercially viable", "a language is only useful if ..."
    for text in (
        "If the agreement is void, the clause would also be unenforceable.",
        "It will take years to know whether the device would be commercially viable.",
        "The language is only useful if people can speak it.",
        "The deal may be too ambitious.",
    ):
        assert characterisations(claim_member("north", text)) == [], text
    assert characterisations(claim_member("north", "The agreement is void."))


def test_a_detached_non_is_part_of_the_wording() -> None:
    # "non toxic" and "nontoxic" are one wording, not "toxic" against "nontoxic"
    assert (
        _compare_checked(
            ("north", "The company said the paints are nontoxic."),
            ("south", "The company said the paints are non toxic."),
        )
        == []
    )


def test_attribution_verbs_of_different_stance_for_the_same_statement() -> None:
    (div,) = _compare_checked(
        ("north", "Smith said the factory had closed because of the new tariffs."),
        ("south", "Smith claimed the factory had closed because of the new tariffs."),
    )
    assert div.kind == "attribution" and div.conflict
    assert {a.outlet: a.value for a in div.answers} == {"north": "said", "south": "claimed"}


def test_attribution_verbs_of_one_stance_are_paraphrase() -> None:
    assert (
        _compare_checked(
            ("north", "Smith said the factory had closed because of the new tariffs."),
            ("south", "Smith told reporters the factory had closed because of the new tariffs."),
        )
        == []
    )


def test_attribution_needs_the_same_speaker_and_statement() -> None:
    found = attributions(claim_member("north", "Smith insisted the factory would reopen in May."))
    assert [f.value for f in found] == [frozenset({"emphatic"})]
    assert (
        _compare_checked(
            ("north", "Smith insisted the factory would reopen in May."),
            ("south", "Jones said the bridge would be repaired by June."),
        )
        == []
    )


def test_negation_of_the_same_predicate() -> None:
    (div,) = _compare_checked(
        ("north", "The company closed the plant in Leeds."),
        ("south", "The company did not close the plant in Leeds."),
    )
    # shown as a comparison, not a conflict: on held-out ECB+ no negation "conflict" was a
    # real disagreement (articles written before and after the event), see COMPARISON_KINDS
    assert div.kind == "negation" and not div.conflict
    values = {a.outlet: a.value for a in div.answers}
    assert values["south"] == "did not close"


def test_downtoned_conditional_or_hedged_predicates_are_not_compared() -> None:
    for hedged in (
        "The company denied that it closed the plant.",
        "The company may not close the plant.",
        "If prices rise, the company will not close the plant.",
    ):
        assert predications(claim_member("south", hedged)) == [] or all(
            f.key[0] != "close" for f in predications(claim_member("south", hedged))
        ), hedged


def test_a_different_actor_for_the_same_action() -> None:
    (div,) = _compare_checked(
        ("north", "Portugal signed the treaty in Lisbon."),
        ("south", "Spain signed the treaty in Lisbon."),
    )
    # shown as a comparison, not a conflict (COMPARISON_KINDS): both can be true
    assert div.kind == "actor" and not div.conflict
    assert {a.value for a in div.answers} == {"Portugal", "Spain"}


def test_aliases_capitals_and_coordinated_subjects_are_the_same_actor() -> None:
    assert (
        _compare_checked(
            ("north", "Russia annexed the peninsula in 2014."),
            ("south", "Moscow annexed the peninsula in 2014."),
        )
        == []
    )
    assert (
        _compare_checked(
            ("north", "France and Germany signed the treaty in Lisbon."),
            ("south", "Germany signed the treaty in Lisbon."),
        )
        == []
    )


def test_same_outlet_is_never_compared_with_itself() -> None:
    assert (
        _compare_checked(
            ("north", "Portugal signed the treaty in Lisbon."),
            ("north", "Spain signed the treaty in Lisbon."),
        )
        == []
    )


@pytest.mark.parametrize("pair_ok", [False, True])
def test_only_linked_pairs_are_compared(pair_ok: bool) -> None:
    members = [
        claim_member("north", "Portugal signed the treaty in Lisbon."),
        claim_member("south", "Spain signed the treaty in Lisbon."),
    ]
    out = compare_members(members, {(0, 1): pair_ok})
    assert bool(out) is pair_ok


def test_emphatic_against_neutral_verbs_is_paraphrase_in_news_copy() -> None:
    assert (
        _compare_checked(
            ("north", "Smith said the factory had closed because of the new tariffs."),
            ("south", "Smith insisted the factory had closed because of the new tariffs."),
        )
        == []
    )


def test_a_person_and_a_group_doing_the_same_thing_is_not_an_actor_divergence() -> None:
    assert (
        _compare_checked(
            ("north", "Nancy Pelosi unveiled the articles of impeachment on Tuesday."),
            ("south", "House Democrats unveiled the articles of impeachment on Tuesday."),
        )
        == []
    )


@pytest.mark.parametrize(
    "pair",
    [
        (
            ("north", "The envoy described the talks as “tense and unproductive”."),
            ("south", "The envoy described the talks as “calm and very productive”."),
        ),
        (
            ("north", "Smith said the factory had closed because of the new tariffs."),
            ("south", "Smith claimed the factory had closed because of the new tariffs."),
        ),
        (
            ("north", "The company closed the plant in Leeds."),
            ("south", "The company did not close the plant in Leeds."),
        ),
        (
            ("north", "Portugal signed the treaty in Lisbon."),
            ("south", "Spain signed the treaty in Lisbon."),
        ),
    ],
)
def test_findings_made_ahead_compare_as_findings_made_on_the_way(
    pair: tuple[tuple[str, str], tuple[str, str]],
) -> None:
    """A brief makes every sentence's findings before its alignment exists
    (``ClaimFindings.prefill``); the comparisons must come out the same."""
    from newsprism.align import candidates
    from newsprism.claims import ClaimFindings
    from newsprism.nlp import annotate

    annotation = annotate([Article(id=content_id(o, t), outlet=o, text=t) for o, t in pair])
    findings = ClaimFindings(annotation.articles, annotation.docs)
    cands = candidates(annotation.articles)
    findings.prefill(cands)
    ahead = [findings.member(c) for c in cands]
    assert all(m is not None for m in ahead) and len(ahead) == 2
    on_the_way = [claim_member(outlet, text) for outlet, text in pair]
    expected = compare_members(on_the_way)
    assert expected  # each pair is a divergence
    assert compare_members(ahead, findings=findings) == expected  # type: ignore[arg-type]
