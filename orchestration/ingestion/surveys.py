"""Survey exports: Qualtrics CSV with three header rows."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..dbt_vars import dbt_var
from .core import Entity, FileFormat, FileRejected, Rule, Source, in_range, required
from .readers import csv_header, csv_records


def qualtrics_entity() -> Entity:
    return Entity(
        "qualtrics_responses",
        (
            *required("ResponseId", "RecordedDate"),
            # RecordedDate carries no zone (it is read in the qualtrics_timezone dbt var).
            Rule(
                "unparseable timestamp in RecordedDate",
                "try_cast(payload->>'RecordedDate' as timestamp) is null",
            ),
            in_range(dbt_var("qualtrics_nps_question"), 0, 10, integer=True),
            in_range(dbt_var("qualtrics_csat_question"), 1, 5, integer=True),
        ),
        event_time="(payload->>'RecordedDate')::timestamp",
    )


QUALTRICS_RESPONSES = qualtrics_entity()


def _third_line_is_import_ids(path: Path) -> bool:
    with path.open("rb") as handle:
        # Question texts in the second header row may span lines; look for the ImportId row near the top.
        head = handle.read(1 << 16).decode("utf-8", errors="replace")
    return '{""ImportId""' in head or '{"ImportId"' in head


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    if path.suffix.lower() == ".csv" and "ResponseId" in csv_header(path) and _third_line_is_import_ids(path):
        return FileFormat("qualtrics_csv", QUALTRICS_RESPONSES, csv_records(skip_data_rows=2))
    raise FileRejected(f"unknown layout: {path.name} is not a Qualtrics CSV export with three header rows")


SURVEYS = Source("surveys", (QUALTRICS_RESPONSES,), detect_format)
