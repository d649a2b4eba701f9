"""Wall time, CPU time and memory of ``brief``, as ratios to spaCy's own senter+ner pass.

For each corpus (the seeds; one 10-article MultiLing story) a fresh child process loads
the models, then runs ``--repeat`` rounds. Each round times, one right after the other
(so that a burst of outside load on a shared machine hits both sides alike):

- the reference: ``en_core_web_sm`` with only ``senter`` and ``ner`` over the same raw
  text, paragraph by paragraph, in spaCy's best configuration (as shipped, or with BLAS
  on one thread: the faster of the two in that round). The shared ``tok2vec`` is left out
  too: only the tagger and parser listen to it, so with them excluded it would embed
  every token for nobody. The pipeline *with* that idle ``tok2vec`` (what this benchmark
  measured before) is timed as well and reported as ``ratio_vs_senter_ner_with_tok2vec``;
- ``brief``: the whole pipeline (read, clean, annotate, embed, align, quotes, entities,
  divergences, framing, timeline, compose) over the files, as ``newsprism brief`` runs it;
- the floor, the two models the issue mandates, each alone: ``spacy_full``, the pipeline
  with the parser (quote attribution needs it) as the brief loads and batches it, over the
  same raw paragraphs as the reference; ``minilm``, the default embedder over exactly the
  sentences the brief embeds (each article's alignment candidates, one chunk per article,
  as the pipeline encodes them; also one sentence per call, without padding, as
  ``minilm_one_per_call``). Their sum is the serial floor and their maximum the floor
  with the two overlapped on two cores (``floor_*_ratio``): how close to the target any
  brief built on these two models can get on this machine.

Reported per corpus: the median wall time of each side and their ratio (target <= 1.5),
the minimum too, the process CPU time of each side and their ratio (all threads; robust
to outside load, and what two cores have to share), the stages of one extra instrumented
run (wall, CPU of all threads, CPU of the main thread), the load average around the runs
and the child's peak RSS. Results go to ``benchmarks/results/brief.json``.

    python benchmarks/bench_brief.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
TARGET_RATIO = 1.5


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


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, process CPU seconds of all threads) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def _stage_profile(folder: str) -> dict[str, dict[str, float]]:
    """Per-stage wall, CPU (all threads) and main-thread CPU of one brief of ``folder``.

    Runs the same two calls as :func:`newsprism.pipeline.brief_paths` with a Timings that
    also reads the CPU clocks. Embedding runs on a worker thread during ``annotate``, so
    that stage's CPU exceeds its main-thread CPU by what MiniLM spent beside spaCy.
    """
    from newsprism import pipeline

    class CpuTimings(pipeline.Timings):
        def __init__(self) -> None:
            super().__init__()
            self.cpu: dict[str, float] = {}
            self.thread: dict[str, float] = {}

        def run(self, stage: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            cpu, thread = time.process_time(), time.thread_time()
            try:
                return super().run(stage, fn, *args, **kwargs)
            finally:
                self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - cpu
                self.thread[stage] = self.thread.get(stage, 0.0) + time.thread_time() - thread

    timings = CpuTimings()
    result = timings.run("read", pipeline.read, [folder])
    pipeline.build_story(result.articles, skipped=result.skipped, timings=timings)
    return {
        stage: {
            "wall": round(timings.seconds[stage], 4),
            "cpu": round(timings.cpu[stage], 4),
            "main_thread_cpu": round(timings.thread[stage], 4),
        }
        for stage in timings.seconds
    }


def _brief_chunks(folder: str) -> list[list[str]]:
    """The sentences the brief embeds: each article's alignment candidates, one chunk each."""
    from newsprism import pipeline
    from newsprism.clean import clean_articles
    from newsprism.config import DEFAULT_CONFIG
    from newsprism.nlp import annotate

    cleaned = tuple(a for a in clean_articles(pipeline.read([folder]).articles) if a.text.strip())
    annotation = annotate(cleaned, model=DEFAULT_CONFIG.spacy_model)
    return [pipeline.candidate_texts(article) for article in annotation.articles]


def _measure(folder: str, repeat: int, queue: mp.Queue) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import spacy
    from threadpoolctl import threadpool_limits

    from newsprism.config import DEFAULT_CONFIG
    from newsprism.embed import get_embedder
    from newsprism.nlp import load_spacy
    from newsprism.pipeline import brief_paths, warm_up

    warm_up(DEFAULT_CONFIG)
    reference = load_spacy(DEFAULT_CONFIG.spacy_model, parse=False)
    full = load_spacy(DEFAULT_CONFIG.spacy_model, parse=True)  # the brief's own pipeline
    embedder = get_embedder(DEFAULT_CONFIG.embedder)
    chunks = _brief_chunks(folder)
    with_tok2vec = spacy.load(
        DEFAULT_CONFIG.spacy_model, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"]
    )
    with_tok2vec.enable_pipe("senter")
    paragraphs = _paragraphs(Path(folder))
    n_words = sum(len(p.split()) for p in paragraphs)

    def best_spacy(nlp: Any) -> tuple[float, float]:
        """spaCy's best configuration this round: as shipped, or BLAS on one thread."""
        shipped = _timed(lambda: list(nlp.pipe(paragraphs, batch_size=64)))
        with threadpool_limits(limits=1, user_api="blas"):
            one = _timed(lambda: list(nlp.pipe(paragraphs, batch_size=64)))
        return min(shipped, one)

    def spacy_as_briefed() -> None:
        """The parser pipeline as ``nlp.annotate`` runs it: BLAS on one thread, its batches."""
        with threadpool_limits(limits=1, user_api="blas"):
            list(full.pipe(paragraphs, batch_size=DEFAULT_CONFIG.spacy_batch_size))

    def minilm(batch_size: int = DEFAULT_CONFIG.batch_size) -> None:
        for chunk in chunks:
            embedder.encode(chunk, batch_size)

    brief_paths([folder])  # one untimed run: first-call caches (tokenizer, lemmas) fill
    load_before = os.getloadavg()
    runs: dict[str, list[tuple[float, float]]] = {
        "reference": [],
        "with_tok2vec": [],
        "brief": [],
        "spacy_full": [],
        "minilm": [],
        "minilm_one_per_call": [],
    }
    minilm()  # warm: first-call allocations of each batch shape
    for _ in range(repeat):
        runs["reference"].append(best_spacy(reference))
        runs["with_tok2vec"].append(best_spacy(with_tok2vec))
        runs["brief"].append(_timed(lambda: brief_paths([folder])))
        runs["spacy_full"].append(_timed(spacy_as_briefed))
        runs["minilm"].append(_timed(minilm))
        runs["minilm_one_per_call"].append(_timed(lambda: minilm(1)))
    load_after = os.getloadavg()
    stages = _stage_profile(folder)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def median(name: str, column: int) -> float:
        return statistics.median(run[column] for run in runs[name])

    def best(name: str) -> float:
        return min(run[0] for run in runs[name])

    ref, ref_cpu = median("reference", 0), median("reference", 1)
    spacy_full, embed_s = median("spacy_full", 0), median("minilm", 0)

    queue.put(
        {
            "words": n_words,
            "paragraphs": len(paragraphs),
            "repeat": repeat,
            "brief_s": round(median("brief", 0), 4),
            "spacy_senter_ner_s": round(median("reference", 0), 4),
            "ratio": round(median("brief", 0) / median("reference", 0), 3),
            "ratio_best_of_runs": round(best("brief") / best("reference"), 3),
            "spacy_senter_ner_with_tok2vec_s": round(median("with_tok2vec", 0), 4),
            "ratio_vs_senter_ner_with_tok2vec": round(
                median("brief", 0) / median("with_tok2vec", 0), 3
            ),
            "brief_cpu_s": round(median("brief", 1), 4),
            "spacy_senter_ner_cpu_s": round(median("reference", 1), 4),
            "cpu_ratio": round(median("brief", 1) / median("reference", 1), 3),
            "floor": {
                "minilm_sentences": sum(len(chunk) for chunk in chunks),
                "minilm_chunks": len(chunks),
                "minilm_threads": getattr(embedder, "threads", None) or "default",
                "minilm_s": round(embed_s, 4),
                "minilm_cpu_s": round(median("minilm", 1), 4),
                "minilm_ratio": round(embed_s / ref, 3),
                # no padding, one sentence per call: faster, but other int8 vectors
                "minilm_one_per_call_s": round(median("minilm_one_per_call", 0), 4),
                "minilm_one_per_call_ratio": round(median("minilm_one_per_call", 0) / ref, 3),
                "minilm_one_per_call_cpu_s": round(median("minilm_one_per_call", 1), 4),
                "spacy_full_s": round(spacy_full, 4),
                "spacy_full_cpu_s": round(median("spacy_full", 1), 4),
                "spacy_full_ratio": round(spacy_full / ref, 3),
                "floor_serial_ratio": round((spacy_full + embed_s) / ref, 3),
                "floor_overlapped_ratio": round(max(spacy_full, embed_s) / ref, 3),
                # CPU seconds of all threads: what two shared cores have to find, and
                # robust to outside load (wall times stretch with it)
                "minilm_cpu_ratio": round(median("minilm", 1) / ref_cpu, 3),
                "spacy_full_cpu_ratio": round(median("spacy_full", 1) / ref_cpu, 3),
                "floor_serial_cpu_ratio": round(
                    (median("spacy_full", 1) + median("minilm", 1)) / ref_cpu, 3
                ),
                "brief_minus_floor_serial_s": round(median("brief", 0) - spacy_full - embed_s, 4),
            },
            "runs": {
                name: [{"wall": round(w, 4), "cpu": round(c, 4)} for w, c in values]
                for name, values in runs.items()
            },
            "load_average": {"before": load_before, "after": load_after},
            "peak_rss_mib": round(peak_mib, 1),
            "stages": stages,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
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
        "target_ratio": TARGET_RATIO,
        "results": results,
    }
    (RESULTS / "brief.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    _print_table(results)
    print(f"\nwritten to {RESULTS / 'brief.json'}")


def _print_table(results: dict[str, dict[str, Any]]) -> None:
    header = (
        f"{'corpus':30} {'words':>5} {'brief s':>7} {'spaCy s':>7} {'ratio':>5} "
        f"{'(w/ t2v)':>8} {'CPU s':>6} {'spaCy CPU':>9} {'CPU ratio':>9} {'peak MiB':>8}"
    )
    print(f"median of the runs; spaCy = senter+ner; target ratio <= {TARGET_RATIO}")
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        print(
            f"{name:30} {r['words']:>5} {r['brief_s']:>7.3f} {r['spacy_senter_ner_s']:>7.3f} "
            f"{r['ratio']:>5.2f} {r['ratio_vs_senter_ner_with_tok2vec']:>8.2f} "
            f"{r['brief_cpu_s']:>6.3f} {r['spacy_senter_ner_cpu_s']:>9.3f} "
            f"{r['cpu_ratio']:>9.2f} {r['peak_rss_mib']:>8.1f}"
        )
    print(
        "\nthe floor, each alone as a ratio to senter+ner: spaCy with the parser (as the brief "
        "runs it), MiniLM over the brief's sentences (default threads)"
    )
    header = (
        f"{'corpus':30} {'sents':>5} {'MiniLM s':>8} {'ratio':>5} {'MiniLM CPU':>10} "
        f"{'1/call ratio':>12} {'spaCy+parser s':>14} {'ratio':>5} {'sum ratio':>9} "
        f"{'max ratio':>9} {'brief':>5} {'CPU: sum ratio':>14} {'brief':>5}"
    )
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        f = r["floor"]
        print(
            f"{name:30} {f['minilm_sentences']:>5} {f['minilm_s']:>8.3f} "
            f"{f['minilm_ratio']:>5.2f} {f['minilm_cpu_s']:>10.3f} "
            f"{f['minilm_one_per_call_ratio']:>12.2f} {f['spacy_full_s']:>14.3f} "
            f"{f['spacy_full_ratio']:>5.2f} {f['floor_serial_ratio']:>9.2f} "
            f"{f['floor_overlapped_ratio']:>9.2f} {r['ratio']:>5.2f} "
            f"{f['floor_serial_cpu_ratio']:>14.2f} {r['cpu_ratio']:>5.2f}"
        )
    for name, r in results.items():
        la = r["load_average"]
        print(f"load average, {name}: {la['before'][0]:.2f} before, {la['after'][0]:.2f} after")
    for name, r in results.items():
        print(f"\nstages of one run, {name} (seconds):")
        print(f"  {'stage':12} {'wall':>6} {'CPU':>6} {'main-thread CPU':>15}")
        for stage, t in r["stages"].items():
            print(f"  {stage:12} {t['wall']:>6.3f} {t['cpu']:>6.3f} {t['main_thread_cpu']:>15.3f}")


if __name__ == "__main__":
    main()
