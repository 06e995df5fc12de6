"""The nightly schedule and the failure alert, with Dagster's test utilities and a loopback webhook."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import RunRequest, build_schedule_context

from orchestration.alerts import Alert, notify
from orchestration.definitions import defs
from orchestration.schedules import nightly_schedule

from .test_quality_gate import webhook  # noqa: F401 (pytest fixture)


def test_nightly_schedule_runs_the_pipeline_at_two_in_the_reporting_zone() -> None:
    schedule = defs.resolve_schedule_def("nightly_support_kpi")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "UTC"  # SUPPORT_KPI_TIMEZONE is unset in the test process
    assert schedule.job_name == "support_kpi_pipeline"
    context = build_schedule_context(scheduled_execution_time=datetime(2026, 11, 26, 2, 0, tzinfo=ZoneInfo("UTC")))
    requests = list(nightly_schedule.evaluate_tick(context).run_requests or [])
    assert len(requests) == 1 and isinstance(requests[0], RunRequest)


def test_failure_sensor_watches_the_pipeline() -> None:
    sensor = defs.resolve_sensor_def("pipeline_failure_alert")
    assert sensor.default_status.value == "RUNNING"
    assert [job.name for job in sensor._monitored_jobs] == ["support_kpi_pipeline"]  # no public accessor


def test_notify_posts_a_slack_compatible_payload(webhook) -> None:  # noqa: F811
    url, received = webhook
    assert notify(Alert(run_id="r-1", job_name="support_kpi_pipeline", message="failed check: x"), url) is True
    assert received == [
        {
            "text": "Support KPI warehouse: run r-1 of support_kpi_pipeline failed; nothing was published.\n"
            "failed check: x",
            "run_id": "r-1",
            "job": "support_kpi_pipeline",
        }
    ]


def test_notify_without_webhook_only_logs(caplog, monkeypatch) -> None:
    monkeypatch.delenv("SUPPORT_KPI_ALERT_WEBHOOK_URL", raising=False)
    assert notify(Alert(run_id="r-2", job_name="j", message="m")) is False
    assert "run r-2 of j failed" in caplog.text
