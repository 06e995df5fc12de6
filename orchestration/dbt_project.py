"""The dbt project, once: where it is, which dbt runs it, and its parse (the manifest the Dagster assets load)."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from collections.abc import Sequence
from functools import cache, cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from .dbt_vars import run_vars_argument
from .settings import (
    DBT_PROJECT_DIR,
    MEMORY_LIMIT_VARIABLE,
    THREADS_VARIABLE,
    dbt_target_dir,
    home_from,
    memory_limit_from,
    threads_from,
)

# What a change to one of these makes the parse stale.
_PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests", "seeds")


def _dbt_beside_python() -> Path:
    return Path(sys.executable).parent / "dbt"


def dbt_executable() -> str:
    """The dbt beside the running Python: a console script from an unactivated venv has no dbt on PATH."""
    return str(_dbt_beside_python()) if _dbt_beside_python().exists() else "dbt"


class SupportKpiDbtCliResource(DbtCliResource):
    """dagster-dbt's resource, lighter on every command: no dbt adapter opened in this process (it serves only
    dagster-dbt's row-count and column-metadata fetchers; the row counts come from one query after the build, in
    orchestration/defs/transform.py) and no `dbt --version` subprocess to learn the version of the dbt installed
    beside this Python. Each would cost a small warehouse's run seconds; the adapter also kept a DuckDB connection
    to the build database in the Dagster process."""

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None

    @cached_property
    def _cli_version(self) -> Version:  # type: ignore[override]
        if self.dbt_executable == str(_dbt_beside_python()):
            return Version(importlib.metadata.version("dbt-core"))
        return super()._cli_version


def _parse_args() -> list[str]:
    """The project's parse, with the vars a run passes, so that a run's build partial-parses from it."""
    return ["parse", "--quiet", *run_vars_argument()]


@cache
def support_kpi_dbt_project() -> DbtProject:
    """The dbt project. dbt writes its parse, artifacts and logs under $SUPPORT_KPI_HOME, never into the checkout
    (which may be read-only); the project is parsed with the vars a run passes, so a run's build partial-parses."""
    return DbtProject(
        project_dir=DBT_PROJECT_DIR,
        target_path=dbt_target_dir(home_from(os.environ)),
        prepare_project_cli_args=_parse_args(),
    )


def _newest_project_change(project_dir: Path) -> float:
    newest = 0.0
    for name in _PROJECT_INPUTS:
        path = project_dir / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            newest = max([newest, *(child.stat().st_mtime for child in path.rglob("*") if child.is_file())])
    return newest


def export_duckdb_settings() -> None:
    """Put DuckDB's memory_limit and threads, resolved (defaults computed), where profiles.yml reads them. The
    profile's settings are part of dbt's partial-parse check: the parse and every build must see the same ones."""
    os.environ[MEMORY_LIMIT_VARIABLE] = memory_limit_from(os.environ)
    os.environ[THREADS_VARIABLE] = str(threads_from(os.environ))


def prepare_dbt_project(project: DbtProject | None = None) -> Path:
    """Parse the project (its manifest.json) when the manifest is missing or older than a model, macro or setting.
    `supportkpi run`, `make` and the tests call this before the Dagster definitions load; `dagster dev` prepares
    through DbtProject.prepare_if_dev."""
    export_duckdb_settings()
    project = project or support_kpi_dbt_project()
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_project_change(project.project_dir):
        SupportKpiDbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
            _parse_args(), target_path=project.target_path
        ).wait()
    return manifest
