"""SUPPORT_KPI_MEMORY_LIMIT and SUPPORT_KPI_THREADS: DuckDB's memory_limit and threads, validated once, applied to
every connection the product opens and to dbt's (profiles.yml)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_project import export_duckdb_settings
from orchestration.duckdb_connection import connect
from orchestration.settings import (
    MEMORY_LIMIT_VARIABLE,
    THREADS_VARIABLE,
    ConfigurationError,
    Settings,
    core_count,
    load_settings,
)

from .conftest import DBT_PROJECT, SMALL_LANDING, run_cli


def test_defaults_are_60_percent_of_the_memory_and_the_core_count() -> None:
    settings = load_settings({})
    assert (settings.memory_limit, settings.threads) == ("60%", core_count())
    assert settings.duckdb_environment() == {MEMORY_LIMIT_VARIABLE: "60%", THREADS_VARIABLE: str(core_count())}
    assert core_count() >= 1


@pytest.mark.parametrize(
    ("text", "memory_limit"),
    [("8GB", "8GB"), ("512 mib", "512MiB"), ("1.5GiB", "1.5GiB"), ("50%", "50%"), ("100%", "100%"), (" 2tb ", "2TB")],
)
def test_memory_limits_duckdb_reads(text: str, memory_limit: str) -> None:
    assert load_settings({MEMORY_LIMIT_VARIABLE: text}).memory_limit == memory_limit
    with duckdb.connect() as connection:  # DuckDB takes each normalised value
        connection.execute(f"set memory_limit = '{memory_limit}'")


@pytest.mark.parametrize("text", ["8", "0GB", "-1GB", "101%", "lots", "8 GB; drop table x", "8XB"])
def test_a_bad_memory_limit_is_a_configuration_error(text: str) -> None:
    with pytest.raises(ConfigurationError, match=f"^{MEMORY_LIMIT_VARIABLE}=") as error:
        load_settings({MEMORY_LIMIT_VARIABLE: text})
    assert "\n" not in str(error.value)


def test_threads_are_a_whole_number_of_at_least_one() -> None:
    assert load_settings({THREADS_VARIABLE: "3"}).threads == 3
    for text in ("0", "-2", "1.5", "two"):
        with pytest.raises(ConfigurationError, match=f"^{THREADS_VARIABLE}='"):
            load_settings({THREADS_VARIABLE: text})


def test_a_bad_setting_stops_the_run_with_exit_2_and_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(THREADS_VARIABLE, "0")
    completed = run_cli("run", home=tmp_path / "home", landing=SMALL_LANDING)
    assert completed.returncode == 2
    assert completed.stderr == f"supportkpi: error: {THREADS_VARIABLE}='0' is not a whole number of threads >= 1\n"
    assert not (tmp_path / "home").exists()


def test_connections_of_the_product_get_the_limits(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, landing=tmp_path, timezone="UTC", memory_limit="512MiB", threads=1)
    database = tmp_path / "x.duckdb"
    with connect(database, settings) as connection:
        connection.execute("create table t as select 1 as x")
    # read-only, and beside a connection already open on the file without the settings (DuckDB shares it)
    with duckdb.connect(str(database), read_only=True) as other, connect(database, settings, read_only=True) as ro:
        shown = ro.execute("select current_setting('memory_limit'), current_setting('threads')").fetchone()
        assert other.execute("select x from t").fetchall() == [(1,)]
    assert shown == ("512.0 MiB", 1)


RENDER_PROFILE = """
import json, os
from argparse import Namespace
from dbt.config.profile import Profile, read_profile
from dbt.config.renderer import ProfileRenderer
from dbt.flags import set_from_args
from dbt_common.context import set_invocation_context
set_from_args(Namespace(), None)
set_invocation_context(os.environ)
profile = Profile.from_raw_profiles(read_profile(os.environ["PROFILES"]), "support_kpi", ProfileRenderer({}))
print(json.dumps({"threads": profile.threads, "settings": profile.credentials.settings}))
"""


def render_dbt_profile(environment: dict[str, str]) -> dict[str, object]:
    """dbt's own rendering of profiles.yml in a process of its own (dbt's flags and context are global)."""
    completed = subprocess.run(
        [sys.executable, "-c", RENDER_PROFILE],
        env={**os.environ, **environment, "PROFILES": str(DBT_PROJECT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return json.loads(completed.stdout)


def test_dbt_profile_gets_the_resolved_settings(monkeypatch) -> None:
    # What a run does before dbt starts: the values normalised, the defaults resolved, in dbt's environment.
    monkeypatch.setenv(MEMORY_LIMIT_VARIABLE, "2 gib")
    monkeypatch.setenv(THREADS_VARIABLE, "3")
    export_duckdb_settings()
    assert (os.environ[MEMORY_LIMIT_VARIABLE], os.environ[THREADS_VARIABLE]) == ("2GiB", "3")
    assert render_dbt_profile({}) == {"threads": 3, "settings": {"memory_limit": "2GiB", "threads": 3}}

    monkeypatch.delenv(MEMORY_LIMIT_VARIABLE)
    monkeypatch.delenv(THREADS_VARIABLE)
    export_duckdb_settings()
    assert (os.environ[MEMORY_LIMIT_VARIABLE], os.environ[THREADS_VARIABLE]) == ("60%", str(core_count()))
