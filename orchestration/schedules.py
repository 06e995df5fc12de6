"""The nightly schedule: the whole graph at 02:00 in the reporting time zone."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from .jobs import full_pipeline_job
from .settings import load_settings

nightly_schedule = ScheduleDefinition(
    name="nightly_support_kpi",
    job=full_pipeline_job,
    cron_schedule="0 2 * * *",
    execution_timezone=load_settings().timezone,
    default_status=DefaultScheduleStatus.STOPPED,
    description="Every night at 02:00 (SUPPORT_KPI_TIMEZONE): ingest the day's exports, rebuild, check, publish.",
)
