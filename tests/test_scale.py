"""Scale-out on Ray: an ingest whose signals Ray workers compute builds the same stories
(real Ray runtime with two workers, real models, real shared data)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsprism.cli import app
from newsprism.store import Store
from tests.conftest import shared_path

pytest.importorskip("ray", reason="the 'scale' extra is not installed")
pytestmark = pytest.mark.slow


def _signals(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT article_id, tokens, entities, lead, day, dense FROM signals ORDER BY article_id"
        ).fetchall()


def _pile():  # type: ignore[no-untyped-def]
    from newsprism.ingest import read_paths

    paths = [shared_path("seeds"), shared_path("multiling2011", "multiling2011_en.jsonl")]
    articles = read_paths(paths).articles
    return articles[:45]  # the seeds and four MultiLing topics: several stories


def test_ray_ingest_builds_the_same_stories_as_a_local_one(tmp_path: Path) -> None:
    from newsprism.scale import RayPool

    articles = _pile()
    with Store(tmp_path / "local.db", commit_every=8) as store:
        local = store.ingest_articles(articles)
        local_stories = store.clustering()
    with (
        RayPool(workers=2) as pool,
        Store(tmp_path / "ray.db", commit_every=8) as store,
    ):
        assert pool.workers == 2
        remote = store.ingest_articles(articles, preparer=pool)
        remote_stories = store.clustering()
    assert remote.new_articles == local.new_articles == len(articles)
    assert len(local_stories) > 1
    assert remote_stories == local_stories
    # every signal, dense lead vectors included, byte for byte
    assert _signals(tmp_path / "ray.db") == _signals(tmp_path / "local.db")


def test_cli_ingest_with_ray(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    seeds = str(shared_path("seeds"))
    result = CliRunner().invoke(
        app, ["ingest", seeds, "--db", str(db), "--ray", "--workers", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["new_articles"] == 5 and len(report["new_stories"]) == 1
    again = CliRunner().invoke(app, ["ingest", seeds, "--db", str(db), "--ray", "--json"])
    assert json.loads(again.stdout)["new_articles"] == 0


def test_ray_options_need_ray(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(shared_path("seeds")), "--db", str(tmp_path / "x.db"), "--workers", "2"]
    )
    assert result.exit_code == 1
    assert "--ray" in result.output


def _without_meta(brief) -> dict:  # type: ignore[no-untyped-def]
    from newsprism.render import brief_to_dict

    doc = brief_to_dict(brief)
    doc.pop("meta")
    return doc  # type: ignore[no-any-return]


def test_annotations_made_on_ray_give_the_same_briefs(tmp_path: Path) -> None:
    import shutil

    from newsprism.scale import RayPool

    articles = _pile()[:25]  # the seeds and two MultiLing topics
    with Store(tmp_path / "local.db") as store:
        store.ingest_articles(articles)
    shutil.copy(tmp_path / "local.db", tmp_path / "ray.db")
    with Store(tmp_path / "local.db") as store:
        local = {b.meta["story_id"]: b for b in store.build_briefs()}
    with RayPool(workers=2) as pool, Store(tmp_path / "ray.db") as store:
        assert store.annotate(annotator=pool, group=4) == len(articles)
        assert store.unannotated() == []
        remote = {b.meta["story_id"]: b for b in store.build_briefs()}
    assert len(local) > 1 and set(remote) == set(local)
    for story_id, brief in remote.items():
        assert brief.meta["annotated"] == 0  # every annotation came from the workers
        assert _without_meta(brief) == _without_meta(local[story_id])


def test_cli_briefs_with_ray(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    seeds = str(shared_path("seeds"))
    assert CliRunner().invoke(app, ["ingest", seeds, "--db", str(db)]).exit_code == 0
    result = CliRunner().invoke(
        app, ["briefs", "--db", str(db), "--ray", "--workers", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert made["articles_annotated"] == 5 and made["briefs"] == 1
