"""Quotes: quotation marks, speakers, and grouping across outlets.

Unit tests build text and records by hand; the seed tests run spaCy on the five seed
articles in ``../shared/data/seeds`` and skip when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.model import Article, Quote, Span, Speaker
from newsprism.quotes import extract_quotes, group_quotes, scan_quotations

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


def quoted(text: str) -> list[str]:
    return [text[q.start : q.end] for q in scan_quotations(text)]


# ---------------------------------------------------------------------------- marks


def test_curly_double_quote_and_trailing_comma_is_not_part_of_the_quote() -> None:
    text = "“We had useful discussions,” Wendy Sherman told reporters."
    assert quoted(text) == ["We had useful discussions"]


def test_apostrophes_inside_words_are_not_quotation_marks() -> None:
    text = "Russia’s deputy said Putin’s demands were ‘not hopeless’ and Nato’s door open."
    assert quoted(text) == ["not hopeless"]


def test_single_quote_containing_an_apostrophe() -> None:
    assert quoted("‘Time to call Putin’s bluff’") == ["Time to call Putin’s bluff"]


def test_plural_possessive_is_not_a_closing_mark() -> None:
    text = "Sherman remarked on the Russians’ readiness, saying “things are not priorities”."
    assert quoted(text) == ["things are not priorities"]


def test_straight_quotes_and_nested_single_quote_belong_to_the_outer_quote() -> None:
    text = "\"When you make concessions you get this kind of 'diplomacy',\" he said."
    assert quoted(text) == ["When you make concessions you get this kind of 'diplomacy'"]


def test_mixed_straight_open_and_curly_close_pair_up() -> None:
    text = '"An excellent job of this kind of ‘diplomacy’”.'
    assert quoted(text) == ["An excellent job of this kind of ‘diplomacy’"]


def test_quote_split_around_attribution_gives_two_quotations() -> None:
    text = '"The Cold War is over," Kuleba tweeted, "and so are spheres of influence."'
    assert quoted(text) == ["The Cold War is over", "and so are spheres of influence."]


def test_unclosed_quotation_runs_to_end_of_paragraph() -> None:
    text = "He said: “Ukraine is not the only issue here.  "
    (quotation,) = scan_quotations(text)
    assert quotation.close is None
    assert text[quotation.start : quotation.end] == "Ukraine is not the only issue here."


def test_marks_without_words_are_ignored() -> None:
    assert quoted("The sign read “ ” and nothing else.") == []


# ---------------------------------------------------------------------------- groups


def _quote(article_id: str, text: str, speaker: str | None, start: int = 0) -> Quote:
    span = Span(article_id, start, start + len(text))
    return Quote(span=span, text=text, speaker=Speaker(speaker))


def test_same_utterance_in_two_outlets_is_one_group_with_the_longest_text() -> None:
    short = "We will not allow anyone to slam close Nato’s open door policy."
    long = (
        "We will not allow anyone to slam close NATO’s open-door policy, which has always"
        " been central to the NATO alliance."
    )
    other = "There needs to be a breakthrough, a real step toward Russia."
    quotes = {
        "a1": [_quote("a1", other, "Sergei Ryabkov"), _quote("a1", short, "Sherman", 100)],
        "a2": [_quote("a2", long, "Wendy Sherman", 40)],
    }
    groups = group_quotes(quotes, {"a1": "guardian", "a2": "sky"})
    assert len(groups) == 2
    first = groups[0]  # two outlets sort before one
    assert first.outlets == ("guardian", "sky")
    assert first.text == long
    assert first.speaker.name in {"Sherman", "Wendy Sherman"}
    assert first.citations == (Span("a1", 100, 100 + len(short)), Span("a2", 40, 40 + len(long)))
    assert [(v.outlet, v.text) for v in first.variants] == [("guardian", short), ("sky", long)]
    assert groups[1].outlets == ("guardian",)
    assert groups[1].speaker.name == "Sergei Ryabkov"


def test_different_speakers_are_not_grouped_even_with_the_same_words() -> None:
    words = "We are aiming for an agreement on a way forward"
    quotes = {
        "a1": [_quote("a1", words, "Jens Stoltenberg")],
        "a2": [_quote("a2", words, "Ryabkov")],
    }
    assert len(group_quotes(quotes, {"a1": "x", "a2": "y"})) == 2


def test_unnamed_speaker_joins_a_named_one_and_the_group_is_named() -> None:
    words = "frank and forthright"
    quotes = {"a1": [_quote("a1", words, None)], "a2": [_quote("a2", words, "Wendy Sherman")]}
    (group,) = group_quotes(quotes, {"a1": "x", "a2": "y"})
    assert group.speaker.name == "Wendy Sherman"


def test_short_fragment_is_not_absorbed_by_a_long_quote_containing_it() -> None:
    quotes = {
        "a1": [_quote("a1", "useful", None)],
        "a2": [_quote("a2", "We had useful discussions and exchanges today", None)],
    }
    assert len(group_quotes(quotes, {"a1": "x", "a2": "y"})) == 2


def test_groups_with_equal_outlets_keep_first_appearance_order() -> None:
    quotes = {
        "a1": [
            _quote("a1", "The conversation was difficult, long and professional", "Ryabkov"),
            _quote("a1", "If Russia walks away from the diplomatic path", "Sherman", 200),
        ]
    }
    groups = group_quotes(quotes, {"a1": "x"})
    assert [g.speaker.name for g in groups] == ["Ryabkov", "Sherman"]


# ---------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_quotes(raw_seed_annotation) -> dict[str, tuple[Article, tuple[Quote, ...]]]:
    annotation = raw_seed_annotation
    return {a.outlet: (a, extract_quotes(a, annotation.docs[a.id])) for a in annotation.articles}


def _speaker_of(seed_quotes: dict, fragment: str) -> Speaker:
    hits = [q for _, quotes in seed_quotes.values() for q in quotes if fragment in q.text]
    assert hits, f"no quote contains {fragment!r}"
    names = {q.speaker.name for q in hits}
    assert len(names) == 1, f"{fragment!r} attributed to {names}"
    return hits[0].speaker


def test_every_quote_is_a_verbatim_span_of_its_article(seed_quotes: dict) -> None:
    total = 0
    for article, quotes in seed_quotes.values():
        for quote in quotes:
            total += 1
            assert quote.span.article_id == article.id
            assert quote.text == article.text[quote.span.start : quote.span.end]
            assert quote.text == quote.text.strip()
            assert quote.text[0] not in '“”"‘' and quote.text[-1] not in "“”\",'"
            if quote.cue is not None:
                cue = article.text[quote.cue.start : quote.cue.end]
                assert cue.isalpha()
            if quote.speaker.span is not None:
                name = article.text[quote.speaker.span.start : quote.speaker.span.end]
                assert name.split()[-1] in quote.speaker.name
    assert total >= 40


@pytest.mark.parametrize(
    ("fragment", "speaker"),
    [
        ("ironclad, waterproof", "Sergei Ryabkov"),
        ("The US is our strategic partner", "Emina Dzaporova"),
        ("When you make concessions to the aggressor", "Dmytro Razumkov"),  # run-on paragraph
        ("We had useful discussions", "Wendy Sherman"),
        ("The conversation was difficult", "Sergei Ryabkov"),  # "Her counterpart, X, said:"
        ("If this doesn’t happen", "Sergei Ryabkov"),  # split around "Ryabkov said."
        ("there is no basis to worry", "Sergei Ryabkov"),  # ", he said, and “...”"
        ("If Russia walks away", "Wendy Sherman"),  # "she said"
        ("To make actual progress", "Antony Blinken"),  # "Mr Blinken told"
        ("I have a rather pessimistic forecast", "Sergei Ryabkov"),  # follow-on paragraph
        ("The U.S. will listen", "Wendy Sherman"),  # not "Twitter"
        ("I doubt that anything will change", "Mykhailo"),
        ("He wants to return the Soviet Union", "Mykhailo"),  # ", adding:"
        ("an atmosphere of escalation", "Antony Blinken"),
        ("We are aiming for an agreement", "Jens Stoltenberg"),  # NER says ORG
        ("severe costs", "Jens Stoltenberg"),
        ("The Cold War is over", "Dmytro Kuleba"),
        ("Putin's demands are illegitimate", "Dmytro Kuleba"),
        ("We will not forego bilateral cooperation", "Wendy Sherman"),
        ("no need to fear escalation", "Sergei Ryabkov"),  # "the deputy foreign minister"
        ("If (Russian President Vladimir Putin)", "Anders Fogh Rasmussen"),
        ("One lesson learned from history", "Anders Fogh Rasmussen"),  # "he added"
        ("Putin is very skilled", "Anders Fogh Rasmussen"),  # run-on chain
    ],
)
def test_seed_quotes_have_the_right_speaker(seed_quotes: dict, fragment: str, speaker: str) -> None:
    assert _speaker_of(seed_quotes, fragment).name == speaker


def test_speaker_roles_come_from_the_article(seed_quotes: dict) -> None:
    assert _speaker_of(seed_quotes, "ironclad").role == "Russia’s deputy foreign minister"
    assert _speaker_of(seed_quotes, "We are aiming").role == "NATO chief"
    assert _speaker_of(seed_quotes, "The Cold War is over").role == "Ukraine's Foreign Minister"


def test_unnamed_speakers_are_not_guessed(seed_quotes: dict) -> None:
    # "US and Russian diplomats ... describing the talks as “useful”"
    quotes = [q for _, qs in seed_quotes.values() for q in qs]
    assert [q.speaker.name for q in quotes if q.text in {"useful", "very professional"}] == [
        None,
        None,
    ]
    # "The Americans said they were “frank and forthright”" (a group, not a named speaker)
    _, sky = seed_quotes["004_5024b87945ea3bb4"]
    frank = [q for q in sky if q.text == "frank and forthright"]
    assert sorted(str(q.speaker.name) for q in frank) == ["None", "Wendy Sherman"]


def test_scare_quotes_and_quoting_crossheads_are_skipped(seed_quotes: dict) -> None:
    texts = {q.text for _, quotes in seed_quotes.values() for q in quotes}
    for scare in ("impossible", "no", "spheres of interest", "Soviet Union 2.0", "Severe costs"):
        assert scare not in texts
    assert not any(t.startswith("Time to call") for t in texts)
    # ...but a short quote governed by a speech verb is kept
    assert "not hopeless" in texts and "difficult." in texts


def test_sherman_open_door_quote_is_one_group_across_two_outlets(seed_quotes: dict) -> None:
    by_article = {a.id: quotes for a, quotes in seed_quotes.values()}
    outlets = {a.id: a.outlet for a, _ in seed_quotes.values()}
    groups = group_quotes(by_article, outlets)
    (door,) = [g for g in groups if "slam close" in g.text]
    assert door.outlets == ("001_e2bdca9cb19be554", "004_5024b87945ea3bb4")
    assert door.text.endswith("central to the NATO alliance.")
    assert door.speaker.name == "Wendy Sherman"
    assert len(door.variants) == 2
    articles = {a.id: a for a, _ in seed_quotes.values()}
    for variant in door.variants:
        span = variant.citation
        assert articles[span.article_id].text[span.start : span.end] == variant.text
    # groups carried by more outlets come first
    assert [len(g.outlets) for g in groups] == sorted(
        (len(g.outlets) for g in groups), reverse=True
    )
