"""Growing logs (SPEC 4.9): a log file lands again at the same path with lines appended (Asterisk writes its
queue_log all day; an operator copies it every night). Reading the grown file whole each night would cost the
whole history and stage every earlier line a second time. Instead the part after its earlier version's last
staged line is read, numbered on from it, when that earlier content is unchanged (a byte-for-byte prefix); a
rewritten or rotated file is read whole. A last line with no line terminator yet (the writer is still at it) is
held back until it is complete."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

BLOCK = 1 << 20
TERMINATORS = (b"\n", b"\r")


@dataclass(frozen=True)
class EarlierVersion:
    """What the manifest keeps of the last load of a growing log at one path."""

    file_id: int
    end_byte: int  # where its staged lines end (after their last line terminator)
    line_count: int  # the lines before end_byte
    prefix_checksum: str  # sha256 of the bytes before end_byte


@dataclass(frozen=True)
class LogPortion:
    """The part of a growing log read by one load: bytes [start, end), whose first line is line lines_before + 1."""

    start: int
    end: int
    lines_before: int
    line_count: int  # the lines before `end`: where the next version's lines are numbered from
    prefix_checksum: str  # sha256 of the bytes before `end`
    size: int
    continues_file_id: int | None  # the earlier load this one continues; None when read from the start

    @property
    def held_back_bytes(self) -> int:
        """The bytes of an unterminated last line, left for a later version."""
        return self.size - self.end

    @property
    def whole_file(self) -> bool:
        return self.start == 0 and self.end == self.size


def earlier_version(
    connection: duckdb.DuckDBPyConnection, manifest: str, source: str, landed_name: str, fmt: str
) -> EarlierVersion | None:
    """The last load of the log landed as `landed_name` (relative to its source folder) that recorded where its
    lines end (None: none did)."""
    row = connection.execute(
        f"""
        select file_id, end_byte, line_count, prefix_checksum from {manifest}
        where source = ? and landed_name = ? and format = ? and end_byte is not null
        order by load_id desc limit 1
        """,
        [source, landed_name, fmt],
    ).fetchone()
    return EarlierVersion(*row) if row else None


def last_terminator_end(path: Path, size: int) -> int:
    """The offset just after the file's last line terminator (LF or CR); 0 when it has none."""
    with path.open("rb") as handle:
        position = size
        while position > 0:
            start = max(0, position - BLOCK)
            handle.seek(start)
            block = handle.read(position - start)
            found = max(block.rfind(terminator) for terminator in TERMINATORS)
            if found >= 0:
                return start + found + 1
            position = start
    return 0


def log_portion(path: Path, earlier: EarlierVersion | None) -> LogPortion:
    """The portion of the log to read now, in one pass over the file: from the earlier version's end when the
    file still starts with exactly what that version staged, else from the start; to the end of its last complete
    line."""
    size = path.stat().st_size
    end = last_terminator_end(path, size)
    digest = hashlib.sha256()
    lines = 0
    with path.open("rb") as handle:

        def read_to(offset: int) -> None:
            nonlocal lines
            while handle.tell() < offset:
                block = handle.read(min(BLOCK, offset - handle.tell()))
                if not block:
                    break
                digest.update(block)
                lines += block.count(b"\n")

        continues = False
        if earlier is not None and earlier.end_byte <= end:
            read_to(earlier.end_byte)
            continues = digest.hexdigest() == earlier.prefix_checksum  # hexdigest leaves the digest open
        read_to(end)
    if continues and earlier is not None:
        return LogPortion(earlier.end_byte, end, earlier.line_count, lines, digest.hexdigest(), size, earlier.file_id)
    return LogPortion(0, end, 0, lines, digest.hexdigest(), size, None)


def copy_portion(path: Path, portion: LogPortion, target: Path) -> Path:
    """The portion's bytes in a file of their own, for the format's parser."""
    with path.open("rb") as source, target.open("wb") as sink:
        source.seek(portion.start)
        remaining = portion.end - portion.start
        while remaining > 0:
            block = source.read(min(BLOCK, remaining))
            if not block:
                break
            sink.write(block)
            remaining -= len(block)
    return target
