"""Helpdesk exports: Zendesk incremental exports (JSON pages or JSON Lines)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from .core import Entity, FileFormat, FileRejected, Source, accepted_values, required, timestamps
from .readers import json_document, json_document_keys, json_lines

TICKET_STATUSES = ("new", "open", "pending", "hold", "solved", "closed", "deleted")

ZENDESK_TICKETS = Entity(
    "zendesk_tickets",
    (*required("id"), *timestamps("created_at", "updated_at"), accepted_values("status", TICKET_STATUSES)),
    event_time="(payload->>'updated_at')::timestamptz",
)
ZENDESK_TICKET_EVENTS = Entity(
    "zendesk_ticket_events",
    (*required("id", "ticket_id"), *timestamps("created_at")),
    event_time="(payload->>'created_at')::timestamptz",
    key="payload->>'id'",
)
ZENDESK_USERS = Entity("zendesk_users", required("id"), key="payload->>'id'")
ZENDESK_GROUPS = Entity("zendesk_groups", required("id"), key="payload->>'id'")

# The records key of each Zendesk export, in the order a file name is matched (ticket_events before tickets).
ZENDESK_EXPORTS = {
    "ticket_events": ZENDESK_TICKET_EVENTS,
    "tickets": ZENDESK_TICKETS,
    "users": ZENDESK_USERS,
    "groups": ZENDESK_GROUPS,
}


def _entity_from_name(path: Path) -> tuple[str, Entity]:
    for key, entity in ZENDESK_EXPORTS.items():
        if path.name.startswith(key):
            return key, entity
    raise FileRejected("unknown layout: a JSON Lines file named neither tickets*, ticket_events*, users* nor groups*")


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
        key, entity = _entity_from_name(path)
        return FileFormat(f"zendesk_{key}_jsonl", entity, json_lines)
    if suffix == ".json":
        try:
            keys = json_document_keys(connection, path)
        except FileRejected:
            if not _looks_like_json_lines(path):
                raise
            key, entity = _entity_from_name(path)
            return FileFormat(f"zendesk_{key}_jsonl", entity, json_lines)
        for key, entity in ZENDESK_EXPORTS.items():
            if key in keys:
                return FileFormat(f"zendesk_{key}_page", entity, json_document(key))
        raise FileRejected(f"unknown layout: JSON document with keys {sorted(keys)[:8]}")
    raise FileRejected(f"unknown layout: {path.name} is not a Zendesk JSON export")


HELPDESK = Source("helpdesk", tuple(ZENDESK_EXPORTS.values()), detect_format)
