"""Durations in seconds and the UTC timestamp layouts the exports use."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

MINUTE = 60
HOUR = 3600
DAY = 86400


def utc_midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def iso_utc(epoch: int) -> str:
    """2026-01-31T08:00:00Z, as the helpdesk API and the QA tool write it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def naive_utc(epoch: int) -> str:
    """2026-01-31 08:00:00, as the survey export writes it (UTC, without a zone)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))
