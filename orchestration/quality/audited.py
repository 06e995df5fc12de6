"""Which rows of a mart the quality gate validates: the rows the published (already audited) version lacks.

Every mart expectation judges one row at a time (a range, a pair of columns) or the columns alone, so a row that
the last published version already holds passed the same suite when that version was gated: validating the rest
validates the mart. The suite's fingerprint is kept in the publish manifest (check_summary.gx_suite_fingerprints,
only for checks that passed, so a mart published with a warning is validated whole again). Every row is validated
when there is no published version, when the suite changed since (or holds an expectation about the whole table),
when the published table is missing or has other columns, or when the published file cannot be opened. Rows
come in chunks, so memory stays bounded by the chunk, not the mart.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ..duckdb_connection import table_columns
from .suites import Suite

# Expectations whose verdict on a table is the conjunction of their verdicts on its rows (or its column list).
ROW_WISE_EXPECTATIONS = frozenset(
    {
        "expect_column_to_exist",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_not_be_in_set",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "expect_column_pair_values_to_be_equal",
        "expect_table_columns_to_match_ordered_list",
        "expect_table_columns_to_match_set",
    }
)
CHUNK_VECTORS = 100  # DuckDB vectors of 2,048 rows: about 200,000 rows per frame
AUDITED = "audited"  # the published file's alias in the build connection


def suite_fingerprint(suite: Suite) -> str:
    """What a suite asks, registry-made expectations included (a file checksum would miss those)."""
    document = json.dumps(list(suite.expectations), sort_keys=True, default=str)
    return hashlib.sha256(document.encode()).hexdigest()[:16]


def is_row_wise(suite: Suite) -> bool:
    return all(expectation["type"] in ROW_WISE_EXPECTATIONS for expectation in suite.expectations)


@dataclass(frozen=True)
class AuditedVersion:
    """The published file attached read-only to the build connection, and what its gate passed."""

    version: int
    fingerprints: dict[str, str]


def audited_record(manifest_path: Path) -> tuple[int, dict[str, str]] | None:
    """The published version and the fingerprints of the suites that passed on it, by check name; None without a
    readable record of them."""
    try:
        manifest = json.loads(manifest_path.read_text())
        version, fingerprints = int(manifest["version"]), manifest["check_summary"]["gx_suite_fingerprints"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(fingerprints, dict) or not fingerprints:
        return None
    return version, {str(name): str(value) for name, value in fingerprints.items()}


@contextmanager
def attached_audited_version(
    connection: duckdb.DuckDBPyConnection, published: Path, manifest_path: Path
) -> Iterator[AuditedVersion | None]:
    """The published file attached read-only as `audited` for the block (then detached: other queries of the
    connection must not see two `marts` schemas); None when there is none or it cannot be opened (then every row
    is validated, which is always right)."""
    record = audited_record(manifest_path)
    if record is None or not published.exists():
        yield None
        return
    quoted = published.as_posix().replace("'", "''")
    try:
        connection.execute(f"attach '{quoted}' as {AUDITED} (read_only)")
    except duckdb.Error:
        yield None
        return
    try:
        yield AuditedVersion(*record)
    finally:
        connection.execute(f"detach {AUDITED}")


@dataclass(frozen=True)
class RowsToValidate:
    query: str
    total_rows: int
    scope: str  # what is validated, for the check's metadata


def rows_to_validate(
    connection: duckdb.DuckDBPyConnection, mart: str, suite: Suite, audited: AuditedVersion | None
) -> RowsToValidate:
    everything = f"select * from marts.{mart}"
    counted = connection.execute(f"select count(*) from marts.{mart}").fetchone()
    total = int(counted[0]) if counted else 0
    if (
        audited is None
        or not is_row_wise(suite)
        or audited.fingerprints.get(suite.check_name) != suite_fingerprint(suite)
        or table_columns(connection, "marts", mart, AUDITED) != table_columns(connection, "marts", mart)
    ):
        return RowsToValidate(everything, total, "all rows")
    return RowsToValidate(
        f"{everything} except all select * from {AUDITED}.marts.{mart}",
        total,
        f"rows not in published version {audited.version}",
    )


def frames(connection: duckdb.DuckDBPyConnection, query: str) -> Iterator[pd.DataFrame]:
    """The query's rows as dataframes of about CHUNK_VECTORS x 2,048 rows; the first even when empty, so that the
    columns are still judged."""
    result = connection.execute(query)
    frame = result.fetch_df_chunk(CHUNK_VECTORS)
    while True:
        yield frame
        frame = result.fetch_df_chunk(CHUNK_VECTORS)
        if frame.empty:
            return
