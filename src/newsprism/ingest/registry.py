"""The reader registry: file extensions (and content sniffing) to reader functions.

A reader is a plain function ``(path, data) -> ReadResult``: it receives the file's bytes
and returns the articles it found and the skips it recorded. Formats are added with
:func:`register_reader`; nothing dispatches on input types with ``isinstance``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsprism.model import ReadResult

logger = logging.getLogger(__name__)

Reader = Callable[[Path, bytes], ReadResult]
"""Reads one file's bytes into articles and skips."""

Sniffer = Callable[[bytes], bool]
"""Tells from a file's first bytes whether a reader can read it."""

SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """A registered format: its name, extensions, reader and optional content sniffer."""

    name: str
    extensions: tuple[str, ...]
    reader: Reader
    sniffer: Sniffer | None = None


_BY_NAME: dict[str, ReaderSpec] = {}
_BY_EXTENSION: dict[str, ReaderSpec] = {}


def register_reader(
    name: str, extensions: tuple[str, ...], *, sniffer: Sniffer | None = None
) -> Callable[[Reader], Reader]:
    """Register a reader function for file extensions (a decorator).

    Args:
        name: format name ("text", "html", ...), unique.
        extensions: lower-case extensions with the dot (".txt").
        sniffer: tells from the first bytes whether a file with an unknown extension is
            in this format; sniffers run in registration order.

    Returns:
        The decorator, which registers and returns the reader unchanged.
    """

    def decorate(reader: Reader) -> Reader:
        spec = ReaderSpec(name, tuple(e.lower() for e in extensions), reader, sniffer)
        _BY_NAME[name] = spec
        for extension in spec.extensions:
            _BY_EXTENSION[extension] = spec
        return reader

    return decorate


def supported_extensions() -> tuple[str, ...]:
    """The extensions a registered reader handles, sorted."""
    return tuple(sorted(_BY_EXTENSION))


def reader_for(path: Path, head: bytes) -> ReaderSpec | None:
    """The reader for a file: by extension first, else by sniffing its first bytes.

    Args:
        path: the file (its suffix decides when registered).
        head: the file's first bytes, for sniffing when the extension is unknown.

    Returns:
        The matching spec, or ``None`` when no reader fits.
    """
    spec = _BY_EXTENSION.get(path.suffix.lower())
    if spec is not None:
        return spec
    for candidate in _BY_NAME.values():
        if candidate.sniffer is not None and candidate.sniffer(head):
            logger.debug("sniffed %s as %s", path, candidate.name)
            return candidate
    return None
