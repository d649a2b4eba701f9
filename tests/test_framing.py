"""Framing profiles on text written for these tests (spaCy runs; no embedding model)."""

from __future__ import annotations

import pytest

from newsprism.framing import ASPECTS, counts, framing_profile, quoted_mask
from newsprism.lexicons import adjective_entry, is_descriptive, reporting_class
from newsprism.model import Article, content_id

TEXT = (
    "Analysis by Dana Okafor, economics editor\n\n"
    "The finance minister insisted the sanctions on banks would cost the economy little. "
    "Critics claimed the tariffs would hurt exporters, and the minister admitted prices "
    "had risen.\n\n"
    "I spoke to farmers near the border, who said the troops and tanks had frightened "
    "their families. “The regime is run by thugs,” one farmer told me.\n\n"
    "Of course, the government's sabre-rattling is a dangerous gamble. "
    "Who will pay for it?"
)


@pytest.fixture(scope="module")
def profile():  # type: ignore[no-untyped-def]
    from newsprism.nlp import annotate

    article = Article(id=content_id("Example Daily", TEXT), outlet="Example Daily", text=TEXT)
    annotation = annotate([article])
    annotated = annotation.articles[0]
    return annotated, framing_profile(annotated, annotation.docs[annotated.id])


def _texts(items):  # type: ignore[no-untyped-def]
    return [i.text for i in items]


def test_every_item_resolves_verbatim_to_its_span(profile) -> None:  # type: ignore[no-untyped-def]
    article, p = profile
    for item in (*p.attributions, *p.terms, *p.markers):
        span = item.citation
        assert span.article_id == article.id
        assert article.text[span.start : span.end] == item.text
    for aspect in p.aspects:
        assert aspect.aspect in ASPECTS and 0 < aspect.share <= 1
        for span in aspect.citations:
            assert article.text[span.start : span.end] in {s.text for s in article.sentences}


def test_attribution_verbs_with_their_stance(profile) -> None:  # type: ignore[no-untyped-def]
    _article, p = profile
    stance = {i.text: i.category for i in p.attributions}
    assert stance["insisted"] == "emphatic"
    assert stance["claimed"] == "doubting"
    assert stance["admitted"] == "conceding"
    assert stance["said"] == "neutral"
    told = next(i for i in p.attributions if i.text == "told")
    assert not told.quoted
    assert counts(p)["attributions"]["emphatic"] == 1


def test_loaded_terms_are_flagged_quoted_or_not(profile) -> None:  # type: ignore[no-untyped-def]
    _article, p = profile
    loaded = {i.text: i.quoted for i in p.terms if i.category == "loaded"}
    assert loaded["sabre-rattling"] is False  # the article's own words
    assert loaded["regime"] is True and loaded["thugs"] is True  # the farmer's words
    evaluative = _texts(i for i in p.terms if i.category == "evaluative")
    assert "dangerous" in evaluative
    assert all(not i.quoted for i in p.terms if i.category == "evaluative")


def test_opinion_markers(profile) -> None:  # type: ignore[no-untyped-def]
    _article, p = profile
    kinds: dict[str, list[str]] = {}
    for item in p.markers:
        kinds.setdefault(item.category, []).append(item.text)
    assert kinds["section"] == ["Analysis"]
    assert "Of course" in kinds["stance"]
    assert kinds["rhetorical question"] == ["Who will pay for it?"]
    # "I spoke to farmers", "one farmer told me": the reporter's own voice; the farmer's
    # quoted words carry no first person here, and "US"-like capitals never count
    assert kinds["first person"] == ["I", "me"]


def test_aspects_share_the_words(profile) -> None:  # type: ignore[no-untyped-def]
    _article, p = profile
    shares = {a.aspect: a.share for a in p.aspects}
    assert shares["economy and sanctions"] > 0
    assert shares["military"] > 0 or shares["humanitarian and voices from the ground"] > 0
    assert sum(shares.values()) <= 1.0 + 1e-9


def test_quoted_mask_reads_curly_and_straight_marks() -> None:
    text = 'He said “a b” and "c d" then e.'
    mask = quoted_mask(text)
    assert mask[text.index("a b")] and mask[text.index("c d")]
    assert not mask[text.index("then")] and not mask[text.index("He")]
    open_ended = "“It goes on to the end of the paragraph"
    assert all(quoted_mask(open_ended)[1:])


def test_lexicons() -> None:
    assert reporting_class("insist") == "emphatic" and reporting_class("walk") is None
    assert is_descriptive("military") and not is_descriptive("difficult")
    entry = adjective_entry("surprisingly")  # an adverb read through its adjective
    assert entry is not None and entry.subjectivity > 0


def test_aspects_of_a_story_that_is_no_diplomatic_crisis() -> None:
    # the first aspects were written for the seed story: a council meeting about a
    # closed bridge came out as "diplomacy"; general-news aspects and half-weight common
    # lemmas give it to transport, and a lone weak lemma decides nothing
    from newsprism.nlp import annotate

    text = (
        "The city closed the bridge after engineers found a crack in a pier, and traffic "
        "was diverted over the northern crossing.\n\n"
        "Ferries will add extra sailings for commuters from Wednesday.\n\n"
        "The council will hold a meeting on Thursday."
    )
    article = Article(id=content_id("Example Daily", text), outlet="Example Daily", text=text)
    annotation = annotate([article])
    annotated = annotation.articles[0]
    p = framing_profile(annotated, annotation.docs[annotated.id])
    shares = {a.aspect: a.share for a in p.aspects}
    assert max(shares, key=shares.__getitem__) == "infrastructure and transport"
    assert "diplomacy" not in shares


def test_a_year_is_background_only_before_the_articles_own() -> None:
    from newsprism.nlp import annotate

    text = "Americans gave generously in 2005.\n\nThe bridge first opened in 1971."
    article = Article(
        id=content_id("Example Daily", text),
        outlet="Example Daily",
        text=text,
        published="2005-01-08",
    )
    annotation = annotate([article])
    annotated = annotation.articles[0]
    (history,) = [
        a
        for a in framing_profile(annotated, annotation.docs[annotated.id]).aspects
        if a.aspect == "history and background"
    ]
    assert [annotated.text[s.start : s.end] for s in history.citations] == [
        "The bridge first opened in 1971."
    ]
