"""The published warehouse: runs after the dbt build (models and tests) of the same run succeeded."""

import json

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from ..publication import publish
from ..resources import WarehouseResource
from .dbt import support_kpi_dbt_project


def _dbt_nodes() -> dict[str, dict]:
    manifest = json.loads(support_kpi_dbt_project.manifest_path.read_text())
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
    return sum(1 for node in _dbt_nodes().values() if node["resource_type"] in ("test", "unit_test"))


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
    check_summary = {"dbt_build": "passed", "dbt_tests_and_unit_tests": dbt_test_count()}
    with warehouse.writer_lock():
        result = publish(settings, context.run_id, check_summary)
    context.log.info(f"published version {result.version} to {result.path}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(result.path)),
            "version": result.version,
            "row_counts": MetadataValue.json(result.row_counts),
            "total_rows": sum(result.row_counts.values()),
        }
    )
