"""The Dagster code location: every asset, check, job and resource of the Support KPI warehouse."""

from dagster import Definitions

from .alerts import pipeline_failure_alert
from .assets.dbt import support_kpi_dbt_models
from .assets.ingestion import ingestion_assets
from .assets.publication import published_warehouse
from .jobs import full_pipeline_job
from .quality import mart_quality_gate
from .resources import WarehouseResource, dbt_resource
from .schedules import nightly_schedule
from .sensors import landing_files_sensor

defs = Definitions(
    assets=[ingestion_assets, support_kpi_dbt_models, published_warehouse],
    asset_checks=[mart_quality_gate],
    jobs=[full_pipeline_job],
    schedules=[nightly_schedule],
    sensors=[landing_files_sensor, pipeline_failure_alert],
    resources={"warehouse": WarehouseResource(), "dbt": dbt_resource()},
)


def full_pipeline():
    """The pipeline job, reconstructable by other processes (`supportkpi run` executes it step by step)."""
    return defs.resolve_job_def(full_pipeline_job.name)
