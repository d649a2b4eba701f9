"""Incremental briefs: ``Store.brief`` after one article joins a stored story, as a ratio
to a full ``build_story`` rebuild of the same final articles, measured in the same run.

For each pile (the seeds; all of MultiLing 2011, 100 articles on 10 topics):

1. a probe store ingests the whole pile; its largest story is the one measured (on
   MultiLing, a topic the clusterer keeps whole or nearly: the clustering code decides),
   and that story's last article to arrive (published time, undated first) is the one
   added;
   a fresh store then ingests the pile without that article and briefs the story that
   holds the most of the others, so their annotations are stored;
2. each repeat starts from a copy of that store, ingests the last article (not timed),
   checks that it joined the story, and times ``Store.brief`` (the incremental path:
   only the new article goes through spaCy and MiniLM);
3. the reference is ``pipeline.build_story`` over the story's final articles (clean,
   annotate and embed everything, then align, extract and compose), timed in the same
   process with the same loaded models.

Reported: best-of-``--repeat`` seconds of each, the ratio incremental / full (target
<= 0.20), and each path's stage timings. The ratio has a floor: the added article's own
annotation (about its share of the story's words, of the rebuild's annotate and embed
time) plus the story-level stages (align, extract, compose), which run over every member
on both paths. Results go to ``benchmarks/results/incremental.json``.

    python benchmarks/bench_incremental.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
TARGET = 0.20


def _multiling() -> list[Any]:
    from newsprism.ingest import read_paths

    return list(read_paths([SHARED / "multiling2011" / "multiling2011_en.jsonl"]).articles)


def _seeds() -> list[Any]:
    from newsprism.ingest import read_paths

    return list(read_paths([SHARED / "seeds"]).articles)


def _largest_story(pile: list[Any], folder: Path) -> tuple[str, ...]:
    """The article ids of the largest story the store makes of the whole pile."""
    from newsprism.store import Store

    with Store(folder / "probe.db") as store:
        store.ingest_articles(pile)
        stories = sorted(store.clustering(), key=lambda s: (-len(s.article_ids), s.id))
    return stories[0].article_ids


def _prepare(pile: list[Any], folder: Path) -> tuple[Path, str, Any]:
    """A store holding the pile but the measured story's last article, that story briefed."""
    from newsprism.store import Store, arrival_key

    members = set(_largest_story(pile, folder))
    last = max((a for a in pile if a.id in members), key=arrival_key)
    base = folder / "base.db"
    with Store(base) as store:
        store.ingest_articles([a for a in pile if a.id != last.id])
        holders = [(sum(a in members for a in s.article_ids), s.id) for s in store.clustering()]
        story_id = max(holders)[1]
        store.brief(story_id)
    return base, story_id, last


def _measure(name: str, pile: list[Any], repeat: int, folder: Path) -> dict[str, Any]:
    from newsprism.pipeline import build_story
    from newsprism.store import Store

    base, story_id, last = _prepare(pile, folder)
    incremental: list[float] = []
    full: list[float] = []
    stages: dict[str, dict[str, float]] = {}
    for index in range(repeat):
        db = folder / f"run{index}.db"
        shutil.copy(base, db)
        with Store(db) as store:
            report = store.ingest_articles([last])
            if report.updated_stories != (story_id,):
                raise SystemExit(f"{name}: the last article did not join story {story_id}")
            start = time.perf_counter()
            brief = store.brief(story_id)
            incremental.append(time.perf_counter() - start)
            if brief.meta.get("annotated") != 1:
                raise SystemExit(f"{name}: expected one new annotation, got {brief.meta}")
            stages["incremental"] = brief.meta.get("timings", {})
            final = store.articles(story_id)
        start = time.perf_counter()
        _story, rebuilt = build_story(final)
        full.append(time.perf_counter() - start)
        stages["full"] = rebuilt.meta.get("timings", {})
    best_incremental, best_full = min(incremental), min(full)
    return {
        "articles": len(final),
        "pile_articles": len(pile),
        "words": sum(len(a.text.split()) for a in final),
        "added_article_words": len(last.text.split()),
        "added_share_of_words": round(
            len(last.text.split()) / max(1, sum(len(a.text.split()) for a in final)), 3
        ),
        "incremental_s": round(best_incremental, 4),
        "full_rebuild_s": round(best_full, 4),
        "ratio": round(best_incremental / best_full, 3),
        "incremental_runs_s": [round(t, 4) for t in incremental],
        "full_runs_s": [round(t, 4) for t in full],
        "stages_s": stages,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"shared data not found at {SHARED}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from newsprism.pipeline import build_story, warm_up

    warm_up()
    corpora = {"MultiLing 2011": _multiling(), "seeds": _seeds()}
    build_story(corpora["seeds"][:2])  # first-call costs out of the timings
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for index, (name, pile) in enumerate(corpora.items()):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            results[name] = _measure(name, pile, args.repeat, folder)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "benchmark": "incremental",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "repeat": args.repeat,
        "target_ratio": TARGET,
        "results": results,
    }
    (RESULTS / "incremental.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    header = (
        f"{'pile':16} {'story':>5} {'words':>6} {'+words':>6} {'+share':>6} {'incremental s':>13} "
        f"{'rebuild s':>9} "
        f"{'ratio':>6} {'target':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:16} {r['articles']:>5} {r['words']:>6} {r['added_article_words']:>6} "
            f"{r['added_share_of_words']:>6.0%} "
            f"{r['incremental_s']:>13.3f} {r['full_rebuild_s']:>9.3f} {r['ratio']:>6.2f} "
            f"{'ok' if r['ratio'] <= TARGET else 'MISSED':>6}"
        )
    print(f"\nwritten to {RESULTS / 'incremental.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
