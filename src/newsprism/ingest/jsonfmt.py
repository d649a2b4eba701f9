"""JSON (``.json``: one object or a list) and JSON Lines (``.jsonl``: an object a line).

Two record shapes are read:

* an article object: ``text`` plus optional ``title``/``headline``, ``url``/``link``,
  ``outlet``/``source``/``sitename``, ``published``/``date``;
* the shared multi-document schema ``{"id", "documents": [{"doc_id", "text",
  "source"?, "date"?, "headline"?}], "references": [...]}``, where each document becomes
  an article whose ``source`` is ``file.jsonl:LINE#doc_id``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsprism.ingest.common import UndecodableError, decode_utf8, make_article, stem_of
from newsprism.ingest.dates import to_iso
from newsprism.ingest.registry import register_reader
from newsprism.model import Article, ReadResult, Skip

logger = logging.getLogger(__name__)

_TITLE_KEYS = ("title", "headline")
_OUTLET_KEYS = ("outlet", "source", "sitename", "site_name", "publisher")
_DATE_KEYS = ("published", "date", "published_at", "datetime")
_URL_KEYS = ("url", "link")


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _article_from(record: dict[str, Any], source: str, fallback: str) -> Article | Skip:
    text = record.get("text")
    if not isinstance(text, str):
        return Skip(
            source,
            "no 'text' field: an article object needs a string 'text' "
            "(optional: title, url, outlet, published)",
        )
    return make_article(
        text,
        source=source,
        fallback_outlet=fallback,
        title=_first(record, _TITLE_KEYS),
        url=_first(record, _URL_KEYS),
        outlet=_first(record, _OUTLET_KEYS),
        published=to_iso(_first(record, _DATE_KEYS)),
    )


def _records(value: Any, where: str, fallback: str) -> Iterator[Article | Skip]:
    """Articles and skips from one decoded JSON value found at ``where``."""
    if not isinstance(value, dict):
        yield Skip(
            where,
            f"a JSON {type(value).__name__} where an object was expected; each record "
            "must be an object with 'text' or with 'documents'",
        )
        return
    documents = value.get("documents")
    if documents is None:
        yield _article_from(value, where, fallback)
        return
    if not isinstance(documents, list):
        yield Skip(where, "'documents' is not a list; the multi-document schema needs a list")
        return
    story = value.get("id")
    for index, document in enumerate(documents):
        doc_id = document.get("doc_id") if isinstance(document, dict) else None
        label = f"{where}#{doc_id if doc_id is not None else index}"
        if not isinstance(document, dict):
            yield Skip(label, "a document that is not an object; expected {'doc_id', 'text'}")
            continue
        # Documents of one file come from different outlets: without a source, each is
        # its own unknown outlet rather than all being one outlet named after the file.
        made = _article_from(
            document, label, f"{fallback}#{doc_id if doc_id is not None else index}"
        )
        if story is not None and isinstance(made, Article):
            logger.debug("read %s of story %s", label, story)
        yield made


def _collect(items: Iterator[Article | Skip]) -> ReadResult:
    articles: list[Article] = []
    skipped: list[Skip] = []
    for item in items:
        (articles if isinstance(item, Article) else skipped).append(item)  # type: ignore[arg-type]
    return ReadResult(tuple(articles), tuple(skipped))


def _jsonl_items(path: Path, text: str) -> Iterator[Article | Skip]:
    fallback = stem_of(path)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield Skip(
                where,
                f"invalid JSON on line {number} (column {error.colno}: {error.msg}); "
                "fix the line so it holds exactly one JSON object, or remove it",
            )
            continue
        yield from _records(value, where, fallback)


def _sniff_json(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


@register_reader("jsonl", (".jsonl", ".ndjson"))
def read_jsonl(path: Path, data: bytes) -> ReadResult:
    """Read JSON Lines; a bad line becomes a skip naming its line number."""
    try:
        text = decode_utf8(data)
    except UndecodableError as error:
        return ReadResult(skipped=(Skip(str(path), str(error)),))
    if not text.strip():
        return ReadResult(skipped=(Skip(str(path), "empty: the file has no records"),))
    return _collect(_jsonl_items(path, text))


@register_reader("json", (".json",), sniffer=_sniff_json)
def read_json(path: Path, data: bytes) -> ReadResult:
    """Read one JSON object or a list of them.

    A file that holds several objects one per line (JSON Lines under a ``.json`` name)
    is read as JSON Lines rather than rejected.
    """
    source = str(path)
    try:
        text = decode_utf8(data)
    except UndecodableError as error:
        return ReadResult(skipped=(Skip(source, str(error)),))
    if not text.strip():
        return ReadResult(skipped=(Skip(source, "empty: the file has no records"),))
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":
            logger.info("%s holds one JSON value per line; reading it as JSON Lines", path)
            return _collect(_jsonl_items(path, text))
        return ReadResult(
            skipped=(
                Skip(
                    source,
                    f"invalid JSON on line {error.lineno} (column {error.colno}: "
                    f"{error.msg}); fix the file (one object or a list of objects)",
                ),
            )
        )
    fallback = stem_of(path)
    if isinstance(value, list):
        return _collect(
            item
            for index, element in enumerate(value)
            for item in _records(element, f"{source}[{index}]", fallback)
        )
    return _collect(_records(value, source, fallback))


def read_record(value: Any, where: str) -> ReadResult:
    """Articles from one decoded record: an article object or a multi-document story.

    ``where`` names the record in skips and is the outlet fallback (``where#doc_id`` for
    the documents of a story).
    """
    return _collect(_records(value, where, where))
