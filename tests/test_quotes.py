"""Quotes: quotation marks, speakers, and grouping across outlets.

Unit tests build text and records by hand; the seed tests run spaCy on the five seed
articles in ``../shared/data/seeds`` and skip when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.model import Article, Quote, Span, Speaker
from newsprism.quotes import extract_quotes, group_quotes, scan_quotations
from tests.conftest import shared_path

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


def test_two_apostrophes_are_one_double_mark() -> None:
    # New York Times copy writes ''...'' for double quotation marks
    text = "''We may see wage growth,'' the economist wrote. ''And soon.'' Mr. Lee's view."
    assert quoted(text) == ["We may see wage growth", "And soon."]
    first = scan_quotations(text)[0]
    assert text[first.close : first.region_end] == "''"


def test_two_apostrophes_around_a_single_quote() -> None:
    text = "''They called it 'a joke.''' she said."
    assert quoted(text) == ["They called it 'a joke.'"]


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


def _report(article_id: str, text: str, speaker: str | None, start: int = 9) -> Quote:
    span = Span(article_id, start, start + len(text))
    cue = Span(article_id, start - 5, start - 1)
    return Quote(span=span, text=text, speaker=Speaker(speaker), direct=False, cue=cue)


DOOR = "We will not allow anyone to slam close Nato’s open door policy."
DOOR_REPORTED = "the US would not allow anyone to slam close NATO's open-door policy"


def test_a_report_joins_the_direct_quote_of_the_same_utterance() -> None:
    quotes = {
        "a1": [_quote("a1", DOOR, "Wendy Sherman", 10)],
        "a2": [_report("a2", DOOR_REPORTED, "Sherman", 30)],
    }
    (group,) = group_quotes(quotes, {"a1": "guardian", "a2": "wire"})
    assert group.direct  # one outlet quotes it ...
    assert group.text == DOOR  # ... so the group shows the verbatim words
    assert [(v.outlet, v.direct) for v in group.variants] == [("guardian", True), ("wire", False)]
    assert group.variants[1].cue == Span("a2", 25, 29)
    assert group.variants[0].cue is None


def test_a_loose_paraphrase_joins_only_with_the_same_named_speaker() -> None:
    loose = "the US would let no one slam shut NATO's open-door policy"  # ~74 similar
    outlets = {"a1": "x", "a2": "y"}
    named = {"a1": [_quote("a1", DOOR, "Wendy Sherman")], "a2": [_report("a2", loose, "Sherman")]}
    assert len(group_quotes(named, outlets)) == 1
    unnamed = {"a1": [_quote("a1", DOOR, "Wendy Sherman")], "a2": [_report("a2", loose, None)]}
    assert len(group_quotes(unnamed, outlets)) == 2
    other = {"a1": [_quote("a1", DOOR, "Wendy Sherman")], "a2": [_report("a2", loose, "Ryabkov")]}
    assert len(group_quotes(other, outlets)) == 2
    far = "Washington would not let anyone close the alliance's open door"  # ~68 similar
    apart = {"a1": [_quote("a1", DOOR, "Wendy Sherman")], "a2": [_report("a2", far, "Sherman")]}
    assert len(group_quotes(apart, outlets)) == 2


def test_reports_of_the_same_named_speaker_group_across_outlets() -> None:
    one = "the city hoped to reopen the crossing in about six weeks, once supports were in place"
    two = "the city expected to reopen the bridge in about six weeks, once supports were fitted"
    quotes = {"a1": [_report("a1", one, "Dana Okafor")], "a2": [_report("a2", two, "Okafor")]}
    (group,) = group_quotes(quotes, {"a1": "x", "a2": "y"})
    assert not group.direct and group.text in {one, two}
    assert all(not v.direct for v in group.variants)
    unrelated = "the ferry company would add eight sailings a day from Wednesday"
    quotes["a2"].append(_report("a2", unrelated, "Okafor", 200))
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
                if quote.speaker.name is not None:
                    assert name.split()[-1] in quote.speaker.name
                else:  # an unnamed source points at the words describing it
                    assert name.strip() and "\n" not in name
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


# ---------------------------------------------------------------------------- reported speech


def _extract(text: str, indirect: object) -> list[tuple[bool, str | None, str | None, str]]:
    """``(direct, cue text, speaker name, quote text)`` of a constructed one-outlet article."""
    from newsprism.nlp import annotate

    article = Article(id="t", outlet="t", text=text)
    annotation = annotate([article])
    out = []
    for q in extract_quotes(article, annotation.docs["t"], indirect=indirect):  # type: ignore[arg-type]
        assert q.text == text[q.span.start : q.span.end]
        cue = text[q.cue.start : q.cue.end] if q.cue else None
        out.append((q.direct, cue, q.speaker.name, q.text))
    return out


def test_the_ledger_keeps_statements_and_leaves_out_stances() -> None:
    from newsprism.quotes import LEDGER_REPORTED

    text = (
        "Mayor Anna Lindqvist said that the new bridge would open in March.\n\n"
        "Mayor Anna Lindqvist wants more money for the schools."
    )
    said = (False, "said", "Anna Lindqvist", "that the new bridge would open in March")
    everything = _extract(text, True)
    assert said in everything
    assert (False, "wants", "Anna Lindqvist", "more money for the schools") in everything
    assert _extract(text, LEDGER_REPORTED) == [said]
    assert _extract(text, False) == []


def test_a_partial_quotation_and_the_clause_that_holds_it_share_the_cue() -> None:
    from newsprism.quotes import LEDGER_REPORTED

    text = "Ben Carson noted that one of his volunteers had “even died” while canvassing."
    frame = "that one of his volunteers had “even died” while canvassing"
    found = _extract(text, True)
    assert (True, "noted", "Ben Carson", "even died") in found
    assert (False, "noted", "Ben Carson", frame) in found  # marks kept in pairs
    # the ledger shows the quotation, not both
    assert _extract(text, LEDGER_REPORTED) == [(True, "noted", "Ben Carson", "even died")]


@pytest.mark.parametrize(("opening", "closing"), [("“", "”"), ('"', '"'), ("''", "''")])
def test_a_clause_ending_in_a_quotation_with_its_full_stop_inside_keeps_its_frame(
    opening: str, closing: str
) -> None:
    # the quotation's span takes in the full stop before the closing mark, the clause's
    # span stops at the last word: the clause still holds the quotation
    text = (
        f"Governor Tom Reyes added that he did not support closing the schools "
        f"{opening}willy-nilly.{closing} The vote is on Friday."
    )
    found = _extract(text, True)
    assert (True, "added", "Tom Reyes", "willy-nilly.") in found
    frame = f"that he did not support closing the schools {opening}willy-nilly.{closing}"
    assert (False, "added", "Tom Reyes", frame) in found  # the marks kept in pairs


def test_a_reported_clause_takes_in_a_quotation_left_without_a_speaker() -> None:
    from newsprism.quotes import LEDGER_REPORTED

    text = (
        "Senator Mary Olsen believes the plan is “a giant step backwards for every family"
        " in this state” and will fail."
    )
    quoted = "a giant step backwards for every family in this state"
    assert _extract(text, False) == [(True, None, None, quoted)]  # no speech verb governs it
    found = _extract(text, True)
    clause = "the plan is “a giant step backwards for every family in this state” and will fail"
    assert (False, "believes", "Mary Olsen", clause) in found
    # the quotation is part of what she believes: it takes the clause's cue and speaker
    assert (True, "believes", "Mary Olsen", quoted) in found
    # a belief is not a statement: the ledger leaves the clause out, and the quotation as it was
    assert _extract(text, LEDGER_REPORTED) == [(True, None, None, quoted)]


def test_according_to_is_one_cue_and_unnamed_sources_stay_unnamed() -> None:
    text = (
        "According to the council, the budget was balanced for the third year running.\n\n"
        "Officials said the bridge would stay shut until the spring."
    )
    found = _extract(text, True)
    assert (
        False,
        "According to",
        None,
        "the budget was balanced for the third year running",
    ) in found
    assert (False, "said", None, "the bridge would stay shut until the spring") in found


def test_an_unnamed_source_points_at_the_words_that_describe_it() -> None:
    from newsprism.nlp import annotate

    text = "Officials said the bridge would stay shut until the spring."
    article = Article(id="t", outlet="t", text=text)
    (quote,) = extract_quotes(article, annotate([article]).docs["t"], indirect=True)
    assert quote.speaker.name is None
    assert quote.speaker.span is not None
    assert text[quote.speaker.span.start : quote.speaker.span.end] == "Officials"


def test_mr_and_ms_decide_whom_she_refers_to() -> None:
    text = (
        "Ms. Ana Park met Mr. Tom Lee on Monday.\n\n"
        "Mr. Lee spoke first about the budget.\n\n"
        "“We are ready to sign the agreement today,” she said."
    )
    (quote,) = [q for q in _extract(text, False) if q[0]]
    assert quote[2] == "Ana Park"  # not Tom Lee, the subject named last


# ---------------------------------------------------------------------------- all shared data

#: Stories sampled from each shared data set (the first ones in the file): enough articles
#: to meet every kind of copy there (raw Multi-News with boilerplate, NYT ''marks'',
#: tokenised ECB+ text, AllSides leads), few enough to run in seconds.
SAMPLED_STORIES = 4


def _shared_stories() -> list[tuple[str, list[Article]]]:
    import itertools
    import json

    from newsprism.eval.datasets import load_stories

    stories: list[tuple[str, list[Article]]] = []
    seeds = shared_path("seeds")
    stories.append(
        (
            "seeds",
            [
                Article(id=p.stem, outlet=p.stem, text=p.read_text(encoding="utf-8"))
                for p in sorted(seeds.glob("*.txt"))
            ],
        )
    )
    for name, parts in (
        ("multiling2011", ("multiling2011", "multiling2011_en.jsonl")),
        ("multinews", ("multinews", "multinews_validation_sample250.jsonl")),
        ("neus", ("neus", "neus_val.jsonl")),
    ):
        for story in load_stories(shared_path(*parts))[:SAMPLED_STORIES]:
            articles = [
                Article(id=f"{story.id}/{d['doc_id']}", outlet=str(d["doc_id"]), text=d["text"])
                for d in story.documents
            ]
            stories.append((f"{name}:{story.id}", articles))
    with shared_path("ecbplus", "ecbplus_train_dev.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in itertools.islice(handle, 40)]
    by_subtopic: dict[str, list[Article]] = {}
    for r in records:
        article = Article(id=r["doc_id"], outlet=r["doc_id"], text=r["text"])
        by_subtopic.setdefault(str(r["subtopic"]), []).append(article)
    stories += [(f"ecbplus:{k}", v) for k, v in list(by_subtopic.items())[:SAMPLED_STORIES]]
    with shared_path("polnear", "polnear_dev.jsonl").open(encoding="utf-8") as handle:
        records = [json.loads(line) for line in itertools.islice(handle, SAMPLED_STORIES * 2)]
    polnear = [Article(id=r["article"], outlet=r["publisher"], text=r["text"]) for r in records]
    stories.append(("polnear", polnear))
    return stories


@pytest.mark.slow
def test_every_quote_of_every_shared_data_set_is_verbatim_in_its_article() -> None:
    """Provenance: a ledger line's words, cue and speaker are the cited article's own text."""
    from newsprism.nlp import annotate
    from newsprism.quotes import LEDGER_REPORTED

    checked = reported = 0
    for name, articles in _shared_stories():
        annotation = annotate(articles)
        texts = {a.id: a.text for a in annotation.articles}
        for policy in (LEDGER_REPORTED, True):
            by_article = {
                a.id: extract_quotes(a, annotation.docs[a.id], indirect=policy)
                for a in annotation.articles
            }
            groups = group_quotes(by_article, {a.id: a.outlet for a in annotation.articles})
            for group in groups:
                assert group.text in {v.text for v in group.variants}, name
                assert len(group.citations) == len(group.variants)
                for variant, citation in zip(group.variants, group.citations, strict=True):
                    text = texts[variant.citation.article_id]
                    assert variant.citation == citation
                    assert text[citation.start : citation.end] == variant.text, name
                    assert variant.text.strip() == variant.text and variant.text, name
                    if variant.cue is not None:
                        cue = text[variant.cue.start : variant.cue.end]
                        assert cue.strip() and "\n" not in cue, (name, cue)
                    checked += 1
                    reported += not variant.direct
                speaker = group.speaker
                if speaker.span is not None:
                    said = texts[speaker.span.article_id][speaker.span.start : speaker.span.end]
                    assert said.strip() and "\n" not in said, name
    assert checked > 500 and reported > 100


# ------------------------------------------------------------------- scores made ahead


def _all_pairs(quotes: dict[str, list[Quote]]) -> list[tuple[str, str]]:
    ids = list(quotes)
    return [(a, b) for n, a in enumerate(ids) for b in ids[n:]]


def test_scores_made_ahead_group_as_scoring_on_the_way() -> None:
    """A store scores quote pairs ahead (and keeps them); the groups must not change."""
    from newsprism.quotes import quote_match_scores

    quotes = {
        "a1": [
            _quote("a1", DOOR, "Wendy Sherman", 10),
            _quote("a1", "There needs to be a breakthrough, a real step toward Russia.", None, 90),
        ],
        "a2": [
            _report("a2", DOOR_REPORTED, "Sherman", 30),
            _report("a2", "the US would let no one slam shut NATO's open-door policy", None, 150),
        ],
        "a3": [
            _quote("a3", "We are aiming for an agreement on a way forward", "Ryabkov", 5),
            _quote("a3", "We had useful discussions", None, 80),
            _quote("a3", "useful", None, 120),
        ],
    }
    outlets = {"a1": "x", "a2": "y", "a3": "z"}
    scores = quote_match_scores(quotes, _all_pairs(quotes))
    assert scores  # the report and the quote of one utterance match
    assert group_quotes(quotes, outlets, scores=scores) == group_quotes(quotes, outlets)
    # scored in parts (the new article's pairs now, the others kept): the same scores
    old = quote_match_scores(quotes, [("a1", "a1"), ("a1", "a2"), ("a2", "a2")])
    new = quote_match_scores(quotes, [("a1", "a3"), ("a2", "a3"), ("a3", "a3")])
    assert {**old, **new} == scores


def test_seed_quotes_group_alike_with_scores_made_ahead_in_any_order(seed_quotes) -> None:
    """On real quotes: a score is one per pair (whichever quote comes first), and the
    groups made from scores made ahead are the groups scored on the way."""
    from newsprism.quotes import _match_score, _normalise, quote_match_scores

    quotes = {a.id: list(qs) for a, qs in seed_quotes.values()}
    outlets = {a.id: a.outlet for a, _ in seed_quotes.values()}
    flat = [q for qs in quotes.values() for q in qs]
    assert len(flat) > 20
    for x in flat:
        for y in flat:
            nx, ny = _normalise(x.text), _normalise(y.text)
            assert _match_score(x, y, nx, ny) == _match_score(y, x, ny, nx)
    scores = quote_match_scores(quotes, _all_pairs(quotes))
    assert group_quotes(quotes, outlets, scores=scores) == group_quotes(quotes, outlets)
    backwards = dict(reversed(quotes.items()))
    assert group_quotes(backwards, outlets, scores=scores) == group_quotes(backwards, outlets)
