"""Loading the shared multi-document evaluation sets and the peers' summaries.

Every multi-document set under ``../shared/data`` uses one JSONL schema, one story
(cluster) per line::

    {"id": str,
     "documents": [{"doc_id": str, "text": str, "source"?: str, "date"?: str,
                    "headline"?: str}],
     "references": [{"annotator": str, "text": str}]}

A peers file holds the outputs of other systems on the same stories, one story per line::

    {"id": str, "systems": {system_id: summary_text, ...}}

Malformed input raises :class:`~newsprism.errors.InputError` naming the file, the line and
the fix: an evaluation run must never score a silently half-read data set.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsprism.errors import InputError

logger = logging.getLogger(__name__)

_SCHEMA_HINT = (
    'Each line must be one JSON object: {"id": str, "documents": [{"doc_id": str, '
    '"text": str, ...}], "references": [{"annotator": str, "text": str}]} '
    "(see ../shared/data/README.md)"
)
_PEERS_HINT = 'Each line must be one JSON object: {"id": str, "systems": {system_id: str}}'


@dataclass(frozen=True, slots=True)
class EvalStory:
    """One evaluation story: the input articles and the human reference summaries.

    Attributes:
        id: The story (cluster) id, unique within its file.
        documents: The input articles as read, each a dict with at least ``doc_id`` and
            ``text`` (optionally ``source``, ``date``, ``headline``), in file order.
        references: The reference summaries' texts, in file order.
    """

    id: str
    documents: tuple[dict[str, Any], ...]
    references: tuple[str, ...]


def json_lines(path: Path, hint: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(line_number, object)`` for each non-blank line of a JSONL file."""
    if not path.is_file():
        raise InputError(
            str(path),
            "no such file",
            "Pass the path of a JSONL file; the shared sets live in ../shared/data",
        )
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(where, f"not valid JSON ({exc.msg})", hint) from exc
            if not isinstance(record, dict):
                raise InputError(
                    where, f"expected a JSON object, found {type(record).__name__}", hint
                )
            yield number, record


def _require_str(record: dict[str, Any], key: str, where: str, hint: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(where, f"field {key!r} is missing or not a non-empty string", hint)
    return value


def _document(raw: Any, index: int, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise InputError(where, f"documents[{index}] is not an object", _SCHEMA_HINT)
    _require_str(raw, "doc_id", f"{where} documents[{index}]", _SCHEMA_HINT)
    if not isinstance(raw.get("text"), str):
        raise InputError(where, f"documents[{index}] has no string field 'text'", _SCHEMA_HINT)
    return dict(raw)


def _reference(raw: Any, index: int, where: str) -> str:
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str) or not raw["text"].strip():
        raise InputError(
            where, f"references[{index}] is not an object with a non-empty 'text'", _SCHEMA_HINT
        )
    text: str = raw["text"]
    return text


def load_stories(path: str | Path) -> list[EvalStory]:
    """Read an evaluation set in the shared multi-document JSONL schema.

    Args:
        path: A ``.jsonl`` file, one story per line (blank lines are ignored).

    Returns:
        The stories in file order.

    Raises:
        InputError: The file is missing or empty, a line is not valid JSON, a required
            field is missing or mistyped, a story has no documents or no references, or
            two stories share an id. The message names ``file:line`` and the fix.
    """
    path = Path(path)
    stories: list[EvalStory] = []
    seen: dict[str, int] = {}
    for number, record in json_lines(path, _SCHEMA_HINT):
        where = f"{path}:{number}"
        story_id = _unique_id(
            record, seen, number, where, _SCHEMA_HINT, "Give every story a unique id"
        )
        documents = record.get("documents")
        if not isinstance(documents, list) or not documents:
            raise InputError(where, "'documents' is missing or empty", _SCHEMA_HINT)
        references = record.get("references")
        if not isinstance(references, list) or not references:
            # Without a reference there is nothing to score against; better to stop than
            # to average a story in as zero.
            raise InputError(where, "'references' is missing or empty", _SCHEMA_HINT)
        stories.append(
            EvalStory(
                id=story_id,
                documents=tuple(_document(d, i, where) for i, d in enumerate(documents)),
                references=tuple(_reference(r, i, where) for i, r in enumerate(references)),
            )
        )
    if not stories:
        raise InputError(str(path), "the file holds no stories", _SCHEMA_HINT)
    logger.debug("loaded %d stories from %s", len(stories), path)
    return stories


def _unique_id(
    record: dict[str, Any], seen: dict[str, int], number: int, where: str, hint: str, fix: str
) -> str:
    """The record's story id, which no earlier line may have used."""
    story_id = _require_str(record, "id", where, hint)
    if story_id in seen:
        raise InputError(where, f"story id {story_id!r} already used on line {seen[story_id]}", fix)
    seen[story_id] = number
    return story_id


def load_peers(path: str | Path) -> dict[str, dict[str, str]]:
    """Read other systems' summaries (a ``*_peers.jsonl`` file) for side-by-side scoring.

    Args:
        path: A ``.jsonl`` file, one ``{"id": story_id, "systems": {system_id: text}}``
            object per line.

    Returns:
        ``{system_id: {story_id: summary}}``. A system absent from a line simply has no
        summary for that story (the evaluation records it as missing).

    Raises:
        InputError: The file is missing or empty, a line is not valid JSON, ``id`` or
            ``systems`` is missing or mistyped, a summary is not a string, or a story id
            repeats. The message names ``file:line`` and the fix.
    """
    path = Path(path)
    peers: dict[str, dict[str, str]] = {}
    seen: dict[str, int] = {}
    for number, record in json_lines(path, _PEERS_HINT):
        where = f"{path}:{number}"
        story_id = _unique_id(record, seen, number, where, _PEERS_HINT, "Keep one line per story")
        systems = record.get("systems")
        if not isinstance(systems, dict) or not systems:
            raise InputError(where, "'systems' is missing or not a non-empty object", _PEERS_HINT)
        for system_id, summary in systems.items():
            if not isinstance(summary, str):
                raise InputError(
                    where,
                    f"the summary of system {system_id!r} is {type(summary).__name__}, not a string",
                    _PEERS_HINT,
                )
            peers.setdefault(system_id, {})[story_id] = summary
    if not peers:
        raise InputError(str(path), "the file holds no summaries", _PEERS_HINT)
    logger.debug("loaded %d peer systems over %d stories from %s", len(peers), len(seen), path)
    return peers
