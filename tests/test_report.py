"""The static HTML report reads the published warehouse and the metric dictionary."""

from __future__ import annotations

from pathlib import Path

from .conftest import SMALL_LANDING, run_cli


def test_report_lists_the_metric_dictionary(small_home: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    completed = run_cli("report", "--out", str(output), home=small_home, landing=SMALL_LANDING)
    assert completed.returncode == 0, completed.stderr
    text = output.read_text()
    assert "<h2>Metric dictionary</h2>" in text
    # The fixture has no complete month (its data ends on 2026-03-21), so only the dictionary is shown.
    assert "Organisation, last complete month" not in text
    for metric in ("tickets_created", "contact_repeat_72h_rate", "qa_coverage_rate", "calls_per_agent"):
        assert f"<td>{metric}</td>" in text


def test_query_reads_the_published_file(small_home: Path) -> None:
    completed = run_cli(
        "query",
        "select count(*)::varchar || ' tickets' as answer from marts.fct_tickets",
        home=small_home,
        landing=SMALL_LANDING,
    )
    assert completed.returncode == 0, completed.stderr
    assert "5 tickets" in completed.stdout  # six tickets in the fixture, one deleted
