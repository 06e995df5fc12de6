"""The whole pipeline, as a user runs it, on generated demo exports: generate -> run -> published warehouse."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from demo_landing import generate

from .conftest import run_cli, run_slot

SPEC_KPI_COLUMNS = [
    "period_grain", "period_start", "scope_type", "scope_id", "scope_name", "metric", "value", "numerator",
    "denominator", "sample_size", "is_complete_period", "partial_reason",
]  # fmt: skip
ALL_SCOPES = {"org", "team", "agent"}
ORG_TEAM = {"org", "team"}
# SPEC section 5: every metric and the scopes it exists at (call outcome metrics and calls_per_agent: org and team;
# qa_coverage_rate: org and team; every other metric at all three scopes).
METRIC_SCOPES = {
    **{
        metric: ALL_SCOPES
        for metric in (
            "tickets_created", "tickets_solved", "first_reply_minutes_median", "first_reply_minutes_p90",
            "first_reply_within_1h_rate", "resolution_hours_median", "reopen_rate", "one_touch_rate",
            "handoffs_mean", "overdue_open_tickets", "backlog_open_tickets", "agent_continuity_rate",
            "csat_good_rate_helpdesk", "calls_answered", "asa_seconds", "aht_seconds", "repeat_call_72h_rate",
            "call_fcr_rate", "nps", "csat_rate", "survey_responses", "qa_score_mean", "qa_pass_rate",
            "contact_repeat_72h_rate",
        )
    },
    **{
        metric: ORG_TEAM
        for metric in (
            "calls_offered", "calls_abandoned", "calls_short_abandoned", "calls_timeout", "abandon_rate",
            "service_level_rate", "calls_per_agent", "qa_coverage_rate",
        )
    },
}  # fmt: skip
SPEC_MARTS = {
    "dim_agent", "dim_team", "dim_date", "fct_tickets", "fct_calls", "fct_survey_responses", "fct_quality_reviews",
    "fct_backlog_daily", "kpi_metrics", "kpi_target_attainment", "kpi_agent_vs_team", "kpi_trends",
    "top_contact_reasons", "metric_definitions", "kpi_scorecard",
}  # fmt: skip


@pytest.fixture(scope="module")
def generated_run(
    slot_parse: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, dict[str, int], list[tuple]]:
    landing = tmp_path_factory.mktemp("landing")
    home = tmp_path_factory.mktemp("generated") / "home"
    completed = run_cli("generate", "--out", str(landing), "--days", "35", "--agents", "6", "--seed", "3",
                        home=home, landing=landing)  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    counts = generate(tmp_path_factory.mktemp("again"), days=35, agents=6, seed=3)
    with run_slot(slot_parse, home) as slot:
        completed = run_cli("run", home=slot, landing=landing)
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
        assert "succeeded" in completed.stdout
        first = kpi_rows(slot)
        rerun = run_cli("run", home=slot, landing=landing)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
    return home, landing, counts, first


def kpi_rows(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        # Rounded: parallel float sums may differ in the last bits between runs.
        return connection.execute(
            "select * replace (round(value, 9) as value, round(numerator, 9) as numerator, "
            "round(denominator, 9) as denominator) from marts.kpi_metrics order by all"
        ).fetchall()


def test_published_kpi_metrics_has_spec_columns_and_every_metric_scope(generated_run) -> None:
    home, _, _, _ = generated_run
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        columns = [row[0] for row in connection.execute("describe marts.kpi_metrics").fetchall()]
        present = connection.execute(
            "select metric, period_grain, list(distinct scope_type) from marts.kpi_metrics group by all"
        ).fetchall()
    assert columns == SPEC_KPI_COLUMNS
    found = {(metric, grain): set(scopes) for metric, grain, scopes in present}
    assert len(METRIC_SCOPES) == 32
    assert {metric for metric, _ in found} == set(METRIC_SCOPES)
    for metric, scopes in METRIC_SCOPES.items():
        for grain in ("day", "week", "month"):
            assert found.get((metric, grain)) == scopes, (metric, grain)


def test_every_spec_mart_is_published(generated_run) -> None:
    home, _, _, _ = generated_run
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        tables = {row[0] for row in connection.execute("select table_name from information_schema.tables").fetchall()}
        empty = [
            table for table in SPEC_MARTS if not connection.execute(f"select count(*) from marts.{table}").fetchone()[0]
        ]
    assert tables >= SPEC_MARTS
    assert empty == []


def test_rates_are_ratios_of_their_numerator_and_denominator(generated_run) -> None:
    home, _, _, _ = generated_run
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        bad = connection.execute(
            """
            select count(*) from marts.kpi_metrics m join marts.metric_definitions d using (metric)
            where d.kind = 'rate' and (denominator <= 0 or abs(value - numerator / denominator) > 1e-9
                                       or value < 0 or value > 1)
            """
        ).fetchone()[0]
    assert bad == 0


def test_every_raw_record_is_staged_or_quarantined(generated_run) -> None:
    home, _, counts, _ = generated_run
    with duckdb.connect(str(home / "build" / "warehouse.duckdb"), read_only=True) as connection:
        files = connection.execute("select path, records_read, staged, quarantined from raw.ingested_files").fetchall()
        quarantined = connection.execute("select count(*) from raw.quarantine").fetchone()[0]
    assert files and all(read == staged + bad for _, read, staged, bad in files)
    # The generator reports what it injected: malformed lines, out-of-range scores, ids repeated in one file.
    injected = counts["malformed_records"] + counts["out_of_range_records"] + counts["duplicated_records_in_file"]
    assert quarantined == injected
    assert (home / "quarantine" / "quarantine.csv").read_text().count("\n") >= quarantined + 1


def test_manifest_describes_the_publish(generated_run) -> None:
    home, _, _, _ = generated_run
    manifest = json.loads((home / "published" / "manifest.json").read_text())
    assert manifest["version"] == 2  # the fixture's second run on the same landing published again
    assert manifest["row_counts"]["kpi_metrics"] == len(kpi_rows(home))
    assert set(manifest["data_window"]["as_of"]) == {"helpdesk", "telephony", "surveys", "quality", "all"}


def test_rerun_on_the_same_landing_changes_no_number(generated_run) -> None:
    home, _, _, first = generated_run  # the fixture ran the pipeline twice on the same landing
    assert first and kpi_rows(home) == first
