"""Jobs: the whole graph, ingest -> dbt build (models + tests) -> publish, in one run."""

from dagster import AssetSelection, define_asset_job

full_pipeline_job = define_asset_job(
    name="support_kpi_pipeline",
    selection=AssetSelection.all(),
    description="Ingest new landed files, build and test the dbt models, publish the audited marts.",
)
