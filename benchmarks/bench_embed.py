"""Speed and agreement of the embedding backends (all-MiniLM-L6-v2).

Two sentence sets, split by the project's own spaCy sentence splitter
(``newsprism.nlp``): the five seed articles (the reference story), and up to
``--max-sentences`` sentences of the MultiLing 2011 English articles. For each set the
backends run warm, interleaved round by round (the machine is shared, so interleaving
keeps a burst of outside load from landing on one backend only), best of ``--repeat``:

- ``sentence-transformers``: the reference (torch, 2 threads);
- ``onnx-fp32`` and ``onnx-int8``: ONNX Runtime with the default thread count;
- ``onnx-int8 1 thread``: to justify that default on a 2-core machine;
- ``onnx-int8 1 thread, length batches``: the same with batches bounded to 5% padding
  (:data:`newsprism.embed.LENGTH_BATCH_PADDING`) instead of plain batches of
  ``--batch-size`` (what padding costs; off by default, see ``newsprism.embed``);
- ``onnx-int8 1 thread, one sentence per call``: no padding at all, and vectors that no
  longer depend on their batch mates (what the per-call overhead costs);
- with ``--optimizer``, exports that run ONNX Runtime's transformer optimizer
  (``onnxruntime.transformers.optimizer``, BERT, 12 heads, hidden 384) on the fp32 model
  before the same int8 quantisation: ``fused`` (attention, LayerNorm, GELU, embedding
  fused; attention becomes ``QAttention``) and ``fused, no attention`` (LayerNorm, GELU
  only). ONNX Runtime already applies most of these fusions when it loads the plain
  export, so this shows whether doing them offline pays (it did not here).

Reported per backend: seconds, process CPU seconds (all threads), sentences per second,
speed-up over sentence-transformers, mean and minimum cosine to the reference embeddings,
and the mean absolute change of the pairwise cosine matrix (what the align stage
thresholds). The seeds' spaCy senter+ner
pass is timed too, since the whole brief is budgeted against it. Results go to
``benchmarks/results/embed.json``.

    python benchmarks/bench_embed.py [--repeat 3] [--max-sentences 2000]

Needs the ONNX export (``python -m newsprism.embed export``) and torch for the reference.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from newsprism import embed
from newsprism.nlp import load_spacy, paragraphs

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"


def _split(texts: Sequence[str]) -> tuple[list[str], list[str]]:
    """Paragraphs of the texts, and their sentences (spaCy senter)."""
    nlp = load_spacy(parse=False)
    paras = [para for text in texts for _, para in paragraphs(text)]
    sentences = [
        s.text.strip()
        for doc in nlp.pipe(paras, batch_size=64)
        for s in doc.sents
        if s.text.strip()
    ]
    return paras, sentences


def load_sets(max_sentences: int) -> dict[str, tuple[list[str], list[str]]]:
    """``{name: (paragraphs, sentences)}`` for the seeds and the MultiLing articles."""
    seeds = [p.read_text("utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    articles: list[str] = []
    with (SHARED / "multiling2011" / "multiling2011_en.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            articles.extend(doc["text"] for doc in json.loads(line)["documents"])
    multiling_paras, multiling = _split(articles)
    return {"seeds": _split(seeds), "multiling": (multiling_paras, multiling[:max_sentences])}


def optimized_variants(directory: Path) -> dict[str, Path]:
    """Build the ``--optimizer`` exports from the installed fp32 export, one folder each
    (as :class:`newsprism.embed.OnnxEmbedder` loads them: ``model.int8.onnx`` in it)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    fp32 = embed.model_dir() / embed.FP32_FILE
    out: dict[str, Path] = {}
    for name, attention in {"fused": True, "fused, no attention": False}.items():
        options = FusionOptions("bert")
        options.enable_attention = attention
        # opt_level 1: only the transformer fusions; ONNX Runtime adds its own at load
        model = optimize_model(
            str(fp32),
            model_type="bert",
            num_heads=12,
            hidden_size=embed.DIMENSION,
            opt_level=1,
            optimization_options=options,
        )
        folder = directory / name.replace(", ", "-").replace(" ", "-")
        folder.mkdir()
        fused = folder / "fused.onnx"
        model.save_model_to_file(str(fused))
        quantize_dynamic(
            str(fused),
            str(folder / embed.INT8_FILE),
            per_channel=True,
            weight_type=QuantType.QInt8,
            # the fused ops are in the com.microsoft domain: shape inference gives up there
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        out[name] = folder
    return out


def best_of(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def agreement(vectors: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    cosine = (vectors * reference).sum(axis=1)
    pairwise = np.abs(vectors @ vectors.T - reference @ reference.T)
    return {
        "cosine_mean": float(cosine.mean()),
        "cosine_min": float(cosine.min()),
        "pairwise_abs_diff_mean": float(pairwise.mean()),
        "pairwise_abs_diff_max": float(pairwise.max()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-sentences", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--output", type=Path, default=RESULTS / "embed.json")
    parser.add_argument(
        "--optimizer", action="store_true", help="also time transformer-optimizer exports"
    )
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"shared data not found at {SHARED}; nothing to benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        run(args, optimized_variants(Path(tmp)) if args.optimizer else {})


def run(args: argparse.Namespace, variants: dict[str, Path]) -> None:
    """Time every backend on both sentence sets, write the JSON and print the table."""
    sets = load_sets(args.max_sentences)
    backends: dict[str, embed.Embedder] = {
        "sentence-transformers": embed.SentenceTransformersEmbedder(threads=2),
        "onnx-fp32": embed.OnnxEmbedder(quantized=False),
        "onnx-int8": embed.OnnxEmbedder(quantized=True),
        "onnx-int8 1 thread": embed.OnnxEmbedder(quantized=True, threads=1),
        "onnx-int8 1 thread, length batches": embed.OnnxEmbedder(
            quantized=True, threads=1, max_padding=embed.LENGTH_BATCH_PADDING
        ),
        "onnx-int8 1 thread, one sentence per call": embed.OnnxEmbedder(quantized=True, threads=1),
        **{
            f"onnx-int8 {name} 1 thread": embed.OnnxEmbedder(
                quantized=True, threads=1, directory=folder
            )
            for name, folder in variants.items()
        },
    }
    batch_sizes = {"onnx-int8 1 thread, one sentence per call": 1}
    load_seconds = {}
    for name, backend in backends.items():
        started = time.perf_counter()
        backend.warm_up()
        backend.encode(["A warm-up sentence about the talks in Geneva."])
        load_seconds[name] = round(time.perf_counter() - started, 3)

    nlp = load_spacy(parse=False)
    seed_paras = sets["seeds"][0]
    spacy_seconds = best_of(lambda: list(nlp.pipe(seed_paras, batch_size=64)), args.repeat)

    load_before = os.getloadavg()
    results: dict[str, dict[str, dict[str, float]]] = {}
    for set_name, (_, sentences) in sets.items():
        best = {name: float("inf") for name in backends}
        best_cpu = {name: float("inf") for name in backends}
        vectors: dict[str, np.ndarray] = {}
        for _ in range(args.repeat):
            for name, backend in backends.items():
                started, cpu = time.perf_counter(), time.process_time()
                size = batch_sizes.get(name, args.batch_size)
                vectors[name] = backend.encode(sentences, batch_size=size)
                best[name] = min(best[name], time.perf_counter() - started)
                best_cpu[name] = min(best_cpu[name], time.process_time() - cpu)
        reference = vectors["sentence-transformers"]
        results[set_name] = {
            name: {
                "sentences": len(sentences),
                "seconds": round(best[name], 4),
                "cpu_seconds": round(best_cpu[name], 4),
                "sentences_per_second": round(len(sentences) / best[name], 1),
                "speedup_vs_sentence_transformers": round(
                    best["sentence-transformers"] / best[name], 2
                ),
                **{k: round(v, 5) for k, v in agreement(vectors[name], reference).items()},
            }
            for name in backends
        }

    report = {
        "benchmark": "embed",
        "model": embed.MODEL_NAME,
        "batch_size": args.batch_size,
        "repeat": args.repeat,
        "machine": {
            "cpu_count": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "python": platform.python_version(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "default_threads": embed._default_threads(),
        "batch_sizes": {name: batch_sizes.get(name, args.batch_size) for name in backends},
        "load_seconds": load_seconds,
        "spacy_senter_ner_seeds_seconds": round(spacy_seconds, 4),
        "sets": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    _print_table(report)
    print(f"results: {args.output}")


def _print_table(report: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{report['model']} embedding backends (best of {report['repeat']})")
    columns = (
        "set",
        "backend",
        "n",
        "s",
        "CPU s",
        "sent/s",
        "x ST",
        "cos mean",
        "cos min",
        "|Δsim|",
    )
    for column in columns:
        table.add_column(
            column, justify="left" if column in ("set", "backend") else "right", no_wrap=True
        )
    for set_name, rows in report["sets"].items():
        for name, r in rows.items():
            table.add_row(
                set_name,
                name,
                str(r["sentences"]),
                f"{r['seconds']:.3f}",
                f"{r.get('cpu_seconds', float('nan')):.3f}",
                f"{r['sentences_per_second']:.0f}",
                f"{r['speedup_vs_sentence_transformers']:.2f}",
                f"{r['cosine_mean']:.4f}",
                f"{r['cosine_min']:.4f}",
                f"{r['pairwise_abs_diff_mean']:.4f}",
            )
    console = Console(width=140)
    console.print(table)
    console.print(
        f"spaCy senter+ner over the seeds: {report['spacy_senter_ner_seeds_seconds']:.3f} s; "
        f"load average {report['machine']['load_average_before']} -> "
        f"{report['machine']['load_average_after']}"
    )


if __name__ == "__main__":
    main()
