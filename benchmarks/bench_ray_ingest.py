"""Ingest on Ray workers against a local ingest of the same articles, in the same run.

The pile is the Multi-News validation sample (``../shared/data/multinews``: 690 raw
articles of 250 stories, read as ``newsprism ingest`` reads it). Each run ingests the
whole pile into a fresh store:

* ``local``: :meth:`Store.ingest_articles` as the CLI runs it (spaCy and MiniLM in this
  process);
* ``ray-N``: the same with :class:`newsprism.scale.RayPreparer` and N workers on a local
  Ray runtime (started before the clock starts, as a cluster would be; the workers load
  their models while the driver reads and cleans, inside the timing).

Reported per run: wall seconds, articles per second, the ratio to the local run, and
whether the stories equal the local run's. On a machine with C cores the driver (cleaning,
the online clusterer, SQLite) shares them with the workers; across machines only the
driver's share stays serial (about 15% of a local ingest here: see ``serial_share``).

    python benchmarks/bench_ray_ingest.py [--workers 1,2] [--limit N]
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
    spent = {"clean": 0.0, "prepare": 0.0, "commit": 0.0}
    for name, method in (("clean", "_clean"), ("prepare", "_prepare"), ("commit", "_commit")):
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,2", help="comma-separated Ray worker counts")
    parser.add_argument("--limit", type=int, default=None, help="ingest only N articles")
    args = parser.parse_args()
    if not PILE.exists():
        raise SystemExit(f"shared data not found at {PILE}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from newsprism.ingest import read_paths
    from newsprism.pipeline import warm_up
    from newsprism.scale import RayPreparer
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
            with RayPreparer(workers=count) as pool:
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
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ray_ingest.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"{len(articles)} articles, {os.cpu_count()} CPUs; driver-only share of a local ingest")
    print(f"(cleaning + commits): {out['serial_share']:.0%}\n")
    print(f"{'run':8} {'seconds':>8} {'art/s':>7} {'vs local':>9} {'same stories':>13}")
    for run in runs:
        same = run.get("same_stories", True)
        print(
            f"{run['run']:8} {run['seconds']:>8.1f} {run['articles_per_s']:>7.1f} "
            f"{run['speedup_vs_local']:>8.2f}x {'yes' if same else 'NO':>13}"
        )
    print(f"\nwritten to {RESULTS / 'ray_ingest.json'}")


if __name__ == "__main__":
    main()
