"""Archives (``.zip``, ``.tar``, ``.tar.gz``/``.tgz``, ``.tar.bz2``, ``.tar.xz``).

Each member is read in memory by the reader its name (or content) calls for, as if it
were a file of a folder: members are taken in sorted order of their paths, hidden ones
(``.DS_Store``, ``__MACOSX/``) are ignored, and an archive inside an archive is read too.
A member's source is ``archive.zip!inner/path.html``, so a skip names the file.

Nothing is extracted to disk, so a member's name is never used as a path; still, an
archive that names members outside itself (``../``, absolute paths) or holds links is
suspect, and such members become skips rather than being read. Decompression is capped
at :data:`MAX_UNPACKED_BYTES` in total, nested archives included, so a zip bomb ends in
a skip saying so instead of exhausting memory.
"""

from __future__ import annotations

import io
import logging
import lzma
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from newsprism.ingest.common import join_results
from newsprism.ingest.registry import read_bytes, register_reader
from newsprism.model import ReadResult, Skip

logger = logging.getLogger(__name__)

MAX_UNPACKED_BYTES = 1 << 30
"""The most an archive (with the archives inside it) may unpack to: 1 GiB."""

MAX_NESTING = 3
"""How many archives deep members are read (an archive in an archive in an archive)."""

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header, an empty archive

# What tarfile, zipfile and their decompressors raise on truncated or corrupt data.
_DAMAGE_ERRORS = (
    tarfile.TarError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,  # an unsupported compression method
    RuntimeError,  # an encrypted member without its password
)


@dataclass
class _Budget:
    """Bytes an archive may still unpack; shared (mutably) with the archives inside it."""

    limit: int
    remaining: int


_BUDGET: ContextVar[_Budget | None] = ContextVar("newsprism_archive_budget", default=None)
_DEPTH: ContextVar[int] = ContextVar("newsprism_archive_depth", default=0)


class _ExhaustedError(Exception):
    """Unpacking the next member would exceed the budget."""


class _ArchiveDamageError(Exception):
    """The archive cannot be read past this point."""


@dataclass(frozen=True, slots=True)
class _Member:
    """A regular file inside an archive: its normalised name and how to get its bytes."""

    name: str
    load: Callable[[], bytes]


def _charge(budget: _Budget, size: int) -> None:
    if size > budget.remaining:
        raise _ExhaustedError
    budget.remaining -= size


def _unsafe(name: str) -> str | None:
    """Why a member name points outside the archive, or ``None`` when it does not."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or PureWindowsPath(name).drive:
        return "an absolute path"
    if ".." in PurePosixPath(posix).parts:
        return "a '..' component"
    return None


def _hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts)


def _unsafe_skip(source: str, name: str, why: str) -> Skip:
    return Skip(
        source,
        f"unsafe member name {name!r} ({why}): it points outside the archive (path "
        "traversal), so it was not read; re-create the archive with relative paths",
    )


def _link_skip(source: str, kind: str, target: str | None = None) -> Skip:
    where = f" to {target!r}" if target else ""
    return Skip(
        source,
        f"a {kind}{where}: links inside an archive are not followed; put the file itself "
        "in the archive",
    )


def _zip_members(path: Path, data: bytes, budget: _Budget) -> Iterator[_Member | Skip]:
    """The members of a zip in sorted order, loaded lazily (one in memory at a time)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGE_ERRORS as error:
        raise _ArchiveDamageError(f"not a readable zip archive ({error})") from error
    for info in sorted(archive.infolist(), key=lambda item: item.filename):
        name = PurePosixPath(info.filename.replace("\\", "/")).as_posix()
        source = f"{path}!{name}"
        if info.is_dir():
            continue
        if (why := _unsafe(info.filename)) is not None:
            yield _unsafe_skip(f"{path}!{info.filename}", info.filename, why)
        elif stat.S_ISLNK(info.external_attr >> 16):
            yield _link_skip(source, "symbolic link")
        elif _hidden(name):
            logger.debug("%s: hidden member %s ignored", path, name)
        elif info.flag_bits & 0x1:
            yield Skip(source, "encrypted: extract it with its password and pass the files")
        else:
            yield _Member(name, _zip_loader(archive, info, budget))


def _zip_loader(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget
) -> Callable[[], bytes]:
    def load() -> bytes:
        # The declared size is charged before anything is decompressed; zipfile never
        # returns more than it (a member that lies about its size fails its CRC).
        _charge(budget, info.file_size)
        with archive.open(info) as member:
            return member.read(info.file_size + 1)

    return load


def _tar_members(path: Path, data: bytes, budget: _Budget) -> Iterator[_Member | Skip]:
    """The members of a tar (any compression) in sorted order.

    A compressed tar can only be read front to back, so members are unpacked in archive
    order (each charged to the budget as it is) and then sorted.
    """
    found: list[tuple[str, _Member | Skip]] = []
    stop: Exception | None = None
    try:
        archive = tarfile.open(fileobj=io.BytesIO(data), mode="r:*")  # noqa: SIM115
    except _DAMAGE_ERRORS as error:
        raise _ArchiveDamageError(f"not a readable zip or tar archive ({error})") from error
    with archive:
        try:
            for info in archive:
                found.extend(_tar_member(path, archive, info, budget))
        except _ExhaustedError as error:
            stop = error
        except _DAMAGE_ERRORS as error:
            stop = _ArchiveDamageError(
                f"truncated or corrupt tar archive after {len(found)} member(s) ({error}); "
                "the members before the damage were read"
            )
    for _name, item in sorted(found, key=lambda pair: pair[0]):
        yield item
    if stop is not None:
        raise stop


def _tar_member(
    path: Path, archive: tarfile.TarFile, info: tarfile.TarInfo, budget: _Budget
) -> list[tuple[str, _Member | Skip]]:
    """A tar member, unpacked, as ``(sort key, member or skip)``; none for folders."""
    name = PurePosixPath(info.name).as_posix()
    source = f"{path}!{name}"
    if info.isdir():
        return []
    if (why := _unsafe(info.name)) is not None:
        return [(name, _unsafe_skip(f"{path}!{info.name}", info.name, why))]
    if info.issym() or info.islnk():
        kind = "symbolic link" if info.issym() else "hard link"
        return [(name, _link_skip(source, kind, info.linkname))]
    if not info.isfile():
        return [(name, Skip(source, "not a regular file (a device or a pipe); not read"))]
    if _hidden(name):
        logger.debug("%s: hidden member %s ignored", path, name)
        return []
    _charge(budget, info.size)
    handle = archive.extractfile(info)
    blob = handle.read() if handle is not None else b""
    return [(name, _Member(name, lambda: blob))]


def _exhausted(path: Path, budget: _Budget, read: int) -> Skip:
    return Skip(
        str(path),
        f"stopped unpacking: the archive unpacks to more than {budget.limit // (1 << 20)} MiB "
        f"in total (a guard against zip bombs); {read} member(s) were read before; extract "
        "it yourself and pass the folder, or split it into smaller archives",
    )


def _read_members(path: Path, members: Iterator[_Member | Skip], budget: _Budget) -> ReadResult:
    parts: list[ReadResult] = []
    read = 0
    try:
        for member in members:
            if isinstance(member, Skip):
                parts.append(ReadResult(skipped=(member,)))
                continue
            parts.append(_read_member(path, member))
            read += 1
    except _ExhaustedError:
        parts.append(ReadResult(skipped=(_exhausted(path, budget, read),)))
    except _ArchiveDamageError as error:
        fix = "re-create or re-download the archive"
        parts.append(ReadResult(skipped=(Skip(str(path), f"{error}; {fix}"),)))
    return join_results(parts)


def _read_member(path: Path, member: _Member) -> ReadResult:
    source = f"{path}!{member.name}"
    try:
        data = member.load()
    except _ExhaustedError:
        raise
    except _DAMAGE_ERRORS as error:  # a corrupt member (bad CRC, bad compression)
        logger.debug("%s: unreadable member: %s", source, error)
        return ReadResult(
            skipped=(Skip(source, f"unreadable archive member ({error}); re-create the archive"),)
        )
    return read_bytes(Path(source), data)


@register_reader("archive", (".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".txz"))
def read_archive(path: Path, data: bytes) -> ReadResult:
    """Read every supported file inside a zip or tar archive (see the module docstring)."""
    depth = _DEPTH.get()
    if depth >= MAX_NESTING:
        return ReadResult(
            skipped=(
                Skip(
                    str(path),
                    f"an archive nested more than {MAX_NESTING} deep; extract the outer "
                    "archives and pass the folder",
                ),
            )
        )
    budget = _BUDGET.get() or _Budget(MAX_UNPACKED_BYTES, MAX_UNPACKED_BYTES)
    opener = _zip_members if data[:4] in _ZIP_MAGIC else _tar_members
    budget_token = _BUDGET.set(budget)
    depth_token = _DEPTH.set(depth + 1)
    try:
        return _read_members(path, opener(path, data, budget), budget)
    finally:
        _DEPTH.reset(depth_token)
        _BUDGET.reset(budget_token)
