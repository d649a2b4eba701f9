"""Clustering metrics on hand-made clusterings, the gold loader, and the ECB+ floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.cluster import ArticleSignals
from newsprism.eval.clusters import (
    PRF,
    ClusterEvalReport,
    PreparedPile,
    b_cubed,
    best_threshold,
    evaluate_clusters,
    fit_channel_weights,
    format_table,
    load_gold,
    online_order,
    pairwise,
)

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ECBPLUS = DATA / "ecbplus" / "ecbplus_train_dev.jsonl"

# Gold: story X has 2 items, story Y has 3.
GOLD = {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Y"}


def test_perfect_clustering_scores_one_whatever_the_labels() -> None:
    predicted = {"a": 7, "b": 7, "c": 9, "d": 9, "e": 9}
    assert b_cubed(predicted, GOLD) == PRF(1.0, 1.0, 1.0)
    assert pairwise(predicted, GOLD) == PRF(1.0, 1.0, 1.0)


def test_all_in_one_cluster() -> None:
    predicted = {item: "all" for item in GOLD}
    b3 = b_cubed(predicted, GOLD)
    # Each X item: 2 of 5 correct; each Y item: 3 of 5 -> (2*2/5 + 3*3/5) / 5 = 13/25.
    assert b3.precision == pytest.approx(13 / 25)
    assert b3.recall == pytest.approx(1.0)
    assert b3.f1 == pytest.approx(2 * 0.52 / 1.52)
    pairs = pairwise(predicted, GOLD)
    # 10 predicted pairs, 1 + 3 gold pairs, all of them found.
    assert pairs.precision == pytest.approx(4 / 10)
    assert pairs.recall == pytest.approx(1.0)


def test_all_singletons() -> None:
    predicted = {item: item for item in GOLD}
    b3 = b_cubed(predicted, GOLD)
    assert b3.precision == pytest.approx(1.0)
    # X items recall 1/2 each, Y items 1/3 each -> (2/2 + 3/3) / 5 = 2/5.
    assert b3.recall == pytest.approx(0.4)
    pairs = pairwise(predicted, GOLD)
    assert pairs.precision == pytest.approx(1.0)  # no pair wrongly joined
    assert pairs.recall == 0.0
    assert pairs.f1 == 0.0


def test_one_misplaced_item() -> None:
    predicted = {"a": 1, "b": 2, "c": 2, "d": 2, "e": 2}  # b wrongly with the Y items
    b3 = b_cubed(predicted, GOLD)
    # precision: a 1, b 1/4, c/d/e 3/4 -> (1 + 0.25 + 2.25) / 5 = 0.7
    assert b3.precision == pytest.approx(0.7)
    # recall: a 1/2, b 1/2, c/d/e 1 -> 4/5
    assert b3.recall == pytest.approx(0.8)
    pairs = pairwise(predicted, GOLD)
    assert pairs.precision == pytest.approx(3 / 6)
    assert pairs.recall == pytest.approx(3 / 4)


def test_metrics_refuse_different_items() -> None:
    with pytest.raises(ValueError, match="different items"):
        b_cubed({"a": 1}, GOLD)


def test_best_threshold_prefers_a_plateau_to_a_lone_peak() -> None:
    f1s = [0.70, 0.95, 0.70, 0.80, 0.90, 0.92, 0.90, 0.80]
    curve = [(round(0.1 + 0.01 * i, 2), PRF(f, f, f)) for i, f in enumerate(f1s)]
    assert best_threshold(curve) == 0.15  # centre of 0.90/0.92/0.90, not the 0.95 spike
    assert best_threshold(curve, smooth=0) == 0.11


def test_load_gold_reads_ecbplus_metadata_and_pools_multidoc(tmp_path: Path) -> None:
    ecb = tmp_path / "ecb.jsonl"
    ecb.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {
                    "doc_id": "1_1ecbplus",
                    "topic": 1,
                    "subtopic": "1_ecbplus",
                    "split": "dev",
                    "text": "http : / / example . com / story\nMay 03 , 2013\nLohan checks in .",
                },
                {
                    "doc_id": "1_2ecb",
                    "topic": 1,
                    "subtopic": "1_ecb",
                    "split": "train",
                    "text": "Reid checked into rehab .",
                },
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    multi = tmp_path / "multi.jsonl"
    multi.write_text(
        json.dumps(
            {
                "id": "s1",
                "documents": [{"doc_id": "d1", "text": "One."}, {"doc_id": "d2", "text": "Two."}],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    pile = load_gold([ecb, multi])
    assert len(pile.articles) == 4
    first = pile.articles[0]
    assert first.url == "http://example.com/story"
    assert first.published == "2013-05-03"
    assert not first.text.startswith("http")  # the URL is metadata, not story text
    assert pile.splits[first.id] == "dev"
    multi_labels = {pile.gold[a.id] for a in pile.articles[2:]}
    assert multi_labels == {"multi:s1"}  # one line's documents are one gold story
    assert online_order(pile.articles)[-1].id == first.id  # the dated article comes last


def test_report_renders_and_serialises() -> None:
    report = ClusterEvalReport(
        dataset="x.jsonl",
        mode="batch",
        split="dev",
        threshold=0.27,
        threshold_source="given",
        articles=5,
        gold_stories=2,
        predicted_stories=3,
        b_cubed=PRF(0.9, 0.8, 0.847),
        pairwise=PRF(0.7, 0.6, 0.646),
        seconds=1.0,
    )
    data = report.to_dict()
    assert data["b_cubed"]["f1"] == 0.847 and data["pairwise"]["recall"] == 0.6
    table = format_table(report)
    assert table.row_count == 2


# Floors under what the defaults reach (measured: ECB+ dev, thresholds calibrated on
# train: batch 0.950, online 0.914; Multi-News validation sample + NeuS pooled, default
# thresholds: batch 0.796, online 0.742). The margin absorbs int8-embedding
# batch noise and spaCy version drift; the ECB+ batch floor is the target.
ECB_DEV_B3_FLOOR = {"batch": 0.93, "online": 0.89}
MULTI_FLOOR = {"batch": 0.77, "online": 0.70}
MULTINEWS = DATA / "multinews" / "multinews_validation_sample250.jsonl"
NEUS = DATA / "neus" / "neus_val.jsonl"


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["batch", "online"])
def test_ecbplus_dev_b_cubed_floor(mode: str) -> None:
    if not ECBPLUS.is_file():
        pytest.skip(f"ECB+ data not found at {ECBPLUS}")
    report = evaluate_clusters(ECBPLUS, mode=mode)  # type: ignore[arg-type]
    assert report.split == "dev"
    assert report.threshold_source == "calibrated on train"
    assert report.b_cubed.f1 >= ECB_DEV_B3_FLOOR[mode], report.to_dict()


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["batch", "online"])
def test_multinews_neus_pooled_b_cubed_floor(mode: str) -> None:
    if not (MULTINEWS.is_file() and NEUS.is_file()):
        pytest.skip(f"Multi-News or NeuS data not found under {DATA}")
    report = evaluate_clusters([MULTINEWS, NEUS], mode=mode)  # type: ignore[arg-type]
    assert report.threshold_source == "default"
    assert report.gold_stories > 500
    assert report.b_cubed.f1 >= MULTI_FLOOR[mode], report.to_dict()


def _prepared_topics() -> PreparedPile:
    """Four topics, each two stories of the same kind told apart by a person and a word."""
    signals, gold, topics = [], [], []
    for topic in range(4):
        shared = [f"kind{topic}", f"place{topic}", "report", "said"]
        for story, (person, word) in enumerate((("p:smith", "harbour"), ("p:jones", "bridge"))):
            for copy in range(3):
                extra = [word] if copy != 2 else []  # one article lacks the telling word
                tokens = (*shared, *extra, person, f"noise{topic}{story}{copy}")
                signals.append(ArticleSignals(f"t{topic}s{story}c{copy}", tokens, (), "", None))
                gold.append(f"{topic}-{story}")
                topics.append(str(topic))
    return PreparedPile((), tuple(signals), None, tuple(gold), tuple(topics))


def test_fit_channel_weights_weighs_the_channel_that_tells_stories_apart() -> None:
    prep = _prepared_topics()
    fitted = fit_channel_weights(prep, range(len(prep.signals)))
    assert fitted.person_weight > 0.5  # relative to words = 1: names decide here
    assert fitted.year_weight == 0.0 and fitted.lead_weight == 0.0  # nothing to learn
    assert fitted.dense_weight == 0.0  # no vectors given
    # Three articles of one story: no pair of different stories to learn from.
    with pytest.raises(ValueError, match="two or more stories"):
        fit_channel_weights(prep, range(3))
