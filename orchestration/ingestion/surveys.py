"""Survey exports: Qualtrics CSV with three header rows, and the generic survey CSV."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ..dbt_vars import dbt_var
from .core import FUTURE_TOLERANCE, Entity, FileFormat, FileRejected, Rule, Source, in_range, required, timestamps
from .personal_data import email, hashing
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
            Rule(
                "RecordedDate in the future",
                f"try_cast(payload->>'RecordedDate' as timestamp) > (now() + {FUTURE_TOLERANCE})::timestamp",
            ),
            in_range(dbt_var("qualtrics_nps_question"), 0, 10, integer=True),
            in_range(dbt_var("qualtrics_csat_question"), 1, 5, integer=True),
        ),
        event_time="(payload->>'RecordedDate')::timestamp",
        key="payload->>'ResponseId'",
        hash_personal_data=hashing(email("RecipientEmail")),
    )


QUALTRICS_RESPONSES = qualtrics_entity()

GENERIC_SURVEY_COLUMNS = ("response_id", "responded_at", "nps_score", "csat_score")
GENERIC_SURVEY_RESPONSES = Entity(
    "generic_survey_responses",
    (
        *required("response_id"),
        *timestamps("responded_at"),
        in_range("nps_score", 0, 10, integer=True),
        in_range("csat_score", 1, 5, integer=True),
    ),
    event_time="(payload->>'responded_at')::timestamptz",
    key="payload->>'response_id'",
    hash_personal_data=hashing(email("customer_email")),
)


def _third_line_is_import_ids(path: Path) -> bool:
    with path.open("rb") as handle:
        # Question texts in the second header row may span lines; look for the ImportId row near the top.
        head = handle.read(1 << 16).decode("utf-8", errors="replace")
    return '{""ImportId""' in head or '{"ImportId"' in head


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    header = csv_header(path)
    if "ResponseId" in header and _third_line_is_import_ids(path):
        return FileFormat("qualtrics_csv", QUALTRICS_RESPONSES, csv_records(skip_data_rows=2))
    if all(column in header for column in GENERIC_SURVEY_COLUMNS):
        return FileFormat("generic_survey_csv", GENERIC_SURVEY_RESPONSES, csv_records())
    raise FileRejected(
        f"unknown layout: {path.name} is neither a Qualtrics CSV export with three header rows nor a survey CSV"
    )


SURVEYS = Source("surveys", (QUALTRICS_RESPONSES, GENERIC_SURVEY_RESPONSES), detect_format)
