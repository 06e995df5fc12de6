"""The audit of raw batches: each raw table's new files are validated by its Great Expectations suite.

A suite raw.<entity> (expectations/gx/expectations/raw/<entity>.json) names, in `meta.batch_columns`, the columns
it validates as SQL over the record's `payload` (`{var:name}` is replaced by a dbt var). The batch is every file of
the entity not yet validated under the current version of the suite: files that failed stay in the batch, run after
run, until the suite or the file's ingestion is fixed (a backfill re-ingests it), so unaudited raw rows never reach
a mart. An edited suite re-validates every file once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from .dbt_vars import dbt_var
from .gx_suites import Suite, SuiteOutcome, suites_in, validate_dataframe
from .ingestion.core import RAW_SCHEMA, Entity

VALIDATED_FILES = f"{RAW_SCHEMA}.validated_files"
DBT_VAR_REFERENCE = re.compile(r"\{var:([a-z_][a-z0-9_]*)\}")


def raw_suite(entity: Entity) -> Suite:
    return suites_in("raw")[entity.name]


def column_sql(expression: str) -> str:
    return DBT_VAR_REFERENCE.sub(lambda match: str(dbt_var(match.group(1))).replace("'", "''"), expression)


def pending_file_ids(connection: duckdb.DuckDBPyConnection, entity: Entity, suite: Suite) -> list[int]:
    rows = connection.execute(
        f"""
        select distinct file_id from {entity.table}
        where file_id not in (
            select file_id from {VALIDATED_FILES} where entity = ? and suite_checksum = ?
        )
        order by file_id
        """,
        [entity.name, suite.checksum],
    ).fetchall()
    return [row[0] for row in rows]


def batch_frame(
    connection: duckdb.DuckDBPyConnection, entity: Entity, suite: Suite, file_ids: list[int]
) -> pd.DataFrame:
    columns = dict(suite.meta.get("batch_columns") or {})  # type: ignore[call-overload]
    selected = ", ".join(f"{column_sql(sql)} as {name}" for name, sql in columns.items())
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
    file_ids = pending_file_ids(connection, entity, suite)
    if not file_ids:
        return BatchAudit(entity.name, suite, [], 0, SuiteOutcome(success=True, evaluated=0, failures=[]))
    frame = batch_frame(connection, entity, suite, file_ids)
    outcome = validate_dataframe(suite, frame)
    if not outcome.blocks:
        connection.execute(
            f"delete from {VALIDATED_FILES} where entity = ? and suite_checksum <> ?", [entity.name, suite.checksum]
        )
        connection.execute(
            f"insert into {VALIDATED_FILES} (entity, file_id, suite_checksum) select ?, unnest(?::integer[]), ?",
            [entity.name, file_ids, suite.checksum],
        )
    return BatchAudit(entity.name, suite, file_ids, len(frame), outcome)
