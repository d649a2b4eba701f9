"""Online story clustering at scale: throughput and peak memory at 10k, 100k and 1M articles.

**The stream.** Large sets are built by recombining real sentences from ``../shared/data``
(ECB+, Multi-News validation sample, NeuS, MultiLing 2011: about 630 real stories). Each
*synthetic story* draws its sentences from a fixed random subset of one real story's
sentences and adds fresh tokens of its own (two person surnames, a place, an event word),
so the gold story of every article is known. Synthetic stories take the real stories in
turn (a shuffled cycle), so a real story comes back only after every other has been
used: at the default 500 articles a day (about 70 stories a day over about 445 real
ones) that is six days later, after its previous use has closed; telling the two apart
is then the window's job. Articles arrive in time order (stories start uniformly over the
span and last up to three days), so the time window closes stories and the open set
stays bounded.

**What is timed.** Only :meth:`newsprism.cluster.OnlineClusterer.assign`, the real online
code path (IDF update, vector, blocking, average-link scoring, merges, window), with the
default :class:`~newsprism.cluster.ClusterConfig` except ``window_days`` (3 days here).
Each article's signals are precomputed per real sentence, once, with the project's own
helpers (spaCy NER through ``newsprism.nlp``, tokens through
:func:`newsprism.cluster.assemble_tokens`), and its dense vector is the normalised mean of
its lead sentences' MiniLM vectors (every real sentence embedded once): MiniLM on a
million leads would take hours here. The NER and embedding cost per article that a real
ingest adds is measured separately on real articles and reported beside the clustering
cost.

**Memory.** Each size runs in a fresh worker process. Peak memory is the process's peak
resident set during clustering (Linux ``VmHWM``, reset through ``/proc/self/clear_refs``
before the run) minus its resident set before it, and the peak of all Python allocations
(``tracemalloc``) with ``--tracemalloc`` (which slows the run, so timings are then taken
from an untraced run of the same size).

**Growth.** The per-article cost at each size is compared with the smallest size (same
run), and the growth exponent is the slope of log(time) against log(n): 1 is linear.

    python benchmarks/bench_cluster_scale.py --sizes 10000 100000 1000000

Writes ``benchmarks/results/cluster_scale.json`` and prints a table. The corpus of real
sentences (tokens and vectors, never copied into the repository) is cached under
``~/.cache/newsprism/bench``.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import pickle
import platform
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from newsprism.cluster import (
    DEFAULT_CLUSTER_CONFIG,
    ArticleSignals,
    OnlineClusterer,
    assemble_tokens,
    entity_token,
    person_token,
    word_tokens,
    year_tokens,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
CACHE = Path(os.environ.get("NEWSPRISM_HOME", Path.home() / ".cache" / "newsprism")) / "bench"
SOURCES = (
    "ecbplus/ecbplus_train_dev.jsonl",
    "multinews/multinews_validation_sample250.jsonl",
    "neus/neus_val.jsonl",
    "multiling2011/multiling2011_en.jsonl",
)
CORPUS_VERSION = 2
POOL_PER_STORY = 60  # sentences kept per real story
SUBSET_PER_STORY = 14  # sentences a synthetic story draws its articles from
SENTENCES_PER_ARTICLE = (4, 8)
LEAD = 4  # lead sentences: their mean vector is the article's dense vector
CONFIG = replace(DEFAULT_CLUSTER_CONFIG, window_days=3.0)


# --------------------------------------------------------------------------- real corpus


@dataclass(frozen=True, slots=True)
class RealSentence:
    """What clustering needs from one real sentence (no text kept)."""

    words: tuple[str, ...]
    entities: tuple[str, ...]
    persons: tuple[str, ...]
    years: tuple[str, ...]


@dataclass(frozen=True)
class Corpus:
    """Real stories as lists of sentence indices, the sentences, and their vectors."""

    stories: tuple[tuple[int, ...], ...]
    sentences: tuple[RealSentence, ...]
    vectors: np.ndarray  # float32, one row per sentence, L2-normalised


def _source_files() -> list[Path]:
    found = [SHARED / name for name in SOURCES if (SHARED / name).is_file()]
    if not found:
        raise SystemExit(f"no evaluation data under {SHARED}; see ../shared/data/README.md")
    return found


def _cache_path(files: Sequence[Path]) -> Path:
    key = hashlib.sha256()
    key.update(str(CORPUS_VERSION).encode())
    for path in files:
        key.update(f"{path.name}:{path.stat().st_size}".encode())
    return CACHE / f"cluster_corpus_{key.hexdigest()[:16]}.pkl"


def real_articles() -> list[list]:
    """The real stories' articles (cleaned like ingest does), grouped by gold story."""
    from newsprism.eval.clusters import load_gold

    pile = load_gold(_source_files())
    articles = list(pile.articles)
    if pile.raw:
        from newsprism.clean import clean_articles

        cleaned = iter(clean_articles([a for a in articles if a.id in pile.raw]))
        articles = [next(cleaned) if a.id in pile.raw else a for a in articles]
    grouped: dict[str, list] = {}
    for article in articles:
        grouped.setdefault(pile.gold[article.id], []).append(article)
    return list(grouped.values())


def build_corpus(files: Sequence[Path]) -> Corpus:
    """Split, NER-tag and embed every real story's sentences once."""
    from newsprism.embed import get_embedder
    from newsprism.nlp import ENTITY_LABELS, load_spacy

    nlp = load_spacy(CONFIG.spacy_model, parse=False)
    stories: list[tuple[int, ...]] = []
    sentences: list[RealSentence] = []
    texts: list[str] = []
    for story in real_articles():
        members: list[int] = []
        docs = nlp.pipe((a.text[: CONFIG.ner_chars] for a in story), batch_size=32)
        for doc in docs:
            for sent in doc.sents:
                text = sent.text.strip()
                if len(text.split()) < 4 or len(members) >= POOL_PER_STORY:
                    continue
                ents = [e for e in sent.ents if e.label_ in ENTITY_LABELS or e.label_ == "DATE"]
                persons = (person_token(e.text) for e in ents if e.label_ == "PERSON")
                members.append(len(sentences))
                sentences.append(
                    RealSentence(
                        tuple(word_tokens(text)),
                        tuple(entity_token(e.text) for e in ents if e.text.strip()),
                        tuple(p for p in persons if p),
                        tuple(year_tokens(text)),
                    )
                )
                texts.append(text)
        if len(members) >= SENTENCES_PER_ARTICLE[1]:
            stories.append(tuple(members))
    vectors = get_embedder(CONFIG.embedder).encode(texts).astype(np.float32)
    return Corpus(tuple(stories), tuple(sentences), vectors)


def load_corpus() -> Corpus:
    """The cached corpus, built on first use."""
    files = _source_files()
    path = _cache_path(files)
    if path.is_file():
        with path.open("rb") as handle:
            stories, sentences, vectors = pickle.load(handle)
        return Corpus(stories, tuple(RealSentence(*s) for s in sentences), vectors)
    started = time.perf_counter()
    corpus = build_corpus(files)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Plain tuples, so the cache loads whichever module name this script runs under.
    plain = [(s.words, s.entities, s.persons, s.years) for s in corpus.sentences]
    with path.open("wb") as handle:
        pickle.dump((corpus.stories, plain, corpus.vectors), handle, protocol=5)
    print(
        f"built the sentence corpus ({len(corpus.stories)} real stories, "
        f"{len(corpus.sentences)} sentences) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return corpus


def nlp_cost(sample: int) -> dict[str, float]:
    """Seconds per article of what a real ingest adds before clustering: NER + MiniLM.

    Runs :func:`newsprism.cluster.extract_signals` (spaCy NER) and the embedder on the
    leads of ``sample`` real articles, as :meth:`OnlineClusterer.add_many` does.
    """
    from newsprism.cluster import extract_signals
    from newsprism.embed import get_embedder
    from newsprism.nlp import load_spacy

    articles = [a for story in real_articles() for a in story]
    articles = random.Random(7).sample(articles, min(sample, len(articles)))
    load_spacy(CONFIG.spacy_model, parse=False)
    embedder = get_embedder(CONFIG.embedder)
    embedder.encode(["warm up"])
    started = time.perf_counter()
    signals = extract_signals(articles, CONFIG)
    ner = time.perf_counter() - started
    started = time.perf_counter()
    embedder.encode([s.lead or " " for s in signals])
    embed = time.perf_counter() - started
    return {
        "articles": len(articles),
        "ner_s_per_article": ner / len(articles),
        "embed_s_per_article": embed / len(articles),
    }


# --------------------------------------------------------------------------- synthetic stream


@dataclass(frozen=True)
class Plan:
    """Which synthetic story each article belongs to and when it arrives (time order)."""

    story: np.ndarray  # int64 synthetic story of each article
    day: np.ndarray  # float64 days since the stream's start


def plan_stream(n: int, per_day: float, seed: int) -> Plan:
    """Story sizes (geometric, mean about 7), starts uniform, each lasting <= 3 days."""
    rng = np.random.default_rng(seed)
    sizes = np.minimum(rng.geometric(1 / 7, size=n), 60)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    sizes[-1] -= int(sizes.sum() - n)
    sizes = sizes[sizes > 0]
    span = n / per_day
    starts = np.sort(rng.uniform(0.0, span, size=len(sizes)))  # story ids in start order
    story = np.repeat(np.arange(len(sizes)), sizes)
    day = np.repeat(starts, sizes) + np.minimum(rng.exponential(0.6, size=n), 3.0)
    order = np.argsort(day, kind="stable")
    return Plan(story[order], day[order])


@dataclass
class _Story:
    subset: list[int]
    fresh_words: list[str]
    fresh_entities: list[str]
    fresh_persons: list[str]
    left: int


def stream(corpus: Corpus, plan: Plan, seed: int) -> Iterator[tuple[ArticleSignals, np.ndarray]]:
    """Signals and dense vectors of the planned articles, generated lazily in time order."""
    remaining = np.bincount(plan.story)
    # Synthetic stories take the real stories in turn (a shuffled cycle, in start order),
    # so one real story is reused only after all the others: at the default rate, days
    # after its previous use has closed.
    cycle = np.random.default_rng(seed).permutation(len(corpus.stories))
    active: dict[int, _Story] = {}
    base_day = 19000.0  # a 2022 date: days since the epoch, as ArticleSignals.day is
    for index in range(len(plan.story)):
        sid = int(plan.story[index])
        story = active.get(sid)
        if story is None:
            base = corpus.stories[int(cycle[sid % len(cycle)])]
            story = _new_story(base, sid, seed, int(remaining[sid]))
            active[sid] = story
        rng = random.Random(seed * 1_000_003 + index)
        count = rng.randint(*SENTENCES_PER_ARTICLE)
        chosen = rng.sample(story.subset, min(count, len(story.subset)))
        if rng.random() < 0.3:  # a background sentence from an unrelated story
            other = corpus.stories[rng.randrange(len(corpus.stories))]
            chosen.append(other[rng.randrange(len(other))])
        yield _article(corpus, story, chosen, rng, f"a{index}", base_day + plan.day[index])
        story.left -= 1
        if story.left == 0:
            del active[sid]


def _new_story(base: tuple[int, ...], sid: int, seed: int, size: int) -> _Story:
    rng = random.Random(seed * 7_919 + sid)
    subset = rng.sample(base, min(SUBSET_PER_STORY, len(base)))
    tag = f"x{sid:x}"
    return _Story(
        subset,
        [f"{tag}town", f"{tag}event"],
        [entity_token(f"{tag}town"), entity_token(f"Ann {tag}a"), entity_token(f"Bo {tag}b")],
        [f"p:{tag}a", f"p:{tag}b"],
        size,
    )


def _article(
    corpus: Corpus,
    story: _Story,
    chosen: list[int],
    rng: random.Random,
    article_id: str,
    day: float,
) -> tuple[ArticleSignals, np.ndarray]:
    parts = [corpus.sentences[i] for i in chosen]
    fresh = [i for i in range(3) if rng.random() < 0.8]
    body = [w for p in parts for w in p.words] + [story.fresh_words[i % 2] for i in fresh]
    lead = [w for p in parts[:LEAD] for w in p.words]
    entities = [e for p in parts for e in p.entities] + [story.fresh_entities[i] for i in fresh]
    persons = [x for p in parts for x in p.persons]
    persons += [story.fresh_persons[i - 1] for i in fresh if i > 0]
    tokens = assemble_tokens(
        body,
        lead + story.fresh_words[:1],
        [w for p in parts[:2] for w in p.words],
        entities,
        persons,
        [y for p in parts for y in p.years],
        CONFIG,
    )
    vector = corpus.vectors[chosen[:LEAD]].mean(axis=0)
    vector /= np.linalg.norm(vector) or 1.0
    signal = ArticleSignals(article_id, tokens, tuple(entities), "", day)
    return signal, vector


# --------------------------------------------------------------------------- measuring


def _status(field: str) -> int:
    """A ``/proc/self/status`` memory field in bytes (0 when unavailable)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def b_cubed_f1(predicted: dict[str, str], gold: dict[str, int]) -> dict[str, float]:
    from newsprism.eval.clusters import b_cubed

    score = b_cubed(predicted, gold)
    return {"precision": score.precision, "recall": score.recall, "f1": score.f1}


def run_size(n: int, per_day: float, seed: int, traced: bool) -> dict[str, float]:
    """Cluster one synthetic stream of ``n`` articles; time and memory of the clustering."""
    corpus = load_corpus()
    plan = plan_stream(n, per_day, seed)
    gc.collect()
    rss_before = _status("VmRSS")
    _reset_peak()
    if traced:
        tracemalloc.start()
    clusterer = OnlineClusterer(config=CONFIG)
    assign_s = 0.0
    new_stories = 0
    open_peak = 0
    index = -1
    wall = time.perf_counter()
    for index, (signal, vector) in enumerate(stream(corpus, plan, seed)):
        tick = time.perf_counter()
        assignment = clusterer.assign(signal, vector)
        assign_s += time.perf_counter() - tick
        new_stories += assignment.new_story
        if index % 1000 == 0:
            open_peak = max(open_peak, clusterer.open_stories)
    wall_s = time.perf_counter() - wall
    generated = index + 1
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    peak_rss = _status("VmHWM")
    snapshot = clusterer.snapshot()
    gold = {f"a{i}": int(plan.story[i]) for i in range(n)}
    predicted = snapshot.story_of()
    return {
        "articles": n,
        "generated": generated,
        "days": float(plan.day.max() - plan.day.min()),
        "gold_stories": len(np.unique(plan.story)),
        "predicted_stories": len(snapshot.stories),
        "merges": len(snapshot.merges),
        "open_stories_peak": open_peak,
        "assign_s": assign_s,
        "wall_s": wall_s,
        "generate_s": wall_s - assign_s,  # building the synthetic signals, not timed
        "articles_per_s": n / assign_s,
        "us_per_article": 1e6 * assign_s / n,
        "rss_before_mb": rss_before / 2**20,
        "peak_rss_mb": peak_rss / 2**20,
        "peak_rss_growth_mb": max(peak_rss - rss_before, 0) / 2**20,
        "tracemalloc_peak_mb": traced_peak / 2**20 if traced else None,
        "b_cubed": b_cubed_f1(predicted, gold),
        "vocabulary": len(clusterer._df),
    }


def _worker(n: int, per_day: float, seed: int, traced: bool) -> dict[str, float]:
    """Run one size in a fresh process, so its peak memory is its own."""
    command = [
        sys.executable,
        __file__,
        "--worker",
        str(n),
        "--per-day",
        str(per_day),
        "--seed",
        str(seed),
    ]
    if traced:
        command.append("--tracemalloc")
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def growth_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float | None:
    """Slope of log(time) against log(n) (least squares); 1.0 is linear growth."""
    if len(sizes) < 2:
        return None
    slope, _ = np.polyfit(np.log(sizes), np.log(seconds), 1)
    return float(slope)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--per-day", type=float, default=500.0, help="articles a day")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nlp-sample", type=int, default=200, help="articles for NER cost")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also measure the traced Python peak (a second, traced run per size)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "cluster_scale.json")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_size(args.worker, args.per_day, args.seed, args.tracemalloc)))
        return
    corpus = load_corpus()
    runs = []
    for n in sorted(args.sizes):
        print(f"clustering {n} articles...", file=sys.stderr, flush=True)
        run = _worker(n, args.per_day, args.seed, False)
        if args.tracemalloc:
            run["tracemalloc_peak_mb"] = _worker(n, args.per_day, args.seed, True)[
                "tracemalloc_peak_mb"
            ]
        runs.append(run)
    reference = runs[0]["us_per_article"]
    for run in runs:
        run["cost_ratio_vs_smallest"] = run["us_per_article"] / reference
    exponent = growth_exponent([r["articles"] for r in runs], [r["assign_s"] for r in runs])
    nlp = nlp_cost(args.nlp_sample)
    report = {
        "benchmark": "online story clustering at scale",
        "config": {"window_days": CONFIG.window_days, "per_day": args.per_day, "seed": args.seed},
        "corpus": {
            "real_stories": len(corpus.stories),
            "real_sentences": len(corpus.sentences),
            "sources": list(SOURCES),
        },
        "signals": "precomputed per real sentence; dense = mean of lead sentence vectors",
        "runs": runs,
        "growth_exponent": exponent,
        "nlp_cost": nlp,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _print_table(report)
    print(f"results: {args.output}")


def _print_table(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(
        title=(
            "Online clustering at scale (precomputed signals; growth exponent "
            f"{report['growth_exponent'] or float('nan'):.2f})"
        )
    )
    for column in (
        "articles",
        "days",
        "articles/s",
        "µs/article",
        "x smallest",
        "peak RSS MB",
        "RSS growth MB",
        "traced MB",
        "open peak",
        "B³ F1",
    ):
        table.add_column(column, justify="right")
    for run in report["runs"]:
        traced = run.get("tracemalloc_peak_mb")
        table.add_row(
            f"{run['articles']:,}",
            f"{run['days']:.0f}",
            f"{run['articles_per_s']:,.0f}",
            f"{run['us_per_article']:,.0f}",
            f"{run['cost_ratio_vs_smallest']:.2f}",
            f"{run['peak_rss_mb']:,.0f}",
            f"{run['peak_rss_growth_mb']:,.0f}",
            "-" if traced is None else f"{traced:,.0f}",
            f"{run['open_stories_peak']:,}",
            f"{run['b_cubed']['f1']:.3f}",
        )
    nlp = report["nlp_cost"]
    console = Console(width=140)
    console.print(table)
    console.print(
        f"NER {1e3 * nlp['ner_s_per_article']:.1f} ms/article and MiniLM "
        f"{1e3 * nlp['embed_s_per_article']:.1f} ms/article on {nlp['articles']} real "
        "articles (not included above)"
    )


if __name__ == "__main__":
    main()
