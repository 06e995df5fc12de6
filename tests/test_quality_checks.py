"""The Great Expectations suites and the row-count band, on hand-made frames."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pandas as pd

from orchestration.ingestion import QUALITY
from orchestration.ingestion.runner import ingest_source, unbalanced_files
from orchestration.quality import freshness_result, row_count_result, suite_marts, validate_dataframe

from .conftest import SMALL_LANDING


def kpi_frame(metric: str, value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_grain": ["day"], "period_start": [pd.Timestamp("2026-03-02")], "scope_type": ["org"],
            "scope_id": ["all"], "scope_name": ["All"], "metric": [metric], "value": [value], "numerator": [1.0],
            "denominator": [1.0], "sample_size": [1], "is_complete_period": [True],
        }
    )  # fmt: skip


def test_suites_exist_for_the_people_facing_facts() -> None:
    assert {"kpi_metrics", "fct_tickets", "fct_calls", "fct_survey_responses", "fct_quality_reviews"} <= set(
        suite_marts()
    )


def test_rate_outside_zero_one_fails_and_is_named() -> None:
    outcome = validate_dataframe("kpi_metrics", kpi_frame("abandon_rate", 1.5))
    assert not outcome.success
    assert [(failure["column"], failure["unexpected_count"]) for failure in outcome.failures] == [("value", 1)]


def test_nps_bounds() -> None:
    assert validate_dataframe("kpi_metrics", kpi_frame("nps", -100.0)).success
    assert not validate_dataframe("kpi_metrics", kpi_frame("nps", -100.5)).success


def test_valid_rate_passes() -> None:
    assert validate_dataframe("kpi_metrics", kpi_frame("qa_score_mean", 0.8)).success


def test_row_count_band() -> None:
    assert row_count_result(rows=100, previous=None, band=0.5).passed
    assert row_count_result(rows=150, previous=100, band=0.5).passed
    assert not row_count_result(rows=151, previous=100, band=0.5).passed
    assert not row_count_result(rows=49, previous=100, band=0.5).passed


def test_freshness_warns_about_stale_sources() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    fresh = {"helpdesk": now - timedelta(hours=47), "telephony": now - timedelta(hours=1)}
    assert freshness_result(fresh, now, hours=48).passed
    stale = freshness_result({**fresh, "surveys": now - timedelta(hours=49), "quality": None}, now, hours=48)
    assert not stale.passed
    assert set(stale.metadata["stale_sources"].value) == {"surveys", "quality"}


def test_raw_batches_balance_and_tampering_is_caught(tmp_path) -> None:
    with duckdb.connect() as connection:
        ingest_source(connection, QUALITY, SMALL_LANDING / "quality")
        assert unbalanced_files(connection, QUALITY) == []
        connection.execute("update raw.ingested_files set staged = staged - 1")
        problems = unbalanced_files(connection, QUALITY)
    assert len(problems) == 2  # the file no longer adds up, nor do the raw rows (4) against staged (3)
    assert "raw tables hold 4 rows but the manifest staged 3" in problems
