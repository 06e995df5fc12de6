"""Asterisk queue_log (telephony/ in the landing): the call flows write its lines, this writer rotates the file."""

from __future__ import annotations

from pathlib import Path


class QueueLogWriter:
    """queue_log rotated at `rotate_at`: queue_log.1 holds the older lines."""

    def __init__(self, directory: Path, start: int, rotate_at: int) -> None:
        self._rotate_at = rotate_at
        self._older = (directory / "queue_log.1").open("w", encoding="utf-8", newline="\n")
        self._current = (directory / "queue_log").open("w", encoding="utf-8", newline="\n")
        self._older.write(f"{start}|NONE|NONE|NONE|QUEUESTART|\n")
        self._current.write(f"{rotate_at}|NONE|NONE|NONE|QUEUESTART|\n")
        self.lines = 2

    def write(self, epoch: int, line: str) -> None:
        (self._older if epoch < self._rotate_at else self._current).write(line + "\n")
        self.lines += 1

    def close(self) -> None:
        self._older.close()
        self._current.close()
