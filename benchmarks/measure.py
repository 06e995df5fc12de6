"""Run one command and measure it: `python -m benchmarks.measure RESULT STDOUT -- COMMAND...`.

This process exists only to be the parent of the measured command: getrusage(RUSAGE_CHILDREN) then covers that
command and its descendants alone, and its ru_maxrss is the peak resident set of the largest process of that tree
(KiB on Linux). Writes {"seconds", "peak_rss_mb", "returncode"} as JSON to RESULT; the command's output goes to
STDOUT.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    result, stdout, separator, *command = argv
    if separator != "--" or not command:
        raise SystemExit("usage: python -m benchmarks.measure RESULT STDOUT -- COMMAND...")
    with Path(stdout).open("wb") as output:
        start = time.perf_counter()
        completed = subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, check=False)
        seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    measured = {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak_kib / 1024, 1),
        "returncode": completed.returncode,
    }
    Path(result).write_text(json.dumps(measured) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
