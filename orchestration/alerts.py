"""Alerts: a configurable notifier (always the log; a webhook when configured), called by the run-failure sensor
(orchestration/defs/automation.py) and by `supportkpi run`.

SUPPORT_KPI_ALERT_WEBHOOK_URL: a URL receiving a JSON POST (Slack-compatible: the payload has a `text` field).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass

from dagster import DagsterEvent, DagsterEventType

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


def _failure_details(metadata) -> list[str]:
    """One line per failed expectation of a GX check (what, where, how many, an offending row), or per problem a
    check lists (a rejected file and its remedy)."""
    problems = metadata.get("problems")
    lines = [f"    {problem}" for problem in (problems.value if problems is not None else [])[:20]]
    failures = metadata.get("failures")
    for failure in (failures.value if failures is not None else [])[:10]:
        examples = "; ".join(str(example) for example in (failure.get("examples") or [])[:3])
        example = f"; e.g. {examples}" if examples else ""
        lines.append(
            f"    {failure['expectation']} on {failure['column']}: {failure['unexpected_count']} unexpected{example}"
        )
    return lines


def failed_check_lines(events: Iterable[DagsterEvent]) -> list[str]:
    """The blocking checks (error severity: dbt tests, GX suites) that failed in a run, with their numbers."""
    lines = []
    for event in events:
        if event.event_type_value != DagsterEventType.ASSET_CHECK_EVALUATION.value:
            continue
        evaluation = event.event_specific_data
        if evaluation.passed or evaluation.severity.value != "ERROR":
            continue
        failing_rows = evaluation.metadata.get("dagster_dbt/failed_row_count")
        failed_expectations = evaluation.metadata.get("failed_expectations")
        count = ""
        if failing_rows is not None:
            count = f" ({failing_rows.value} failing rows)"
        elif failed_expectations is not None:
            count = f" ({failed_expectations.value} failed expectations)"
        lines.append(f"failed check: {evaluation.asset_key.to_user_string()}: {evaluation.check_name}{count}")
        lines.extend(_failure_details(evaluation.metadata))
    return lines
