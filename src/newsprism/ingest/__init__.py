"""Readers: files and folders to uncleaned :class:`~newsprism.model.Article` records.

One reader per format, chosen by a registry on the file extension, or by sniffing the
content when the extension is unknown. Every input becomes an article or a recorded
:class:`~newsprism.model.Skip` with its reason; nothing vanishes silently.

Readers return *uncleaned* articles: ``raw`` is the text as read (newlines normalised),
``text`` equals ``raw`` and ``removed`` is empty; :mod:`newsprism.clean` produces the
cleaned text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

from newsprism.errors import InputError

# Importing the format modules registers their readers.
from newsprism.ingest import archive as _archive  # noqa: F401
from newsprism.ingest import html as _html  # noqa: F401
from newsprism.ingest import jsonfmt as _jsonfmt  # noqa: F401
from newsprism.ingest import text as _text  # noqa: F401
from newsprism.ingest import warc as _warc  # noqa: F401
from newsprism.ingest.common import join_results
from newsprism.ingest.feed import resolve_feed_entries
from newsprism.ingest.registry import (
    Reader,
    ReaderSpec,
    read_bytes,
    reader_for,
    register_reader,
    supported_extensions,
)
from newsprism.ingest.text import find_title_span, looks_like_headline
from newsprism.model import ReadResult, Skip

logger = logging.getLogger(__name__)


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _files(path: Path) -> Iterator[Path]:
    """The files a path stands for: itself, or a folder's visible files in sorted order."""
    if path.is_dir():
        # Sorted on the relative path so the order (and so story ids downstream) does not
        # depend on the file system's listing order.
        for candidate in sorted(path.rglob("*"), key=lambda p: p.relative_to(path).as_posix()):
            if candidate.is_file() and not _is_hidden(candidate, path):
                yield candidate
    else:
        yield path


def _read_unresolved(path: Path) -> ReadResult:
    """One file's articles and skips, feed entries still provisional (see read_file)."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return ReadResult(
            skipped=(
                Skip(
                    source, f"unreadable: {error.strerror or error}; check the file's permissions"
                ),
            )
        )
    return read_bytes(path, data)


def read_file(path: Path) -> ReadResult:
    """Read one file with the reader its extension (or content) calls for.

    A file that cannot be read, is empty, has no reader, or makes its reader fail
    becomes a skip with the reason; this function does not raise for a bad file. Feed
    entries are matched with the pages found in the same file (an archive, a WARC); use
    :func:`read_paths` to match them across files.
    """
    return resolve_feed_entries(_read_unresolved(path))


def read_paths(paths: Sequence[str | Path]) -> ReadResult:
    """Read files and folders (recursively, sorted, hidden files ignored) into articles.

    Args:
        paths: files, folders or archives. A file listed twice (or inside two listed
            folders) is read once. Feed entries are matched with linked pages across
            all of them.

    Returns:
        The articles in a deterministic order, and a skip for every input that did not
        become an article.

    Raises:
        InputError: a path does not exist.
    """
    parts: list[ReadResult] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(
                str(path),
                "no such file or folder",
                "Check the path (relative paths start from the current folder "
                f"{Path.cwd()}), or pass a folder or an archive of supported files "
                f"({', '.join(supported_extensions())})",
            )
        for file in _files(path):
            key = file.resolve()
            if key in seen:
                continue
            seen.add(key)
            parts.append(_read_unresolved(file))
    # Feed entries are settled once everything is read: an entry's linked page may sit
    # in another file of the same input.
    result = resolve_feed_entries(join_results(parts))
    logger.info(
        "read %d article(s), skipped %d input(s)", len(result.articles), len(result.skipped)
    )
    return result


__all__ = [
    "Reader",
    "ReaderSpec",
    "find_title_span",
    "looks_like_headline",
    "read_file",
    "read_paths",
    "reader_for",
    "register_reader",
    "supported_extensions",
]
