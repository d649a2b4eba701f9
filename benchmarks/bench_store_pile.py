"""The mixed pile through the store: ingest seeds, MultiLing, Multi-News and ECB+ as
files (what ``newsprism ingest`` does), score the stored stories against each file's gold
stories, and ingest again to check that nothing is added.

Gold stories: the seeds folder is one story; a MultiLing or Multi-News line is one story;
an ECB+ line's ``subtopic`` is its story (see :mod:`newsprism.eval.store`). The files go
in as they are: ECB+ lines through the JSONL reader, which takes a leading URL line as the
article's URL (its domain the outlet) and a dateline under it as its date
(:mod:`newsprism.ingest.header`); articles without either stay undated, from the file's
outlet, and reach the online clusterer first, in content-hash order.

Reported: ingest seconds and articles/s, peak RSS, B-cubed and pairwise P/R/F1 for the
pile and per file, and the rerun's counts. Results go to ``benchmarks/results/store_pile.json``.
The same scores come from ``newsprism eval store FILES... --db DB`` on a store built with
``newsprism ingest FILES... --db DB``.

    python benchmarks/bench_store_pile.py [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
PILE = (
    SHARED / "seeds",
    SHARED / "multiling2011" / "multiling2011_en.jsonl",
    SHARED / "multinews" / "multinews_validation_sample250.jsonl",
    SHARED / "ecbplus" / "ecbplus_train_dev.jsonl",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="Build the store here (default: a temp file).")
    args = parser.parse_args()
    missing = [str(p) for p in PILE if not p.exists()]
    if missing:
        raise SystemExit(f"shared data not found: {', '.join(missing)}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from rich.console import Console

    from newsprism.eval.store import evaluate_store, format_table
    from newsprism.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "pile.db"
        if db.exists():
            raise SystemExit(f"{db} exists: give a new --db path")
        started = time.perf_counter()
        with Store(db) as store:
            first = store.ingest_paths(PILE)
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        with Store(db) as store:
            again = store.ingest_paths(PILE)
            rerun_s = time.perf_counter() - started
            report = evaluate_store(store, PILE)
            stories = store.count_stories()
    out = {
        "benchmark": "store_pile",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "files": [str(p.relative_to(SHARED)) for p in PILE],
        "ingest": {
            "read": first.read,
            "skipped": len(first.skipped),
            "new_articles": first.new_articles,
            "duplicates": first.duplicates,
            "stories": stories,
            "seconds": round(ingest_s, 2),
            "articles_per_s": round(first.new_articles / ingest_s, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        },
        "rerun": {
            "new_articles": again.new_articles,
            "duplicates": again.duplicates,
            "new_stories": len(again.new_stories),
            "updated_stories": len(again.updated_stories),
            "seconds": round(rerun_s, 2),
        },
        "scores": report.to_dict(),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "store_pile.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    console = Console(width=160)
    ingest = out["ingest"]
    console.print(
        f"ingest: {ingest['read']} read, {ingest['skipped']} skipped, {ingest['new_articles']} "
        f"new in {ingest['seconds']} s ({ingest['articles_per_s']} articles/s), "
        f"{ingest['stories']} stories, peak RSS {ingest['peak_rss_mib']} MiB",
        highlight=False,
    )
    console.print(
        f"rerun: {again.new_articles} new, {again.duplicates} duplicates, "
        f"{len(again.new_stories)} new / {len(again.updated_stories)} updated stories "
        f"in {out['rerun']['seconds']} s",
        highlight=False,
    )
    console.print(format_table(report))
    print(f"written to {RESULTS / 'store_pile.json'}")


if __name__ == "__main__":
    main()
