"""Write-audit-publish: copy the audited marts to a new DuckDB file and swap it in atomically.

BI tools open `published/warehouse.duckdb` read-only. The new version is written beside it under a temporary
name, checkpointed, closed, then renamed over the old one: a reader already holding the old file keeps reading
the old version, a new reader sees the new one, and nobody ever sees a half-written file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .settings import Settings

MARTS_SCHEMA = "marts"


@dataclass(frozen=True)
class PublishResult:
    path: Path
    manifest_path: Path
    version: int
    row_counts: dict[str, int]


def mart_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = ? order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    return [row[0] for row in rows]


def _previous_version(manifest_path: Path) -> int:
    try:
        return int(json.loads(manifest_path.read_text())["version"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def _data_window(connection: duckdb.DuckDBPyConnection) -> dict[str, object]:
    window = connection.execute(
        f"""
        select min(period_start)::varchar, max(period_start)::varchar
        from {MARTS_SCHEMA}.kpi_metrics where period_grain = 'day'
        """
    ).fetchone()
    as_of = connection.execute(
        "select source_system, as_of_at::varchar from intermediate.int_source_as_of order by source_system"
    ).fetchall()
    return {
        "first_day": window[0] if window else None,
        "last_day": window[1] if window else None,
        "as_of": dict(as_of),
    }


def _write_json_atomically(path: Path, payload: dict[str, object]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n")
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(path)


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(settings: Settings, run_id: str, check_summary: dict[str, object]) -> PublishResult:
    """Copy every table of schema `marts` of the build database into a new file and swap it in."""
    settings.ensure_dirs()
    target = settings.published_database
    # Publishing holds the writer lock: any other staging copy was left by a killed run.
    for leftover in target.parent.glob(".warehouse-*.duckdb.tmp*"):
        leftover.unlink(missing_ok=True)
    staging_file = target.with_name(f".warehouse-{run_id}.duckdb.tmp")
    row_counts: dict[str, int] = {}
    # Read-write like every other connection to the build database (DuckDB refuses to mix modes in a process).
    with duckdb.connect(str(settings.build_database)) as build:
        tables = mart_tables(build)
        if not tables:
            raise RuntimeError("the build database has no marts to publish")
        data_window = _data_window(build)
        build.execute(f"attach '{staging_file}' as publish")
        build.execute(f"create schema publish.{MARTS_SCHEMA}")
        for table in tables:
            build.execute(f"create table publish.{MARTS_SCHEMA}.{table} as select * from {MARTS_SCHEMA}.{table}")
            count = build.execute(f"select count(*) from publish.{MARTS_SCHEMA}.{table}").fetchone()
            row_counts[table] = int(count[0]) if count else 0
        build.execute("checkpoint publish")
        build.execute("detach publish")
    with staging_file.open("rb") as handle:
        os.fsync(handle.fileno())
    staging_file.replace(target)
    _fsync_directory(target.parent)

    version = _previous_version(settings.manifest_path) + 1
    _write_json_atomically(
        settings.manifest_path,
        {
            "version": version,
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "run_id": run_id,
            "path": str(target),
            "schema": MARTS_SCHEMA,
            "reporting_timezone": settings.timezone,
            "data_window": data_window,
            "row_counts": row_counts,
            "check_summary": check_summary,
        },
    )
    return PublishResult(path=target, manifest_path=settings.manifest_path, version=version, row_counts=row_counts)
