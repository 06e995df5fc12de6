"""Helpdesk exports: Zendesk incremental exports and Ticket Audits API pages (JSON pages or JSON Lines), and the
generic helpdesk CSVs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .core import Entity, FileFormat, FileRejected, Source, accepted_values, required, timestamps
from .personal_data import email, hash_fields_sql, hashing, phone
from .readers import csv_header, csv_records, first_line, json_document, json_document_keys, json_lines

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
    return f"json_merge_patch({', '.join(patches)})"


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
    (*required("id", "ticket_id"), *timestamps("created_at")),
    event_time="(payload->>'created_at')::timestamptz",
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


def _json_lines_export(path: Path) -> ZendeskExport:
    """The Zendesk export of a JSON Lines file, from the fields of its first record (or its name)."""
    try:
        fields = set(json.loads(first_line(path)))
    except (ValueError, TypeError):
        fields = set()
    for export in ZENDESK_EXPORTS:
        if export.record_fields <= fields:
            return export
    for export in ZENDESK_EXPORTS:
        if path.name.startswith(export.name_prefixes):
            return export
    raise FileRejected(f"unknown layout: JSON Lines records with fields {sorted(fields)[:8]}")


def _json_lines_format(path: Path) -> FileFormat:
    export = _json_lines_export(path)
    return FileFormat(f"zendesk_{export.name}_jsonl", export.entity, json_lines)


def _looks_like_json_lines(path: Path) -> bool:
    """A complete JSON object on the first line and more lines after it (a truncated page has neither)."""
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8", errors="replace").lstrip("\ufeff").strip()
        has_more = any(line.strip() for line in handle)
    try:
        return isinstance(json.loads(first), dict) and has_more
    except ValueError:
        return False


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return _json_lines_format(path)
    if suffix == ".json":
        try:
            keys = json_document_keys(connection, path)
        except FileRejected:
            if not _looks_like_json_lines(path):
                raise
            return _json_lines_format(path)
        for export in ZENDESK_EXPORTS:
            if export.records_key in keys:
                return FileFormat(f"zendesk_{export.name}_page", export.entity, json_document(export.records_key))
        raise FileRejected(f"unknown layout: JSON document with keys {sorted(keys)[:8]}")
    header = csv_header(path)
    if all(column in header for column in GENERIC_EVENT_COLUMNS):
        return FileFormat("generic_ticket_events_csv", GENERIC_TICKET_EVENTS, csv_records())
    if all(column in header for column in GENERIC_TICKET_COLUMNS):
        return FileFormat("generic_tickets_csv", GENERIC_TICKETS, csv_records())
    raise FileRejected(f"unknown layout: {path.name} is neither a Zendesk JSON export nor a helpdesk CSV")


HELPDESK = Source(
    "helpdesk",
    (ZENDESK_TICKET_EVENTS, ZENDESK_TICKETS, ZENDESK_USERS, ZENDESK_GROUPS, GENERIC_TICKETS, GENERIC_TICKET_EVENTS),
    detect_format,
)
