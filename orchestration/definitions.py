"""The Dagster code location: every asset, check, job, schedule, sensor and resource, assembled from orchestration/defs.

The dbt manifest must exist before this module loads: `supportkpi run`, `make` and the tests prepare it
(orchestration.dbt_project.prepare_dbt_project); `dagster dev` prepares it itself.
"""

from dagster import Definitions

from .defs.automation import full_pipeline_job, landing_files_sensor, nightly_schedule, pipeline_failure_alert
from .defs.ingestion import ingestion_assets
from .defs.publication import published_warehouse
from .defs.quality_gate import mart_quality_gate
from .defs.resources import WarehouseResource, dbt_resource
from .defs.transform import support_kpi_dbt_models

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
