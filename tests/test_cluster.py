"""Story clustering on hand-made articles (pre-annotated, dense vectors off: no models)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from newsprism.cluster import (
    CHANNELS,
    DEFAULT_CLUSTER_CONFIG,
    ArticleSignals,
    Merge,
    OnlineClusterer,
    attach_singletons,
    channel_of,
    cluster_batch,
    person_token,
    split_story_id,
    story_id,
    time_factor,
    weighted_vectors,
    year_tokens,
)
from newsprism.model import Article, Mention, Sentence, Span, content_id

# Lexical + entity similarity only, so that no embedder or spaCy model is loaded.
CONFIG = replace(DEFAULT_CLUSTER_CONFIG, dense_weight=0.0)


def article(text: str, entities: tuple[str, ...], published: str | None = None) -> Article:
    """An article already annotated with its entity mentions (one sentence)."""
    aid = content_id("test", text)
    mentions = []
    for name in entities:
        start = text.index(name)
        mentions.append(Mention(start, start + len(name), name, "GPE"))
    sentence = Sentence(Span(aid, 0, len(text)), text, mentions=tuple(mentions))
    return Article(aid, "outlet", text, published=published, sentences=(sentence,))


QUAKE = [
    article(
        "A magnitude 7.8 earthquake struck central Chile near Valparaiso, collapsing homes.",
        ("Chile", "Valparaiso"),
    ),
    article(
        "Rescuers in Valparaiso searched collapsed homes after the Chile earthquake.",
        ("Valparaiso", "Chile"),
    ),
    article(
        "Chile earthquake: death toll rises as aftershocks shake Valparaiso homes.",
        ("Chile", "Valparaiso"),
    ),
]
FOOTBALL = article(
    "Arsenal beat Liverpool two goals to nil at the Emirates stadium on Sunday.",
    ("Arsenal", "Liverpool"),
)
ELECTION = article(
    "Voters in Finland elected a new parliament as turnout reached a record high.",
    ("Finland",),
)


def test_online_story_keeps_its_id_as_it_grows() -> None:
    clusterer = OnlineClusterer(threshold=0.2, config=CONFIG)
    first = clusterer.add(QUAKE[0])
    assert first.new_story and first.story_id == story_id(QUAKE[0].id)
    for later in QUAKE[1:]:
        joined = clusterer.add(later)
        assert not joined.new_story
        assert joined.story_id == first.story_id
        assert joined.similarity >= 0.2
    stories = clusterer.snapshot().stories
    assert len(stories) == 1
    assert stories[0].article_ids == tuple(a.id for a in QUAKE)  # arrival order


def test_online_unrelated_article_starts_a_new_story() -> None:
    clusterer = OnlineClusterer(threshold=0.2, config=CONFIG)
    clusterer.add_many(QUAKE[:2])
    football = clusterer.add(FOOTBALL)
    assert football.new_story
    assert football.story_id == story_id(FOOTBALL.id)
    back = clusterer.add(QUAKE[2])  # the first story still takes its own articles
    assert back.story_id == story_id(QUAKE[0].id)
    sizes = {s.id: s.size for s in clusterer.snapshot().stories}
    assert sizes == {story_id(QUAKE[0].id): 3, story_id(FOOTBALL.id): 1}


def test_online_refuses_the_same_article_twice() -> None:
    clusterer = OnlineClusterer(threshold=0.2, config=CONFIG)
    clusterer.add(QUAKE[0])
    with pytest.raises(ValueError, match="already clustered"):
        clusterer.add(QUAKE[0])
    with pytest.raises(ValueError, match="already clustered"):
        clusterer.add_many([QUAKE[1], QUAKE[1]])


def test_online_closes_stories_outside_the_time_window() -> None:
    config = replace(CONFIG, window_days=10.0)
    clusterer = OnlineClusterer(threshold=0.2, config=config)
    clusterer.add(replace(QUAKE[0], published="2024-01-01"))
    clusterer.add(replace(QUAKE[1], published="2024-01-05"))
    # Same words two months later: the old story has closed, so a new one starts.
    late = clusterer.add(replace(QUAKE[2], published="2024-03-01"))
    assert late.new_story
    assert clusterer.open_stories == 1
    assert len(clusterer.snapshot().stories) == 2  # the closed story is still reported


def test_online_bounds_open_stories() -> None:
    clusterer = OnlineClusterer(threshold=0.2, config=replace(CONFIG, max_open_stories=2))
    clusterer.add_many([QUAKE[0], FOOTBALL, ELECTION])
    assert clusterer.open_stories == 2
    # The quake story was least recently updated, so it closed: its sequel starts anew.
    assert clusterer.add(QUAKE[1]).new_story


def test_batch_separates_events_and_names_stories_after_their_first_article() -> None:
    pile = [QUAKE[0], FOOTBALL, QUAKE[1], ELECTION, QUAKE[2]]
    clustering = cluster_batch(pile, threshold=0.2, config=CONFIG)
    by_article = clustering.story_of()
    assert by_article[QUAKE[1].id] == by_article[QUAKE[2].id] == story_id(QUAKE[0].id)
    assert len({by_article[FOOTBALL.id], by_article[ELECTION.id], by_article[QUAKE[0].id]}) == 3
    assert clustering.stories[0].size == 3  # largest first


def test_batch_threshold_zero_joins_everything_and_one_splits_everything() -> None:
    pile = [*QUAKE, FOOTBALL]
    assert len(cluster_batch(pile, threshold=0.0, config=CONFIG).stories) == 1
    assert len(cluster_batch(pile, threshold=1.01, config=CONFIG).stories) == len(pile)


def test_batch_refuses_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        cluster_batch([QUAKE[0], QUAKE[0]], config=CONFIG)


def test_time_factor_decays_only_past_the_grace_period() -> None:
    config = replace(CONFIG, time_scale_days=7.0, time_grace_days=3.0)
    assert float(time_factor(2.0, config)) == 1.0
    assert float(time_factor(10.0, config)) == pytest.approx(2.718281828**-1)
    assert float(time_factor(float("nan"), config)) == 1.0  # undated: no penalty
    assert float(time_factor(400.0, CONFIG)) == 1.0  # off by default


# --------------------------------------------------------------------------- channels


def _signal(aid: str, tokens: list[str], day: float | None = None) -> ArticleSignals:
    entities = tuple(t for t in tokens if t.startswith("e:"))
    return ArticleSignals(aid, tuple(tokens), entities, "", day)


def test_person_and_year_tokens() -> None:
    assert person_token("Vincent Jackson") == "p:jackson"
    assert person_token("Jackson's") == "p:jackson"
    assert person_token("42") is None
    assert year_tokens("In 2013, not 1812 nor 2300, but 1998.") == ["y:2013", "y:1998"]
    assert channel_of("l:quake") == CHANNELS.index("lead")
    assert channel_of("y:2013") == CHANNELS.index("years")
    assert channel_of("p:jackson") == CHANNELS.index("persons")
    assert channel_of("e:chile") == channel_of("quake") == CHANNELS.index("words")


def test_weighted_vectors_are_unit_and_a_missing_channel_is_neutral() -> None:
    config = replace(CONFIG, lead_weight=0.0, person_weight=0.0, year_weight=0.5)
    docs = [
        ["quake", "chile", "y:2010"],
        ["quake", "chile", "y:2010"],
        ["quake", "chile", "y:2014"],  # same words, another year: another event
        ["quake", "chile"],  # names no year
        ["other", "words"],  # keeps "quake"/"chile" from an IDF of 1 everywhere
    ]
    tfidf, dense = weighted_vectors(docs, None, config)
    sims = (tfidf @ tfidf.T).toarray()
    assert dense is None
    assert np.allclose(np.diag(sims), 1.0)
    assert sims[0, 1] == pytest.approx(1.0)
    # Specificity of a year: its IDF over the IDF of a token seen once (5 documents).
    ceiling = math.log(6 / 2) + 1
    spec_2010 = (math.log(6 / 3) + 1) / ceiling  # in two documents
    weight_0 = 1 + 0.5 * spec_2010**2  # W of article 0: words + its (specific) year
    assert sims[0, 2] == pytest.approx(1 / math.sqrt(weight_0 * 1.5))  # years disagree
    # No year named: the words alone, over sqrt(W_a * W_b), not a penalty of W = 1.5.
    assert sims[0, 3] == pytest.approx(1 / math.sqrt(weight_0))
    assert sims[0, 3] > sims[0, 2]


def test_a_common_surname_weighs_less_than_a_rare_one() -> None:
    config = replace(CONFIG, lead_weight=0.0, year_weight=0.0, person_weight=1.0)
    docs = [
        ["senate", "vote", "p:smith"],
        ["budget", "tax", "p:smith"],  # a rare name: the only thing these two share
        ["senate", "vote", "p:trump"],
        ["budget", "tax", "p:trump"],  # a name in most articles: the same words apart
        *([["rally", "speech", "p:trump"]] * 4),
    ]
    tfidf = weighted_vectors(docs, None, config)[0]
    sims = (tfidf @ tfidf.T).toarray()
    assert sims[0, 1] > 1.5 * sims[2, 3] > 0  # about 0.41 against 0.20


def test_dense_part_is_weighted_like_a_channel() -> None:
    config = replace(CONFIG, dense_weight=1.0, lead_weight=0.0, year_weight=0.0, person_weight=0.0)
    dense = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    tfidf, weighted = weighted_vectors([["a"], ["b"], ["a"]], dense, config)
    assert weighted is not None
    sims = (tfidf @ tfidf.T).toarray() + weighted @ weighted.T
    assert np.allclose(np.diag(sims), 1.0)
    assert sims[0, 1] == pytest.approx(0.5)  # dense agrees, words do not
    assert sims[0, 2] == pytest.approx(0.5)  # words agree, dense does not


def test_attach_singletons_joins_only_near_enough_multi_article_clusters() -> None:
    sims = np.array(
        [
            [1.0, 0.9, 0.1, 0.20],
            [0.9, 1.0, 0.1, 0.24],
            [0.1, 0.1, 1.0, 0.10],
            [0.20, 0.24, 0.1, 1.0],
        ]
    )
    labels = np.array([1, 1, 2, 3])
    # Item 3 averages 0.22 with cluster 1; item 2 only 0.1. Singletons never pair up.
    assert attach_singletons(sims, labels, 0.2).tolist() == [1, 1, 2, 1]
    assert attach_singletons(sims, labels, 0.3).tolist() == [1, 1, 2, 3]


def test_batch_attach_ratio_brings_back_a_short_report() -> None:
    short = article("Valparaiso mourns its dead.", ("Valparaiso",))  # about 0.16 to the quake
    pile = [*QUAKE, short, FOOTBALL, ELECTION]
    config = replace(CONFIG, attach_ratio=1.0)
    alone = cluster_batch(pile, threshold=0.3, config=config).story_of()
    joined = cluster_batch(pile, threshold=0.3, config=replace(config, attach_ratio=0.5)).story_of()
    assert alone[short.id] != alone[QUAKE[0].id]
    assert joined[short.id] == joined[QUAKE[0].id]
    assert joined[FOOTBALL.id] != joined[QUAKE[0].id]


def test_online_attach_joins_an_established_story_below_the_threshold() -> None:
    config = replace(CONFIG, attach_ratio=0.5)
    clusterer = OnlineClusterer(threshold=0.6, config=config)
    a = clusterer.assign(_signal("a", ["quake", "chile", "valparaiso", "homes"]))
    b = clusterer.assign(_signal("b", ["quake", "chile", "valparaiso", "homes"]))
    assert b.story_id == a.story_id
    close = clusterer.assign(_signal("c", ["quake", "chile", "rescue", "aid"]))
    assert not close.new_story and close.story_id == a.story_id
    assert 0.3 <= close.similarity < 0.6
    # A lone story does not attach arrivals: "d" starts its own, "e" does not join it.
    clusterer.assign(_signal("d", ["football", "arsenal", "goal", "stadium"]))
    e = clusterer.assign(_signal("e", ["football", "arsenal", "coach", "fired"]))
    assert e.new_story


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float64)
    return vector / np.linalg.norm(vector)


def test_online_records_merges_and_never_moves_articles_otherwise() -> None:
    # Every article shares one entity (a words cosine of 1, and a blocking key), so with
    # equal words and dense weights similarity is (1 + dense cosine) / 2: a threshold of
    # 0.75 asks for a dense cosine of 0.5.
    config = replace(CONFIG, dense_weight=1.0, attach_ratio=1.0)
    clusterer = OnlineClusterer(threshold=0.75, config=config)
    a = _unit(1, 0, 0)
    b1 = _unit(0.4, 0.9165, 0)  # cosine 0.4 with the "a" story: a story of its own
    b2 = _unit(0.7, 0.5, 0.51)  # 0.7 with "a", 0.74 with b1: above both
    stream = [("a1", a), ("a2", a), ("b1", b1), ("b2", b2)]
    seen: dict[str, str] = {}
    assignments = []
    for aid, vector in stream:
        assignments.append(clusterer.assign(_signal(aid, ["e:chile"]), vector))
        now = clusterer.snapshot()
        moved_to = {m.absorbed: m.into for m in now.merges}
        for article_id, sid in now.story_of().items():
            before = seen.get(article_id, sid)
            assert sid == before or moved_to.get(before) == sid  # only a recorded merge moves
            seen[article_id] = sid
    assert assignments[2].new_story
    # b2 bridges the stories, which average (2 * 0.4 + 2 * 0.7) / 4 = 0.55 in dense
    # cosine: the larger ("a") keeps its id and absorbs "b".
    merges = clusterer.snapshot().merges
    assert len(merges) == 1
    assert merges[0] == Merge(story_id("a1"), story_id("b1"), "b2")
    assert assignments[3].story_id == story_id("a1")
    assert assignments[3].merged == (story_id("b1"),)
    assert [s.article_ids for s in clusterer.snapshot().stories] == [("a1", "a2", "b1", "b2")]
    with pytest.raises(ValueError, match="already clustered"):
        clusterer.assign(_signal("a1", ["e:chile"]), a)


def test_a_recut_splits_what_the_greedy_pass_joined_and_keeps_ids_with_articles() -> None:
    # As above, similarity is (1 + dense cosine) / 2. Online at 0.8 with attachment at
    # 0.68, the "b" reports (cosine 0.4 with "a": 0.7) attach to the "a" story one by one;
    # the re-cut (0.8 * 0.27 / 0.30 = 0.72) parts them.
    config = replace(CONFIG, dense_weight=1.0, attach_ratio=0.85)
    clusterer = OnlineClusterer(threshold=0.8, config=config)
    a, b = _unit(1, 0, 0), _unit(0.4, 0.9165, 0)
    stream = {"a1": a, "a2": a, "a3": a, "b1": b, "b2": b}
    members = {aid: (_signal(aid, ["e:chile"]), vector) for aid, vector in stream.items()}
    for signal, vector in members.values():
        clusterer.assign(signal, vector)
    first = story_id("a1")
    assert [s.article_ids for s in clusterer.snapshot().stories] == [tuple(stream)]

    assert clusterer.propose_recut([first], members, threshold=0.6) == [tuple(stream)]
    groups = clusterer.propose_recut([first], members)
    assert groups == [("a1", "a2", "a3"), ("b1", "b2")]
    stories, merges = clusterer.name_groups([first], groups)
    assert [s.id for s in stories] == [first, split_story_id(first, "b1")] and merges == []
    with pytest.raises(ValueError, match="partition"):
        clusterer.apply_recut([first], stories[:1], members)
    clusterer.apply_recut([first], stories, members)
    assert {s.id: s.article_ids for s in clusterer.snapshot().stories} == {
        first: ("a1", "a2", "a3"),
        split_story_id(first, "b1"): ("b1", "b2"),
    }
    # The split-off story takes the next "b" report; the "a" story the next "a" report.
    assert clusterer.assign(_signal("b3", ["e:chile"]), b).story_id == split_story_id(first, "b1")
    assert clusterer.assign(_signal("a4", ["e:chile"]), a).story_id == first


def test_a_recut_of_several_stories_records_the_merge_of_an_id_no_group_kept() -> None:
    config = replace(CONFIG, dense_weight=1.0, attach_ratio=1.0)
    clusterer = OnlineClusterer(threshold=0.9, config=config)  # dense cosine 0.8: apart
    a, near = _unit(1, 0, 0), _unit(0.75, 0.6614, 0)  # cosine 0.75
    members = {
        aid: (_signal(aid, ["e:chile"]), vector)
        for aid, vector in [("a1", a), ("a2", a), ("n1", near)]
    }
    for signal, vector in members.values():
        clusterer.assign(signal, vector)
    old = sorted(s.id for s in clusterer.snapshot().stories)
    assert len(old) == 2
    groups = clusterer.propose_recut(old, members, threshold=0.8)
    assert groups == [("a1", "a2", "n1")]
    stories, merges = clusterer.name_groups(old, groups)
    assert [s.id for s in stories] == [story_id("a1")]
    assert merges == [Merge(story_id("a1"), story_id("n1"), "n1")]
    clusterer.apply_recut(old, stories, members, merges)
    assert clusterer.snapshot().merges[-1] == merges[0]
    assert [s.article_ids for s in clusterer.snapshot().stories] == [("a1", "a2", "n1")]
