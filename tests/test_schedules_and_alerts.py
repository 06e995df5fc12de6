"""The nightly schedule and the failure alert, with Dagster's test utilities and a loopback webhook."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import (
    AssetCheckSpec,
    DagsterInstance,
    MaterializeResult,
    RunRequest,
    asset,
    build_run_status_sensor_context,
    build_schedule_context,
    materialize,
)

from orchestration.alerts import Alert, notify
from orchestration.definitions import defs
from orchestration.defs.automation import nightly_schedule, pipeline_failure_alert
from orchestration.quality.monitors import mart_suites
from orchestration.quality.suites import check_result, validate_dataframe

from .test_quality_checks import kpi_frame


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


def test_notify_posts_a_slack_compatible_payload(webhook) -> None:
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


def test_failure_sensor_alert_names_the_failed_check_and_its_numbers(webhook, monkeypatch) -> None:
    """A run whose blocking GX check fails (an abandon rate of 1.5) stops before the downstream asset; the sensor,
    evaluated on that run with Dagster's test utilities, posts an alert naming the check and the offending row."""
    url, received = webhook
    monkeypatch.setenv("SUPPORT_KPI_ALERT_WEBHOOK_URL", url)
    suite = mart_suites()["kpi_metrics"]

    @asset(name="kpi_metrics", check_specs=[AssetCheckSpec(suite.check_name, asset="kpi_metrics", blocking=True)])
    def kpi_metrics_with_a_defect():
        yield MaterializeResult()
        yield check_result("kpi_metrics", suite, validate_dataframe(suite, kpi_frame("abandon_rate", 1.5)))

    @asset(deps=["kpi_metrics"])
    def published() -> None:
        raise AssertionError("a blocked check must stop publication")

    instance = DagsterInstance.ephemeral()
    result = materialize([kpi_metrics_with_a_defect, published], instance=instance, raise_on_error=False)
    assert not result.success
    failure_event = next(event for event in result.all_events if event.event_type_value == "PIPELINE_FAILURE")
    context = build_run_status_sensor_context(
        sensor_name="pipeline_failure_alert",
        dagster_event=failure_event,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()
    pipeline_failure_alert(context)

    assert len(received) == 1
    text = received[0]["text"]
    assert "failed check: kpi_metrics: gx_kpi_metrics (1 failed expectations)" in text
    assert "expect_column_values_to_be_between on value: 1 unexpected" in text
    assert "'metric': 'abandon_rate'" in text and "'value': '1.5'" in text
