"""The dbt project as Dagster assets: every model an asset with its lineage, every dbt test an asset check."""

import json
import os
import sys
from collections.abc import Iterator, Mapping
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
from ..settings import DBT_PROJECT_DIR, PII_SALT_VARIABLE

# dagster-dbt's project preparer runs `dbt` from PATH; a console script started from an unactivated venv has
# the venv's bin folder (where dbt lives) off PATH, so put it first.
_VENV_BIN = str(Path(sys.executable).parent)
if _VENV_BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _VENV_BIN + os.pathsep + os.environ.get("PATH", "")

support_kpi_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
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
    return ["build", "--vars", json.dumps({"reporting_timezone": timezone})]


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
    # profiles.yml reads the build database location from SUPPORT_KPI_HOME: pass the resolved, absolute one;
    # the pii_hash macro reads the salt (resolved here, so a missing one fails with a clear message).
    os.environ["SUPPORT_KPI_HOME"] = str(settings.home)
    os.environ[PII_SALT_VARIABLE] = settings.resolved_pii_salt()
    with warehouse.writer_lock():
        yield from dbt.cli(dbt_build_args(settings.timezone), context=context).stream().fetch_row_counts()
