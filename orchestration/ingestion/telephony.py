"""Telephony exports: Asterisk queue_log files (older and newer layouts) and the generic calls CSV."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from .core import (
    FUTURE_TOLERANCE,
    Entity,
    FileFormat,
    FileRejected,
    Rule,
    Source,
    non_negative,
    required,
    timestamps,
)
from .personal_data import hash_list_element_sql, hashing, phone
from .readers import csv_header, csv_records, first_line, queue_log


def _hash_enterqueue_caller(payload: str) -> str:
    """ENTERQUEUE(url, callerid[, position]): the caller id is data field 2."""
    return hash_list_element_sql(payload, "data", 2, "phone", when=f"upper(trim(({payload})->>'event')) = 'ENTERQUEUE'")


# Events whose data fields are all times or queue positions: none of them can be negative.
QUEUE_EVENTS_WITH_DURATIONS = (
    "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY",
    "TRANSFER", "RINGNOANSWER",
)  # fmt: skip

ASTERISK_QUEUE_LOG = Entity(
    "asterisk_queue_log",
    (
        Rule(
            "epoch in the future",
            f"to_timestamp((payload->>'epoch')::bigint) > now() + {FUTURE_TOLERANCE}",
        ),
        Rule(
            "negative duration or position",
            f"payload->>'event' in ({', '.join(repr(event) for event in QUEUE_EVENTS_WITH_DURATIONS)})"
            " and len(list_filter(from_json(payload->'data', '[\"varchar\"]'),"
            " lambda field: try_cast(field as double) < 0 or not isfinite(try_cast(field as double)))) > 0",
        ),
    ),
    event_time="to_timestamp((payload->>'epoch')::bigint)",
    hash_personal_data=_hash_enterqueue_caller,
)

GENERIC_CALL_COLUMNS = ("call_id", "queue", "entered_at", "outcome")
GENERIC_CALLS = Entity(
    "generic_calls",
    (
        *required("call_id", "queue"),
        *timestamps("entered_at"),
        *timestamps("answered_at", "ended_at", optional=True),
        Rule(
            "unknown outcome",
            "coalesce(lower(trim(payload->>'outcome')), '') not in ('answered', 'abandoned', 'timeout', '')",
        ),
        *non_negative("talk_seconds", "hold_seconds", "wrap_seconds"),
    ),
    event_time="(payload->>'entered_at')::timestamptz",
    key="payload->>'call_id', payload->>'queue'",
    hash_personal_data=hashing(phone("caller_number")),
)

QUEUE_LOG_LINE = re.compile(r"^\d{9,11}\|[^|]*\|[^|]*\|[^|]*\|[A-Z_]+")


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    line = first_line(path)
    if QUEUE_LOG_LINE.match(line) or (path.name.startswith("queue_log") and "," not in line):
        return FileFormat("asterisk_queue_log", ASTERISK_QUEUE_LOG, queue_log)
    header = csv_header(path)
    if all(column in header for column in GENERIC_CALL_COLUMNS):
        return FileFormat("generic_calls_csv", GENERIC_CALLS, csv_records())
    raise FileRejected(f"unknown layout: {path.name} is neither an Asterisk queue_log nor a calls CSV")


TELEPHONY = Source("telephony", (ASTERISK_QUEUE_LOG, GENERIC_CALLS), detect_format)
