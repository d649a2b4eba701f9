"""Wall time and memory of ``brief``, as a ratio to spaCy's own senter+ner pass.

For each corpus (the seeds; one 10-article MultiLing story) a fresh child process loads
the models, then times, best of ``--repeat`` warm runs:

- ``brief``: the whole pipeline (read, clean, annotate, embed, align, quotes, entities,
  compose) over the files, and
- the reference: ``en_core_web_sm`` with only sentences and entities (tagger, parser,
  attribute_ruler and lemmatizer excluded, senter enabled) over the same raw text,
  paragraph by paragraph.

Reported: seconds, the ratio ours / reference (target <= 1.5), and the child's peak RSS.
Results go to ``benchmarks/results/brief.json``.

    python benchmarks/bench_brief.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"


def _multiling_story(tmp: Path) -> Path:
    """Write the first MultiLing topic's 10 articles as text files (outside the repo)."""
    line = (SHARED / "multiling2011" / "multiling2011_en.jsonl").read_text("utf-8").splitlines()[0]
    story = json.loads(line)
    folder = tmp / f"multiling-{story['id']}"
    folder.mkdir(parents=True, exist_ok=True)
    for doc in story["documents"]:
        (folder / f"{doc['doc_id']}.txt").write_text(doc["text"], encoding="utf-8")
    return folder


def _paragraphs(folder: Path) -> list[str]:
    out: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        out += [p for p in path.read_text("utf-8").split("\n") if p.strip()]
    return out


def _measure(folder: str, repeat: int, queue: mp.Queue) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from newsprism.config import DEFAULT_CONFIG
    from newsprism.nlp import load_spacy
    from newsprism.pipeline import brief_paths, warm_up

    warm_up(DEFAULT_CONFIG)
    reference = load_spacy(DEFAULT_CONFIG.spacy_model, parse=False)
    paragraphs = _paragraphs(Path(folder))
    n_words = sum(len(p.split()) for p in paragraphs)

    def best(fn) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    from threadpoolctl import threadpool_limits

    def reference_pass() -> None:
        list(reference.pipe(paragraphs, batch_size=64))

    def reference_one_thread() -> None:
        with threadpool_limits(limits=1, user_api="blas"):
            reference_pass()

    # spaCy's best configuration is the reference: as shipped, or with BLAS on one thread.
    ref_s = min(best(reference_pass), best(reference_one_thread))
    stage_times: dict[str, float] = {}

    def run_brief() -> None:
        brief = brief_paths([folder])
        stage_times.clear()
        stage_times.update(brief.meta.get("timings", {}))

    ours_s = best(run_brief)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(
        {
            "words": n_words,
            "paragraphs": len(paragraphs),
            "brief_s": round(ours_s, 4),
            "spacy_senter_ner_s": round(ref_s, 4),
            "ratio": round(ours_s / ref_s, 3),
            "peak_rss_mib": round(peak_mib, 1),
            "stages_s": stage_times,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"shared data not found at {SHARED}")
    with tempfile.TemporaryDirectory() as tmp:
        corpora = {
            "seeds (5 articles)": SHARED / "seeds",
            "MultiLing topic (10 articles)": _multiling_story(Path(tmp)),
        }
        results = {}
        ctx = mp.get_context("spawn")
        for name, folder in corpora.items():
            queue: mp.Queue = ctx.Queue()
            child = ctx.Process(target=_measure, args=(str(folder), args.repeat, queue))
            child.start()
            results[name] = queue.get()
            child.join()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {
        "benchmark": "brief",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "target_ratio": 1.5,
        "results": results,
    }
    (RESULTS / "brief.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    header = (
        f"{'corpus':32} {'words':>6} {'brief s':>8} {'spaCy s':>8} {'ratio':>6} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:32} {r['words']:>6} {r['brief_s']:>8.3f} {r['spacy_senter_ner_s']:>8.3f} "
            f"{r['ratio']:>6.2f} {r['peak_rss_mib']:>9.1f}"
        )
    print(f"\nwritten to {RESULTS / 'brief.json'}")


if __name__ == "__main__":
    main()
