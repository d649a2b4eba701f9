"""Time expressions resolved with dateparser, anchored, merged and ordered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import pytest

from newsprism.model import Article, TimelineEvent, content_id
from newsprism.timeline import build_timeline, sort_key
from tests.conftest import shared_path


def _timeline(*items: tuple[str, str, str | None]) -> tuple[TimelineEvent, ...]:
    from newsprism.nlp import annotate

    articles = [
        Article(id=content_id(outlet, text), outlet=outlet, text=text, published=published)
        for outlet, text, published in items
    ]
    annotation = annotate(articles)
    events = build_timeline(annotation.articles, annotation.docs)
    texts = {a.id: a.text for a in annotation.articles}
    for event in events:
        first = event.citations[0]
        assert texts[first.article_id][first.start : first.end] == event.text
    return events


def _find(events: Sequence[TimelineEvent], test: Callable[[TimelineEvent], bool]) -> int:
    matches = [i for i, e in enumerate(events) if test(e)]
    assert matches, [(e.date, e.text) for e in events]
    return matches[0]


def test_resolves_against_the_published_date() -> None:
    events = _timeline(
        (
            "a",
            (
                "Envoys held talks in Geneva on Monday. NATO will meet Russia in Brussels on "
                "Wednesday. Russia seized Crimea in 2014. Moscow made its demands last month."
            ),
            "2022-01-11",  # a Tuesday
        )
    )
    dates = {e.date: e for e in events}
    assert dates["2022-01-10"].precision == "day" and not dates["2022-01-10"].scheduled
    assert dates["2022-01-12"].scheduled and "Brussels" in dates["2022-01-12"].text
    assert dates["2014"].precision == "year"
    assert dates["2021-12"].precision == "month"
    assert [e.date for e in events] == ["2014", "2021-12", "2022-01-10", "2022-01-12"]


def test_without_dates_events_are_relative_to_the_inferred_anchor() -> None:
    events = _timeline(
        (
            "a",
            (
                "Diplomats held talks in Geneva on Tuesday. They had met over dinner on Monday. "
                "A second round will take place on Friday. The talks lasted eight hours."
            ),
            None,
        )
    )
    assert [(e.date, e.precision) for e in events] == [
        ("anchor-1d", "weekday-relative"),
        ("anchor+0d", "weekday-relative"),
        ("anchor+3d", "weekday-relative"),
    ]
    assert [e.scheduled for e in events] == [False, False, True]


def test_same_event_from_two_outlets_is_merged() -> None:
    events = _timeline(
        ("x", "NATO envoys will meet Russian officials in Brussels on Wednesday.", "2022-01-10"),
        ("y", "Russian officials will meet NATO envoys in Brussels on Wednesday.", "2022-01-10"),
    )
    (event,) = events
    assert event.outlets == ("x", "y") and len(event.citations) == 2 and event.scheduled


def test_sort_key_orders_across_precisions() -> None:
    def event(date: str, precision: str) -> TimelineEvent:
        return TimelineEvent(date, precision, date, False, ())

    shuffled = [
        event("anchor+2d", "weekday-relative"),
        event("2014-03-01", "day"),
        event("anchor-1d", "weekday-relative"),
        event("2014", "year"),
        event("--12", "month"),
        event("2014-03", "month"),
        event("2008", "year"),
    ]
    assert [e.date for e in sorted(shuffled, key=sort_key)] == [
        "2008", "2014", "2014-03", "2014-03-01", "--12", "anchor-1d", "anchor+2d"
    ]  # fmt: skip


@pytest.fixture(scope="module")
def seed_events() -> tuple[TimelineEvent, ...]:
    from newsprism.clean import clean_articles
    from newsprism.nlp import annotate
    from newsprism.pipeline import read

    annotation = annotate(clean_articles(read([shared_path("seeds")]).articles))
    events = build_timeline(annotation.articles, annotation.docs)
    texts = {a.id: a.text for a in annotation.articles}
    for event in events:
        first = event.citations[0]
        assert texts[first.article_id][first.start : first.end] == event.text
    return events


def test_seed_timeline_order_and_scheduled(seed_events: tuple[TimelineEvent, ...]) -> None:
    events = seed_events
    order = [
        _find(events, lambda e: e.date == "1997"),
        _find(events, lambda e: e.date == "2008"),
        _find(events, lambda e: e.date == "2014"),
        _find(events, lambda e: e.date == "--12" and "December" in e.text),
        _find(events, lambda e: e.date == "anchor-1d" and "Sunday" in e.text),
        _find(events, lambda e: e.date == "anchor+0d" and "talks" in e.text),
        _find(events, lambda e: e.date == "anchor+2d" and "Brussels" in e.text),
        _find(events, lambda e: e.date == "anchor+3d" and "Vienna" in e.text),
    ]
    assert order == sorted(order)
    wednesday, thursday = events[order[6]], events[order[7]]
    assert wednesday.scheduled and thursday.scheduled
    assert len(wednesday.outlets) >= 3 and len(thursday.outlets) >= 3
    monday_talks = events[order[5]]
    assert not monday_talks.scheduled and len(monday_talks.outlets) >= 2


# ------------------------------------------------------------------ the per-article half

_TALKS = (
    "Negotiators met in Oslo on Tuesday. The talks had opened on Monday. "
    "A second round will be held on Friday, and a report is due next month."
)
_FERRY = "Ferry crews walked out on Tuesday. The union said talks would resume on Thursday."


def _annotated(*items: tuple[str, str, str | None]):  # type: ignore[no-untyped-def]
    from newsprism.nlp import annotate

    return annotate(
        [
            Article(id=content_id(outlet, text), outlet=outlet, text=text, published=published)
            for outlet, text, published in items
        ]
    )


def test_stored_article_times_give_the_timeline_without_parses_or_dateparser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsprism import timeline
    from newsprism.plain import dump, from_plain

    annotation = _annotated(("a", _TALKS, None), ("b", _FERRY, None))
    articles, docs = annotation.articles, annotation.docs
    expected = build_timeline(articles, docs)
    reference = timeline.reference_of(
        articles, {a.id: timeline.article_times(a, docs[a.id]) for a in articles}
    )
    stored = {}
    for article in articles:
        times = timeline.article_times(article, docs[article.id])
        times = timeline.resolved(article, times, reference)
        # what a store keeps: plain JSON, read back into the same record
        stored[article.id] = from_plain(timeline.ArticleTimes, dump(times))
        assert stored[article.id] == times

    def no_dateparser(*_args: object) -> None:
        raise AssertionError("dateparser ran for a reference already resolved")

    monkeypatch.setattr(timeline, "_resolve", no_dateparser)
    assert build_timeline(articles, {}, times=stored) == expected  # no parse, no dateparser


def test_a_new_reference_dates_the_expressions_again_and_keeps_the_old_dates() -> None:
    from newsprism import timeline

    annotation = _annotated(("a", _TALKS, None))
    (article,) = annotation.articles
    times = timeline.article_times(article, annotation.docs[article.id])
    assert [e.text for e in times.expressions] == ["Tuesday", "Monday", "Friday", "next month"]
    assert times.weekday_votes and times.resolutions == ()
    undated = timeline.reference_of([article], {article.id: times})
    assert not undated.calendar and undated.base.weekday() == 1  # the anchor: Tuesday
    first = timeline.resolved(article, times, undated)
    assert [d[0] if d else None for d in first.resolutions[0].dates] == [
        "anchor+0d", "anchor-1d", "anchor+3d", "anchor+1m"
    ]  # fmt: skip
    assert timeline.resolved(article, first, undated) is first  # cached: nothing to do
    dated = replace(article, published="2022-01-11")
    calendar = timeline.reference_of([dated], {dated.id: first})
    second = timeline.resolved(dated, first, calendar)
    assert len(second.resolutions) == 2 and second.resolutions[0] == first.resolutions[0]
    assert [d[0] if d else None for d in second.resolutions[1].dates] == [
        "2022-01-11", "2022-01-10", "2022-01-14", "2022-02"
    ]  # fmt: skip
