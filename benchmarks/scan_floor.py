"""The scan floor: one DuckDB scan of every raw file of a landing, a count of its records per kind of file.

`python -m benchmarks.scan_floor LANDING` prints {"rows": total, "kinds": {kind: rows}} as JSON. It parses every
file (JSON documents and lines, CSV, queue_log) once and keeps nothing: the least any pipeline must pay to read
the data.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

MAX_OBJECT = 1 << 30  # a users.json of the L tier is one large document


def _glob(landing: Path, pattern: str) -> str:
    return str(landing / pattern).replace("'", "''")


def scan_queries(landing: Path) -> dict[str, str]:
    """One count query per kind of file present in the landing (the Zendesk and Qualtrics formats generated)."""
    pages = "read_json_objects('{}', format='unstructured', maximum_object_size={})"
    csv = "read_csv('{}', all_varchar=true, header=true)"
    queue_log = (
        "read_csv('{}', delim='|', quote='', escape='', all_varchar=true, header=false, null_padding=true, "
        "strict_mode=false, ignore_errors=true)"
    )
    kinds = {
        "helpdesk pages": (
            "helpdesk/*.json",
            "select coalesce(sum(coalesce(json_array_length(json->'tickets'), 0) "
            "+ coalesce(json_array_length(json->'ticket_events'), 0) + coalesce(json_array_length(json->'users'), 0) "
            f"+ coalesce(json_array_length(json->'groups'), 0)), 0) from {pages}",
        ),
        "helpdesk json lines": (
            "helpdesk/*.jsonl",
            "select count(*) from read_json_objects('{}', format='newline_delimited', ignore_errors=true)",
        ),
        "queue_log": ("telephony/queue_log*", f"select count(*) from {queue_log}"),
    }
    queries = {
        kind: query.format(_glob(landing, pattern), MAX_OBJECT)
        for kind, (pattern, query) in kinds.items()
        if any(landing.glob(pattern))
    }
    # CSV exports differ in columns: each file is read on its own, in one query.
    counts = [f"select count(*) as n from {csv.format(_glob(landing, str(path.relative_to(landing))))}"
              for path in sorted(landing.glob("*/*.csv"))]  # fmt: skip
    if counts:
        queries["csv"] = f"select sum(n) from ({' union all '.join(counts)})"
    return queries


def scan(landing: Path) -> dict[str, int]:
    connection = duckdb.connect()
    return {kind: int(connection.execute(query).fetchone()[0]) for kind, query in scan_queries(landing).items()}


def main(argv: list[str]) -> int:
    kinds = scan(Path(argv[0]))
    print(json.dumps({"rows": sum(kinds.values()), "kinds": kinds}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
