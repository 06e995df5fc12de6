"""Helpdesk exports: Zendesk incremental exports and Ticket Audits API pages (JSON pages or JSON Lines), Freshdesk
(freshdesk.py) and the generic helpdesk CSVs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import freshdesk, intercom
from .core import (
    FUTURE_TOLERANCE,
    RAW_SCHEMA,
    Entity,
    FileFormat,
    FileRejected,
    Rule,
    Source,
    accepted_values,
    finite_number,
    required,
    timestamps,
)
from .personal_data import email, guarded, hash_fields_sql, hashing, phone
from .readers import csv_header, csv_records, json_document, json_document_keys, json_documents, json_lines

TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed", "deleted")

# The requester's address or number a ticket, an audit or a comment came from (or was sent to) on the email and
# voice channels: Zendesk's via object.
VIA_SOURCE = tuple(
    field("via", "source", side, name)
    for side in ("from", "to")
    for field, name in ((email, "address"), (phone, "phone"), (phone, "formatted_phone"))
)
# A child event's via object, and a VoiceComment's caller and called numbers.
CHILD_EVENT_PERSONAL_DATA = (
    *VIA_SOURCE,
    phone("data", "from"),
    phone("data", "to"),
    phone("formatted_from"),
    phone("formatted_to"),
)
# The child events of a ticket event (incremental export) or of an audit (Ticket Audits API).
CHILD_EVENT_LISTS = ("child_events", "events")


def _hash_ticket_event(payload: str) -> str:
    """SQL: a ticket event's or an audit's payload with the personal data of its via object and of each of its
    child events hashed; a list of child events is replaced by its hashed copy (one JSON merge patch each)."""
    patches = [hash_fields_sql(payload, VIA_SOURCE)]
    for key in CHILD_EVENT_LISTS:
        children = f"""from_json(({payload})->'{key}', '["json"]')"""
        hashed_child = hash_fields_sql("child", CHILD_EVENT_PERSONAL_DATA)
        hashed = f"list_transform({children}, lambda child: if(json_type(child) = 'OBJECT', {hashed_child}, child))"
        patches.append(
            f"(case when json_type(({payload})->'{key}') = 'ARRAY' then json_object('{key}', to_json({hashed})) "
            "else '{}'::json end)"
        )
    return guarded(payload, (*VIA_SOURCE, *CHILD_EVENT_PERSONAL_DATA), f"json_merge_patch({', '.join(patches)})")


# An event of the incremental export may give its time as `timestamp` (epoch seconds, a number or a string) where
# `created_at` is absent (SPEC 4.1): SQL over `payload` giving those seconds, null unless a finite number from
# 1970 to year 9999 (to_timestamp's range; an epoch in milliseconds is out of it).
MAX_EPOCH_SECONDS = 253402300799
_EPOCH_NUMBER = finite_number("nullif(trim(payload->>'timestamp'), '')")
EVENT_EPOCH = f"(case when {_EPOCH_NUMBER} between 0 and {MAX_EPOCH_SECONDS} then {_EPOCH_NUMBER} end)"


def _event_time_rules() -> tuple[Rule, ...]:
    """A ticket event needs its time: a `created_at` (ISO-8601 with a zone, not in the future, as every
    timestamp) or, where `created_at` is absent, a `timestamp` in epoch seconds (not in the future either). A
    `created_at` present but unreadable is quarantined even with a `timestamp`: the record contradicts itself."""
    no_created_at = "nullif(trim(payload->>'created_at'), '') is null"
    return (
        Rule(
            "missing created_at and timestamp",
            f"{no_created_at} and nullif(trim(payload->>'timestamp'), '') is null",
        ),
        Rule("timestamp is not epoch seconds", f"{no_created_at} and {EVENT_EPOCH} is null"),
        Rule(
            "timestamp in the future",
            f"{no_created_at} and to_timestamp({EVENT_EPOCH}) > now() + {FUTURE_TOLERANCE}",
        ),
        *timestamps("created_at", optional=True),
    )


ZENDESK_TICKETS = Entity(
    "zendesk_tickets",
    (*required("id"), *timestamps("created_at", "updated_at"), accepted_values("status", TICKET_STATUSES)),
    event_time="(payload->>'updated_at')::timestamptz",
    hash_personal_data=hashing(*VIA_SOURCE),
)
# Ticket events of the incremental export and audits of the Ticket Audits API, as they came: an audit is a ticket
# event under the same id (SPEC 4.1), stg_zendesk__ticket_events reads both shapes and keeps an audit once.
ZENDESK_TICKET_EVENTS = Entity(
    "zendesk_ticket_events",
    (*required("id", "ticket_id"), *_event_time_rules()),
    event_time=f"coalesce(try_cast(payload->>'created_at' as timestamptz), to_timestamp({EVENT_EPOCH}))",
    key="payload->>'id'",
    hash_personal_data=_hash_ticket_event,
)
ZENDESK_USERS = Entity(
    "zendesk_users", required("id"), key="payload->>'id'", hash_personal_data=hashing(email("email"), phone("phone"))
)
ZENDESK_GROUPS = Entity("zendesk_groups", required("id"), key="payload->>'id'")

GENERIC_EVENT_TYPES = ("status_change", "assignee_change", "public_reply", "internal_note", "customer_message")
GENERIC_TICKETS = Entity(
    "generic_tickets",
    (
        *required("ticket_id"),
        *timestamps("created_at"),
        *timestamps("updated_at", optional=True),
        accepted_values("status", TICKET_STATUSES),
    ),
    event_time="(payload->>'created_at')::timestamptz",
    key="payload->>'ticket_id'",
    hash_personal_data=hashing(email("requester_email")),
)
GENERIC_TICKET_EVENTS = Entity(
    "generic_ticket_events",
    (
        *required("event_id", "ticket_id"),
        *timestamps("created_at"),
        accepted_values("event_type", GENERIC_EVENT_TYPES),
    ),
    event_time="(payload->>'created_at')::timestamptz",
    key="payload->>'event_id'",
)
GENERIC_TICKET_COLUMNS = ("ticket_id", "created_at", "status")
GENERIC_EVENT_COLUMNS = ("event_id", "ticket_id", "created_at", "event_type")


@dataclass(frozen=True)
class ZendeskExport:
    """A Zendesk export: its raw table, the array holding its records in a page, the fields that tell its JSON
    Lines records apart, and the file-name prefixes that name it when its first record does not."""

    name: str  # the format is zendesk_<name>_page or zendesk_<name>_jsonl
    entity: Entity
    records_key: str
    record_fields: frozenset[str]
    name_prefixes: tuple[str, ...]


# In the order a file is matched (ticket_events before tickets, ticket_audits before tickets).
ZENDESK_EXPORTS = (
    ZendeskExport(
        "ticket_events", ZENDESK_TICKET_EVENTS, "ticket_events", frozenset({"child_events"}), ("ticket_events",)
    ),
    # GET /api/v2/tickets/{id}/audits (offset or cursor pages) and /api/v2/ticket_audits (cursor pages).
    ZendeskExport(
        "ticket_audits",
        ZENDESK_TICKET_EVENTS,
        "audits",
        frozenset({"events", "ticket_id"}),
        ("ticket_audits", "audits"),
    ),
    ZendeskExport("tickets", ZENDESK_TICKETS, "tickets", frozenset({"requester_id", "status"}), ("tickets",)),
    ZendeskExport("users", ZENDESK_USERS, "users", frozenset({"role", "email"}), ("users",)),
    ZendeskExport("groups", ZENDESK_GROUPS, "groups", frozenset({"name"}), ("groups",)),
)


# How many bytes are read to find a file's first non-blank character, or its first non-blank line.
SNIFF_LIMIT = 1 << 20
TRUNCATED_DOCUMENT = "unparseable JSON document (truncated or malformed)"
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def _first_character(path: Path) -> str:
    """The file's first character that is not blank (a UTF-8 BOM skipped), or "" when there is none."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_LIMIT).decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    return head[:1]


def _first_lines(path: Path) -> tuple[str, bool]:
    """The first non-blank line (stripped, BOM removed; "" when longer than SNIFF_LIMIT, unreadable here) and
    whether a non-blank line follows it. At most SNIFF_LIMIT bytes are held at a time."""
    first: str | None = None
    with path.open("rb") as handle:
        while raw := handle.readline(SNIFF_LIMIT):
            cut = len(raw) == SNIFF_LIMIT and not raw.endswith(b"\n")
            skipped = cut
            while cut and (rest := handle.readline(SNIFF_LIMIT)):  # the rest of an overlong line
                cut = len(rest) == SNIFF_LIMIT and not rest.endswith(b"\n")
            line = raw.decode("utf-8", errors="replace").lstrip("\ufeff").strip()
            if not line:
                continue
            if first is not None:
                return first, True
            first = "" if skipped else line
    return first or "", False


def _json_object(text: str) -> dict | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _json_lines_export(path: Path, fields: set[str] | None = None) -> ZendeskExport:
    """The Zendesk export of a JSON Lines file, from the fields of its first record (or its name)."""
    if fields is None:
        fields = set(_json_object(_first_lines(path)[0]) or {})
    for export in ZENDESK_EXPORTS:
        if export.record_fields <= fields:
            return export
    for export in ZENDESK_EXPORTS:
        if path.name.startswith(export.name_prefixes):
            return export
    raise FileRejected(f"unknown layout: JSON Lines records with fields {sorted(fields)[:8]}")


def _json_lines_format(path: Path, fields: set[str] | None = None) -> FileFormat:
    if (intercom_format := intercom.json_lines_format(_json_object(_first_lines(path)[0]))) is not None:
        return intercom_format
    if fields is None:
        fields = set(_json_object(_first_lines(path)[0]) or {})
    if found := freshdesk.api_export(fields):
        name, entity = found
        return FileFormat(f"freshdesk_{name}_jsonl", entity, json_lines)
    export = _json_lines_export(path, fields)
    return FileFormat(f"zendesk_{export.name}_jsonl", export.entity, json_lines)


def _looks_like_json_lines(path: Path) -> bool:
    """A complete JSON object on the first line and more lines after it (a truncated page has neither)."""
    first, more = _first_lines(path)
    return more and _json_object(first) is not None


def _json_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    """A file starting with `{` or `[`: a page of an export (one JSON document holding its records' array), or
    JSON Lines (a JSON object a line; a single line holding one record is JSON Lines of one record)."""
    if _first_character(path) == "[" and not _looks_like_json_lines(path):
        return freshdesk.array_format(connection, path)
    try:
        keys = json_document_keys(connection, path)
    except FileRejected:
        if not _looks_like_json_lines(path):
            raise
        return _json_lines_format(path)
    if (intercom_format := intercom.document_format(connection, path, keys)) is not None:
        return intercom_format
    for export in ZENDESK_EXPORTS:
        if export.records_key in keys:
            return FileFormat(
                f"zendesk_{export.name}_page", export.entity, json_document(export.records_key),
                batch_parser=json_documents(export.records_key),
            )  # fmt: skip
    if _first_character(path) == "[":
        raise FileRejected("unknown layout: a JSON array, neither a page of a Zendesk export nor JSON Lines")
    one_line = _json_object(_first_lines(path)[0]) is not None  # else a document laid out over several lines
    if not one_line and (single := freshdesk.object_format(set(keys))):
        return single
    if freshdesk.api_export(set(keys)) or any(export.record_fields <= set(keys) for export in ZENDESK_EXPORTS):
        return _json_lines_format(path, set(keys))
    raise FileRejected(f"unknown layout: JSON document with keys {sorted(keys)[:8]}")


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    """A helpdesk file is recognised by its content, whatever its name (SPEC 4): one whose first non-blank
    character is `{` or `[` is JSON (a page or JSON Lines), any other a helpdesk CSV by its header. The name is
    a hint only where the content cannot tell: JSON Lines whose first line was cut (.jsonl, .ndjson), a page
    named .json that is not JSON."""
    if _first_character(path) in ("{", "["):
        return _json_format(connection, path)
    if freshdesk.is_spreadsheet_xml(path):
        return freshdesk.spreadsheet_format(path)
    header = csv_header(path)
    freshdesk.check_language(header)
    if freshdesk.is_ticket_export(header):
        return freshdesk.export_csv_format()
    if all(column in header for column in GENERIC_EVENT_COLUMNS):
        return FileFormat("generic_ticket_events_csv", GENERIC_TICKET_EVENTS, csv_records())
    if all(column in header for column in GENERIC_TICKET_COLUMNS):
        return FileFormat("generic_tickets_csv", GENERIC_TICKETS, csv_records())
    suffix = path.suffix.lower()
    if suffix in JSON_LINES_SUFFIXES:
        return _json_lines_format(path)
    if suffix == ".json":
        raise FileRejected(TRUNCATED_DOCUMENT)
    raise FileRejected(f"unknown layout: {path.name} is neither a Zendesk JSON export nor a helpdesk CSV")


HELPDESK = Source(
    "helpdesk",
    (
        ZENDESK_TICKET_EVENTS,
        ZENDESK_TICKETS,
        ZENDESK_USERS,
        ZENDESK_GROUPS,
        GENERIC_TICKETS,
        GENERIC_TICKET_EVENTS,
        *freshdesk.FRESHDESK_ENTITIES,
        *intercom.ENTITIES,
    ),
    detect_format,
)


# A child event that is a comment with its author: only an export made with include=comment_events has them
# (without it, a comment is described by `comment_present` and `comment_public` alone, and cannot be a reply).
_AUTHORED_COMMENT = (
    "coalesce(child->>'event_type', child->>'type') in ('Comment', 'VoiceComment') "
    "and try_cast(nullif(trim(child->>'author_id'), '') as bigint) is not null"
)


def files_without_comment_authors(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The ingested files of ticket events (or audits) holding events but no comment child event with an author,
    as their paths in the ingest manifest: read as any other file, they give no first reply (SPEC 4.1)."""
    children = "coalesce(from_json(coalesce(e.payload->'child_events', e.payload->'events'), '[\"json\"]'), []::json[])"
    try:
        rows = connection.execute(
            f"""
            select f.path
            from {ZENDESK_TICKET_EVENTS.table} e join {RAW_SCHEMA}.ingested_files f using (file_id)
            group by f.file_id, f.path
            having not bool_or(len(list_filter({children}, lambda child: {_AUTHORED_COMMENT})) > 0)
            order by f.path
            """
        ).fetchall()
    except duckdb.CatalogException:  # nothing ingested yet
        return []
    return [path for (path,) in rows]


def comment_event_warnings(connection: duckdb.DuckDBPyConnection, landing: Path | None = None) -> list[str]:
    """One warning per file of ticket events without comment authors, its path relative to `landing`."""
    warnings = []
    for path in files_without_comment_authors(connection):
        shown = path
        if landing is not None and Path(path).is_relative_to(landing):
            shown = str(Path(path).relative_to(landing))
        warnings.append(
            f"{shown}: no comment events with an author (export with include=comment_events): "
            "first-reply KPIs need them"
        )
    return warnings
