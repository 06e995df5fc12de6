"""Text encodings of landed files: exports are UTF-8, except Excel's legacy Windows-1252 / Latin-1 ones."""

from __future__ import annotations

import codecs
from pathlib import Path


def is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def transcode_to_utf8(path: Path, target: Path, encoding: str = "cp1252") -> Path:
    """Copy a legacy-encoded export (Excel's Windows-1252 / Latin-1) as UTF-8, line by line: lines that are
    already UTF-8 stay as they are, so a mostly-UTF-8 file with a few legacy bytes is not garbled."""
    with path.open("rb") as source, target.open("w", encoding="utf-8", newline="") as sink:
        for line in source:
            try:
                sink.write(line.decode("utf-8"))
            except UnicodeDecodeError:
                sink.write(line.decode(encoding, errors="replace"))
    return target
