"""Weekdays outlets give differently for one event (sentences written for these tests;
spaCy parses them, the alignment's similarity is set by hand)."""

from __future__ import annotations

import numpy as np

from newsprism.align import Alignment, candidates
from newsprism.event_days import weekday_divergences
from newsprism.model import Article, content_id


def _divergences(*texts: tuple[str, str], similarity: float = 0.8, published=None):  # type: ignore[no-untyped-def]
    from newsprism.nlp import annotate

    articles = [
        Article(
            id=content_id(outlet, text),
            outlet=outlet,
            text=text,
            published=None if published is None else published[i],
        )
        for i, (outlet, text) in enumerate(texts)
    ]
    annotation = annotate(articles)
    annotated = annotation.articles
    cands = tuple(candidates(annotated))
    n = len(cands)
    alignment = Alignment(
        points=(),
        members=(),
        candidates=cands,
        embeddings=np.zeros((n, 384), np.float32),
        similarity=np.full((n, n), similarity),
        shared=np.zeros((n, n), int),
        source_of_article=tuple(range(len(annotated))),
    )
    out = weekday_divergences(annotated, annotation.docs, alignment)
    by_id = {a.id: a.text for a in annotated}
    for divergence in out:  # every value and sentence resolves verbatim
        for answer in divergence.answers:
            value, sentence = answer.citations
            assert by_id[value.article_id][value.start : value.end] == answer.value
            assert by_id[sentence.article_id][sentence.start : sentence.end] == answer.text
    return out


def test_one_death_dated_to_two_weekdays_is_a_divergence() -> None:
    (div,) = _divergences(
        ("x", "Congressman Elijah Cummings died early Tuesday at a hospital in Baltimore."),
        ("y", "Congressman Elijah Cummings died early Thursday at a hospital in Baltimore."),
        ("z", "Congressman Elijah Cummings died on Thursday at a hospital in Baltimore."),
    )
    assert div.kind == "day" and div.conflict
    assert div.question == "When did Congressman Elijah Cummings die?"
    assert [(a.outlet, a.value) for a in div.answers] == [
        ("x", "early Tuesday"),
        ("y", "early Thursday"),
        ("z", "Thursday"),
    ]


def test_the_same_day_or_unlinked_sentences_are_not_a_divergence() -> None:
    same = (
        ("x", "Congressman Elijah Cummings died early Thursday at a hospital in Baltimore."),
        ("y", "Congressman Elijah Cummings died on Thursday at a hospital in Baltimore."),
    )
    assert _divergences(*same) == ()
    other = (
        ("x", "Congressman Elijah Cummings died early Tuesday at a hospital in Baltimore."),
        ("y", "Congressman Elijah Cummings died early Thursday at a hospital in Baltimore."),
    )
    assert _divergences(*other, similarity=0.3) == ()


def test_either_side_of_midnight_is_one_moment() -> None:
    assert (
        _divergences(
            ("x", "A federal judge in Maryland blocked the travel ban late Tuesday."),
            ("y", "A federal judge in Maryland blocked the travel ban early Wednesday."),
        )
        == ()
    )
    # a whole day apart without such a qualifier is not
    (div,) = _divergences(
        ("x", "A federal judge in Maryland blocked the travel ban on Tuesday."),
        ("y", "A federal judge in Maryland blocked the travel ban on Wednesday."),
    )
    assert {a.value for a in div.answers} == {"Tuesday", "Wednesday"}


def test_different_events_speech_and_schedules_are_not_compared() -> None:
    # different actors, or different objects, are different events
    assert (
        _divergences(
            ("x", "The Saints signed rookie Joique Bell on Wednesday afternoon."),
            ("y", "The Saints signed running back DeShawn Wynn on Tuesday."),
        )
        == ()
    )
    # "said Tuesday" dates the speech; "will play Saturday" is a schedule
    assert (
        _divergences(
            ("x", "The mayor said Tuesday that the bridge would reopen."),
            ("y", "The mayor said Thursday that the bridge would reopen."),
        )
        == ()
    )
    assert (
        _divergences(
            ("x", "Creighton will play the semifinal on Saturday in St. Louis."),
            ("y", "Creighton will play the semifinal on Friday in St. Louis."),
        )
        == ()
    )
    # a dateline or a weekday of a noun ("Friday's semifinal") dates no event
    assert (
        _divergences(
            ("x", "Wednesday, July 28, 2004: Fred LaRue has died in a hotel in Biloxi."),
            ("y", "Fred LaRue died Saturday in a hotel in Biloxi."),
        )
        == ()
    )


def test_articles_published_weeks_apart_are_not_compared() -> None:
    texts = (
        ("x", "Congressman Elijah Cummings died early Tuesday at a hospital in Baltimore."),
        ("y", "Congressman Elijah Cummings died early Thursday at a hospital in Baltimore."),
    )
    assert len(_divergences(*texts, published=("2019-10-17", "2019-10-18"))) == 1
    assert _divergences(*texts, published=("2019-10-17", "2019-11-20")) == ()
