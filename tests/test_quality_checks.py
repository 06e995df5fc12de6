"""The Great Expectations suites and the row-count band, on hand-made frames."""

from __future__ import annotations

import pandas as pd

from orchestration.quality import row_count_result, suite_marts, validate_dataframe


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
