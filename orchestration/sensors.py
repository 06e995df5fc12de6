"""Sensors: start the pipeline when new or changed files land (the scheduler's nightly run is in schedules.py)."""

from __future__ import annotations

import hashlib
import time

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from .ingestion.core import landed_files
from .jobs import full_pipeline_job
from .settings import SOURCES, Settings, load_settings

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
            digest.update(f"{source}/{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
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
