"""Ingest and annotation on Ray workers against the same work done locally, in one run.

The pile is the Multi-News validation sample (``../shared/data/multinews``: 690 raw
articles of 250 stories, read as ``newsprism ingest`` reads it). Each run ingests the
whole pile into a fresh store:

* ``local``: :meth:`Store.ingest_articles` as the CLI runs it (spaCy and MiniLM in this
  process, on one core each: :class:`newsprism.store.LocalPreparer`);
* ``ray-N``: the same with :class:`newsprism.scale.RayPool` and N workers on a local
  Ray runtime (started before the clock starts, as a cluster would be; the workers load
  their models while the driver reads and cleans, inside the timing).

Reported per run: wall seconds, articles per second, the ratio to the local run, and
whether the stories equal the local run's.

A second phase times ``Store.annotate`` (what ``newsprism briefs`` does before it
composes: spaCy with the parser, MiniLM and the per-article extractions of every stored
article) on the first ``--annotate`` articles of the pile, locally and on each pool, and
checks that the stored annotations are the same bytes. On a machine with C cores the driver (cleaning,
the online clusterer, SQLite) shares them with the workers; across machines only the
driver's share stays serial (about 15% of a local ingest here: see ``serial_share``).

    python benchmarks/bench_ray_ingest.py [--workers 1,2] [--limit N] [--annotate N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
PILE = SHARED / "multinews" / "multinews_validation_sample250.jsonl"


def _stage_timer(store_cls: Any) -> dict[str, float]:
    """Wall time of the driver-side ingest stages, summed over calls."""
    spent = {"clean": 0.0, "commit": 0.0}
    for name, method in (("clean", "_clean"), ("commit", "_commit")):
        original = getattr(store_cls, method)

        def timed(*args: Any, _original: Any = original, _name: str = name, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - start

        setattr(store_cls, method, timed)
    return spent


def _ingest(articles: list[Any], db: Path, preparer: Any = None) -> tuple[float, Any]:
    from newsprism.store import Store

    start = time.perf_counter()
    with Store(db) as store:
        store.ingest_articles(articles, preparer=preparer)
        stories = store.clustering()
    return time.perf_counter() - start, stories


def _annotations(db: Path) -> list[tuple[Any, ...]]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT article_id, sentences, offsets, docs, embeddings, quotes, quantities, "
            "framing, times, roster FROM annotations ORDER BY article_id"
        ).fetchall()


def _annotate_runs(articles: list[Any], workers: str) -> list[dict[str, Any]]:
    """``Store.annotate`` of one ingested store's articles, locally and on each pool."""
    import shutil

    from newsprism.scale import RayPool
    from newsprism.store import Store

    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        with Store(base) as store:
            store.ingest_articles(articles)
        plans: list[tuple[str, int]] = [("local", 0)]
        plans += [(f"ray-{w}", int(w)) for w in workers.split(",") if w.strip()]
        reference: list[tuple[Any, ...]] | None = None
        for name, count in plans:
            db = Path(tmp) / f"{name}.db"
            shutil.copy(base, db)
            pool = RayPool(workers=count) if count else None
            try:
                with Store(db) as store:
                    start = time.perf_counter()
                    done = store.annotate(annotator=pool)
                    seconds = time.perf_counter() - start
            finally:
                if pool is not None:
                    pool.close()
            rows = _annotations(db)
            reference = rows if reference is None else reference
            runs.append(
                {
                    "run": name,
                    "workers": count,
                    "annotated": done,
                    "seconds": round(seconds, 2),
                    "articles_per_s": round(done / seconds, 1),
                    "same_annotations": rows == reference,
                }
            )
    for run in runs:
        run["speedup_vs_local"] = round(runs[0]["seconds"] / run["seconds"], 2)
    return runs


def _print_runs(runs: list[dict[str, Any]], same_key: str, same_label: str) -> None:
    width = len(same_label) + 2
    print(f"{'run':8} {'seconds':>8} {'art/s':>7} {'vs local':>9} {same_label:>{width}}")
    for run in runs:
        same = "yes" if run.get(same_key, True) else "NO"
        print(
            f"{run['run']:8} {run['seconds']:>8.1f} {run['articles_per_s']:>7.1f} "
            f"{run['speedup_vs_local']:>8.2f}x {same:>{width}}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="comma-separated Ray worker counts")
    parser.add_argument("--limit", type=int, default=None, help="ingest only N articles")
    parser.add_argument("--annotate", type=int, default=160, help="articles to annotate")
    args = parser.parse_args()
    if not PILE.exists():
        raise SystemExit(f"shared data not found at {PILE}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from newsprism.ingest import read_paths
    from newsprism.pipeline import warm_up
    from newsprism.scale import RayPool
    from newsprism.store import Store

    articles = list(read_paths([PILE]).articles)[: args.limit]
    warm_up()
    spent = _stage_timer(Store)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        seconds, reference = _ingest(articles, Path(tmp) / "local.db")
        serial = spent["clean"] + spent["commit"]
        runs.append({"run": "local", "workers": 0, "seconds": round(seconds, 2)})
        for count in [int(w) for w in args.workers.split(",") if w.strip()]:
            with RayPool(workers=count) as pool:
                seconds, stories = _ingest(articles, Path(tmp) / f"ray{count}.db", pool)
            runs.append(
                {
                    "run": f"ray-{count}",
                    "workers": count,
                    "seconds": round(seconds, 2),
                    "same_stories": stories == reference,
                }
            )
    local = runs[0]["seconds"]
    for run in runs:
        run["articles_per_s"] = round(len(articles) / run["seconds"], 1)
        run["speedup_vs_local"] = round(local / run["seconds"], 2)
    annotate_runs = _annotate_runs(articles[: args.annotate], args.workers)
    out = {
        "benchmark": "ingest on Ray workers vs local",
        "pile": str(PILE.relative_to(SHARED)),
        "articles": len(articles),
        "serial_share": round(serial / local, 3),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "runs": runs,
        "annotate": {"articles": min(args.annotate, len(articles)), "runs": annotate_runs},
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ray_ingest.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"{len(articles)} articles, {os.cpu_count()} CPUs; driver-only share of a local ingest")
    print(f"(cleaning + commits): {out['serial_share']:.0%}\n")
    _print_runs(runs, "same_stories", "same stories")
    print(f"\nannotating {out['annotate']['articles']} stored articles (newsprism briefs)")
    _print_runs(annotate_runs, "same_annotations", "same bytes")
    print(f"\nwritten to {RESULTS / 'ray_ingest.json'}")


if __name__ == "__main__":
    main()
