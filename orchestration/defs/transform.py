"""The dbt project as Dagster assets: every model an asset with its lineage, every dbt test an asset check."""

import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetObservation, MetadataValue, Output
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from ..build_state import BuildPlan, plan_build, project_fingerprint, record_build
from ..dbt_project import support_kpi_dbt_project
from ..dbt_vars import run_vars, run_vars_argument
from ..duckdb_connection import connect
from ..settings import PII_SALT_VARIABLE, Settings
from .resources import WarehouseResource

dbt_project = support_kpi_dbt_project()
dbt_project.prepare_if_dev()


class SupportKpiDbtTranslator(DagsterDbtTranslator):
    """Models keep their names as asset keys; a model's group is its folder under models/ (`staging_zendesk`,
    `intermediate_tickets`, `marts`), so the group graph reads staging -> intermediate -> marts."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return "_".join(dbt_resource_props["fqn"][1:-1])
        return super().get_group_name(dbt_resource_props)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "model":
            return AssetKey(dbt_resource_props["name"])
        return super().get_asset_key(dbt_resource_props)


dbt_translator = SupportKpiDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_asset_checks=True, enable_duplicate_source_asset_keys=True)
)


def dbt_build_args(timezone: str) -> list[str]:
    """Models and their data tests. dbt's unit tests check the SQL, not the data: they run in CI (`make test`), not
    in every run (dbt's own advice). No colour codes in dbt's log file, nor on a console that is not a terminal."""
    colors = "--use-colors" if sys.stdout.isatty() else "--no-use-colors"
    return [
        "build", "--exclude-resource-type", "unit_test", colors, "--no-use-colors-file", *run_vars_argument(timezone)
    ]  # fmt: skip


def start_from_the_project_parse(run_folder: Path, project: DbtProject = dbt_project) -> None:
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


def model_row_counts(relations: Mapping[str, str], settings: Settings) -> dict[str, int]:
    """Rows of each built model (unique id -> relation), in one query once dbt is done: counting through dbt's
    adapter, model by model, costs more than the build of a small warehouse."""
    if not relations:
        return {}
    connection = connect(settings.build_database, settings, read_only=True)
    try:
        counts = " union all ".join(
            f"select '{unique_id}' as unique_id, count(*) as row_count from {relation}"
            for unique_id, relation in relations.items()
        )
        return dict(connection.execute(counts).fetchall())
    finally:
        connection.close()


def _model_id(event: Any) -> str | None:
    """The dbt unique id of a model's output event (dagster-dbt records it as metadata)."""
    if not isinstance(event, Output):
        return None
    unique_id = event.metadata.get("unique_id")
    return getattr(unique_id, "value", unique_id)


def row_count_observations(
    built: list[str], manifest: Mapping[str, Any], settings: Settings
) -> Iterator[AssetObservation]:
    """Each built model's row count (`dagster/row_count`), recorded once dbt is done. The model's events stream while
    dbt runs (Dagster writes them meanwhile); holding them back to attach the count would add that writing time."""
    nodes = manifest["nodes"]
    relations = {
        unique_id: nodes[unique_id]["relation_name"]
        for unique_id in built
        if nodes.get(unique_id, {}).get("relation_name")
    }
    for unique_id, rows in sorted(model_row_counts(relations, settings).items()):
        yield AssetObservation(
            asset_key=AssetKey(nodes[unique_id]["name"]), metadata={"dagster/row_count": MetadataValue.int(rows)}
        )


def _plan(settings: Settings, vars_of_run: dict[str, Any], fingerprint: str) -> BuildPlan:
    if not settings.build_database.exists():
        return BuildPlan(True, "no earlier build", 0)
    connection = connect(settings.build_database, settings, read_only=True)
    try:
        return plan_build(connection, vars_of_run, fingerprint)
    finally:
        connection.close()


def prune_run_folders(runs_dir: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` per-run folders; returns the removed ones."""
    folders = sorted((path for path in runs_dir.iterdir() if path.is_dir()), key=lambda path: path.stat().st_mtime)
    removed = folders[: max(len(folders) - keep, 0)]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=dbt_translator,
)
def support_kpi_dbt_models(
    context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
) -> Iterator[Any]:
    settings = warehouse.settings()
    settings.ensure_dirs()
    # profiles.yml reads the build database location from SUPPORT_KPI_HOME: pass the resolved, absolute one.
    os.environ["SUPPORT_KPI_HOME"] = str(settings.home)
    # ... and DuckDB's memory_limit and threads (settings:), resolved: the defaults are computed here, not in dbt.
    os.environ.update(settings.duckdb_environment())
    run_folder = settings.dbt_runs_dir / context.run.run_id
    start_from_the_project_parse(run_folder)
    with warehouse.writer_lock():
        vars_of_run, fingerprint = run_vars(settings.timezone), project_fingerprint()
        plan = _plan(settings, vars_of_run, fingerprint)
        context.log.info(f"dbt build: {'full (--full-refresh)' if plan.full_refresh else 'incremental'}: {plan.reason}")
        arguments = dbt_build_args(settings.timezone) + (["--full-refresh"] if plan.full_refresh else [])
        with pii_salt_withheld():
            invocation = dbt.cli(arguments, context=context, target_path=run_folder)
        built: list[str] = []
        for event in invocation.stream():
            if (unique_id := _model_id(event)) is not None:
                built.append(unique_id)
            yield event
        # Reached only when the build succeeded (a failed one raises above): the next run may build on it. A build
        # of some models only (a subset materialized in the UI) leaves the others as they were: not recorded.
        if not context.is_subset:
            connection = connect(settings.build_database, settings)
            try:
                record_build(connection, vars_of_run, fingerprint, plan)
            finally:
                connection.close()
        yield from row_count_observations(built, invocation.manifest, settings)
    for folder in prune_run_folders(settings.dbt_runs_dir, settings.keep_runs):
        context.log.info(f"pruned dbt artifacts of an old run: {folder.name}")
