"""Alerts: a run-failure sensor calling a configurable notifier (always the log; a webhook when configured).

SUPPORT_KPI_ALERT_WEBHOOK_URL: a URL receiving a JSON POST (Slack-compatible: the payload has a `text` field).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from dataclasses import dataclass

from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

from .jobs import full_pipeline_job

WEBHOOK_VARIABLE = "SUPPORT_KPI_ALERT_WEBHOOK_URL"
logger = logging.getLogger("supportkpi.alerts")


@dataclass(frozen=True)
class Alert:
    run_id: str
    job_name: str
    message: str

    @property
    def text(self) -> str:
        headline = f"Support KPI warehouse: run {self.run_id} of {self.job_name} failed; nothing was published."
        return f"{headline}\n{self.message}"


def notify(alert: Alert, webhook_url: str | None = None, timeout_seconds: float = 10.0) -> bool:
    """Log the alert, and POST it to the webhook when one is configured. Returns whether a webhook got it."""
    logger.error(alert.text)
    url = webhook_url if webhook_url is not None else os.environ.get(WEBHOOK_VARIABLE)
    if not url:
        return False
    body = json.dumps({"text": alert.text, "run_id": alert.run_id, "job": alert.job_name}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
            return 200 <= response.status < 300
    except OSError as error:
        logger.error(f"alert webhook {url} failed: {error}")
        return False


@run_failure_sensor(
    monitored_jobs=[full_pipeline_job],
    default_status=DefaultSensorStatus.RUNNING,
    description="Alerts (log, webhook) when a pipeline run fails, e.g. when the quality gate blocks publication.",
)
def pipeline_failure_alert(context: RunFailureSensorContext) -> None:
    message = context.failure_event.message or "run failed"
    notify(Alert(run_id=context.dagster_run.run_id, job_name=context.dagster_run.job_name, message=message))
