"""Telephony exports: Asterisk queue_log files (older and newer layouts), the realtime queue_log table dumped as
CSV, and the generic calls CSV."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from ..dbt_vars import dbt_var
from .core import (
    FUTURE_TOLERANCE,
    ZONE_SUFFIX,
    Entity,
    FileFormat,
    FileRejected,
    Parser,
    Rule,
    Source,
    non_negative,
    required,
    timestamps,
)
from .personal_data import hash_list_element_sql, hashing, phone
from .readers import csv_header, csv_records, queue_log, sql_literal


def _hash_enterqueue_caller(payload: str) -> str:
    """ENTERQUEUE(url, callerid[, position]): the caller id is data field 2."""
    return hash_list_element_sql(payload, "data", 2, "phone", when=f"upper(trim(({payload})->>'event')) = 'ENTERQUEUE'")


# Events whose data fields are times or queue positions, or names that are never numbers (a transfer's extension
# and context, ATTENDEDTRANSFER's method and its bridge id, application or channels): no number among them can be
# negative. Fields that are not numbers are not checked.
QUEUE_EVENTS_WITH_DURATIONS = (
    "CONNECT", "COMPLETEAGENT", "COMPLETECALLER", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY",
    "TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER", "RINGNOANSWER",
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

# ---- the queue_log file: `epoch|callid|queuename|agent|event|data...`, recognised by the shape of its first line

# An epoch then a pipe, or five pipe-separated fields whose fifth is an event name (upper case): a line of the
# pipe layout, even one the parser will quarantine (too few fields, an unparseable epoch).
QUEUE_LOG_LINE = re.compile(r"^(\d{9,11}\||[^|]*\|[^|]*\|[^|]*\|[^|]*\|[A-Z][A-Z0-9_]*(\||$))")


def first_non_blank_line(path: Path, limit: int = 65536, max_lines: int = 1000) -> str:
    """The first line holding more than white space (a UTF-8 BOM and line ends stripped); '' when none is near
    the top."""
    with path.open("rb") as handle:
        for _ in range(max_lines):
            raw = handle.readline(limit)
            if not raw:
                break
            line = raw.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
            if line:
                return line
    return ""


# ---- the realtime queue_log table (Asterisk's `queue_log` database table) dumped as CSV with a header row

REALTIME_COLUMNS = ("time", "callid", "queuename", "agent", "event")
REALTIME_DATA_COLUMNS = ("data1", "data2", "data3", "data4", "data5")
# How a database client writes SQL NULL in a dump: `mysql --batch` prints NULL, SELECT ... INTO OUTFILE \N.
DUMP_NULLS = ("NULL", "\\N")
EPOCH_TIME = "'[0-9]+([.][0-9]+)?'"
NAIVE_TIME = "'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?'"


def realtime_columns(header: list[str]) -> dict[str, str] | None:
    """The dump's columns by their lower-case name, or None when the header is not the queue_log table's: the
    five line columns and data1..data5 or a packed data (extra columns such as id or partition are ignored)."""
    columns: dict[str, str] = {}
    for column in header:
        columns.setdefault(column.strip().lower(), column)
    if not all(name in columns for name in REALTIME_COLUMNS):
        return None
    if not any(name in columns for name in (*REALTIME_DATA_COLUMNS, "data")):
        return None
    return columns


def realtime_queue_log(columns: dict[str, str]) -> Parser:
    """Rows of the realtime queue_log table as queue_log lines, parsed in DuckDB from the CSV rows of
    csv_records: the payload of a line whose time is an epoch or has an offset is the pipe parser's
    (`epoch, callid, queuename, agent, event, data`), so a line landed in both formats is the same line. data1..5
    when any is set (the last one holds the rest of the fields, pipe-joined), else `data` split on `|`; empty
    trailing fields are dropped. A naive time (the server's local time) is read in the dbt var telephony_timezone
    for `epoch`, and kept as `local_time`: staging reads it again in the var as it is at build time."""

    def value(name: str) -> str:
        if name not in columns:
            return "''"
        nulls = ", ".join(sql_literal(null) for null in DUMP_NULLS)
        field = f"payload->>{sql_literal(columns[name])}"
        return f"(case when {field} in ({nulls}) then '' else coalesce({field}, '') end)"

    def parse(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
        rows = csv_records()(connection, path)
        zone = sql_literal(str(dbt_var("telephony_timezone")))
        split_fields = ", ".join(value(name) for name in REALTIME_DATA_COLUMNS[:4])
        any_split = " or ".join(f"{value(name)} <> ''" for name in REALTIME_DATA_COLUMNS)
        return f"""
            select record_number,
                   case when parse_error is null then
                       case when local_time is null then line
                            else json_merge_patch(line, json_object('local_time', local_time)) end
                   end as payload,
                   raw_text, parse_error
            from (
                select record_number, coalesce(raw_text, payload::varchar) as raw_text,
                       json_object('epoch', epoch::varchar, 'callid', callid, 'queuename', queuename,
                                   'agent', agent, 'event', event, 'data', data) as line,
                       local_time,
                       coalesce(parse_error,
                                case when time = '' then 'missing time'
                                     when epoch is null then 'unparseable time'
                                     when trim(event) = '' then 'missing event' end) as parse_error
                from (
                    select *,
                           case when regexp_full_match(time, {EPOCH_TIME})
                                    then floor(try_cast(time as decimal(20, 6)))::bigint
                                when regexp_matches(time, {ZONE_SUFFIX})
                                    then epoch_us(try_cast(time as timestamptz)) // 1000000
                                when local_time is not null
                                    then epoch_us(timezone({zone}, local_time::timestamp)) // 1000000
                           end as epoch,
                           case when joined = '' then []::varchar[] else string_split(joined, '|') end as data
                    from (
                        select record_number, payload, raw_text, parse_error,
                               trim({value("time")}) as time,
                               case when regexp_full_match(trim({value("time")}), {NAIVE_TIME})
                                         and try_cast(trim({value("time")}) as timestamp) is not null
                                    then trim({value("time")}) end as local_time,
                               {value("callid")} as callid, {value("queuename")} as queuename,
                               {value("agent")} as agent, {value("event")} as event,
                               rtrim(case when {any_split}
                                          then concat_ws('|', {split_fields}, {value("data5")})
                                          else {value("data")} end, '|') as joined
                        from ({rows})
                    )
                )
            )
        """

    return parse


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    header = csv_header(path)
    # The table dump first: its header row (TIME|CALLID|...|EVENT|DATA) could pass for a line of the pipe layout.
    if (columns := realtime_columns(header)) is not None:
        return FileFormat("asterisk_queue_log_table_csv", ASTERISK_QUEUE_LOG, realtime_queue_log(columns))
    if QUEUE_LOG_LINE.match(first_non_blank_line(path)):
        return FileFormat("asterisk_queue_log", ASTERISK_QUEUE_LOG, queue_log, appends=True)
    if all(column in header for column in GENERIC_CALL_COLUMNS):
        return FileFormat("generic_calls_csv", GENERIC_CALLS, csv_records())
    raise FileRejected(
        f"unknown layout: {path.name} is neither an Asterisk queue_log (file or realtime-table CSV dump) nor a "
        "calls CSV"
    )


TELEPHONY = Source("telephony", (ASTERISK_QUEUE_LOG, GENERIC_CALLS), detect_format)
