"""The Dagster code location loads and wires ingestion -> dbt models (with their tests as checks) -> publication."""

from __future__ import annotations

from datetime import date

import pytest
from dagster import AssetKey, Definitions

from orchestration.definitions import defs
from orchestration.defs.ingestion import IngestionConfig


def test_definitions_load() -> None:
    Definitions.validate_loadable(defs)


def test_asset_graph_lineage() -> None:
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    sources = {"raw_helpdesk", "raw_telephony", "raw_surveys", "raw_quality", "raw_reference"}
    assert sources <= keys
    assert {"stg_zendesk__tickets", "int_tickets", "fct_tickets", "kpi_metrics", "published_warehouse"} <= keys
    # staging reads the raw ingestion assets; publication waits for every mart
    assert AssetKey("raw_helpdesk") in graph.get(AssetKey("stg_zendesk__tickets")).parent_keys
    assert AssetKey("raw_telephony") in graph.get(AssetKey("stg_asterisk__queue_log")).parent_keys
    assert {AssetKey("kpi_metrics"), AssetKey("fct_calls")} <= graph.get(AssetKey("published_warehouse")).parent_keys


def test_dbt_tests_are_asset_checks() -> None:
    check_keys = {(key.asset_key.to_user_string(), key.name) for key in defs.resolve_asset_graph().asset_check_keys}
    assert ("fct_tickets", "unique_fct_tickets_ticket_id") in check_keys
    assert len(check_keys) > 50


def test_pipeline_job_runs_ingestion_dbt_and_publication_in_one_run() -> None:
    job = defs.resolve_job_def("support_kpi_pipeline")
    assert sorted(node.name for node in job.graph.node_defs) == [
        "ingest_landing",
        "mart_quality_gate",
        "published_warehouse",
        "support_kpi_dbt_models",
    ]


def test_backfill_config_of_the_ingestion_step() -> None:
    assert IngestionConfig().reprocess_window() is None
    assert IngestionConfig(reprocess_from="2026-03-01", reprocess_to="2026-03-31").reprocess_window() == (
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    assert IngestionConfig(reprocess_from="2026-03-05").reprocess_window() == (date(2026, 3, 5), date(2026, 3, 5))
    with pytest.raises(ValueError, match="before"):
        IngestionConfig(reprocess_from="2026-03-31", reprocess_to="2026-03-01").reprocess_window()
