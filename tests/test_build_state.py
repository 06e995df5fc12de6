"""When a dbt build may be incremental (orchestration/build_state.py): only after a recorded build, with no load
removed since, the same dbt project and the same run vars."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.build_state import BuildPlan, plan_build, project_fingerprint, record_build

VARS = {"reporting_timezone": "UTC"}


def _removed_loads(connection: duckdb.DuckDBPyConnection, rows: int) -> None:
    connection.execute("create schema if not exists raw")
    connection.execute("create or replace table raw.removed_loads (load_id bigint)")
    connection.execute("insert into raw.removed_loads select range from range(?)", [rows])


def test_full_until_a_build_is_recorded_then_incremental_while_only_loads_are_added() -> None:
    with duckdb.connect() as connection:
        first = plan_build(connection, VARS, "fingerprint-a")
        assert first == BuildPlan(True, "no earlier build", 0)
        record_build(connection, VARS, "fingerprint-a", first)
        second = plan_build(connection, VARS, "fingerprint-a")
        assert second == BuildPlan(False, "new loads only since the last build", 0)


def test_a_removed_load_a_changed_project_or_changed_vars_make_it_full() -> None:
    with duckdb.connect() as connection:
        _removed_loads(connection, 1)
        record_build(connection, VARS, "fingerprint-a", plan_build(connection, VARS, "fingerprint-a"))
        assert not plan_build(connection, VARS, "fingerprint-a").full_refresh
        assert plan_build(connection, VARS, "fingerprint-b").reason == "the dbt project changed since the last build"
        paris = {"reporting_timezone": "Europe/Paris"}
        changed_vars = plan_build(connection, paris, "fingerprint-a")
        assert changed_vars.reason == "the run's dbt vars changed since the last build"
        _removed_loads(connection, 2)  # a file re-read with new settings since the build
        plan = plan_build(connection, VARS, "fingerprint-a")
        assert plan == BuildPlan(True, "loads were removed or re-read since the last build", 2)
        record_build(connection, VARS, "fingerprint-a", plan)  # the full build done, the next may be incremental
        assert not plan_build(connection, VARS, "fingerprint-a").full_refresh
        numbers = connection.execute("select build_number, full_refresh from ops.dbt_builds order by 1").fetchall()
        assert numbers == [(1, True), (2, True)]


def test_the_fingerprint_follows_model_files_not_other_files(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "dbt_project.yml").write_text("name: x\n")
    (tmp_path / "models" / "a.sql").write_text("select 1")
    before = project_fingerprint(tmp_path)
    (tmp_path / "profiles.yml").write_text("anything")
    assert project_fingerprint(tmp_path) == before
    (tmp_path / "models" / "a.sql").write_text("select 2")
    assert project_fingerprint(tmp_path) != before
