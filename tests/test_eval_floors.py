"""Quality floors on real data: reached figures, pinned so they cannot silently regress.

Measured with ``newsprism eval summaries`` (rouge-score, stemming, 250 words); see the
README's evaluation section for the full tables.
"""

from __future__ import annotations

import pytest

from newsprism.eval.summaries import documents_summarizer, evaluate
from newsprism.pipeline import summarize_documents
from tests.conftest import shared_path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def multiling():
    dataset = shared_path("multiling2011", "multiling2011_en.jsonl")
    peers = shared_path("multiling2011", "multiling2011_en_peers.jsonl")
    return evaluate(
        dataset, documents_summarizer(summarize_documents), words=250, peers_path=peers
    ).rows


def test_multiling_rouge2_beats_lexrank_and_the_centroid_baseline(multiling):
    ours = multiling["newsprism"]
    assert ours["failures"] == 0
    assert ours["rouge2_recall"] > multiling["LexRank"]["rouge2_recall"]
    assert ours["rouge2_recall"] > multiling["ID9"]["rouge2_recall"]


def test_multiling_floors(multiling):
    ours = multiling["newsprism"]
    assert ours["rouge1_recall"] >= 0.455
    assert ours["rouge2_recall"] >= 0.156
    assert ours["words"] <= 250


@pytest.fixture(scope="module")
def multinews():
    dataset = shared_path("multinews", "multinews_validation_sample250.jsonl")
    return evaluate(dataset, documents_summarizer(summarize_documents), words=250).rows


def test_multinews_rouge2_beats_lexrank(multinews):
    ours = multinews["newsprism"]
    assert ours["failures"] == 0
    assert ours["rouge2_recall"] > multinews["LexRank"]["rouge2_recall"]
    assert ours["rouge2_f1"] > multinews["LexRank"]["rouge2_f1"]


def test_multinews_floors(multinews):
    ours = multinews["newsprism"]
    assert ours["rouge1_recall"] >= 0.48
    assert ours["rouge2_recall"] >= 0.160
    assert ours["words"] <= 250
