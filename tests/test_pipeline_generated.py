"""The whole pipeline, as a user runs it, on generated demo exports: generate -> run -> published warehouse."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import duckdb
import pytest

from demo_landing import generate

from .conftest import PROJECT_ROOT, run_cli, run_slot

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
    # ... so the second publish restated nothing (parallel float sums differing in their last bits included).
    manifest = json.loads((home / "published" / "manifest.json").read_text())
    assert (manifest["version"], manifest["restatements"]["count"]) == (2, 0)
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.kpi_restatements").fetchone() == (0,)


# The dashboard's browser test: Debian's Chromium (`make test` installs it where it can), driven by Playwright,
# offline. The screenshot is a test artifact, outside git (see .gitignore) and the checkout snapshot.
CHROMIUM = Path(os.environ.get("SUPPORT_KPI_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(os.environ.get("SUPPORT_KPI_TEST_ARTIFACTS", PROJECT_ROOT / "test-artifacts"))
DASHBOARD_HEADINGS = (
    "Publish version", "Published at", "Data window", "Data as of, per source", "Helpdesk", "Organisation scorecard",
    "speed beside quality", "Agents beside their team", "Backlog and overdue tickets over time", "FAQ candidates",
    "Restatements", "Metric dictionary",
)  # fmt: skip
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
RENDERED_CHARTS = "() => [...document.querySelectorAll('.plotly-graph-div')].filter(d => d.querySelector('.main-svg'))"


def test_dashboard_renders_offline_in_chromium(generated_run, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium (as root, with apt-get)")
    sync_api = pytest.importorskip("playwright.sync_api")
    home, landing, _, _ = generated_run
    output = tmp_path / "report.html"
    completed = run_cli("report", "--out", str(output), home=home, landing=landing)
    assert completed.returncode == 0, completed.stderr
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        metric_ids = [row[0] for row in connection.execute("select metric from marts.metric_definitions").fetchall()]
    console_errors: list[str] = []
    page_errors: list[str] = []
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.route(re.compile(r"^(?!file:|data:|blob:|about:)"), lambda route: route.abort())
            page.goto(output.as_uri(), wait_until="load")
            expected = int(page.get_attribute("#chart-count", "data-charts") or 0)
            page.wait_for_function(f"n => ({RENDERED_CHARTS})().length >= n", arg=expected, timeout=60_000)
            rendered = page.evaluate(f"({RENDERED_CHARTS})().length")
            plots = page.locator(".plotly-graph-div").count()
            visible = page.inner_text("body")
            agents = page.eval_on_selector_all(
                "table.agents tbody tr",
                "rows => rows.map(r => [...r.querySelectorAll('td')].slice(0, 3).map(c => c.innerText))",
            )
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            browser.close()
    # Every chart the report says it has was drawn (an svg after the scripts ran), with no error, offline.
    assert expected >= 10 and plots == expected and rendered == expected
    assert console_errors == [] and page_errors == []
    assert [url for url in requests if not url.startswith(LOCAL_SCHEMES)] == []
    # Content: the header, labels of the registry, percentages as percentages, never a raw id.
    for heading in DASHBOARD_HEADINGS:
        assert heading in visible, heading
    assert re.search(r"Publish version\s+2\b", visible)
    assert "First reply within 1 h" in visible and "CSAT (4-5)" in visible
    assert re.search(r"\b\d{1,3}\.\d %", visible)
    assert [metric for metric in metric_ids if re.search(rf"\b{metric}\b", visible)] == []
    for raw in ("lower_is_better", "higher_is_better", "False", "True", "NaN", "None"):
        assert not re.search(rf"\b{raw}\b", visible), raw
    # Agents: listed by team then name, never ranked by their value (first reply within 1 h here).
    assert agents
    assert [(team, agent) for agent, team, _ in agents] == sorted((team, agent) for agent, team, _ in agents)
    values = [float(cell.split(" %")[0]) for _, _, cell in agents if " %" in cell.split("\n")[0]]
    assert values and all(re.match(r"\d+\.\d %", cell) for _, _, cell in agents if cell != "–")
    assert len(values) < 3 or values not in (sorted(values), sorted(values, reverse=True))
