"""Automation: the pipeline job, the nightly schedule, the landing-files sensor and the run-failure alert."""

from __future__ import annotations

import hashlib
import time

from dagster import (
    AssetSelection,
    DagsterEventType,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SkipReason,
    define_asset_job,
    run_failure_sensor,
    sensor,
)

from ..alerts import Alert, failed_check_lines, notify
from ..ingestion.landing import landed_files
from ..settings import SOURCES, Settings, load_settings

full_pipeline_job = define_asset_job(
    name="support_kpi_pipeline",
    selection=AssetSelection.all(),
    description="Ingest new landed files, build and test the dbt models, publish the audited marts.",
)

nightly_schedule = ScheduleDefinition(
    name="nightly_support_kpi",
    job=full_pipeline_job,
    cron_schedule="0 2 * * *",
    execution_timezone=load_settings().timezone,
    default_status=DefaultScheduleStatus.STOPPED,
    description="Every night at 02:00 (SUPPORT_KPI_TIMEZONE): ingest the day's exports, rebuild, check, publish.",
)

# A file modified less than this many seconds ago may still be being written: wait for the next tick.
SETTLE_SECONDS = 30


def landing_fingerprint(settings: Settings, now: float, settle_seconds: int = SETTLE_SECONDS) -> str | None:
    """A digest of every landed file's name, size and modification time; None while a file is still settling.

    Only the file system is read: the build database stays free for the runs. Ingestion skips files whose
    checksum it already holds, so a run started for a touched-but-unchanged file changes nothing."""
    digest = hashlib.sha256()
    for source in SOURCES:
        for path in landed_files(settings.landing_folder(source)):
            stat = path.stat()
            if now - stat.st_mtime < settle_seconds:
                return None
            digest.update(
                f"{source}/{path.relative_to(settings.landing).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


@sensor(
    job=full_pipeline_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Runs the pipeline when files are added to or changed in the landing folders.",
)
def landing_files_sensor(context: SensorEvaluationContext):
    settings = load_settings()
    fingerprint = landing_fingerprint(settings, time.time())
    if fingerprint is None:
        return SkipReason(f"a landed file changed less than {SETTLE_SECONDS} s ago; waiting for it to settle")
    if fingerprint == context.cursor:
        return SkipReason("no new or changed files in the landing folders")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=f"landing-{fingerprint[:16]}", tags={"trigger": "landing_files_sensor"})


@run_failure_sensor(
    monitored_jobs=[full_pipeline_job],
    default_status=DefaultSensorStatus.RUNNING,
    description="Alerts (log, webhook) when a pipeline run fails, e.g. when the quality gate blocks publication.",
)
def pipeline_failure_alert(context: RunFailureSensorContext) -> None:
    records = context.instance.all_logs(context.dagster_run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION)
    checks = failed_check_lines(record.dagster_event for record in records if record.dagster_event)
    message = "\n".join([*checks, context.failure_event.message or "run failed"])
    notify(Alert(run_id=context.dagster_run.run_id, job_name=context.dagster_run.job_name, message=message))
