"""Training the reported-speech models on the PolNeAR train split.

``newsprism eval quotes-train ../shared/data/polnear/polnear_train.jsonl`` parses the
articles with the project's spaCy pipeline, finds the head token of every gold cue,
and fits the two logistic models of :mod:`newsprism.attribution`:

* cue model: every token outside quotation marks is an example, positive when it heads
  a gold cue (the cue token whose syntactic head lies outside the cue span);
* content model: for each gold cue head, every content candidate is an example,
  positive when it overlap-matches the gold content (the token overlap rule of
  :mod:`newsprism.eval.quotes`: shared tokens >= 0.5 of the longer span).

Only the train split is used; dev is for reporting (``newsprism eval quotes``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.attribution import (
    MODEL_FILE,
    AttributionModel,
    FeatureRows,
    Pieces,
    fit_linear,
    training_rows,
)
from newsprism.eval.quotes import (
    BATCH_ARTICLES,
    GoldQuote,
    load_polnear,
    overlap,
    span_tokens,
    token_offsets,
)
from newsprism.model import Article

if TYPE_CHECKING:
    from spacy.tokens import Token

    from newsprism.nlp import ParsedParagraph

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]

#: Cue probability above which a token counts as a cue (chosen on a held-out half of
#: the train split: the best overall overlap F1 there).
DEFAULT_THRESHOLD = 0.4
#: Inverse regularisation strength of both models.
DEFAULT_C = 1.0


def gold_cue_heads(
    paragraphs: Sequence[ParsedParagraph], gold: Sequence[GoldQuote]
) -> dict[tuple[int, int], GoldQuote]:
    """``(paragraph index, token index)`` of each gold cue's head token -> its attribution.

    The head is the first cue token whose syntactic head lies outside the cue ("said"
    in "said in a statement", "according" in "according to").
    """
    out: dict[tuple[int, int], GoldQuote] = {}
    for quote in gold:
        tokens: list[tuple[int, Token]] = []
        for p_index, para in enumerate(paragraphs):
            for token in para.doc:
                start = para.offset + token.idx
                if not token.is_space and any(
                    start >= s and start + len(token.text) <= e for s, e in quote.cue
                ):
                    tokens.append((p_index, token))
        inside = {(p, t.i) for p, t in tokens}
        for p_index, token in tokens:
            if (p_index, token.head.i) not in inside or token.head.i == token.i:
                out.setdefault((p_index, token.i), quote)
                break
    return out


def _pieces_chars(offset: int, pieces: Pieces) -> list[tuple[int, int]]:
    out = []
    for piece in pieces:
        words = [t for t in piece if not t.is_space]
        if words:
            out.append((offset + words[0].idx, offset + words[-1].idx + len(words[-1].text)))
    return out


def article_rows(
    article: Article, gold: Sequence[GoldQuote], paragraphs: Sequence[ParsedParagraph]
) -> tuple[FeatureRows, list[bool], FeatureRows, list[bool]]:
    """Training rows of one article (cue rows, labels, content rows, labels)."""
    from newsprism.quotes import scan_quotations

    heads = gold_cue_heads(paragraphs, gold)
    tokens = token_offsets(article.text)
    rows: tuple[FeatureRows, list[bool], FeatureRows, list[bool]] = ([], [], [], [])
    for p_index, para in enumerate(paragraphs):
        quotations = scan_quotations(para.doc.text)
        candidates = [
            t for t in para.doc if not any(q.open <= t.idx < q.region_end for q in quotations)
        ]

        def matcher(token: Token, p_index: int = p_index, offset: int = para.offset):
            quote = heads.get((p_index, token.i))
            if quote is None:
                return None
            gold_set = span_tokens(tokens, quote.contents)

            def matches(pieces: Pieces) -> float:
                return overlap(span_tokens(tokens, _pieces_chars(offset, pieces)), gold_set)

            return matches

        part = training_rows(candidates, matcher)
        for into, rows_of in zip(rows, part, strict=True):
            into.extend(rows_of)  # type: ignore[attr-defined]
    return rows


def fit_model(
    examples: Iterable[tuple[Article, Sequence[GoldQuote], Sequence[ParsedParagraph]]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    c: float = DEFAULT_C,
    about: dict[str, object] | None = None,
) -> AttributionModel:
    """Fit both models on parsed, gold-annotated articles."""
    cue_rows: FeatureRows = []
    cue_labels: list[bool] = []
    content_rows: FeatureRows = []
    content_labels: list[bool] = []
    articles = 0
    for article, gold, paragraphs in examples:
        a, b, c_rows, d = article_rows(article, gold, paragraphs)
        cue_rows += a
        cue_labels += b
        content_rows += c_rows
        content_labels += d
        articles += 1
    logger.info(
        "training on %d articles: %d cue rows (%d positive), %d content rows",
        articles,
        len(cue_rows),
        sum(cue_labels),
        len(content_rows),
    )
    info = {
        "articles": articles,
        "cue_examples": len(cue_rows),
        "cue_positives": sum(cue_labels),
        "content_examples": len(content_rows),
        "C": c,
        **(about or {}),
    }
    return AttributionModel(
        fit_linear(cue_rows, cue_labels, c=c),
        fit_linear(content_rows, content_labels, c=c),
        threshold,
        info,
    )


def packaged_model_path() -> Path:
    """Where the package keeps its model (``src/newsprism/data/attribution.json.gz``)."""
    import newsprism

    return Path(newsprism.__file__).resolve().parent / "data" / MODEL_FILE


def train_attribution_model(
    dataset_path: str | Path,
    out_path: str | Path | None = None,
    *,
    limit: int | None = None,
    progress: Progress | None = None,
) -> AttributionModel:
    """Parse a PolNeAR train file, fit the models, and write them (JSON) if asked.

    Args:
        dataset_path: ``../shared/data/polnear/polnear_train.jsonl``.
        out_path: where to write the model; the packaged file is
            ``src/newsprism/data/attribution.json.gz``.
        limit: train on the first ``limit`` articles only.
        progress: called with ``(articles parsed, articles total)``.
    """
    from newsprism.nlp import annotate

    began = time.perf_counter()
    records = load_polnear(dataset_path, limit=limit)
    parsed: list[tuple[Article, Sequence[GoldQuote], Sequence[ParsedParagraph]]] = []
    for start in range(0, len(records), BATCH_ARTICLES):
        batch = records[start : start + BATCH_ARTICLES]
        annotation = annotate([article for article, _ in batch])
        parsed.extend((a, g, annotation.docs[a.id]) for a, g in batch)
        if progress is not None:
            progress(len(parsed), len(records))
    model = fit_model(
        parsed,
        about={
            "trained_on": Path(dataset_path).name,
            "corpus": "PolNeAR (Newell, Margolin & Ruths, LREC 2018), train split",
        },
    )
    logger.info("trained the attribution model in %.1f s", time.perf_counter() - began)
    if out_path is not None:
        model.save(out_path)
    return model


__all__ = [
    "DEFAULT_C",
    "DEFAULT_THRESHOLD",
    "article_rows",
    "fit_model",
    "gold_cue_heads",
    "packaged_model_path",
    "train_attribution_model",
]
