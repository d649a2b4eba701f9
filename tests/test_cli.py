"""The command line: a thin adapter; these tests check its contract with users."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "sample-story"
runner = CliRunner()


def test_help_is_instant_and_imports_no_models():
    code = (
        "import sys, newsprism.cli;"
        "heavy = [m for m in ('spacy', 'torch', 'onnxruntime', 'trafilatura', 'sklearn') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("brief", "summarize", "eval"):
        assert command in result.output


def test_missing_path_fails_with_the_path_and_a_fix(tmp_path):
    missing = tmp_path / "nope"
    result = runner.invoke(app, ["brief", str(missing)])
    assert result.exit_code != 0
    assert "nope" in result.output


def test_nothing_usable_exits_non_zero_and_lists_the_skips(tmp_path):
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    (tmp_path / "notes.xyz").write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["brief", str(tmp_path)])
    assert result.exit_code == 1
    assert "read 0 article(s), skipped 2" in result.output
    assert "empty.txt" in result.output and "notes.xyz" in result.output


@pytest.fixture(scope="module")
def sample_json(tmp_path_factory):
    out = tmp_path_factory.mktemp("brief") / "brief.json"
    result = runner.invoke(app, ["brief", str(EXAMPLES), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "read 5 article(s), skipped 0" in result.output
    return json.loads(out.read_text("utf-8"))


def test_brief_of_the_sample_story(sample_json):
    doc = sample_json
    assert doc["schema"] == "newsprism.brief/1"
    assert len(doc["articles"]) == 5
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    # the planted boilerplate is gone, the ferry report is the one outlet's unique report
    for article in doc["articles"]:
        assert "Share this article" not in article["text"]
        assert "Sign up for the Record" not in article["text"]
    ferry = [u for u in doc["unique"] if "eight extra sailings" in u["text"]]
    assert ferry and ferry[0]["outlet"] == "CoastWire"
    # consensus: the closure and the crack are carried by several outlets
    assert doc["points"][0]["support"] >= 3
    for point in doc["points"]:
        c = point["citations"][0]
        assert texts[c["article_id"]][c["start"] : c["end"]] == point["text"]


def test_markdown_and_html_outputs(tmp_path):
    result = runner.invoke(app, ["brief", str(EXAMPLES), "--format", "md", "--words", "80"])
    assert result.exit_code == 0, result.output
    assert "## What the outlets report" in result.output
    html_path = tmp_path / "brief.html"
    result = runner.invoke(app, ["brief", str(EXAMPLES), "--format", "html", "-o", str(html_path)])
    assert result.exit_code == 0
    html = html_path.read_text("utf-8")
    assert html.startswith("<!doctype html>") and "Merrow Bridge" in html


def test_summarize_respects_the_word_budget():
    result = runner.invoke(app, ["summarize", str(EXAMPLES), "--words", "60"])
    assert result.exit_code == 0, result.output
    summary = result.stdout if hasattr(result, "stdout") else result.output
    body = [line for line in summary.splitlines() if line and not line.startswith("read ")]
    assert 0 < sum(len(line.split()) for line in body) <= 60


def test_cluster_separates_two_stories(tmp_path):
    seeds = ROOT.parent / "shared" / "data" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"shared data not found at {seeds}")
    result = runner.invoke(app, ["cluster", str(EXAMPLES), str(seeds), "--json"])
    assert result.exit_code == 0, result.output
    payload = result.stdout[result.stdout.index("{") :]
    stories = json.loads(payload)["stories"]
    assert sorted(len(s["article_ids"]) for s in stories) == [5, 5]
