"""The published warehouse: runs after the dbt build (models and tests) of the same run succeeded."""

import json

from dagster import (
    AssetExecutionContext,
    AssetKey,
    DagsterEventType,
    DagsterInstance,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ..publish import publish
from .resources import WarehouseResource
from .transform import dbt_project


def _dbt_nodes() -> dict[str, dict]:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return manifest["nodes"]


def mart_asset_keys() -> list[AssetKey]:
    return sorted(
        (
            AssetKey(node["name"])
            for node in _dbt_nodes().values()
            if node["resource_type"] == "model" and node["fqn"][1] == "marts"
        ),
        key=lambda key: key.to_user_string(),
    )


def dbt_test_count() -> int:
    return sum(1 for node in _dbt_nodes().values() if node["resource_type"] == "test")


def run_check_summary(instance: DagsterInstance, run_id: str) -> dict[str, object]:
    """What the run's checks said, for the manifest: every blocking check passed (or nothing would be published);
    warnings are listed so that a BI user can see them next to the data."""
    records = instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    evaluations = [record.dagster_event.event_specific_data for record in records if record.dagster_event]
    named = {f"{item.asset_key.to_user_string()}:{item.check_name}": item for item in evaluations}
    return {
        "checks_evaluated": len(named),
        "checks_passed": sum(1 for item in named.values() if item.passed),
        "warnings": sorted(name for name, item in named.items() if not item.passed),
        "gx_suites_passed": sorted(
            name for name, item in named.items() if item.passed and item.check_name.startswith("gx_")
        ),
        # What each passed mart suite asked, so that the next gate validates only the rows this version lacks.
        "gx_suite_fingerprints": {
            item.check_name: str(item.metadata["suite_fingerprint"].value)
            for item in named.values()
            if item.passed and "suite_fingerprint" in item.metadata
        },
        "dbt_build": "passed",
        "dbt_tests": dbt_test_count(),
    }


@asset(
    name="published_warehouse",
    group_name="publication",
    deps=mart_asset_keys(),
    kinds={"duckdb"},
    description="The marts copied to a new DuckDB file and swapped in atomically at "
    "$SUPPORT_KPI_HOME/published/warehouse.duckdb, with manifest.json; only after the run's checks passed.",
)
def published_warehouse(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    settings = warehouse.settings()
    check_summary = run_check_summary(context.instance, context.run.run_id)
    with warehouse.writer_lock():
        result = publish(settings, context.run.run_id, check_summary)
    context.log.info(f"published version {result.version} to {result.path}")
    if result.undocumented:
        context.log.warning(
            "published without a comment (no dbt description, not a metric column): " + ", ".join(result.undocumented)
        )
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(result.path)),
            "version": result.version,
            "row_counts": MetadataValue.json(result.row_counts),
            "total_rows": sum(result.row_counts.values()),
        }
    )
