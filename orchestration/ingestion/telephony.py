"""Telephony exports: Asterisk queue_log files (older and newer layouts)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .core import FUTURE_TOLERANCE, Entity, FileFormat, FileRejected, Rule, Source
from .readers import first_line, queue_log

ASTERISK_QUEUE_LOG = Entity(
    "asterisk_queue_log",
    (
        Rule(
            "epoch in the future",
            f"to_timestamp((payload->>'epoch')::bigint) > now() + {FUTURE_TOLERANCE}",
        ),
    ),
    event_time="to_timestamp((payload->>'epoch')::bigint)",
)

QUEUE_LOG_LINE = re.compile(r"^\d{9,11}\|[^|]*\|[^|]*\|[^|]*\|[A-Z_]+")


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    if path.name.startswith("queue_log") or QUEUE_LOG_LINE.match(first_line(path)):
        return FileFormat("asterisk_queue_log", ASTERISK_QUEUE_LOG, queue_log)
    raise FileRejected(f"unknown layout: {path.name} is not an Asterisk queue_log")


TELEPHONY = Source("telephony", (ASTERISK_QUEUE_LOG,), detect_format)
