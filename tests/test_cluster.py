"""Story clustering on hand-made articles (pre-annotated, dense vectors off: no models)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsprism.cluster import (
    DEFAULT_CLUSTER_CONFIG,
    OnlineClusterer,
    cluster_batch,
    story_id,
    time_factor,
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
