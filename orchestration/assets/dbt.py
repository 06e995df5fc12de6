"""The dbt project as Dagster assets: every model an asset with its lineage, every dbt test an asset check."""

import gc
import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ..resources import WarehouseResource
from ..settings import DBT_PROJECT_DIR, PII_SALT_VARIABLE, dbt_target_dir, home_from

# dagster-dbt's project preparer runs `dbt` from PATH; a console script started from an unactivated venv has
# the venv's bin folder (where dbt lives) off PATH, so put it first.
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _VENV_BIN + os.pathsep + os.environ.get("PATH", "")


def dbt_vars(timezone: str) -> str:
    return json.dumps({"reporting_timezone": timezone})


# dbt writes its parse, artifacts and logs under $SUPPORT_KPI_HOME, never into the checkout (which may be read-only).
# The project is parsed with the vars a run passes, so that the run's dbt build can partial-parse from it.
support_kpi_dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR,
    target_path=dbt_target_dir(home_from(os.environ)),
    prepare_project_cli_args=["parse", "--quiet", "--vars", dbt_vars(os.environ.get("SUPPORT_KPI_TIMEZONE") or "UTC")],
)
support_kpi_dbt_project.prepare_if_dev()

_PROJECT_INPUTS = ("dbt_project.yml", "profiles.yml", "models", "macros", "tests", "seeds")


def _newest_project_change(project_dir: Path) -> float:
    newest = 0.0
    for name in _PROJECT_INPUTS:
        path = project_dir / name
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
        elif path.is_dir():
            newest = max([newest, *(child.stat().st_mtime for child in path.rglob("*") if child.is_file())])
    return newest


def ensure_manifest(project: DbtProject = support_kpi_dbt_project) -> Path:
    """Parse the project when its manifest is missing or older than a model, macro or setting."""
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_project_change(project.project_dir):
        project.preparer.prepare(project)
    return manifest


ensure_manifest()


class SupportKpiDbtTranslator(DagsterDbtTranslator):
    """Models keep their names as asset keys; groups follow the dbt layers (staging, intermediate, marts)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return dbt_resource_props["fqn"][1]
        return super().get_group_name(dbt_resource_props)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "model":
            return AssetKey(dbt_resource_props["name"])
        return super().get_asset_key(dbt_resource_props)


dbt_translator = SupportKpiDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


def dbt_build_args(timezone: str) -> list[str]:
    return ["build", "--vars", dbt_vars(timezone)]


def start_from_the_project_parse(run_folder: Path, project: DbtProject = support_kpi_dbt_project) -> None:
    """Give the run's target folder the project's partial-parse file: dbt then re-parses only what changed."""
    parsed = project.target_path / "partial_parse.msgpack"
    run_folder.mkdir(parents=True, exist_ok=True)
    if parsed.exists():
        shutil.copy2(parsed, run_folder / parsed.name)


@contextmanager
def pii_salt_withheld() -> Iterator[None]:
    """dbt needs no key (personal data is hashed at ingestion): keep it out of dbt's environment entirely."""
    salt = os.environ.pop(PII_SALT_VARIABLE, None)
    try:
        yield
    finally:
        if salt is not None:
            os.environ[PII_SALT_VARIABLE] = salt


def release_duckdb_connections(invocation: Any) -> None:
    """The row counts are read through dbt-duckdb's adapter in this process: close its database before the lock is
    released, or the next step's own connection to the build database is refused (another configuration)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    if getattr(invocation, "adapter", None) is not None:
        invocation.adapter.cleanup_connections()
    DuckDBConnectionManager.close_all_connections()
    gc.collect()


def prune_run_folders(runs_dir: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` per-run folders; returns the removed ones."""
    folders = sorted((path for path in runs_dir.iterdir() if path.is_dir()), key=lambda path: path.stat().st_mtime)
    removed = folders[: max(len(folders) - keep, 0)]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


@dbt_assets(
    manifest=support_kpi_dbt_project.manifest_path,
    project=support_kpi_dbt_project,
    dagster_dbt_translator=dbt_translator,
)
def support_kpi_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    settings = warehouse.settings()
    settings.ensure_dirs()
    # profiles.yml reads the build database location from SUPPORT_KPI_HOME: pass the resolved, absolute one.
    os.environ["SUPPORT_KPI_HOME"] = str(settings.home)
    run_folder = settings.dbt_runs_dir / context.run_id
    start_from_the_project_parse(run_folder)
    with warehouse.writer_lock():
        with pii_salt_withheld():
            invocation = dbt.cli(dbt_build_args(settings.timezone), context=context, target_path=run_folder)
        try:
            yield from invocation.stream().fetch_row_counts()
        finally:
            release_duckdb_connections(invocation)
    for folder in prune_run_folders(settings.dbt_runs_dir, settings.keep_runs):
        context.log.info(f"pruned dbt artifacts of an old run: {folder.name}")
