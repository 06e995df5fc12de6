"""What a landing folder holds: its files (sub-folders included), the operator's `.supportkpi-ignore`, and
whether it is there at all (a missing or empty landing folder is a configuration error, never an empty publish)."""

from __future__ import annotations

import fnmatch
import re
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..settings import ConfigurationError

IGNORE_FILE = ".supportkpi-ignore"
# Files still being copied by common tools (rsync, browsers, curl -o ...part).
PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


class LandingError(ConfigurationError):
    """The landing folder cannot be ingested as configured (a configuration error, exit 2)."""


def _is_hidden(relative: PurePosixPath) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def landed_files(folder: Path) -> list[Path]:
    """Regular files of a source folder and its sub-folders, by relative path (hidden and partial files, and
    anything that is not a regular file, left out), so that ingestion is repeatable."""
    if not folder.is_dir():
        return []
    files = []
    for path in folder.rglob("*"):
        relative = PurePosixPath(path.relative_to(folder).as_posix())
        if _is_hidden(relative) or path.name.endswith(PARTIAL_SUFFIXES):
            continue
        try:
            mode = path.stat().st_mode
        except OSError:  # a broken or looping symlink
            continue
        if stat.S_ISREG(mode):
            files.append(path)
    return sorted(files, key=lambda path: path.relative_to(folder).as_posix())


@dataclass(frozen=True)
class IgnoreRules:
    """`landing/.supportkpi-ignore`: one glob a line, relative to the landing folder, `#` comments. A pattern
    without a `/` matches a file name in any folder (as in .gitignore); `*` and `?` do not cross a `/` in a
    pattern with folders, `**` does. A zip member is matched as `folder/archive.zip!member`."""

    patterns: tuple[str, ...] = ()

    @classmethod
    def load(cls, landing: Path) -> IgnoreRules:
        path = landing / IGNORE_FILE
        if not path.is_file():
            return cls()
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        patterns = [line.strip() for line in lines]
        return cls(tuple(pattern for pattern in patterns if pattern and not pattern.startswith("#")))

    def matches(self, relative_path: str) -> str | None:
        """The first pattern matching a path relative to the landing folder, or None."""
        for pattern in self.patterns:
            if glob_matches(pattern, relative_path):
                return pattern
        return None


def glob_matches(pattern: str, relative_path: str) -> bool:
    """Whether a glob matches a relative path, as in .supportkpi-ignore: a pattern without a `/` matches the file
    name (or a zip member's name) in any folder, a trailing `/` a folder and all under it, `**` any folders."""
    pattern_text = pattern.lstrip("/")
    if "/" not in pattern_text:
        name = relative_path.rsplit("/", 1)[-1]
        return fnmatch.fnmatchcase(name, pattern_text) or fnmatch.fnmatchcase(name.split("!")[-1], pattern_text)
    if pattern_text.endswith("/"):
        return relative_path.startswith(pattern_text)
    return _path_glob(pattern_text).fullmatch(relative_path) is not None


def _path_glob(pattern: str) -> re.Pattern[str]:
    """A glob over a path: `**/` any folders (none included), `**` anything, `*` and `?` within one folder."""
    tokens = re.split(r"(\*\*/|\*\*|\*|\?|\[[^\]]*\])", pattern)
    parts = []
    for token in tokens:
        if token == "**/":
            parts.append("(?:.*/)?")
        elif token == "**":
            parts.append(".*")
        elif token == "*":
            parts.append("[^/]*")
        elif token == "?":
            parts.append("[^/]")
        elif token.startswith("[") and token.endswith("]") and len(token) > 2:
            parts.append("[^" + token[2:-1] + "]" if token[1] == "!" else token)
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts))


def check_landing(landing: Path, sources: tuple[str, ...]) -> None:
    """Raise LandingError when the landing folder is missing, not a folder, or holds no export at all."""
    if not landing.exists():
        raise LandingError(
            f"landing folder {landing} does not exist: set SUPPORT_KPI_LANDING to the folder holding "
            f"{', '.join(f'{source}/' for source in sources)}"
        )
    if not landing.is_dir():
        raise LandingError(f"landing folder {landing} is not a folder: set SUPPORT_KPI_LANDING to a folder")
    if not any(landed_files(landing / source) for source in sources):
        raise LandingError(
            f"landing folder {landing} holds no export in any of {', '.join(f'{source}/' for source in sources)}: "
            "check SUPPORT_KPI_LANDING (a mistyped path) or that the exports were copied"
        )
