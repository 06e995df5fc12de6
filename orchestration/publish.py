"""Write-audit-publish: copy the audited marts to a new DuckDB file and swap it in atomically.

BI tools open `published/warehouse.duckdb` read-only. The new version is written beside it under a temporary
name, checkpointed, closed, then renamed over the old one: a reader already holding the old file keeps reading
the old version, a new reader sees the new one, and nobody ever sees a half-written file.

The file is for every client a BI user has: it is written in DuckDB's v1.0.0 storage format (which DuckDB 1.0 and
later open), with no WAL beside it, and describes itself: every table and column has a COMMENT ON taken from the
dbt docs (the run's manifest); a mart whose yml names a `config: meta: primary_key` states it in its table comment
and in manifest.json (see DECLARE_PRIMARY_KEYS for why it is not a constraint).

Publish also writes one table dbt does not: `marts.kpi_restatements`, the append-only history of the published
values a later publish changed (see `RESTATEMENTS`); each publish compares the build's kpi_metrics with those of the
file it replaces, and lists what it restated in manifest.json.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from .duckdb_connection import connect, table_columns
from .settings import Settings

MARTS_SCHEMA = "marts"
# The oldest storage format DuckDB 2.x writes that DuckDB 1.0 and later read (2.x's default is refused by 1.x).
STORAGE_VERSION = "v1.0.0"
# Whether published tables declare their primary key as a constraint. Off: DuckDB 2.0.1 writes the key's index in a
# form DuckDB 1.0.x cannot read even at STORAGE_VERSION v1.0.0 ("Failed to deserialize: expected end of object, but
# found field id: 103"; 1.1.0 and later read it), and Evidence's DuckDB connector (duckdb-async 1.0.0) is DuckDB 1.0.0.
# SQLAlchemy cannot reflect DuckDB keys either (duckdb-engine get_pk_constraint). The key is published in the table's
# comment ("Primary key: ...") and in manifest.json instead.
DECLARE_PRIMARY_KEYS = False


@dataclass(frozen=True)
class TableDocs:
    """What the dbt docs say of one mart: its description, each column's, and its declared primary key."""

    description: str
    columns: dict[str, str]
    primary_key: tuple[str, ...]


@dataclass(frozen=True)
class PublishResult:
    path: Path
    manifest_path: Path
    version: int
    row_counts: dict[str, int]
    undocumented: tuple[str, ...] = ()  # `table` or `table.column` published without a comment
    restatements: int = 0  # rows this publish added to kpi_restatements


RESTATEMENTS = "kpi_restatements"
# The key of a published KPI value (marts.kpi_metrics' primary key).
METRIC_KEY = ("metric", "period_grain", "period_start", "scope_type", "scope_id")
# Two values closer than this (relative to the larger, at least 1) are the same value: parallel float sums may
# differ in their last bits between two builds of the same data, which is no restatement.
RESTATEMENT_TOLERANCE = 1e-9
# The restatements of one publish listed in manifest.json (all are counted, and all are in kpi_restatements).
MANIFEST_RESTATEMENTS = 100
RESTATEMENT_COLUMNS = (
    ("metric", "varchar"), ("period_grain", "varchar"), ("period_start", "date"), ("scope_type", "varchar"),
    ("scope_id", "varchar"), ("old_value", "double"), ("new_value", "double"), ("old_version", "integer"),
    ("new_version", "integer"), ("published_at", "timestamp with time zone"),
)  # fmt: skip
# The docs of the tables publish writes itself (no dbt model, hence not in the dbt manifest).
PUBLISHED_TABLE_DOCS = {
    RESTATEMENTS: TableDocs(
        description=(
            "One row per published value that a later publish changed for a period already published (late or "
            "re-exported data, a changed mapping): a kpi_metrics value of the replaced version whose value differs "
            "in the new one (beyond float noise: a relative 1e-9), or that the new version no longer has (new_value "
            "null). A value that first appears in a period is no restatement. Append-only: every publish keeps the "
            "rows of the versions before it and adds its own."
        ),
        columns={
            "metric": "Metric name (kpi_metrics.metric); see metric_definitions for its label, unit and format.",
            "period_grain": "day, week (ISO, starting Monday) or month.",
            "period_start": "First day of the period (a date in the reporting time zone).",
            "scope_type": "org, team or agent.",
            "scope_id": "`all` for org scope; the roster team_id for team scope; the roster agent_id for agent scope.",
            "old_value": "The value as published in old_version (raw, in the metric's unit).",
            "new_value": "The value as published in new_version (raw); null when new_version has no such row.",
            "old_version": "Publish version (manifest.json version) that published old_value.",
            "new_version": "Publish version that restated it (old_version + 1).",
            "published_at": "When new_version was published (UTC).",
        },
        primary_key=(*METRIC_KEY, "new_version"),
    )
}


def mart_tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables where table_schema = ? order by table_name",
        [MARTS_SCHEMA],
    ).fetchall()
    return [row[0] for row in rows]


def manifest_for_run(settings: Settings, run_id: str) -> Path:
    """The dbt manifest of the run's build (its target folder), else the project's parse."""
    run_manifest = settings.dbt_runs_dir / run_id / "manifest.json"
    return run_manifest if run_manifest.exists() else settings.dbt_target_dir / "manifest.json"


def mart_docs(manifest: dict[str, Any]) -> dict[str, TableDocs]:
    """The docs of every model of schema `marts` in a dbt manifest, by table name."""
    docs = {}
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "model" or node.get("schema") != MARTS_SCHEMA:
            continue
        meta = node.get("config", {}).get("meta") or node.get("meta") or {}
        docs[node["alias"] if node.get("alias") else node["name"]] = TableDocs(
            description=(node.get("description") or "").strip(),
            columns={
                name: (column.get("description") or "").strip() for name, column in node.get("columns", {}).items()
            },
            primary_key=tuple(meta.get("primary_key") or ()),
        )
    return docs


@dataclass(frozen=True)
class MetricDoc:
    label: str
    format: str
    unit: str
    description: str


def metric_docs(connection: duckdb.DuckDBPyConnection) -> dict[str, MetricDoc]:
    """Each metric of marts.metric_definitions: what names a generated per-metric column (e.g. kpi_scorecard's)."""
    rows = connection.execute(
        f"select metric, label, format, unit, description from {MARTS_SCHEMA}.metric_definitions order by metric"
    ).fetchall()
    return {row[0]: MetricDoc(*(str(value or "").strip() for value in row[1:])) for row in rows}


def column_comment(column: str, documented: str, metrics: dict[str, MetricDoc]) -> str:
    """The comment of a published column: its dbt description; for an undocumented column named after a metric
    (`<metric>`, `<metric>_target`, `<metric>_met`), one made from metric_definitions; else empty."""
    if documented:
        return documented
    if column in metrics:
        metric = metrics[column]
        return f"{metric.label} ({metric.format}): {metric.description}"
    for suffix in ("_target", "_met"):
        base = column.removesuffix(suffix)
        if column.endswith(suffix) and base in metrics:
            metric = metrics[base]
            if suffix == "_target":
                return f"Target for {metric.label} ({metric.format}, as {base}); null where no target applies."
            return f"True when {metric.label} met its target; null where no target applies."
    return ""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _copy_table(
    build: duckdb.DuckDBPyConnection, table: str, docs: TableDocs | None, metrics: dict[str, MetricDoc]
) -> list[str]:
    """Create publish.marts.<table> with the build table's columns and types, its declared primary key and the
    comments, and copy the rows; returns what is left without a comment."""
    columns = table_columns(build, MARTS_SCHEMA, table)
    undocumented = _create_table(build, table, columns, docs, metrics)
    source = f"{MARTS_SCHEMA}.{_identifier(table)}"
    build.execute(f"insert into publish.{source} select * from {source}")
    return undocumented


def _create_table(
    build: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[tuple[str, str]],
    docs: TableDocs | None,
    metrics: dict[str, MetricDoc],
) -> list[str]:
    """Create publish.marts.<table> with these columns and types, its declared primary key and the comments;
    returns what is left without a comment."""
    names = {name for name, _ in columns}
    primary_key = docs.primary_key if docs else ()
    if missing := [name for name in primary_key if name not in names]:
        raise RuntimeError(f"the primary key of {table} names columns it does not have: {', '.join(missing)}")
    definitions = [f"{_identifier(name)} {data_type}" for name, data_type in columns]
    if primary_key and DECLARE_PRIMARY_KEYS:
        definitions.append(f"primary key ({', '.join(_identifier(name) for name in primary_key)})")
    target = f"publish.{MARTS_SCHEMA}.{_identifier(table)}"
    build.execute(f"create table {target} ({', '.join(definitions)})")
    undocumented = []
    if docs and docs.description:
        key = f" Primary key: ({', '.join(primary_key)})." if primary_key else ""
        build.execute(f"comment on table {target} is {_literal(docs.description + key)}")
    else:
        undocumented.append(table)
    for name, _ in columns:
        comment = column_comment(name, docs.columns.get(name, "") if docs else "", metrics)
        if comment:
            build.execute(f"comment on column {target}.{_identifier(name)} is {_literal(comment)}")
        else:
            undocumented.append(f"{table}.{name}")
    return undocumented


def _has_table(connection: duckdb.DuckDBPyConnection, database: str, table: str) -> bool:
    found = connection.execute(
        "select count(*) from duckdb_tables() where database_name = ? and schema_name = ? and table_name = ?",
        [database, MARTS_SCHEMA, table],
    ).fetchone()
    return bool(found and found[0])


def _write_restatements(
    build: duckdb.DuckDBPyConnection,
    previous_file: Path | None,
    old_version: int,
    new_version: int,
    published_at: datetime,
    metrics: dict[str, MetricDoc],
) -> tuple[int, list[dict[str, object]], list[str]]:
    """publish.marts.kpi_restatements: the rows of the file being replaced (`previous_file`, attached read-only;
    none on a first publish), then this publish's own: each kpi_metrics value of that file that the build changed
    or no longer has. Returns how many this publish added, the first MANIFEST_RESTATEMENTS of them (org before team
    before agent, month before week before day) and what is left without a comment."""
    undocumented = _create_table(
        build, RESTATEMENTS, list(RESTATEMENT_COLUMNS), PUBLISHED_TABLE_DOCS[RESTATEMENTS], metrics
    )
    if previous_file is None or not previous_file.exists():
        return 0, [], undocumented
    target = f"publish.{MARTS_SCHEMA}.{RESTATEMENTS}"
    names = ", ".join(name for name, _ in RESTATEMENT_COLUMNS)
    build.execute(f"attach {_literal(str(previous_file))} as previous (read_only)")
    try:
        if _has_table(build, "previous", RESTATEMENTS):
            build.execute(f"insert into {target} ({names}) select {names} from previous.{MARTS_SCHEMA}.{RESTATEMENTS}")
        if not _has_table(build, "previous", "kpi_metrics"):
            return 0, [], undocumented
        joined = " and ".join(f"new.{column} = old.{column}" for column in METRIC_KEY)
        build.execute(
            f"""
            insert into {target} ({names})
            select old.metric, old.period_grain, old.period_start, old.scope_type, old.scope_id,
                old.value, new.value, ?, ?, ?
            from previous.{MARTS_SCHEMA}.kpi_metrics old
            left join {MARTS_SCHEMA}.kpi_metrics new on {joined}
            where new.metric is null
                or old.value is distinct from new.value
                and coalesce(abs(old.value - new.value) > ? * greatest(1.0, abs(old.value), abs(new.value)), true)
            """,
            [old_version, new_version, published_at, RESTATEMENT_TOLERANCE],
        )
    finally:
        build.execute("detach previous")
    count = build.execute(f"select count(*) from {target} where new_version = ?", [new_version]).fetchone()
    listed = build.execute(
        f"""
        select metric, period_grain, period_start::varchar as period_start, scope_type, scope_id, old_value,
            new_value, old_version, new_version
        from {target} where new_version = ?
        order by case scope_type when 'org' then 0 when 'team' then 1 else 2 end,
            case period_grain when 'month' then 0 when 'week' then 1 else 2 end,
            period_start, metric, scope_id
        limit ?
        """,
        [new_version, MANIFEST_RESTATEMENTS],
    )
    columns = [description[0] for description in listed.description]
    rows = [dict(zip(columns, row, strict=True)) for row in listed.fetchall()]
    return int(count[0]) if count else 0, rows, undocumented


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


def publish(
    settings: Settings, run_id: str, check_summary: dict[str, object], manifest_path: Path | None = None
) -> PublishResult:
    """Copy every table of schema `marts` of the build database into a new file and swap it in. The comments and
    primary keys come from the dbt manifest (default: the run's, see `manifest_for_run`)."""
    settings.ensure_dirs()
    docs = mart_docs(json.loads((manifest_path or manifest_for_run(settings, run_id)).read_text()))
    target = settings.published_database
    # Publishing holds the writer lock: any other staging copy was left by a killed run.
    for leftover in target.parent.glob(".warehouse-*.duckdb.tmp*"):
        leftover.unlink(missing_ok=True)
    staging_file = target.with_name(f".warehouse-{run_id}.duckdb.tmp")
    row_counts: dict[str, int] = {}
    undocumented: list[str] = []
    old_version = _previous_version(settings.manifest_path)
    version = old_version + 1
    published_at = datetime.now(UTC).replace(microsecond=0)
    # Read-write like every other connection to the build database (DuckDB refuses to mix modes in a process).
    with connect(settings.build_database, settings) as build:
        tables = [table for table in mart_tables(build) if table not in PUBLISHED_TABLE_DOCS]
        if not tables:
            raise RuntimeError("the build database has no marts to publish")
        data_window = _data_window(build)
        metrics = metric_docs(build)
        build.execute(f"attach {_literal(str(staging_file))} as publish (storage_version '{STORAGE_VERSION}')")
        build.execute(f"create schema publish.{MARTS_SCHEMA}")
        for table in tables:
            undocumented += _copy_table(build, table, docs.get(table), metrics)
        restated, restatements, left = _write_restatements(
            build, target if target.exists() else None, old_version, version, published_at, metrics
        )
        undocumented += left
        for table in sorted([*tables, RESTATEMENTS]):
            count = build.execute(f"select count(*) from publish.{MARTS_SCHEMA}.{table}").fetchone()
            row_counts[table] = int(count[0]) if count else 0
        build.execute("checkpoint publish")
        build.execute("detach publish")
    # Checkpointed and detached, the file holds everything: a WAL left beside it would be a bug (and one beside the
    # published file can only be an old version's, opened read-write by someone: it must not meet the new file).
    if staging_file.with_name(staging_file.name + ".wal").exists():
        raise RuntimeError(f"DuckDB left a WAL beside {staging_file} after the checkpoint")
    with staging_file.open("rb") as handle:
        os.fsync(handle.fileno())
    target.with_name(target.name + ".wal").unlink(missing_ok=True)
    staging_file.replace(target)
    _fsync_directory(target.parent)

    docs = {**docs, **PUBLISHED_TABLE_DOCS}
    _write_json_atomically(
        settings.manifest_path,
        {
            "version": version,
            "published_at": published_at.isoformat(timespec="seconds"),
            "run_id": run_id,
            "path": str(target),
            "schema": MARTS_SCHEMA,
            "reporting_timezone": settings.timezone,
            "data_window": data_window,
            "row_counts": row_counts,
            "primary_keys": {
                table: list(docs[table].primary_key)
                for table in row_counts
                if docs.get(table) and docs[table].primary_key
            },
            "check_summary": check_summary,
            # The published values this publish changed (all of them are in marts.kpi_restatements).
            "restatements": {
                "count": restated,
                "listed": restatements,
                "listed_at_most": MANIFEST_RESTATEMENTS,
                "old_version": old_version if restated else None,
            },
        },
    )
    return PublishResult(
        path=target,
        manifest_path=settings.manifest_path,
        version=version,
        row_counts=row_counts,
        undocumented=tuple(undocumented),
        restatements=restated,
    )
