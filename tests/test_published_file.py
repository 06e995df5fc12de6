"""The published file is for every BI client: DuckDB 1.0 storage, no WAL, a comment on every table and column."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.publish import PUBLISHED_TABLE_DOCS, MetricDoc, column_comment, publish
from orchestration.settings import Settings

from .conftest import PROJECT_ROOT, Query

MARTS_YML = PROJECT_ROOT / "dbt_project" / "models" / "marts" / "_marts__models.yml"
# The mart keys, worked out from the unique / unique_combination and not_null tests of the yml.
PRIMARY_KEYS = {
    "dim_agent": ["agent_id", "valid_from"],
    "dim_team": ["team_id"],
    "dim_date": ["date_day"],
    "fct_tickets": ["ticket_id"],
    "fct_calls": ["call_id", "queue"],
    "fct_survey_responses": ["response_id"],
    "fct_quality_reviews": ["review_id"],
    "kpi_metrics": ["period_grain", "period_start", "scope_type", "scope_id", "metric"],
    "kpi_target_attainment": ["period_grain", "period_start", "scope_type", "scope_id", "metric"],
    "kpi_agent_vs_team": ["period_grain", "period_start", "agent_id", "team_id", "metric"],
    "kpi_trends": ["period_grain", "period_start", "scope_type", "scope_id", "metric"],
    "top_contact_reasons": ["month_start", "channel", "contact_reason"],
    "metric_definitions": ["metric"],
    "kpi_scorecard": ["period_grain", "period_start", "scope_type", "scope_id", "is_complete_period"],
    # written by publish itself (documented in orchestration/publish.py PUBLISHED_TABLE_DOCS, not in the yml)
    "kpi_restatements": ["metric", "period_grain", "period_start", "scope_type", "scope_id", "new_version"],
}
DUCKDB_1_STORAGE = 64  # the storage version number of DuckDB 1.0 (DuckDB 1.x reads 64 to 68)


def yml_docs() -> dict[str, tuple[str, dict[str, str]]]:
    models = yaml.safe_load(MARTS_YML.read_text())["models"]
    return {
        model["name"]: (
            model["description"].strip(),
            {column["name"]: (column.get("description") or "").strip() for column in model.get("columns", [])},
        )
        for model in models
    }


def published_docs(query: Query) -> dict[str, tuple[str, dict[str, str]]]:
    """The yml docs, plus kpi_scorecard's three columns per metric, described from metric_definitions, plus the
    docs of the tables publish writes itself."""
    docs = yml_docs() | {table: (table_docs.description, dict(table_docs.columns))
                         for table, table_docs in PUBLISHED_TABLE_DOCS.items()}  # fmt: skip
    description, columns = docs["kpi_scorecard"]
    for metric, label, format_, definition in query(
        "select metric, label, format, description from marts.metric_definitions"
    ):
        columns[metric] = f"{label} ({format_}): {definition}"
        columns[f"{metric}_target"] = f"Target for {label} ({format_}, as {metric}); null where no target applies."
        columns[f"{metric}_met"] = f"True when {label} met its target; null where no target applies."
    return docs


def expected_table_comment(table: str, description: str) -> str:
    key = PRIMARY_KEYS.get(table)
    return description + (f" Primary key: ({', '.join(key)})." if key else "")


def storage_version(path: Path) -> int:
    header = path.read_bytes()[:20]
    assert header[8:12] == b"DUCK", "not a DuckDB file"
    return struct.unpack("<Q", header[12:20])[0]


# ---- the yml (no pipeline)


def test_every_mart_and_column_of_the_yml_has_a_description_and_keys_are_tested() -> None:
    docs = yml_docs()
    sql_models = {path.stem for path in MARTS_YML.parent.glob("*.sql")}
    assert sql_models <= set(docs), "a mart without a yml entry"
    models = {model["name"]: model for model in yaml.safe_load(MARTS_YML.read_text())["models"]}
    for name, (description, columns) in docs.items():
        assert description, name
        assert columns and all(columns.values()), f"{name}: {[c for c, text in columns.items() if not text]}"
        key = (models[name].get("config", {}).get("meta") or {}).get("primary_key")
        assert key == PRIMARY_KEYS.get(name), name
        for column in key or []:
            tests = [test if isinstance(test, str) else next(iter(test)) for test in
                     next(c for c in models[name]["columns"] if c["name"] == column).get("data_tests", [])]  # fmt: skip
            assert "not_null" in tests, f"{name}.{column}"


def test_an_undocumented_metric_column_is_described_from_metric_definitions() -> None:
    metrics = {"first_reply_within_1h_rate": MetricDoc("First reply within 1 h", "percent", "ratio", "Replied.")}
    assert column_comment("first_reply_within_1h_rate", "", metrics) == "First reply within 1 h (percent): Replied."
    assert column_comment("first_reply_within_1h_rate_target", "", metrics) == (
        "Target for First reply within 1 h (percent, as first_reply_within_1h_rate); null where no target applies."
    )
    assert column_comment("first_reply_within_1h_rate_met", "", metrics) == (
        "True when First reply within 1 h met its target; null where no target applies."
    )
    assert column_comment("first_reply_within_1h_rate", "From dbt.", metrics) == "From dbt."
    assert column_comment("other_met", "", metrics) == ""


def test_publish_of_a_small_build_database(tmp_path: Path) -> None:
    """publish() alone, on a build database made here: a scorecard-like mart whose metric columns have no dbt docs."""
    settings = Settings(home=tmp_path / "home", landing=tmp_path / "landing", timezone="UTC")
    settings.ensure_dirs()
    with duckdb.connect(str(settings.build_database)) as build:
        build.execute("create schema marts; create schema intermediate")
        build.execute(
            "create table intermediate.int_source_as_of as select 'helpdesk' as source_system, now() as as_of_at"
        )
        build.execute(
            "create table marts.kpi_metrics as select 'day' as period_grain, date '2026-03-02' as period_start"
        )
        build.execute(
            "create table marts.metric_definitions as select 'nps' as metric, 'NPS' as label, 'nps' as format, "
            "'score' as unit, 'Net promoter score.' as description"
        )
        build.execute(
            "create table marts.kpi_scorecard as select 'all' as scope_id, 12.5 as nps, 10.0 as nps_target, "
            "true as nps_met, 1 as stray"
        )
    manifest = tmp_path / "manifest.json"
    nodes = {
        "model.p.kpi_metrics": {"description": "Metrics.", "columns": {"period_grain": {"description": "Grain."}}},
        "model.p.metric_definitions": {"description": "Dictionary.", "config": {"meta": {"primary_key": ["metric"]}}},
        "model.p.kpi_scorecard": {"description": "Scorecard.", "columns": {"scope_id": {"description": "Scope."}}},
    }
    for unique_id, node in nodes.items():
        node.update(resource_type="model", schema="marts", name=unique_id.rsplit(".", 1)[1])
    manifest.write_text(json.dumps({"nodes": nodes}))

    result = publish(settings, "run-1", {}, manifest_path=manifest)

    assert storage_version(result.path) == DUCKDB_1_STORAGE
    assert sorted(os.listdir(result.path.parent)) == ["manifest.json", "warehouse.duckdb"]
    assert set(result.undocumented) == {
        "kpi_metrics.period_start", "metric_definitions.metric", "metric_definitions.label",
        "metric_definitions.format", "metric_definitions.unit", "metric_definitions.description",
        "kpi_scorecard.stray",
    }  # fmt: skip
    manifest = json.loads(result.manifest_path.read_text())
    assert manifest["primary_keys"] == {
        "metric_definitions": ["metric"], "kpi_restatements": PRIMARY_KEYS["kpi_restatements"]
    }  # fmt: skip
    assert manifest["restatements"] == {"count": 0, "listed": [], "listed_at_most": 100, "old_version": None}
    with duckdb.connect(str(result.path), read_only=True) as published:
        tables = dict(published.execute("select table_name, comment from duckdb_tables()").fetchall())
        columns = published.execute(
            "select column_name, comment from duckdb_columns() where table_name = 'kpi_scorecard' order by column_index"
        ).fetchall()
    assert tables == {
        "kpi_metrics": "Metrics.",
        "metric_definitions": "Dictionary. Primary key: (metric).",
        "kpi_scorecard": "Scorecard.",
        "kpi_restatements": expected_table_comment(
            "kpi_restatements", PUBLISHED_TABLE_DOCS["kpi_restatements"].description
        ),
    }
    assert columns == [
        ("scope_id", "Scope."),
        ("nps", "NPS (nps): Net promoter score."),
        ("nps_target", "Target for NPS (nps, as nps); null where no target applies."),
        ("nps_met", "True when NPS met its target; null where no target applies."),
        ("stray", None),
    ]


# ---- the published file of the small fixture's run


def test_the_published_file_is_in_duckdb_1_storage_without_a_wal(small_home: Path) -> None:
    published = small_home / "published"
    assert storage_version(published / "warehouse.duckdb") == DUCKDB_1_STORAGE
    assert sorted(os.listdir(published)) == ["manifest.json", "warehouse.duckdb"]
    manifest = json.loads((published / "manifest.json").read_text())
    assert manifest["primary_keys"] == PRIMARY_KEYS


def test_every_table_and_column_has_its_dbt_description_as_comment(published_small: Query) -> None:
    docs = published_docs(published_small)
    tables = dict(published_small("select table_name, comment from duckdb_tables() where schema_name = 'marts'"))
    assert set(tables) == set(docs)
    for table, comment in tables.items():
        assert comment == expected_table_comment(table, docs[table][0])
    columns = published_small(
        "select table_name, column_name, comment from duckdb_columns() where schema_name = 'marts'"
    )
    assert len(columns) == sum(len(columns_) for _, columns_ in docs.values())
    for table, column, comment in columns:
        assert comment and comment == docs[table][1][column], f"{table}.{column}"


REFLECT = """
import json, sys
import sqlalchemy
engine = sqlalchemy.create_engine(sys.argv[1])
inspector = sqlalchemy.inspect(engine)
print(json.dumps({
    table: {
        "columns": {column["name"]: column["comment"] for column in inspector.get_columns(table, schema="marts")},
        "comment": inspector.get_table_comment(table, schema="marts")["text"],
        "pk": inspector.get_pk_constraint(table, schema="marts")["constrained_columns"],
    }
    for table in inspector.get_table_names(schema="marts")
}))
"""


def test_sqlalchemy_reflects_every_mart_with_its_comments(small_home: Path, published_small: Query) -> None:
    """As Superset does: SQLAlchemy + duckdb-engine, the URL of the README, read-only, in a process of its own (this
    one holds the file open with another configuration, which DuckDB refuses to mix)."""
    url = f"duckdb:///{small_home / 'published' / 'warehouse.duckdb'}?access_mode=read_only"
    completed = subprocess.run([sys.executable, "-c", REFLECT, url], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
    reflected = json.loads(completed.stdout)
    docs = published_docs(published_small)
    assert sorted(reflected) == sorted(docs)
    for table, (description, columns) in docs.items():
        assert reflected[table]["columns"] == columns, table
        assert reflected[table]["comment"] == expected_table_comment(table, description)
        # No key constraint in the file (DuckDB 1.0 could not open it); key reflection still answers.
        assert reflected[table]["pk"] == []


def _duckdb_1_python() -> Path:
    """A venv with DuckDB 1.0.0 (Evidence's DuckDB connector reads with it), made once in the user's cache."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "supportkpi-tests" / "duckdb1.0.0"
    python = cache / "bin" / "python"
    if not (cache / ".installed").exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(cache)], check=True, capture_output=True)
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "duckdb==1.0.0"], capture_output=True, text=True
        )
        if installed.returncode != 0:
            pytest.skip(f"DuckDB 1.0.0 could not be installed from the package registry: {installed.stderr[-500:]}")
        (cache / ".installed").touch()
    return python


def test_duckdb_1_0_reads_the_published_file(small_home: Path, published_small: Query) -> None:
    reader = (
        "import duckdb, sys, json\n"
        "c = duckdb.connect(sys.argv[1], read_only=True)\n"
        "print(json.dumps([duckdb.__version__, c.execute('select count(*) from marts.kpi_metrics').fetchone()[0],"
        " c.execute(\"select count(comment) from duckdb_columns() where schema_name = 'marts'\").fetchone()[0]]))\n"
    )
    completed = subprocess.run(
        [str(_duckdb_1_python()), "-c", reader, str(small_home / "published" / "warehouse.duckdb")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    version, rows, comments = json.loads(completed.stdout)
    assert version == "1.0.0"
    assert rows == published_small("select count(*) from marts.kpi_metrics")[0][0] > 0
    assert comments == sum(len(columns) for _, columns in published_docs(published_small).values())


# ---- restatements: publish() alone, on build databases made here


def small_build(settings: Settings, metrics: list[tuple[str, str, str, str, str, float | None]]) -> None:
    """A build database whose marts.kpi_metrics holds these (metric, grain, period_start, scope_type, scope_id,
    value) rows, replacing the one before."""
    settings.build_database.unlink(missing_ok=True)
    with duckdb.connect(str(settings.build_database)) as build:
        build.execute("create schema marts; create schema intermediate")
        build.execute(
            "create table intermediate.int_source_as_of as select 'helpdesk' as source_system, now() as as_of_at"
        )
        build.execute(
            "create table marts.metric_definitions as select * from (values ('tickets_solved', 'Tickets solved', "
            "'count', 'count', 'Solved.'), ('csat_rate', 'CSAT', 'percent', 'ratio', 'Satisfied.')) "
            "as t(metric, label, format, unit, description)"
        )
        build.execute(
            "create table marts.kpi_metrics (metric varchar, period_grain varchar, period_start date, "
            "scope_type varchar, scope_id varchar, value double)"
        )
        build.executemany("insert into marts.kpi_metrics values (?, ?, ?::date, ?, ?, ?)", metrics)


def restatement_rows(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as published:
        return published.execute(
            "select metric, period_grain, period_start::varchar, scope_type, scope_id, old_value, new_value, "
            "old_version, new_version from marts.kpi_restatements "
            "order by new_version, metric, scope_type, period_grain, period_start, scope_id"
        ).fetchall()


def test_restatements_are_the_published_values_a_later_publish_changed(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", landing=tmp_path / "landing", timezone="UTC")
    settings.ensure_dirs()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"nodes": {}}))
    march = [
        ("tickets_solved", "month", "2026-03-01", "org", "all", 2.0),
        ("tickets_solved", "day", "2026-03-02", "org", "all", 1.0),
        ("csat_rate", "month", "2026-03-01", "org", "all", 0.1 + 0.2),
        ("csat_rate", "month", "2026-03-01", "team", "T1", 0.5),
    ]
    small_build(settings, march)
    assert publish(settings, "run-1", {}, manifest_path=manifest).restatements == 0
    assert restatement_rows(settings.published_database) == []

    # The same data again, its float sums in another order: no restatement.
    small_build(settings, [(*row[:5], 0.3) if row[0] == "csat_rate" and row[3] == "org" else row for row in march])
    second = publish(settings, "run-2", {}, manifest_path=manifest)
    assert (second.version, second.restatements) == (2, 0)
    assert json.loads(second.manifest_path.read_text())["restatements"]["count"] == 0

    # A late solve: March and its 03-05 change; team T1's CSAT is gone; a new day (03-05) is no restatement.
    small_build(settings, [
        ("tickets_solved", "month", "2026-03-01", "org", "all", 3.0),
        ("tickets_solved", "day", "2026-03-02", "org", "all", 1.0),
        ("tickets_solved", "day", "2026-03-05", "org", "all", 1.0),
        ("csat_rate", "month", "2026-03-01", "org", "all", 0.25),
    ])  # fmt: skip
    third = publish(settings, "run-3", {}, manifest_path=manifest)
    restated = [
        ("csat_rate", "month", "2026-03-01", "org", "all", 0.3, 0.25, 2, 3),  # as version 2 published it
        ("csat_rate", "month", "2026-03-01", "team", "T1", 0.5, None, 2, 3),
        ("tickets_solved", "month", "2026-03-01", "org", "all", 2.0, 3.0, 2, 3),
    ]
    assert third.restatements == 3
    assert restatement_rows(third.path) == restated
    listed = json.loads(third.manifest_path.read_text())
    assert listed["restatements"]["count"] == 3 and listed["restatements"]["old_version"] == 2
    # Org before team; within a scope, by period, then metric.
    assert [(row["metric"], row["scope_type"], row["old_value"], row["new_value"])
            for row in listed["restatements"]["listed"]] == [
        ("csat_rate", "org", 0.3, 0.25), ("tickets_solved", "org", 2.0, 3.0), ("csat_rate", "team", 0.5, None)
    ]  # fmt: skip
    assert listed["row_counts"]["kpi_restatements"] == 3
    with duckdb.connect(str(third.path), read_only=True) as published:
        moments = published.execute("select distinct published_at from marts.kpi_restatements").fetchall()
    assert [moment.isoformat() for (moment,) in moments] == [listed["published_at"]]

    # The history is append-only: a fourth publish keeps the third's rows (the build database rebuilt from scratch).
    small_build(settings, [
        ("tickets_solved", "month", "2026-03-01", "org", "all", 3.0),
        ("tickets_solved", "day", "2026-03-02", "org", "all", 2.0),
        ("tickets_solved", "day", "2026-03-05", "org", "all", 1.0),
        ("csat_rate", "month", "2026-03-01", "org", "all", 0.25),
    ])  # fmt: skip
    fourth = publish(settings, "run-4", {}, manifest_path=manifest)
    assert fourth.restatements == 1
    assert restatement_rows(fourth.path) == [*restated, ("tickets_solved", "day", "2026-03-02", "org", "all", 1.0,
                                                         2.0, 3, 4)]  # fmt: skip
