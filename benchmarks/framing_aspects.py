"""Which aspect assigner of the framing profile works: lexicon or MiniLM descriptions?

Hand labels (``benchmarks/data/seed_aspects.json``: one aspect, or none, per sentence of
the cleaned seed articles) are compared with the two assigners of
:mod:`newsprism.framing`:

- ``lexicon``: the aspect whose lemmas the sentence uses most;
- ``embedding``: the aspect whose description is nearest in MiniLM space (every sentence
  embedded, short ones too);
- ``majority``: every sentence labelled with the most frequent label (the floor any
  assigner must beat).

Reported per method: sentence accuracy, word-weighted accuracy (the profile reports word
shares) and macro-F1 over the aspects present in the labels. Results go to
``benchmarks/results/framing_aspects.json``.

    python benchmarks/framing_aspects.py
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
RESULTS = ROOT / "benchmarks" / "results"
LABELS = ROOT / "benchmarks" / "data" / "seed_aspects.json"


def _macro_f1(gold: list[str | None], pred: list[str | None]) -> float:
    classes = sorted({g for g in gold if g is not None})
    scores = []
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def main() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from newsprism.clean import clean_articles
    from newsprism.embed import get_embedder
    from newsprism.framing import article_aspects, aspect_vectors
    from newsprism.nlp import annotate
    from newsprism.pipeline import read

    labels = json.loads(LABELS.read_text("utf-8"))["labels"]
    annotation = annotate(clean_articles(read([SHARED / "seeds"]).articles))
    embedder = get_embedder("onnx")
    matrix = aspect_vectors(embedder)
    gold: list[str | None] = []
    words: list[int] = []
    predicted: dict[str, list[str | None]] = {"lexicon": [], "embedding": []}
    drift = 0
    for article in annotation.articles:
        rows = labels.get(article.outlet)
        if rows is None or len(rows) != len(article.sentences):
            drift += len(article.sentences)
            continue
        vectors = dict(
            zip(
                (s.span for s in article.sentences),
                embedder.encode([s.text for s in article.sentences]),
                strict=True,
            )
        )
        docs = annotation.docs[article.id]
        lexicon = article_aspects(article, docs, method="lexicon")
        embedded = article_aspects(
            article, docs, method="embedding", vectors=vectors, aspect_matrix=matrix
        )
        for row, (sentence, lex), (_s, emb) in zip(rows, lexicon, embedded, strict=True):
            if hashlib.sha1(sentence.text.encode()).hexdigest()[:12] != row["sha1"]:
                drift += 1
                continue
            gold.append(row["aspect"])
            words.append(len(sentence.text.split()))
            predicted["lexicon"].append(lex)
            predicted["embedding"].append(emb)
    majority = Counter(gold).most_common(1)[0][0]
    predicted["majority"] = [majority] * len(gold)
    results: dict[str, dict[str, float]] = {}
    for method, pred in predicted.items():
        hits = [g == p for g, p in zip(gold, pred, strict=True)]
        results[method] = {
            "sentence_accuracy": round(sum(hits) / len(hits), 3),
            "word_accuracy": round(
                sum(w for w, h in zip(words, hits, strict=True) if h) / sum(words), 3
            ),
            "macro_f1": round(_macro_f1(gold, pred), 3),
        }
    out = {
        "labelled_sentences": len(gold),
        "sentences_skipped_for_drift": drift,
        "label_distribution": dict(Counter(str(g) for g in gold)),
        "methods": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "framing_aspects.json").write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    print(f"{len(gold)} labelled sentences ({drift} skipped: text changed since labelling)")
    print(f"{'method':<10} {'sent acc':>9} {'word acc':>9} {'macro F1':>9}")
    for method, r in results.items():
        print(
            f"{method:<10} {r['sentence_accuracy']:>9.3f} {r['word_accuracy']:>9.3f} "
            f"{r['macro_f1']:>9.3f}"
        )


if __name__ == "__main__":
    main()
