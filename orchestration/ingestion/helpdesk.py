"""Helpdesk exports: Zendesk incremental exports (JSON pages or JSON Lines) and the generic helpdesk CSVs."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from .core import Entity, FileFormat, FileRejected, Source, accepted_values, required, timestamps
from .personal_data import email, hashing, phone
from .readers import csv_header, csv_records, first_line, json_document, json_document_keys, json_lines

TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed", "deleted")

ZENDESK_TICKETS = Entity(
    "zendesk_tickets",
    (*required("id"), *timestamps("created_at", "updated_at"), accepted_values("status", TICKET_STATUSES)),
    event_time="(payload->>'updated_at')::timestamptz",
    # The requester's address or number a ticket came from (or was sent to) on the email and voice channels.
    hash_personal_data=hashing(
        *(
            field("via", "source", side, name)
            for side in ("from", "to")
            for field, name in ((email, "address"), (phone, "phone"), (phone, "formatted_phone"))
        )
    ),
)
ZENDESK_TICKET_EVENTS = Entity(
    "zendesk_ticket_events",
    (*required("id", "ticket_id"), *timestamps("created_at")),
    event_time="(payload->>'created_at')::timestamptz",
    key="payload->>'id'",
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

# The records key of each Zendesk export, in the order a file name is matched (ticket_events before tickets).
ZENDESK_EXPORTS = {
    "ticket_events": ZENDESK_TICKET_EVENTS,
    "tickets": ZENDESK_TICKETS,
    "users": ZENDESK_USERS,
    "groups": ZENDESK_GROUPS,
}


# Fields that tell the Zendesk records apart when a JSON Lines file's name does not.
ZENDESK_RECORD_FIELDS = {
    "ticket_events": {"child_events"},
    "tickets": {"requester_id", "status"},
    "users": {"role", "email"},
    "groups": {"name"},
}


def _json_lines_entity(path: Path) -> tuple[str, Entity]:
    """The Zendesk export of a JSON Lines file, from the fields of its first record (or its name)."""
    try:
        fields = set(json.loads(first_line(path)))
    except (ValueError, TypeError):
        fields = set()
    for key, markers in ZENDESK_RECORD_FIELDS.items():
        if markers <= fields:
            return key, ZENDESK_EXPORTS[key]
    for key, entity in ZENDESK_EXPORTS.items():
        if path.name.startswith(key):
            return key, entity
    raise FileRejected(f"unknown layout: JSON Lines records with fields {sorted(fields)[:8]}")


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
        key, entity = _json_lines_entity(path)
        return FileFormat(f"zendesk_{key}_jsonl", entity, json_lines)
    if suffix == ".json":
        try:
            keys = json_document_keys(connection, path)
        except FileRejected:
            if not _looks_like_json_lines(path):
                raise
            key, entity = _json_lines_entity(path)
            return FileFormat(f"zendesk_{key}_jsonl", entity, json_lines)
        for key, entity in ZENDESK_EXPORTS.items():
            if key in keys:
                return FileFormat(f"zendesk_{key}_page", entity, json_document(key))
        raise FileRejected(f"unknown layout: JSON document with keys {sorted(keys)[:8]}")
    header = csv_header(path)
    if all(column in header for column in GENERIC_EVENT_COLUMNS):
        return FileFormat("generic_ticket_events_csv", GENERIC_TICKET_EVENTS, csv_records())
    if all(column in header for column in GENERIC_TICKET_COLUMNS):
        return FileFormat("generic_tickets_csv", GENERIC_TICKETS, csv_records())
    raise FileRejected(f"unknown layout: {path.name} is neither a Zendesk JSON export nor a helpdesk CSV")


HELPDESK = Source("helpdesk", (*ZENDESK_EXPORTS.values(), GENERIC_TICKETS, GENERIC_TICKET_EVENTS), detect_format)
