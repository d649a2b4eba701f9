"""Scoring the stories of a store against the gold stories of the files it was fed.

The gold story of each stored article is found from the file it was read from: the
store keeps each article's ``source`` (``file.jsonl:LINE`` or ``file.jsonl:LINE#doc_id``),
and the dataset files say which story each line belongs to:

* an ECB+ line (``subtopic`` field): the subtopic, one real-world event;
* a shared-schema line (``documents``): the line's story (its ``id``);
* a folder of article files (such as ``seeds/``): the folder is one story;
* any other file: the file is one story.

The files are read again with the same readers the ingest used, so article ids match.
B-cubed and pairwise precision/recall/F1 come from :mod:`newsprism.eval.clusters`, over the
stored articles that have a gold story, for the whole pile, for each file, and for each
split of a file that has splits (ECB+ ``dev`` is where its target is set).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.errors import InputError
from newsprism.eval.clusters import PRF, b_cubed, pairwise
from newsprism.eval.datasets import json_lines

if TYPE_CHECKING:
    from rich.table import Table

    from newsprism.store import Store

_HINT = (
    "give the files or folders the store was fed: ECB+ JSONL, shared-schema JSONL "
    "(../shared/data/README.md), or folders of article files"
)


@dataclass(frozen=True, slots=True)
class GoldLabels:
    """Gold story of each article id, the dataset (file or folder) it came from, and its
    split where the file has them (ECB+: ``train``/``dev``)."""

    story: dict[str, str]
    dataset: dict[str, str]
    split: dict[str, str]


def _line_labels(path: Path) -> dict[int, tuple[str, str]]:
    labels: dict[int, tuple[str, str]] = {}
    for number, record in json_lines(path, _HINT):
        split = str(record.get("split", ""))
        if "subtopic" in record:
            labels[number] = (f"{path.stem}:{record['subtopic']}", split)
        elif isinstance(record.get("documents"), list):
            labels[number] = (f"{path.stem}:{record.get('id', number)}", split)
        else:
            labels[number] = (f"{path.stem}:line{number}", split)
    return labels


def _line_of(source: str, path: Path) -> int | None:
    """The line number in a JSONL reader's ``source`` (``PATH:LINE`` or ``PATH:LINE#doc``)."""
    prefix = f"{path}:"
    if not source.startswith(prefix):
        return None
    number = source[len(prefix) :].split("#", 1)[0]
    return int(number) if number.isdigit() else None


def gold_labels(paths: Sequence[str | Path]) -> GoldLabels:
    """The gold story of every article the readers find in the given files and folders.

    Raises:
        InputError: a path does not exist, or a JSONL line is not JSON.
    """
    from newsprism.ingest import read_paths

    story: dict[str, str] = {}
    dataset: dict[str, str] = {}
    splits: dict[str, str] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(str(path), "no such file or folder", _HINT)
        result = read_paths([path])
        lines = _line_labels(path) if path.suffix.lower() in (".jsonl", ".ndjson") else {}
        for article in result.articles:
            if article.id in story:
                continue  # the same text twice: the first story wins, as in the eval loader
            line = _line_of(article.source or "", path)
            label, split = lines.get(line, (path.name, "")) if line is not None else (path.name, "")
            story[article.id] = label
            dataset[article.id] = path.name
            splits[article.id] = split
    return GoldLabels(story, dataset, splits)


@dataclass(frozen=True, slots=True)
class StoreEvalRow:
    """Scores over one part of the pile (a dataset, or all of it)."""

    name: str
    articles: int
    gold_stories: int
    predicted_stories: int
    b_cubed: PRF
    pairwise: PRF

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "articles": self.articles,
            "gold_stories": self.gold_stories,
            "predicted_stories": self.predicted_stories,
            "b_cubed": self.b_cubed.to_dict(),
            "pairwise": self.pairwise.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class StoreEvalReport:
    """The stored clustering scored against gold, for the pile and each dataset."""

    database: str
    stored_articles: int
    unscored_articles: int  # stored articles that no given file holds
    missing_articles: int  # gold articles not in the store (skipped, or never ingested)
    merges: int
    rows: tuple[StoreEvalRow, ...]  # the whole pile first

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "stored_articles": self.stored_articles,
            "unscored_articles": self.unscored_articles,
            "missing_articles": self.missing_articles,
            "merges": self.merges,
            "rows": [row.to_dict() for row in self.rows],
        }


def _row(name: str, predicted: dict[str, str], gold: dict[str, str]) -> StoreEvalRow:
    return StoreEvalRow(
        name=name,
        articles=len(gold),
        gold_stories=len(set(gold.values())),
        predicted_stories=len(set(predicted.values())),
        b_cubed=b_cubed(predicted, gold),
        pairwise=pairwise(predicted, gold),
    )


def evaluate_store(store: Store, paths: Sequence[str | Path]) -> StoreEvalReport:
    """Score a store's stories against the gold stories of the files it was fed.

    Raises:
        InputError: a path does not exist or cannot be read.
    """
    labels = gold_labels(paths)
    stories = store.clustering()
    predicted_all = {a: s.id for s in stories for a in s.article_ids}
    scored = [a for a in predicted_all if a in labels.story]
    predicted = {a: predicted_all[a] for a in scored}
    gold = {a: labels.story[a] for a in scored}
    rows = [_row("all", predicted, gold)]
    parts: dict[tuple[str, str], None] = {}
    for article in scored:
        parts[(labels.dataset[article], "")] = None
        if labels.split[article]:
            parts[(labels.dataset[article], labels.split[article])] = None
    for name, split in sorted(parts, key=lambda p: (list(parts).index((p[0], "")), p[1])):
        part = [a for a in scored if labels.dataset[a] == name and split in ("", labels.split[a])]
        title = f"{name} ({split})" if split else name
        rows.append(_row(title, {a: predicted[a] for a in part}, {a: gold[a] for a in part}))
    merges = store.count_merges()
    return StoreEvalReport(
        database=str(store.path),
        stored_articles=len(predicted_all),
        unscored_articles=len(predicted_all) - len(scored),
        missing_articles=len(set(labels.story) - set(predicted_all)),
        merges=merges,
        rows=tuple(rows),
    )


def format_table(report: StoreEvalReport) -> Table:
    """The report as a ``rich`` table: B-cubed and pairwise P/R/F1 per dataset."""
    from rich.table import Table

    table = Table(
        title=(
            f"Stored stories vs gold: {report.database} ({report.stored_articles} articles, "
            f"{report.unscored_articles} without gold, {report.missing_articles} gold not "
            f"stored, {report.merges} merges)"
        )
    )
    for column in ("part", "articles", "gold", "predicted"):
        table.add_column(column, justify="left" if column == "part" else "right")
    for column in ("B³ P", "B³ R", "B³ F1", "pair P", "pair R", "pair F1"):
        table.add_column(column, justify="right")
    for row in report.rows:
        table.add_row(
            row.name,
            str(row.articles),
            str(row.gold_stories),
            str(row.predicted_stories),
            *(f"{v:.3f}" for v in (row.b_cubed.precision, row.b_cubed.recall, row.b_cubed.f1)),
            *(f"{v:.3f}" for v in (row.pairwise.precision, row.pairwise.recall, row.pairwise.f1)),
        )
    return table


__all__ = [
    "GoldLabels",
    "StoreEvalReport",
    "StoreEvalRow",
    "evaluate_store",
    "format_table",
    "gold_labels",
]
