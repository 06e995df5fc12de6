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


def audited_fingerprints(manifest_path: Path) -> dict[str, str]:
    """The fingerprints of the suites that passed on the published version, by check name."""
    try:
        manifest = json.loads(manifest_path.read_text())
        fingerprints = manifest["check_summary"].get("gx_suite_fingerprints") or {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    return {str(name): str(value) for name, value in fingerprints.items()} if isinstance(fingerprints, dict) else {}


@dataclass(frozen=True)
class AuditedVersion:
    """The published file attached read-only to the build connection, and what its gate passed."""

    version: int
    fingerprints: dict[str, str]


@contextmanager
def attached_audited_version(
    connection: duckdb.DuckDBPyConnection, published: Path, manifest_path: Path
) -> Iterator[AuditedVersion | None]:
    """The published file attached read-only as `audited` for the block (then detached: other queries of the
    connection must not see two `marts` schemas); None when there is none or it cannot be opened (then every row
    is validated, which is always right)."""
    fingerprints = audited_fingerprints(manifest_path)
    quoted = published.as_posix().replace("'", "''")
    try:
        if not published.exists() or not fingerprints:
            raise FileNotFoundError(published)
        version = int(json.loads(manifest_path.read_text())["version"])
        connection.execute(f"attach '{quoted}' as {AUDITED} (read_only)")
    except (duckdb.Error, OSError, ValueError, KeyError, TypeError):
        yield None
        return
    try:
        yield AuditedVersion(version=version, fingerprints=fingerprints)
    finally:
        connection.execute(f"detach {AUDITED}")


def _columns(connection: duckdb.DuckDBPyConnection, database: str, table: str) -> list[tuple[str, str]]:
    return [
        (str(name), str(data_type))
        for name, data_type in connection.execute(
            "select column_name, data_type from duckdb_columns() "
            "where database_name = ? and schema_name = 'marts' and table_name = ? order by column_index",
            [database, table],
        ).fetchall()
    ]


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
    build_database = connection.execute("select current_database()").fetchone()
    unchanged_suite = (
        audited is not None
        and is_row_wise(suite)
        and audited.fingerprints.get(suite.check_name) == suite_fingerprint(suite)
    )
    if not unchanged_suite or audited is None:
        return RowsToValidate(everything, total, "all rows")
    published_columns = _columns(connection, AUDITED, mart)
    if not published_columns or published_columns != _columns(connection, str(build_database[0]), mart):
        return RowsToValidate(everything, total, "all rows")
    return RowsToValidate(
        f"{everything} except all select * from {AUDITED}.marts.{mart}",
        total,
        f"rows not in published version {audited.version}",
    )


def frames(connection: duckdb.DuckDBPyConnection, query: str) -> Iterator[pd.DataFrame]:
    """The query's rows as dataframes of about CHUNK_VECTORS x 2,048 rows; one (empty) frame when there are none,
    so that the columns are still judged."""
    result = connection.execute(query)
    first = True
    while True:
        frame = result.fetch_df_chunk(CHUNK_VECTORS)
        if frame.empty and not first:
            return
        yield frame
        if frame.empty:
            return
        first = False
