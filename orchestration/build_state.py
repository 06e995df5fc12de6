"""Whether a run's dbt build may be incremental, or must rebuild everything (`dbt build --full-refresh`).

Incremental models (docs/incremental-runs.md) read only the loads ingested since their last build. That is right
only while the raw layer has grown by new loads alone and the models and vars are those of the last build. So the
build database keeps a record of each successful build (`ops.dbt_builds`), and a build is full when there is none,
when a load was removed since (a file re-read with new settings, reprocessed or ignored: `raw.removed_loads`), or
when the dbt project's files or the run's vars changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from .settings import DBT_PROJECT_DIR

STATE_SCHEMA = "ops"
STATE_TABLE = f"{STATE_SCHEMA}.dbt_builds"
# The files whose change can change what a model builds (profiles.yml only says where the database is).
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "tests")


@dataclass(frozen=True)
class BuildPlan:
    full_refresh: bool
    reason: str
    removed_loads: int  # raw.removed_loads' rows when the plan was made, recorded with the build


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """A hash of the dbt project's files (names and contents) that decide what the models build."""
    digest = hashlib.sha256()
    for part in PROJECT_PARTS:
        root = project_dir / part
        paths = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else [root]
        for path in paths:
            if path.exists():
                digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _table_exists(connection: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    row = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()
    return bool(row and row[0])


def removed_load_count(connection: duckdb.DuckDBPyConnection) -> int:
    if not _table_exists(connection, "raw", "removed_loads"):
        return 0
    row = connection.execute("select count(*) from raw.removed_loads").fetchone()
    return int(row[0]) if row else 0


def plan_build(connection: duckdb.DuckDBPyConnection, run_vars: dict[str, Any], fingerprint: str) -> BuildPlan:
    """Full or incremental, and why."""
    removed_now = removed_load_count(connection)
    if not _table_exists(connection, STATE_SCHEMA, "dbt_builds"):
        return BuildPlan(True, "no earlier build", removed_now)
    last = connection.execute(
        f"select removed_loads, project_fingerprint, run_vars from {STATE_TABLE} order by build_number desc limit 1"
    ).fetchone()
    if last is None:
        return BuildPlan(True, "no earlier build", removed_now)
    removed, last_fingerprint, last_vars = last
    if removed_now != removed:
        return BuildPlan(True, "loads were removed or re-read since the last build", removed_now)
    if last_fingerprint != fingerprint:
        return BuildPlan(True, "the dbt project changed since the last build", removed_now)
    if json.loads(last_vars) != run_vars:
        return BuildPlan(True, "the run's dbt vars changed since the last build", removed_now)
    return BuildPlan(False, "new loads only since the last build", removed_now)


def record_build(
    connection: duckdb.DuckDBPyConnection, run_vars: dict[str, Any], fingerprint: str, plan: BuildPlan
) -> None:
    """Record a successful build: the state the next run's plan compares with."""
    connection.execute(f"create schema if not exists {STATE_SCHEMA}")
    connection.execute(
        f"""
        create table if not exists {STATE_TABLE} (
            build_number bigint not null,
            finished_at timestamptz not null default now(),
            full_refresh boolean not null,
            reason varchar not null,
            removed_loads bigint not null,
            project_fingerprint varchar not null,
            run_vars varchar not null
        )
        """
    )
    connection.execute(
        f"""
        insert into {STATE_TABLE} (build_number, full_refresh, reason, removed_loads, project_fingerprint, run_vars)
        select coalesce(max(build_number), 0) + 1, ?, ?, ?, ?, ? from {STATE_TABLE}
        """,
        [plan.full_refresh, plan.reason, plan.removed_loads, fingerprint, json.dumps(run_vars, sort_keys=True)],
    )
