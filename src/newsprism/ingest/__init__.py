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
from newsprism.ingest import html as _html  # noqa: F401
from newsprism.ingest import jsonfmt as _jsonfmt  # noqa: F401
from newsprism.ingest import text as _text  # noqa: F401
from newsprism.ingest.registry import (
    SNIFF_BYTES,
    Reader,
    ReaderSpec,
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


def _unsupported(path: Path) -> Skip:
    supported = ", ".join(supported_extensions())
    what = f"unsupported extension {path.suffix!r}" if path.suffix else "no file extension"
    return Skip(
        str(path),
        f"{what} and the content is not recognisable HTML or JSON; supported extensions: "
        f"{supported} (rename or convert the file)",
    )


def read_file(path: Path) -> ReadResult:
    """Read one file with the reader its extension (or content) calls for.

    A file that cannot be read, is empty, has no reader, or makes its reader fail
    becomes a skip with the reason; this function does not raise for a bad file.
    """
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
    if not data.strip():
        return ReadResult(skipped=(Skip(source, "empty: the file has no content"),))
    spec = reader_for(path, data[:SNIFF_BYTES])
    if spec is None:
        return ReadResult(skipped=(_unsupported(path),))
    try:
        result = spec.reader(path, data)
    except Exception as error:  # a broken file must not stop a batch
        logger.exception("the %s reader failed on %s", spec.name, path)
        return ReadResult(
            skipped=(Skip(source, f"the {spec.name} reader failed: {error}; check the file"),)
        )
    logger.debug(
        "%s: %d article(s), %d skip(s) as %s",
        path,
        len(result.articles),
        len(result.skipped),
        spec.name,
    )
    return result


def read_paths(paths: Sequence[str | Path]) -> ReadResult:
    """Read files and folders (recursively, sorted, hidden files ignored) into articles.

    Args:
        paths: files or folders. A file listed twice (or inside two listed folders) is
            read once.

    Returns:
        The articles in a deterministic order, and a skip for every input that did not
        become an article.

    Raises:
        InputError: a path does not exist.
    """
    result = ReadResult()
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise InputError(
                str(path),
                "no such file or folder",
                "Check the path (relative paths start from the current folder "
                f"{Path.cwd()}), or pass a folder of .txt/.html/.json/.jsonl files",
            )
        for file in _files(path):
            key = file.resolve()
            if key in seen:
                continue
            seen.add(key)
            result = result + read_file(file)
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
