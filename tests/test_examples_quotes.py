"""Quotes, speakers and the entity roster on the fictional sample story (real spaCy).

The sample story lives in ``examples/sample-story`` (see ``examples/README.md``); the
small constructed articles below exercise the same rules on text of their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.model import Article, Quote, QuoteGroup, Story, content_id

SAMPLE = Path(__file__).resolve().parents[1] / "examples" / "sample-story"


@pytest.fixture(scope="module")
def story() -> Story:
    if not SAMPLE.is_dir():
        pytest.skip(f"sample story not found at {SAMPLE}")
    from newsprism.pipeline import brief_paths

    return brief_paths([SAMPLE]).story


def group_with(story: Story, fragment: str) -> QuoteGroup:
    (group,) = [g for g in story.quotes if any(fragment in v.text for v in g.variants)]
    return group


def test_every_variant_is_the_verbatim_text_of_its_span(story: Story) -> None:
    texts = {a.id: a.text for a in story.articles}
    for group in story.quotes:
        assert group.text in {v.text for v in group.variants}
        for variant in group.variants:
            span = variant.citation
            assert texts[span.article_id][span.start : span.end] == variant.text


def test_councillor_quotes_go_to_the_councillor_not_the_commissioner(story: Story) -> None:
    # "Councillor Gwen Tallis, ..., said she would ..." then "“...,” she said. “...”":
    # NER tags only "Tallis" (as NORP); the name after the title is recovered
    for fragment in ("People on the east bank deserve", "A minor crack does not close"):
        group = group_with(story, fragment)
        assert group.speaker.name == "Gwen Tallis"
        assert group.speaker.role == "Councillor"


def test_commissioner_statement_is_one_group_across_four_outlets(story: Story) -> None:
    group = group_with(story, "We will not reopen Merrow Bridge")
    assert group.speaker.name == "Dana Okafor"
    assert "Transport Commissioner" in (group.speaker.role or "")
    assert len(group.outlets) == 4
    trimmed = [v for v in group.variants if v.outlet == "tamsin-valley-record"]
    assert [v.text for v in trimmed] == [
        "We will not reopen Merrow Bridge until we are certain it is safe."
    ]
    assert group.text.endswith("we will not cut corners to get there")


def test_open_door_and_bello_quotes_group_across_two_outlets(story: Story) -> None:
    door = group_with(story, "policy for every business on the east bank")
    assert {v.text.split(" policy")[0] for v in door.variants} == {"an open-door", "an open door"}
    assert len(door.outlets) == 2 and door.speaker.name == "Dana Okafor"
    bello = group_with(story, "My drive used to take fifteen minutes")
    assert bello.outlets == ("CoastWire", "port-averill-courier")
    assert bello.speaker.name == "Aisha Bello"


def test_calloway_quotes_are_hers(story: Story) -> None:
    for fragment in ("We ran a shuttle like this", "Foot passengers and cyclists"):
        assert group_with(story, fragment).speaker.name == "Ruth Calloway"


def test_multi_paragraph_quote_after_reported_speech_is_the_engineers(story: Story) -> None:
    # "Dr Marcus Feld, the structural engineer ..., said the team had been surprised ..."
    # then three paragraphs of quotation with no attribution of their own
    for fragment in (
        "The crack runs roughly two metres",
        "On its own it would not bring",
        "Closing it was the only responsible decision.",
    ):
        group = group_with(story, fragment)
        gazette = [v for v in group.variants if v.outlet == "The Averill Gazette"]
        assert gazette, fragment
        assert group.speaker.name == "Marcus Feld"


def test_roster_names_and_kinds(story: Story) -> None:
    kinds = {e.name: e.kind for e in story.entities}
    assert kinds["Dana Okafor"] == "person"
    okafor = next(e for e in story.entities if e.name == "Dana Okafor")
    assert any("Transport Commissioner" in r.text for r in okafor.roles)
    assert kinds["Gwen Tallis"] == "person" and kinds["Marcus Feld"] == "person"
    assert kinds["Port Averill"] == "place" and kinds["Eastbank"] == "place"
    assert kinds["Northgate Bridge"] == "facility" and kinds["Merrow Bridge"] == "facility"
    assert kinds["Guildhall"] == "facility"
    # "the city's transport department said ...": a speaker, but an institution
    assert kinds["transport department"] == "organisation"
    for noise in ("Commuters", "Transport", "Hospital", "Tallis", "St Brendan"):
        assert noise not in kinds
    assert not any(name.startswith(("Transport Commissioner", "Dr ")) for name in kinds)
    texts = {a.id: a.text for a in story.articles}
    for entity in story.entities:
        forms = {entity.name, *entity.aliases}
        for span in entity.citations:
            assert texts[span.article_id][span.start : span.end] in forms


# ---------------------------------------------------------------- constructed articles


def quotes_of(text: str) -> tuple[Article, tuple[Quote, ...]]:
    from newsprism.nlp import annotate
    from newsprism.quotes import extract_quotes

    article = Article(id=content_id("t", text), outlet="t", text=text)
    annotation = annotate([article])
    (annotated,) = annotation.articles
    quotes = extract_quotes(annotated, annotation.docs[annotated.id])
    for quote in quotes:
        assert quote.text == text[quote.span.start : quote.span.end]
    return annotated, quotes


def test_pronoun_goes_to_the_latest_titled_speaker() -> None:
    text = (
        "Mayor Anna Lindqvist said the budget was balanced.\n\n"
        "Councillor Priya Ramaswamy, who leads the opposition group, said she would vote"
        " against it.\n\n"
        "“This budget hides the real cost of the repairs,” she said."
    )
    _, quotes = quotes_of(text)
    (quote,) = quotes
    assert quote.speaker.name == "Priya Ramaswamy"


def test_quote_after_reported_speech_of_two_people_stays_unnamed() -> None:
    text = (
        "Tom Weller said the plan was sound, while Mary Ostrander said it was rushed.\n\n"
        "“Nobody has seen the figures yet, and that worries everyone here.”"
    )
    _, quotes = quotes_of(text)
    (quote,) = quotes
    assert quote.speaker.name is None


def test_one_outlet_quotes_what_another_only_reports(story: Story) -> None:
    # The Averill Gazette quotes the engineer; the Port Averill Courier paraphrases him
    group = group_with(story, "The crack runs roughly two metres")
    assert group.speaker.name == "Marcus Feld"
    assert group.direct and group.text.startswith("The crack runs roughly two metres")
    texts = {a.id: a.text for a in story.articles}
    kinds = {(v.outlet, v.direct) for v in group.variants}
    assert kinds == {("The Averill Gazette", True), ("port-averill-courier", False)}
    (reported,) = [v for v in group.variants if not v.direct]
    assert reported.cue is not None
    assert texts[reported.cue.article_id][reported.cue.start : reported.cue.end] == "said"
    assert "two metres up the downstream face" in reported.text


def test_reported_statements_in_the_ledger_are_marked_and_cue_linked(story: Story) -> None:
    texts = {a.id: a.text for a in story.articles}
    reported = [v for g in story.quotes for v in g.variants if not v.direct]
    assert len(reported) >= 10
    for variant in reported:
        assert variant.cue is not None and variant.cue.article_id == variant.citation.article_id
        cue = texts[variant.cue.article_id][variant.cue.start : variant.cue.end]
        assert cue.lower() == "according to" or cue.isalpha()  # a verb of saying
    # a statement several outlets paraphrase is one group
    okafor = group_with(story, "the city expected to reopen the bridge in about six weeks")
    assert not okafor.direct and okafor.speaker.name == "Dana Okafor"
    assert len(okafor.outlets) == 2
