"""The store's commands: ingest, stories, brief --story, changes, eval store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.cluster import ClusterConfig
from newsprism.ingest.common import make_article
from newsprism.model import Article
from newsprism.store import Store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "sample-story"
runner = CliRunner()


def test_the_store_commands_are_listed():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "briefs", "stories", "changes", "recluster"):
        assert command in result.output
    assert "--story" in runner.invoke(app, ["brief", "--help"]).output


def test_brief_needs_paths_or_a_story_but_not_both(tmp_path):
    neither = runner.invoke(app, ["brief"])
    assert neither.exit_code == 1
    assert "nothing to brief" in neither.output and "--story" in neither.output
    both = runner.invoke(app, ["brief", str(EXAMPLES), "--story", "abc"])
    assert both.exit_code == 1 and "not both" in both.output


def test_commands_on_a_missing_store_say_how_to_build_one(tmp_path):
    missing = tmp_path / "none.db"
    for args in (
        ["stories", "--db", str(missing)],
        ["brief", "--story", "abc", "--db", str(missing)],
        ["changes", "--story", "abc", "--since", "2024-01-01", "--db", str(missing)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, args
        assert "newsprism ingest" in result.output
    assert not missing.exists()  # reading commands never create a store


@pytest.fixture(scope="module")
def small_db(tmp_path_factory):
    """A store with two hand-written one-outlet stories (no embedder needed)."""
    path = tmp_path_factory.mktemp("cli") / "news.db"
    texts = {
        "harbour-post": (
            "Kestrel Bay ferry crews strike over night rosters\n\nFerry crews at "
            "Kestrel Bay walked out over night rosters, stranding Gull Island commuters."
        ),
        "city-arts": (
            "Harlow Museum reopens\n\nThe Harlow Museum of Clocks reopened after roof "
            "repairs, and its astronomical clock is back on show."
        ),
    }
    articles = []
    for outlet, text in texts.items():
        made = make_article(text, source=f"test:{outlet}", fallback_outlet=outlet, outlet=outlet)
        assert isinstance(made, Article)
        articles.append(made)
    with Store(path, cluster_config=ClusterConfig(dense_weight=0.0)) as store:
        store.ingest_articles(articles)
    return path


def test_stories_lists_as_a_table_and_as_json(small_db):
    table = runner.invoke(app, ["stories", "--db", str(small_db)])
    assert table.exit_code == 0, table.output
    assert "2 of 2 stories" in table.output and "Harlow Museum" in table.output
    listed = runner.invoke(app, ["stories", "--db", str(small_db), "--json", "-q", "ferry"])
    body = json.loads(listed.stdout)
    assert body["total"] == 1
    (story,) = body["stories"]
    assert story["size"] == 1 and story["outlets"] == ["harbour-post"]
    assert story["title"].startswith("Kestrel Bay ferry crews strike")
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    later = runner.invoke(app, ["stories", "--db", str(small_db), "--json", "--since", future])
    assert json.loads(later.stdout)["total"] == 0


def test_a_bad_since_is_an_error_with_the_accepted_forms(small_db):
    result = runner.invoke(app, ["stories", "--db", str(small_db), "--since", "whenever-ish"])
    assert result.exit_code == 1
    assert "--since" in result.output and "ISO date" in result.output


def test_an_unknown_story_is_an_error_naming_the_listing_command(small_db):
    result = runner.invoke(app, ["brief", "--story", "nope", "--db", str(small_db)])
    assert result.exit_code == 1
    assert "no story 'nope'" in result.output and "newsprism stories" in result.output


@pytest.mark.slow
def test_ingest_brief_changes_and_eval_on_the_sample_story(tmp_path):
    db = tmp_path / "sample.db"
    first = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "read 5 article(s), skipped 0; 5 new, 0 duplicate(s); 1 new story" in first.output
    again = runner.invoke(app, ["ingest", str(EXAMPLES), "--db", str(db), "--json"])
    assert json.loads(again.stdout)["duplicates"] == 5
    (story,) = json.loads(runner.invoke(app, ["stories", "--db", str(db), "--json"]).stdout)[
        "stories"
    ]
    assert story["size"] == 5 and len(story["outlets"]) == 5
    out = tmp_path / "brief.json"
    brief = runner.invoke(
        app, ["brief", "--story", story["id"], "--db", str(db), "-f", "json", "-o", str(out)]
    )
    assert brief.exit_code == 0, brief.output
    doc = json.loads(out.read_text("utf-8"))
    assert doc["meta"]["story_id"] == story["id"] and doc["meta"]["annotated"] == 5
    assert len(doc["articles"]) == 5 and doc["points"]
    texts = {a["id"]: a["text"] for a in doc["articles"]}
    for point in doc["points"]:
        cited = point["citations"][0]
        assert texts[cited["article_id"]][cited["start"] : cited["end"]] == point["text"]
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    changes = runner.invoke(
        app, ["changes", "--story", story["id"], "--since", since, "--db", str(db), "--json"]
    )
    assert changes.exit_code == 0, changes.output
    body = json.loads(changes.stdout)
    assert len(body["new_articles"]) == 5  # the story did not exist a day ago
    assert [p["text"] for p in body["points"]] == [p["text"] for p in doc["points"]]
    scored = runner.invoke(app, ["eval", "store", str(EXAMPLES), "--db", str(db), "--json"])
    rows = json.loads(scored.stdout)["rows"]
    assert rows[0]["name"] == "all" and rows[0]["b_cubed"]["f1"] == 1.0


def test_briefs_annotates_then_builds_every_story_once(tmp_path):
    db = tmp_path / "news.db"
    assert runner.invoke(app, ["ingest", str(EXAMPLES), "--db", str(db)]).exit_code == 0
    first = runner.invoke(app, ["briefs", "--db", str(db), "--json"])
    assert first.exit_code == 0, first.output
    made = json.loads(first.stdout)
    assert made["articles_annotated"] == 5 and made["briefs"] == 1
    (row,) = made["stories"]
    assert row["articles"] == 5 and row["points"] > 0
    again = json.loads(runner.invoke(app, ["briefs", "--db", str(db), "--json"]).stdout)
    assert again["articles_annotated"] == 0
    assert again["stories"][0]["built_at"] == row["built_at"]  # stored, not rebuilt
    unknown = runner.invoke(app, ["briefs", "--db", str(db), "--story", "nope"])
    assert unknown.exit_code == 1 and "nope" in unknown.output
