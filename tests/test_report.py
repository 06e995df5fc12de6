"""The dashboard reads the published warehouse, the manifest beside it and the metric dictionary (labels, formats)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.report import Metric, format_change, format_value, readable

from .conftest import SMALL_LANDING, run_cli


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.57, "percent", "57.0 %"),
        (0.0, "percent", "0.0 %"),
        (46.63, "minutes", "46.6 min"),
        (14.71, "hours", "14.7 h"),
        (17.94, "seconds", "17.9 s"),
        (47.3, "nps", "+47"),
        (-12.0, "nps", "-12"),
        (1352.0, "count", "1,352"),
        (1.234, "count", "1.23"),
        (None, "percent", "–"),
        (float("nan"), "count", "–"),
    ],
)
def test_values_are_shown_in_their_registry_format(value: object, fmt: str, shown: str) -> None:
    assert format_value(value, fmt) == shown


def test_changes_of_percentages_are_percentage_points() -> None:
    assert format_change(-0.358, "percent") == "-35.8 pp"
    assert format_change(1.5, "minutes") == "+1.5 min"
    assert format_change(-23.0, "nps") == "−23"


def test_registry_texts_cite_metrics_by_label() -> None:
    definitions = {
        metric: Metric(metric, label, "count", "higher_is_better", "", "telephony", ("org",))
        for metric, label in (("calls_offered", "Calls offered"), ("calls_short_abandoned", "Short abandons"))
    }
    assert readable("calls_offered - calls_short_abandoned, by queue", definitions) == (
        "Calls offered - Short abandons, by queue"
    )


def test_report_is_a_dashboard_listing_the_metric_dictionary_by_label(small_home: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    completed = run_cli("report", "--out", str(output), home=small_home, landing=SMALL_LANDING)
    assert completed.returncode == 0, completed.stderr
    text = output.read_text()
    assert "<h2>Metric dictionary</h2>" in text
    # The fixture has no complete month (its data ends on 2026-03-21): the dashboard shows March to date, flagged.
    assert "Organisation scorecard, March 2026 (to date), against targets" in text
    assert "month to date, not complete" in text
    for label in ("Tickets created", "Repeat contacts within 72 h", "QA coverage", "Calls per agent"):
        assert f"<td>{label}</td>" in text
    for metric in ("tickets_created", "contact_repeat_72h_rate", "qa_coverage_rate", "calls_per_agent"):
        assert f"<td>{metric}</td>" not in text
    assert "Publish version" in text and "Data as of, per source" in text
    assert "No restatements: version 1 changed no published value." in text  # a first publish restates nothing
    # Offline: plotly.js is embedded once, no script is loaded from anywhere.
    assert "<script src" not in text
    assert text.count("Plotly.newPlot(") == int(text.split("data-charts='")[1].split("'")[0]) > 0


def test_query_reads_the_published_file(small_home: Path) -> None:
    completed = run_cli(
        "query",
        "select count(*)::varchar || ' tickets' as answer from marts.fct_tickets",
        home=small_home,
        landing=SMALL_LANDING,
    )
    assert completed.returncode == 0, completed.stderr
    assert "5 tickets" in completed.stdout  # six tickets in the fixture, one deleted
