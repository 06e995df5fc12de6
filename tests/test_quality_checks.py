"""The Great Expectations suites of the quality gate, on hand-made frames: mart suites, the row-count band, weeks
without data where data was expected, freshness, and what a suite's severity does."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
from dagster import AssetCheckSeverity

from orchestration.ingestion import QUALITY
from orchestration.ingestion.runner import ingest_source, unbalanced_files
from orchestration.quality.monitors import (
    MONITOR_FRAMES,
    freshness_frame,
    mart_suites,
    monitor_suites,
    row_count_frame,
    weekly_volume_frame,
)
from orchestration.quality.suites import check_result, suites_in, validate_dataframe
from orchestration.settings import EXPECTATIONS_DIR, Settings

from .conftest import SMALL_LANDING, TEST_PII_SALT


def kpi_frame(metric: str, value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_grain": ["day"], "period_start": [pd.Timestamp("2026-03-02")], "scope_type": ["org"],
            "scope_id": ["all"], "scope_name": ["All"], "metric": [metric], "value": [value], "numerator": [1.0],
            "denominator": [1.0], "sample_size": [1], "is_complete_period": [True], "partial_reason": [None],
        }
    )  # fmt: skip


def validate_kpis(frame: pd.DataFrame):
    return validate_dataframe(mart_suites()["kpi_metrics"], frame)


def test_suites_exist_for_the_people_facing_facts_and_every_monitor_has_a_frame() -> None:
    assert {"kpi_metrics", "fct_tickets", "fct_calls", "fct_survey_responses", "fct_quality_reviews"} <= set(
        mart_suites()
    )
    assert (
        set(monitor_suites())
        == set(MONITOR_FRAMES)
        == {
            "row_counts_within_band_of_previous_publish",
            "no_expected_week_without_data",
            "sources_fresh",
        }
    )


def test_rate_outside_zero_one_fails_blocks_and_names_the_row() -> None:
    outcome = validate_kpis(kpi_frame("abandon_rate", 1.5))
    assert not outcome.success and outcome.blocks
    [failure] = outcome.failures
    assert (failure["column"], failure["unexpected_count"], failure["severity"]) == ("value", 1, "critical")
    assert failure["examples"][0]["metric"] == "abandon_rate"


def test_nps_bounds() -> None:
    assert validate_kpis(kpi_frame("nps", -100.0)).success
    assert not validate_kpis(kpi_frame("nps", -100.5)).success


def test_valid_rate_passes() -> None:
    assert validate_kpis(kpi_frame("qa_score_mean", 0.8)).success


def test_an_expectation_gx_cannot_evaluate_blocks_with_its_reason() -> None:
    suite = replace(
        mart_suites()["kpi_metrics"],
        expectations=({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "valeu"}},),
    )
    outcome = validate_dataframe(suite, kpi_frame("nps", 10.0))
    assert outcome.blocks
    assert 'The column "valeu" in BatchData does not exist' in outcome.failures[0]["error"]


# ---- row counts against the previous publish


def band_outcome(rows: dict[str, int], previous: dict[str, int]):
    frame = row_count_frame(rows, previous, band=0.5, min_rows=100)
    return validate_dataframe(monitor_suites()["row_counts_within_band_of_previous_publish"], frame)


def test_row_count_band_of_the_previous_publish() -> None:
    assert band_outcome({"kpi_metrics": 100}, {}).success  # first publish: nothing to compare with
    assert band_outcome({"kpi_metrics": 150}, {"kpi_metrics": 100}).success  # +50%: the edge of the band
    assert band_outcome({"kpi_metrics": 50}, {"kpi_metrics": 100}).success  # -50%
    grown = band_outcome({"kpi_metrics": 151, "fct_tickets": 100}, {"kpi_metrics": 100, "fct_tickets": 100})
    assert not grown.success and grown.blocks
    assert [row["mart"] for failure in grown.failures for row in failure["examples"]] == ["kpi_metrics"]
    shrunk = band_outcome({"kpi_metrics": 49}, {"kpi_metrics": 100})
    assert [failure["unexpected_count"] for failure in shrunk.failures] == [1]


def test_small_marts_have_no_band() -> None:
    # dim_team from 3 to 6 rows (+100%) is one new team, not an anomaly; 99 < publish_row_count_min_rows.
    assert band_outcome({"dim_team": 6, "dim_agent": 1}, {"dim_team": 3, "dim_agent": 99}).success


# ---- weeks without data where data was expected


def weekly_connection(weekly: dict[str, dict[str, int]], as_of: str) -> duckdb.DuckDBPyConnection:
    """A build database holding only what the monitor reads: org weekly counts and the newest data of any source."""
    connection = duckdb.connect()
    connection.execute("create schema marts; create schema intermediate")
    connection.execute(
        "create table marts.kpi_metrics (period_grain varchar, period_start date, scope_type varchar, "
        "metric varchar, sample_size bigint)"
    )
    for metric, weeks in weekly.items():
        for week_start, records in weeks.items():
            connection.execute(
                "insert into marts.kpi_metrics values ('week', ?, 'org', ?, ?)", [week_start, metric, records]
            )
            connection.execute(  # rows of other grains and scopes are not weeks of the org
                "insert into marts.kpi_metrics values ('day', ?, 'org', ?, 999), ('week', ?, 'team', ?, 999)",
                [week_start, metric, week_start, metric],
            )
    connection.execute("create table intermediate.int_source_as_of (source_system varchar, as_of_at timestamptz)")
    connection.execute("insert into intermediate.int_source_as_of values ('all', ?::timestamptz)", [as_of])
    return connection


def settings_in(timezone: str) -> Settings:
    return Settings(home=SMALL_LANDING, landing=SMALL_LANDING, timezone=timezone)


def weeks_failing(connection: duckdb.DuckDBPyConnection, timezone: str = "UTC") -> list[tuple[str, str]]:
    outcome = validate_dataframe(
        monitor_suites()["no_expected_week_without_data"], weekly_volume_frame(connection, settings_in(timezone))
    )
    assert outcome.success == (not outcome.failures) and outcome.blocks == (not outcome.success)
    return [(row["metric"], row["week_start"]) for failure in outcome.failures for row in failure["examples"]]


def test_a_missing_week_of_a_steady_flow_blocks() -> None:
    # 30 + 30 + 0 + 30 tickets over four weeks: a mean of 22.5 a week (>= 20), so the empty week is a missing export.
    tickets = {"2026-03-02": 30, "2026-03-09": 30, "2026-03-23": 30}
    with weekly_connection({"tickets_created": tickets}, "2026-03-25 10:00:00+00") as connection:
        assert weeks_failing(connection) == [("tickets_created", "2026-03-16")]


def test_a_quiet_week_of_a_thin_flow_is_not_a_gap() -> None:
    # 5 + 0 + 5 + 5 calls: a mean of 3.75 a week, far below 20: an empty week is plausible.
    calls = {"2026-03-02": 5, "2026-03-16": 5, "2026-03-23": 5}
    with weekly_connection({"calls_offered": calls}, "2026-03-25 10:00:00+00") as connection:
        assert weeks_failing(connection) == []


def test_an_export_that_stopped_before_the_others_blocks() -> None:
    # Calls stop after 2026-03-09 while the newest data of any source is in the week of 2026-03-30: the weeks of
    # 03-16 and 03-23 (complete, before the as-of week) are expected; 200 calls over 4 weeks = 50 a week.
    calls = {"2026-03-02": 100, "2026-03-09": 100}
    tickets = {f"2026-03-{day:02d}": 40 for day in (2, 9, 16, 23, 30)}
    with weekly_connection({"calls_offered": calls, "tickets_created": tickets}, "2026-03-31 08:00:00+00") as con:
        assert weeks_failing(con) == [("calls_offered", "2026-03-16"), ("calls_offered", "2026-03-23")]


def test_the_week_of_the_newest_data_is_taken_in_the_reporting_zone() -> None:
    # Calls stop after the week of 03-16; the newest data of any source is Sunday 2026-03-29 22:30 UTC, which is
    # already Monday 03-30 00:30 in Paris. In Paris the week of 03-23 is complete and empty (300 calls over 4 weeks:
    # 75 a week expected); in UTC it is still the week of the newest data, not expected yet.
    calls = {"2026-03-02": 100, "2026-03-09": 100, "2026-03-16": 100}
    with weekly_connection({"calls_offered": calls}, "2026-03-29 22:30:00+00") as connection:
        assert weeks_failing(connection, "Europe/Paris") == [("calls_offered", "2026-03-23")]
        assert weeks_failing(connection, "UTC") == []


def test_metrics_not_listed_are_not_monitored() -> None:
    reviews = {"2026-03-02": 500, "2026-03-30": 500}  # QA reviews come in monthly batches: gaps are normal
    with weekly_connection({"qa_score_mean": reviews}, "2026-03-31 08:00:00+00") as connection:
        assert weeks_failing(connection) == []


# ---- freshness


NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def freshness_outcome(newest: dict[str, datetime | None], severity: str | None = None):
    suite = monitor_suites()["sources_fresh"]
    if severity:
        suite = replace(suite, expectations=tuple({**item, "severity": severity} for item in suite.expectations))
    return suite, validate_dataframe(suite, freshness_frame(newest, NOW, hours=48))


def test_freshness_warns_about_a_stale_source_without_blocking() -> None:
    fresh = {"helpdesk": NOW - timedelta(hours=47), "telephony": NOW - timedelta(hours=48), "quality": None}
    assert freshness_outcome(fresh)[1].success  # 48 h is not older than 48 h; a source never seen has no age
    suite, outcome = freshness_outcome({**fresh, "surveys": NOW - timedelta(hours=49)})
    assert not outcome.success and not outcome.blocks
    assert [row["source"] for failure in outcome.failures for row in failure["examples"]] == ["surveys"]
    result = check_result("kpi_metrics", suite, outcome)
    assert (result.passed, result.severity) == (False, AssetCheckSeverity.WARN)


def test_a_critical_freshness_expectation_blocks() -> None:
    suite, outcome = freshness_outcome({"surveys": NOW - timedelta(hours=49)}, severity="critical")
    assert outcome.blocks
    result = check_result("kpi_metrics", suite, outcome)
    assert (result.passed, result.severity) == (False, AssetCheckSeverity.ERROR)


def test_freshness_frame_hours() -> None:
    seen = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    frame = freshness_frame({"helpdesk": seen}, seen + timedelta(hours=30, minutes=30), hours=48)
    assert frame.loc[0, "hours_since_newest"] == 30.5


# ---- raw batches balance


def test_raw_batches_balance_and_tampering_is_caught(tmp_path) -> None:
    with duckdb.connect() as connection:
        ingest_source(connection, QUALITY, SMALL_LANDING / "quality", pii_salt=TEST_PII_SALT)
        assert unbalanced_files(connection, QUALITY) == []
        connection.execute("update raw.ingested_files set staged = staged - 1")
        problems = unbalanced_files(connection, QUALITY)
    assert len(problems) == 2  # the file no longer adds up, nor do the raw rows (4) against staged (3)
    assert "raw tables hold 4 rows but the manifest staged 3" in problems


def test_every_suite_is_a_valid_suite_of_the_gx_file_data_context(tmp_path: Path) -> None:
    """The suite files are the expectations store of a real GX file data context: GX itself lists and parses each
    of them (types, kwargs, severities) under the name `<layer>.<file>`, with the expectations the gate runs. The
    context is a copy of expectations/ (GX writes its stores into a file context; the checkout stays as it is)."""
    import great_expectations as gx

    shutil.copytree(EXPECTATIONS_DIR, tmp_path / "expectations")
    context = gx.get_context(mode="file", project_root_dir=str(tmp_path / "expectations"))
    by_name = {suite.name: suite for suite in context.suites.all()}
    ours = {suite.gx_name: suite for layer in ("raw", "marts", "monitors") for suite in suites_in(layer).values()}
    assert len(ours) == 24 + 5 + 3  # raw: one per raw table (15 + Freshdesk 4, Intercom 2, SurveyMonkey 3)
    assert set(by_name) == set(ours)
    for name, suite in ours.items():
        assert [expectation.expectation_type for expectation in by_name[name].expectations] == [
            expectation["type"] for expectation in suite.expectations
        ], name
    assert [str(item.severity.value) for item in by_name["monitors.sources_fresh"].expectations] == ["warning"]
