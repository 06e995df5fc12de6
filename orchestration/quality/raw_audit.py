"""The audit of raw batches: each raw table's new files are validated by its Great Expectations suite.

A suite raw.<entity> (expectations/gx/expectations/raw/<entity>.json) names, in `meta.batch_columns`, the columns
it validates as SQL over the record's `payload`: `{var:name}` is replaced by a dbt var, `{ingestion:name}` by a
constant of the ingestion rules (the future tolerance, the queue_log events with durations), so the two audits
cannot drift apart. The batch is every file of the entity not yet validated under the current version of the suite
(its file and its resolved columns): files that failed stay in the batch, run after run, until the suite or the
file's ingestion is fixed (a backfill re-ingests it), so unaudited raw rows never reach a mart. An edited suite, or
a changed dbt var it reads, re-validates every file once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from ..dbt_vars import dbt_var
from ..ingestion.core import FUTURE_TOLERANCE, RAW_SCHEMA, Entity
from ..ingestion.telephony import QUEUE_EVENTS_WITH_DURATIONS
from .suites import SUITES_DIR, Suite, SuiteOutcome, load_suite, validate_dataframe

VALIDATED_FILES = f"{RAW_SCHEMA}.validated_files"
PLACEHOLDER = re.compile(r"\{(var|ingestion):([a-z_][a-z0-9_]*)\}")
INGESTION_CONSTANTS = {
    "future_tolerance": FUTURE_TOLERANCE,
    "queue_events_with_durations": ", ".join(f"'{event}'" for event in QUEUE_EVENTS_WITH_DURATIONS),
}


def raw_suite(entity: Entity) -> Suite:
    return load_suite(SUITES_DIR / "raw" / f"{entity.name}.json")


def column_sql(expression: str) -> str:
    def resolve(match: re.Match[str]) -> str:
        kind, name = match.groups()
        if kind == "var":
            return str(dbt_var(name)).replace("'", "''")
        return INGESTION_CONSTANTS[name]

    return PLACEHOLDER.sub(resolve, expression)


def batch_columns(suite: Suite) -> dict[str, str]:
    return {name: column_sql(sql) for name, sql in dict(suite.meta.get("batch_columns") or {}).items()}  # type: ignore[call-overload]


def suite_version(suite: Suite) -> str:
    """The suite file and the SQL its placeholders resolve to: a change to either re-validates every file."""
    resolved = json.dumps(batch_columns(suite), sort_keys=True)
    return hashlib.sha256(f"{suite.checksum}\n{resolved}".encode()).hexdigest()


def pending_file_ids(connection: duckdb.DuckDBPyConnection, entity: Entity, version: str) -> list[int]:
    rows = connection.execute(
        f"""
        select distinct file_id from {entity.table}
        where file_id not in (
            select file_id from {VALIDATED_FILES} where entity = ? and suite_checksum = ?
        )
        order by file_id
        """,
        [entity.name, version],
    ).fetchall()
    return [row[0] for row in rows]


def batch_frame(
    connection: duckdb.DuckDBPyConnection, entity: Entity, suite: Suite, file_ids: list[int]
) -> pd.DataFrame:
    selected = ", ".join(f"{sql} as {name}" for name, sql in batch_columns(suite).items())
    return connection.execute(
        f"""
        select file_id, record_number{", " + selected if selected else ""}
        from {entity.table} where file_id in (select unnest(?::integer[]))
        order by file_id, record_number
        """,
        [file_ids],
    ).df()


@dataclass(frozen=True)
class BatchAudit:
    entity: str
    suite: Suite
    file_ids: list[int]
    rows: int
    outcome: SuiteOutcome


def audit_raw_batch(connection: duckdb.DuckDBPyConnection, entity: Entity) -> BatchAudit:
    """Validate the entity's files not yet validated under its suite; remember the files of a batch that passed."""
    suite = raw_suite(entity)
    version = suite_version(suite)
    file_ids = pending_file_ids(connection, entity, version)
    if not file_ids:
        return BatchAudit(entity.name, suite, [], 0, SuiteOutcome(success=True, evaluated=0, failures=[]))
    frame = batch_frame(connection, entity, suite, file_ids)
    outcome = validate_dataframe(suite, frame)
    if not outcome.blocks:
        connection.execute(
            f"delete from {VALIDATED_FILES} where entity = ? and suite_checksum <> ?", [entity.name, version]
        )
        connection.execute(
            f"insert into {VALIDATED_FILES} (entity, file_id, suite_checksum) select ?, unnest(?::integer[]), ?",
            [entity.name, file_ids, version],
        )
    return BatchAudit(entity.name, suite, file_ids, len(frame), outcome)
