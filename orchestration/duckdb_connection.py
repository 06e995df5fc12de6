"""Every DuckDB connection the product opens: to the build database (ingestion, checks, publish) and, read-only, to
the published file (summary, query, report). Each gets the memory_limit and threads of the settings
(SUPPORT_KPI_MEMORY_LIMIT, SUPPORT_KPI_THREADS); dbt's connection gets them from profiles.yml."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .settings import Settings


def apply_limits(connection: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Set DuckDB's memory_limit and threads. SET rather than a connect-time config: DuckDB refuses a second
    connection to an open file with another config, and these settings are the database instance's anyway."""
    # Both validated by the settings (a number and a unit, a whole number): safe as literals.
    connection.execute(f"set memory_limit = '{settings.memory_limit}'")
    connection.execute(f"set threads = {int(settings.threads)}")


def connect(path: Path | str, settings: Settings, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection to a DuckDB file with the settings' memory_limit and threads."""
    connection = duckdb.connect(str(path), read_only=read_only)
    try:
        apply_limits(connection, settings)
    except BaseException:
        connection.close()
        raise
    return connection


def table_columns(
    connection: duckdb.DuckDBPyConnection, schema: str, table: str, database: str | None = None
) -> list[tuple[str, str]]:
    """A table's (column name, data type) in order; of the connection's own database unless `database` names an
    attached one; empty when there is no such table."""
    rows = connection.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = coalesce(?, current_database()) and schema_name = ? and table_name = ? "
        "order by column_index",
        [database, schema, table],
    ).fetchall()
    return [(str(name), str(data_type)) for name, data_type in rows]
