"""The reader registry: file extensions (and content sniffing) to reader functions.

A reader is a plain function ``(path, data) -> ReadResult``: it receives the file's bytes
and returns the articles it found and the skips it recorded. Formats are added with
:func:`register_reader`; nothing dispatches on input types with ``isinstance``. The path
is only a name: readers never open it, so an archive member or a WARC record can be read
from memory under a name such as ``archive.zip!inner/page.html``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsprism.model import ReadResult, Skip

logger = logging.getLogger(__name__)

Reader = Callable[[Path, bytes], ReadResult]
"""Reads one file's bytes into articles and skips."""

Sniffer = Callable[[bytes], bool]
"""Tells from a file's first bytes whether a reader can read it."""

SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class ReaderSpec:
    """A registered format: its name, extensions, reader and optional content sniffer.

    Sniffers with a higher ``priority`` run first: a precise test (an XML feed's root
    element, a WARC's version line) must get its say before a loose one (HTML markers,
    which a feed's embedded HTML would also satisfy).
    """

    name: str
    extensions: tuple[str, ...]
    reader: Reader
    sniffer: Sniffer | None = None
    priority: int = 0


_BY_NAME: dict[str, ReaderSpec] = {}
_BY_EXTENSION: dict[str, ReaderSpec] = {}


def register_reader(
    name: str, extensions: tuple[str, ...], *, sniffer: Sniffer | None = None, priority: int = 0
) -> Callable[[Reader], Reader]:
    """Register a reader function for file extensions (a decorator).

    Args:
        name: format name ("text", "html", ...), unique.
        extensions: lower-case extensions with the dot (".txt"); compound extensions
            (".warc.gz", ".tar.gz") are matched before the last suffix alone.
        sniffer: tells from the first bytes whether a file with an unknown extension is
            in this format; sniffers run by descending ``priority``, then in registration
            order.
        priority: the sniffer's rank (see :class:`ReaderSpec`).

    Returns:
        The decorator, which registers and returns the reader unchanged.
    """

    def decorate(reader: Reader) -> Reader:
        spec = ReaderSpec(name, tuple(e.lower() for e in extensions), reader, sniffer, priority)
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
    suffixes = [suffix.lower() for suffix in path.suffixes]
    for extension in ("".join(suffixes[-2:]), *suffixes[-1:]):
        spec = _BY_EXTENSION.get(extension)
        if spec is not None:
            return spec
    sniffers = sorted(_BY_NAME.values(), key=lambda candidate: -candidate.priority)
    for candidate in sniffers:
        if candidate.sniffer is not None and candidate.sniffer(head):
            logger.debug("sniffed %s as %s", path, candidate.name)
            return candidate
    return None


def unsupported(path: Path) -> Skip:
    """The skip for a file no registered reader takes, listing what is supported."""
    supported = ", ".join(supported_extensions())
    what = f"unsupported extension {path.suffix!r}" if path.suffix else "no file extension"
    return Skip(
        str(path),
        f"{what} and the content is not recognisable HTML, JSON, WARC or an RSS/Atom feed; "
        f"supported extensions: {supported} (rename or convert the file)",
    )


def read_bytes(path: Path, data: bytes) -> ReadResult:
    """Read one input's bytes with the reader its name (or content) calls for.

    ``path`` names the input (a file, or an archive member such as ``a.zip!b.html``).
    Empty data, data no reader takes, and a reader's failure become skips with the
    reason; this function does not raise for bad data, so one bad input cannot stop a
    batch.
    """
    source = str(path)
    if not data.strip():
        return ReadResult(skipped=(Skip(source, "empty: the file has no content"),))
    spec = reader_for(path, data[:SNIFF_BYTES])
    if spec is None:
        return ReadResult(skipped=(unsupported(path),))
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
