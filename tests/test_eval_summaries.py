"""Tests for the ROUGE evaluation harness (``newsprism.eval``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.errors import InputError
from newsprism.eval import EvalStory, evaluate, format_table, load_peers, load_stories
from newsprism.eval.summaries import (
    OfflineSumyTokenizer,
    SumyBaseline,
    count_words,
    documents_summarizer,
    lead_summary,
    rouge,
    split_sentences,
    truncate_to_budget,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
MULTILING = SHARED / "multiling2011" / "multiling2011_en.jsonl"
MULTILING_PEERS = SHARED / "multiling2011" / "multiling2011_en_peers.jsonl"

QUAKE = (
    "A strong earthquake struck the coast of Chile on Monday. "
    "The quake had a magnitude of 7.8, the U.S. Geological Survey said. "
    "Hundreds of homes were damaged in the port city of Valparaiso.\n\n"
    "Rescue teams searched collapsed buildings through the night."
)
QUAKE_2 = (
    "Chile was hit by a magnitude 7.8 earthquake on Monday.\n"
    "Rescue teams searched collapsed buildings through the night. "
    "The government declared a state of emergency in three regions. "
    "Schools will stay closed until Friday."
)
REFERENCE = (
    "A magnitude 7.8 earthquake struck Chile on Monday, damaging hundreds of homes in "
    "Valparaiso. Rescue teams searched collapsed buildings and the government declared "
    "a state of emergency."
)


def _story(story_id: str = "s1", references: tuple[str, ...] = (REFERENCE,)) -> EvalStory:
    return EvalStory(
        id=story_id,
        documents=({"doc_id": "a", "text": QUAKE}, {"doc_id": "b", "text": QUAKE_2}),
        references=references,
    )


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    return path


def _dataset(tmp_path: Path, n: int = 2) -> Path:
    records = [
        {
            "id": f"s{i}",
            "documents": [{"doc_id": "a", "text": QUAKE}, {"doc_id": "b", "text": QUAKE_2}],
            "references": [{"annotator": "A", "text": REFERENCE}],
        }
        for i in range(n)
    ]
    return _write_jsonl(tmp_path / "set.jsonl", records)


# --- ROUGE ------------------------------------------------------------------------------


def test_rouge_of_a_reference_against_itself_is_one() -> None:
    scores = rouge(REFERENCE, [REFERENCE])
    assert all(value == pytest.approx(1.0) for value in scores.values()), scores


def test_rouge_averages_over_references_rather_than_taking_the_max() -> None:
    scores = rouge(REFERENCE, [REFERENCE, "Completely unrelated words about football matches."])
    # Max would give 1.0; the mean of a perfect and a zero match is 0.5.
    assert scores["rouge1_recall"] == pytest.approx(0.5)
    assert scores["rouge2_f1"] == pytest.approx(0.5)


def test_rouge_uses_stemming() -> None:
    assert rouge("the rescuers searched", ["the rescuer searches"])["rouge1_recall"] == 1.0


def test_rouge_needs_a_reference() -> None:
    with pytest.raises(ValueError):
        rouge("text", [])


# --- sentences and the budget -------------------------------------------------------------


def test_split_sentences_keeps_abbreviations_and_breaks_lines() -> None:
    sentences = split_sentences("Japan tops the U.S.\nThe U.S. House voted on Monday. It passed.")
    assert sentences == ["Japan tops the U.S.", "The U.S. House voted on Monday.", "It passed."]


def test_truncation_keeps_whole_sentences_and_skips_those_that_do_not_fit() -> None:
    text = (
        "One two three four five. "
        + "Far too many words sit in this second sentence here. "
        + "Short one here."
    )
    out = truncate_to_budget(text, 9)
    assert out.splitlines() == ["One two three four five.", "Short one here."]
    assert count_words(out) <= 9


def test_truncation_leaves_text_within_budget_unchanged() -> None:
    assert truncate_to_budget(QUAKE, 250) == QUAKE


@pytest.mark.parametrize("budget", [5, 12, 20, 40])
def test_every_baseline_respects_the_budget(budget: int) -> None:
    story = _story()
    for system in (lead_summary, SumyBaseline("lexrank"), SumyBaseline("textrank")):
        assert count_words(system(story, budget)) <= budget


def test_lead_reads_the_first_article_only() -> None:
    summary = lead_summary(_story(), 250)
    assert summary.splitlines() == split_sentences(QUAKE)


# --- sumy runs without NLTK data ----------------------------------------------------------


def test_sumy_baselines_need_no_nltk_data(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("NLTK data must not be loaded or downloaded")

    monkeypatch.setattr(nltk, "download", forbidden)
    monkeypatch.setattr(nltk.data, "load", forbidden)
    monkeypatch.setattr(nltk.data, "find", forbidden)
    monkeypatch.setattr(nltk, "sent_tokenize", forbidden)
    monkeypatch.setattr(nltk, "word_tokenize", forbidden)

    story = _story()
    sentences = set(split_sentences(QUAKE)) | set(split_sentences(QUAKE_2))
    for algorithm in ("lexrank", "textrank"):
        summary = SumyBaseline(algorithm)(story, 30)  # type: ignore[arg-type]
        chosen = summary.splitlines()
        assert chosen, algorithm
        assert set(chosen) <= sentences
        # The sentence both articles carry is selected at most once.
        assert chosen.count("Rescue teams searched collapsed buildings through the night.") <= 1


def test_offline_tokenizer_keeps_words_only() -> None:
    words = OfflineSumyTokenizer().to_words('The U.S. pledged $350 million, "today".')
    assert words == ("The", "U.S.", "pledged", "million", "today")


# --- loading ------------------------------------------------------------------------------


def test_load_stories_reads_the_schema(tmp_path: Path) -> None:
    stories = load_stories(_dataset(tmp_path, n=3))
    assert [s.id for s in stories] == ["s0", "s1", "s2"]
    assert stories[0].references == (REFERENCE,)
    assert stories[0].documents[1]["text"] == QUAKE_2


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("{not json", "not valid JSON"),
        ('{"id": "x", "documents": [], "references": [{"text": "r"}]}', "'documents'"),
        ('{"id": "x", "documents": [{"doc_id": "a", "text": "t"}]}', "'references'"),
        ('{"id": "x", "documents": [{"text": "t"}], "references": [{"text": "r"}]}', "doc_id"),
        ('{"documents": [{"doc_id": "a", "text": "t"}], "references": [{"text": "r"}]}', "'id'"),
    ],
)
def test_load_stories_names_file_and_line_of_bad_input(
    tmp_path: Path, line: str, problem: str
) -> None:
    good = json.dumps(
        {"id": "ok", "documents": [{"doc_id": "a", "text": "t"}], "references": [{"text": "r"}]}
    )
    path = tmp_path / "bad.jsonl"
    path.write_text(good + "\n\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=problem) as caught:
        load_stories(path)
    assert f"{path}:3" in str(caught.value)


def test_load_stories_rejects_duplicate_ids_and_missing_files(tmp_path: Path) -> None:
    record = {"id": "x", "documents": [{"doc_id": "a", "text": "t"}], "references": [{"text": "r"}]}
    with pytest.raises(InputError, match="already used on line 1"):
        load_stories(_write_jsonl(tmp_path / "dup.jsonl", [record, record]))
    with pytest.raises(InputError, match="no such file"):
        load_stories(tmp_path / "absent.jsonl")


def test_load_peers_groups_by_system(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "peers.jsonl",
        [
            {"id": "s0", "systems": {"ID1": "one", "ID2": "two"}},
            {"id": "s1", "systems": {"ID1": "three"}},
        ],
    )
    assert load_peers(path) == {"ID1": {"s0": "one", "s1": "three"}, "ID2": {"s0": "two"}}


def test_load_peers_rejects_a_non_string_summary(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "peers.jsonl", [{"id": "s0", "systems": {"ID1": ["a"]}}])
    with pytest.raises(InputError, match=r"peers.jsonl:1.*ID1"):
        load_peers(path)


# --- evaluate -------------------------------------------------------------------------------


def test_a_failing_summarizer_is_counted_not_fatal(tmp_path: Path) -> None:
    def flaky(story: EvalStory, words: int) -> str:
        if story.id == "s1":
            raise RuntimeError("boom")
        return REFERENCE

    calls: list[tuple[int, int]] = []
    report = evaluate(
        _dataset(tmp_path, n=3), flaky, words=50, progress=lambda d, t: calls.append((d, t))
    )
    assert report.stories == 3
    assert report.rows["newsprism"]["failures"] == 1
    assert report.failures["newsprism"] == {"s1": "RuntimeError: boom"}
    assert report.per_story["newsprism"]["s1"]["rouge1_recall"] == 0.0
    assert report.per_story["newsprism"]["s0"]["rouge1_recall"] == pytest.approx(1.0)
    # Averaged over all three stories, the failure included as zero.
    assert report.rows["newsprism"]["rouge1_recall"] == pytest.approx(2 / 3)
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert list(report.rows) == ["newsprism", "Lead", "LexRank", "TextRank"]


def test_evaluate_truncates_every_system_including_peers(tmp_path: Path) -> None:
    long_peer = " ".join(["Rescue teams searched collapsed buildings."] * 30)
    peers = _write_jsonl(
        tmp_path / "peers.jsonl",
        [{"id": "s0", "systems": {"ID2": long_peer, "ID10": REFERENCE}}],
    )
    report = evaluate(
        _dataset(tmp_path, n=2),
        documents_summarizer(lambda documents, words: " ".join(d["text"] for d in documents)),
        words=12,
        peers_path=peers,
    )
    for system, by_story in report.per_story.items():
        assert all(scores["words"] <= 12 for scores in by_story.values()), system
    # Natural order of peers, and the story the peers file lacks is recorded as missing.
    assert list(report.rows)[-2:] == ["ID2", "ID10"]
    assert report.failures["ID2"] == {"s1": "no summary in the peers file"}
    assert report.kinds["ID10"] == "peer"
    json.dumps(report.to_dict())
    assert format_table(report).row_count == len(report.rows)


def test_evaluate_rejects_a_peers_file_for_another_dataset(tmp_path: Path) -> None:
    peers = _write_jsonl(tmp_path / "peers.jsonl", [{"id": "other", "systems": {"ID1": "x"}}])
    with pytest.raises(InputError, match="no story id in common"):
        evaluate(_dataset(tmp_path), None, peers_path=peers)


# --- integration on real data ---------------------------------------------------------------


@pytest.mark.skipif(not MULTILING.is_file(), reason=f"shared data absent: {MULTILING}")
def test_multiling_first_two_stories_with_baselines_and_peers() -> None:
    report = evaluate(MULTILING, None, words=250, peers_path=MULTILING_PEERS, limit=2)
    assert report.stories == 2
    assert {"Lead", "LexRank", "TextRank", "ID9", "ID10"} <= set(report.rows)
    for system, row in report.rows.items():
        assert row["failures"] == 0, system
        assert row["words"] <= 250, system
    rows = report.rows
    # The topline (ID10, human-written) is far above the centroid baseline (ID9) and sumy.
    assert rows["ID10"]["rouge2_recall"] > rows["ID9"]["rouge2_recall"] + 0.05
    assert rows["ID10"]["rouge2_recall"] > rows["LexRank"]["rouge2_recall"]
    # Centrality baselines use the whole budget and beat a single article's lead.
    assert rows["LexRank"]["words"] > 200
    assert rows["LexRank"]["rouge1_recall"] > rows["Lead"]["rouge1_recall"]
    assert 0.3 < rows["LexRank"]["rouge1_recall"] < 0.6
