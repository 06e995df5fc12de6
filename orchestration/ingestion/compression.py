"""Compressed landing files, recognised by their first bytes (never by name): gzip, bzip2 and xz hold one file,
a zip archive holds members that are ingested as files of their own (`archive.zip!member.csv`)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import BinaryIO

# Magic numbers of the single-file compressions, and the opener of each.
STREAM_FORMATS: dict[str, tuple[bytes, Callable[..., BinaryIO]]] = {
    "gzip": (b"\x1f\x8b", gzip.open),
    "bzip2": (b"BZh", bz2.open),
    "xz": (b"\xfd7zXZ\x00", lzma.open),
}
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # an archive with members, and an empty one
UNSUPPORTED_MAGIC = {b"\x28\xb5\x2f\xfd": "zstd", b"7z\xbc\xaf\x27\x1c": "7z", b"Rar!": "rar"}
COPY_BLOCK = 1 << 20


class DecompressionError(Exception):
    """The compressed file cannot be read (corrupt, truncated, encrypted, too large); the reason says why."""


def leading_bytes(path: Path, count: int = 8) -> bytes:
    with path.open("rb") as handle:
        return handle.read(count)


def compression_of(path: Path) -> str | None:
    """'gzip', 'bzip2', 'xz' or 'zip' from the file's first bytes; None for a plain file."""
    head = leading_bytes(path)
    if head.startswith(ZIP_MAGIC):
        return "zip"
    for name, (magic, _) in STREAM_FORMATS.items():
        if head.startswith(magic):
            return name
    for magic, name in UNSUPPORTED_MAGIC.items():
        if head.startswith(magic):
            raise DecompressionError(f"compressed as {name}, which is not read: re-compress it with gzip or zip")
    return None


def _copy_bounded(source: BinaryIO, target: Path, max_bytes: int) -> None:
    written = 0
    with target.open("wb") as sink:
        for block in iter(lambda: source.read(COPY_BLOCK), b""):
            written += len(block)
            if written > max_bytes:
                raise DecompressionError(
                    f"decompresses to more than max_uncompressed_bytes ({max_bytes:,} bytes): a decompression bomb "
                    "or an export too large for one file; split it, or raise the dbt var max_uncompressed_bytes"
                )
            sink.write(block)


def decompress_stream(path: Path, compression: str, target: Path, max_bytes: int) -> Path:
    """The content of a gzip / bzip2 / xz file, written to `target` (at most max_bytes)."""
    _, opener = STREAM_FORMATS[compression]
    try:
        with opener(path, "rb") as source:
            _copy_bounded(source, target, max_bytes)
    except (OSError, EOFError, lzma.LZMAError) as error:
        raise DecompressionError(f"cannot decompress {compression}: {error or 'truncated file'}") from error
    return target


def zip_members(path: Path) -> list[str]:
    """The names of an archive's files (folders, hidden files and macOS resource forks left out), in order."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as error:
        raise DecompressionError(f"unreadable zip archive: {error}") from error
    return sorted(
        name
        for name in names
        if not any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts)
    )


def extract_member(path: Path, member: str, target: Path, max_bytes: int) -> Path:
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as source:
            _copy_bounded(source, target, max_bytes)
    except RuntimeError as error:  # zipfile's "File is encrypted, password required"
        raise DecompressionError(f"cannot read {member}: {error}; land it unencrypted") from error
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise DecompressionError(f"cannot read {member} from the zip archive: {error}") from error
    return target
