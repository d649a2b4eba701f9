"""Omission matrix, new names and numbers, and unique reports: hand-built records, no models."""

from __future__ import annotations

import math

import numpy as np

from newsprism import compose
from newsprism.align import Alignment, Candidate
from newsprism.divergence import Quantity
from newsprism.model import Mention, Point, Sentence, Span
from newsprism.novelty import Anchor, novel_anchors
from newsprism.omissions import majority, omission_matrix
from tests.conftest import make_article

OUTLETS = ("Alpha", "Beta", "Gamma", "Delta")


def _story() -> tuple[list, Alignment, list[Point]]:  # type: ignore[type-arg]
    """Four outlets, three sentences each; sentence k of every outlet is fact k, except
    that Delta's sentence 0 is about something else and Gamma's sentence 1 too."""
    articles = [
        make_article(
            outlet,
            [f"{outlet} reports fact number {k} in its own words here." for k in range(3)],
        )
        for outlet in OUTLETS
    ]
    cands = [
        Candidate(a_index, sentence, position=k / 2)
        for a_index, article in enumerate(articles)
        for k, sentence in enumerate(article.sentences)
    ]
    n = len(cands)
    fact = [k for _a in articles for k in range(3)]
    off_topic = {3 * 3 + 0, 2 * 3 + 1}  # Delta's fact 0, Gamma's fact 1
    similarity = np.full((n, n), 0.1, dtype=np.float32)
    for i in range(n):
        for j in range(n):
            if fact[i] == fact[j] and i not in off_topic and j not in off_topic:
                similarity[i, j] = 0.9
        similarity[i, i] = 1.0
    members: list[tuple[int, ...]] = []
    points: list[Point] = []
    for k in range(3):
        group = tuple(i for i in range(n) if fact[i] == k and i not in off_topic)
        members.append(group)
        outlets = tuple(sorted({articles[cands[i].article_index].outlet for i in group}))
        points.append(
            Point(
                text=cands[group[0]].sentence.text,
                support=len(outlets),
                outlets=outlets,
                citations=tuple(cands[i].sentence.span for i in group),
                score=3.0 - k,
            )
        )
    for i in sorted(off_topic):
        members.append((i,))
        outlet = articles[cands[i].article_index].outlet
        points.append(
            Point(cands[i].sentence.text, 1, (outlet,), (cands[i].sentence.span,), score=0.5)
        )
    alignment = Alignment(
        points=tuple(points),
        members=tuple(members),
        candidates=tuple(cands),
        embeddings=np.eye(n, 8, dtype=np.float32),
        similarity=similarity,
        shared=np.zeros((n, n), dtype=np.int32),
        source_of_article=tuple(range(len(articles))),
    )
    ranked = sorted(points, key=lambda p: -p.score)
    return articles, alignment, ranked


def test_majority_rounds_up() -> None:
    assert [majority(n) for n in (3, 4, 5, 6)] == [2, 2, 3, 3]


def test_matrix_lists_who_leaves_out_a_majority_point() -> None:
    articles, alignment, ranked = _story()
    rows = omission_matrix(articles, ranked, alignment)
    by_text = {row.text: row for row in rows}
    fact0 = by_text["Alpha reports fact number 0 in its own words here."]
    assert fact0.omitted_by == ("Delta",)
    assert fact0.reported_by == ("Alpha", "Beta", "Gamma")
    assert set(fact0.reported_by) | set(fact0.omitted_by) == set(OUTLETS)
    fact1 = by_text["Alpha reports fact number 1 in its own words here."]
    assert fact1.omitted_by == ("Gamma",)
    # fact 2 is reported by all four outlets: nothing is omitted, no row
    assert not any("fact number 2" in row.text for row in rows)
    # single-outlet points never become rows
    assert all(row.support >= majority(len(OUTLETS)) for row in rows)
    texts = {a.id: a.text for a in articles}
    for row in rows:
        first = row.citations[0]
        assert texts[first.article_id][first.start : first.end] == row.text


def test_an_outlet_whose_sentence_links_to_a_member_is_not_an_omitter() -> None:
    articles, alignment, ranked = _story()
    delta_fact0 = 3 * 3 + 0
    alpha_fact0 = 0
    alignment.similarity[delta_fact0, alpha_fact0] = 0.9
    alignment.similarity[alpha_fact0, delta_fact0] = 0.9
    rows = omission_matrix(articles, ranked, alignment)
    assert not any("fact number 0" in row.text for row in rows)


def test_no_matrix_with_fewer_than_three_outlets() -> None:
    articles, alignment, ranked = _story()
    two = [a for a in articles if a.outlet in ("Alpha", "Beta")]
    assert omission_matrix(two, ranked, alignment) == ()


def _with_mentions(outlet: str, sentences: list[str], names: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    """An article whose sentences carry the given (name, label) mentions where they occur."""
    article = make_article(outlet, sentences)
    annotated = []
    for sentence in article.sentences:
        mentions = tuple(
            Mention(
                sentence.span.start + sentence.text.index(name),
                sentence.span.start + sentence.text.index(name) + len(name),
                name,
                label,
            )
            for name, label in names
            if name in sentence.text
        )
        annotated.append(Sentence(sentence.span, sentence.text, sentence.paragraph, mentions))
    from dataclasses import replace

    return replace(article, sentences=tuple(annotated))


def _quantity(article, text: str, value: float, head: str, sentence: Sentence) -> Quantity:  # type: ignore[no-untyped-def]
    start = article.text.index(text)
    return Quantity(
        span=Span(article.id, start, start + len(text)),
        text=text,
        value=value,
        low=value,
        high=math.inf if text.startswith("more than") else value,
        approx="more than" if text.startswith("more than") else None,
        unit=None,
        head=head,
        head_span=None,
        sentence=sentence.span,
    )


def test_new_names_and_numbers_are_anchors_known_ones_are_not() -> None:
    a = _with_mentions(
        "Alpha",
        [
            "Videos on TikTok showed armour moving from Siberia, Joe Biden said.",
            "The insurgency in Kyiv has killed more than 13,000 people.",
        ],
        [("TikTok", "ORG"), ("Siberia", "LOC"), ("Joe Biden", "PERSON"), ("Kyiv", "GPE")],
    )
    b = _with_mentions(
        "Beta",
        ["Biden spoke to the press in Kiev.", "Officials said 300 people gathered."],
        [("Biden", "PERSON"), ("Kiev", "GPE")],
    )
    quantities = {
        a.id: (_quantity(a, "more than 13,000", 13_000, "people", a.sentences[1]),),
        b.id: (_quantity(b, "300", 300, "people", b.sentences[1]),),
    }
    anchors = novel_anchors([a, b], quantities)
    first = [a.text[x.span.start : x.span.end] for x in anchors[a.sentences[0].span]]
    assert first == ["TikTok", "Siberia"]  # Joe Biden is known as "Biden"
    second = anchors[a.sentences[1].span]
    assert [(a.text[x.span.start : x.span.end], x.kind) for x in second] == [
        ("more than 13,000", "number")
    ]  # Kyiv is Kiev, a known place
    assert b.sentences[0].span not in anchors


def test_unique_reports_include_new_facts_of_shared_sentences() -> None:
    articles, alignment, ranked = _story()
    shared_sentence = articles[0].sentences[2].span  # fact 2: every outlet reports it
    anchor = Anchor(Span(shared_sentence.article_id, shared_sentence.start, shared_sentence.start + 5), "number")  # fmt: skip
    reports = compose.unique_reports(
        articles, ranked, alignment=alignment, novel={shared_sentence: (anchor,)}
    )
    texts = {(r.outlet, r.text) for r in reports}
    assert ("Alpha", articles[0].sentences[2].text) in texts  # its new number is Alpha's own
    assert ("Delta", articles[3].sentences[0].text) in texts  # a single-outlet point
    alpha = next(r for r in reports if r.outlet == "Alpha")
    assert alpha.highlights == (anchor.span,)  # the anchored sentence ranks first
    capped = compose.unique_reports(
        articles, ranked, alignment=alignment, novel={shared_sentence: (anchor,)}, per_outlet=0
    )
    assert capped == ()
