"""Incremental briefs: ``Store.brief`` after one article joins a stored story, as a ratio
to a full ``build_story`` rebuild of the same final articles, measured in the same run.

Stories (gold stories of the shared data, each measured whole; none is left out):

* ``seeds``: the five seed articles (4 -> 5);
* ``MultiLing 2011``: each of its 10 topics (10 articles of about 300 words; 9 -> 10);
* ``ECB+``: the three largest subtopics of train + dev (19-22 short articles);
* ``Multi-News``: the three largest clusters of the validation sample (8-9 raw articles);
* ``NeuS``: the first three stories of the validation set (three leads of ~58 words).

For each story:

1. a fresh store ingests the story's articles but the last to arrive (published time,
   undated first) and briefs the story, so their annotations are stored. The store's
   clusterer is told to keep every article in one story (threshold ~0, no time window,
   no blocking): the clustering is not what is measured here;
2. each repeat starts from a copy of that store, ingests the last article (not timed),
   checks that it joined the story, and times ``Store.brief`` (the incremental path:
   only the new article goes through spaCy and MiniLM);
3. the reference is a full rebuild of the brief from the same stored (cleaned) articles,
   as fast as the pipeline makes it: ``pipeline.annotate_pending`` (spaCy over every
   article, MiniLM on the other core as spaCy goes) with
   ``pipeline.story_from_annotations`` (extraction, alignment, composition; the stages
   that need only the parses run while the last vectors come in), timed in the same
   process with the same loaded models. (``build_story`` would clean the articles
   again first, about 2% more time, and cleaning them again in another corpus context
   may cut a few more lines, so its brief need not be the stored articles' brief.)

Reported per story: best-of-``--repeat`` seconds of each path, the ratio incremental /
full (target <= 0.20), the added article's share of the story's words, each path's stage
timings, and whether the two briefs are identical (meta aside). Per corpus: the median
ratio. The ratio has a floor: the added article's own annotation (about its share of
the rebuild's annotate and embed time) plus the story-level stages (align, quote
grouping, roster, divergences, timeline, compose), which run over every member on both
paths. Results go to ``benchmarks/results/incremental.json``.

    python benchmarks/bench_incremental.py [--repeat 3] [--corpora seeds,MultiLing]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
TARGET = 0.20
LARGEST = 3  # ECB+ subtopics and Multi-News clusters measured (the largest)
NEUS_STORIES = 3


@dataclass(frozen=True)
class Case:
    corpus: str
    story: str
    articles: list[Any]


def _seeds() -> list[Case]:
    from newsprism.ingest import read_paths

    return [Case("seeds", "seeds", list(read_paths([SHARED / "seeds"]).articles))]


def _documents_file(corpus: str, path: Path, stories: list[int] | None) -> list[Case]:
    """Stories of a shared multi-document JSONL file (line numbers, 1-based; all: None)."""
    from newsprism.pipeline import articles_from_documents

    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if stories is not None and number not in stories:
            continue
        record = json.loads(line)
        articles = articles_from_documents(record["documents"], f"{path.name}:{number}")
        cases.append(Case(corpus, str(record.get("id", number)), articles))
    return cases


def _largest_lines(path: Path, n: int) -> list[int]:
    sizes = [
        (-len(json.loads(line)["documents"]), number)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    ]
    return [number for _size, number in sorted(sizes)[:n]]


def _ecbplus() -> list[Case]:
    """The largest ECB+ subtopics, read by the JSONL reader (as ``newsprism ingest`` does)."""
    from newsprism.ingest import read_paths

    path = SHARED / "ecbplus" / "ecbplus_train_dev.jsonl"
    subtopic_of = {
        f"{path}:{number}": json.loads(line)["subtopic"]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    }
    by_subtopic: dict[str, list[Any]] = defaultdict(list)
    for article in read_paths([path]).articles:
        by_subtopic[subtopic_of[article.source or ""]].append(article)
    largest = sorted(by_subtopic, key=lambda s: (-len(by_subtopic[s]), s))[:LARGEST]
    return [Case("ECB+", s, by_subtopic[s]) for s in largest]


def _corpora() -> dict[str, Any]:
    multinews = SHARED / "multinews" / "multinews_validation_sample250.jsonl"
    return {
        "seeds": _seeds,
        "MultiLing": lambda: _documents_file(
            "MultiLing 2011", SHARED / "multiling2011" / "multiling2011_en.jsonl", None
        ),
        "ECB+": _ecbplus,
        "Multi-News": lambda: _documents_file(
            "Multi-News", multinews, _largest_lines(multinews, LARGEST)
        ),
        "NeuS": lambda: _documents_file(
            "NeuS", SHARED / "neus" / "neus_val.jsonl", list(range(1, NEUS_STORIES + 1))
        ),
    }


def _one_story_store(path: Path) -> Any:
    """A store whose clusterer keeps every article in one story."""
    from newsprism.cluster import ClusterConfig
    from newsprism.store import Store

    together = ClusterConfig(
        dense_weight=0.0, window_days=1e6, attach_ratio=1.0, index_tokens=1_000_000
    )
    return Store(path, threshold=1e-9, cluster_config=together)


def _without_meta(brief: Any) -> dict[str, Any]:
    from newsprism.render import brief_to_dict

    doc = brief_to_dict(brief)
    doc.pop("meta")
    return doc  # type: ignore[no-any-return]


def _rebuild(articles: list[Any]) -> Any:
    """The brief of the stored articles, computed from scratch."""
    from concurrent.futures import ThreadPoolExecutor

    from newsprism.config import DEFAULT_CONFIG
    from newsprism.pipeline import Timings, annotate_pending, story_from_annotations

    timings = Timings()
    with ThreadPoolExecutor(max_workers=1) as pool:
        annotations, pending = annotate_pending(articles, DEFAULT_CONFIG, pool, timings=timings)
        return story_from_annotations(annotations, timings=timings, pending=pending)[1]


def _measure(case: Case, repeat: int, folder: Path) -> dict[str, Any]:
    from newsprism.store import arrival_key

    last = max(case.articles, key=arrival_key)
    base = folder / "base.db"
    with _one_story_store(base) as store:
        store.ingest_articles([a for a in case.articles if a.id != last.id])
        (story,) = store.stories()
        store.brief(story.id)
    incremental: list[float] = []
    full: list[float] = []
    stages: dict[str, dict[str, float]] = {}
    identical = True
    for index in range(repeat):
        db = folder / f"run{index}.db"
        shutil.copy(base, db)
        with _one_story_store(db) as store:
            report = store.ingest_articles([last])
            if report.updated_stories != (story.id,):
                raise SystemExit(f"{case.story}: the last article did not join the story")
            start = time.perf_counter()
            brief = store.brief(story.id)
            incremental.append(time.perf_counter() - start)
            if brief.meta.get("annotated") != 1:
                raise SystemExit(f"{case.story}: expected one new annotation, got {brief.meta}")
            stages["incremental"] = brief.meta.get("timings", {})
            final = store.articles(story.id)
        start = time.perf_counter()
        rebuilt = _rebuild(final)
        full.append(time.perf_counter() - start)
        stages["full"] = rebuilt.meta.get("timings", {})
        identical = identical and _without_meta(brief) == _without_meta(rebuilt)
        db.unlink()
    words = sum(len(a.text.split()) for a in final)
    added = next(len(a.text.split()) for a in final if a.id == last.id)
    best_incremental, best_full = min(incremental), min(full)
    return {
        "corpus": case.corpus,
        "story": case.story,
        "articles": len(final),
        "outlets": len({a.outlet for a in final}),
        "words": words,
        "added_article_words": added,
        "added_share_of_words": round(added / max(1, words), 3),
        "incremental_s": round(best_incremental, 4),
        "full_rebuild_s": round(best_full, 4),
        "ratio": round(best_incremental / best_full, 3),
        "identical_briefs": identical,
        "incremental_runs_s": [round(t, 4) for t in incremental],
        "full_runs_s": [round(t, 4) for t in full],
        "stages_s": stages,
    }


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    by_corpus: dict[str, list[float]] = defaultdict(list)
    for r in results:
        by_corpus[r["corpus"]].append(r["ratio"])
    ratios = [r["ratio"] for r in results]
    return {
        "median_ratio_by_corpus": {c: round(statistics.median(v), 3) for c, v in by_corpus.items()},
        "median_ratio": round(statistics.median(ratios), 3),
        "stories_within_target": sum(r <= TARGET for r in ratios),
        "stories": len(ratios),
    }


def _print(results: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    header = (
        f"{'corpus':15} {'story':18} {'arts':>4} {'words':>6} {'+share':>6} "
        f"{'incr s':>7} {'full s':>7} {'ratio':>6} {'same':>5} {'target':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r['corpus']:15} {r['story'][:18]:18} {r['articles']:>4} {r['words']:>6} "
            f"{r['added_share_of_words']:>6.0%} {r['incremental_s']:>7.3f} "
            f"{r['full_rebuild_s']:>7.3f} {r['ratio']:>6.2f} "
            f"{'yes' if r['identical_briefs'] else 'NO':>5} "
            f"{'ok' if r['ratio'] <= TARGET else 'MISSED':>6}"
        )
    print()
    for corpus, ratio in summary["median_ratio_by_corpus"].items():
        print(f"median ratio {corpus:15} {ratio:.2f}")
    print(
        f"median ratio, all stories   {summary['median_ratio']:.2f} "
        f"({summary['stories_within_target']}/{summary['stories']} within {TARGET:.2f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--corpora",
        default="seeds,MultiLing,ECB+,Multi-News,NeuS",
        help="comma-separated subset of: seeds, MultiLing, ECB+, Multi-News, NeuS",
    )
    args = parser.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"shared data not found at {SHARED}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from newsprism.pipeline import warm_up

    loaders = _corpora()
    wanted = [c.strip() for c in args.corpora.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in loaders]
    if unknown:
        raise SystemExit(f"unknown corpora {unknown}; choose from {sorted(loaders)}")
    warm_up()
    cases = [case for name in wanted for case in loaders[name]()]
    _rebuild(_seeds()[0].articles[:2])  # first-call costs out of the timings
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for index, case in enumerate(cases):
            folder = Path(tmp) / str(index)
            folder.mkdir()
            results.append(_measure(case, args.repeat, folder))
            print(f"{case.corpus} {case.story}: ratio {results[-1]['ratio']}", file=sys.stderr)
    summary = _summary(results)
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
        "summary": summary,
        "results": results,
    }
    (RESULTS / "incremental.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    _print(results, summary)
    print(f"\nwritten to {RESULTS / 'incremental.json'}", file=sys.stderr)


if __name__ == "__main__":
    main()
