"""Intercom REST API 2.x responses landed in landing/helpdesk (SPEC 4.8b): conversations, as list or search pages
(`{"type": "conversation.list", "conversations": [...], "pages": {...}}`), single conversations with their parts
(`GET /conversations/{id}`: `{"type": "conversation", "id": ..., "conversation_parts": {...}}`) or JSON Lines of
conversations; admins, as `{"type": "admin.list", "admins": [...]}` pages or JSON Lines.

Every record is staged as it came (its personal data hashed): a conversation repeats once per update across
exports and stg_intercom__conversations keeps its latest version. helpdesk.py asks `document_format` and
`json_lines_format` first, so Intercom files are recognised by their content alongside Zendesk's."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .core import FUTURE_TOLERANCE, Entity, FileFormat, Rule, accepted_values, finite_number, required
from .personal_data import PersonalField, email, hash_fields_sql
from .readers import json_document, json_documents, json_lines, json_single_record, sql_literal

CONVERSATION_STATES = ("open", "snoozed", "closed")
# to_timestamp's range: epoch seconds from 1970 to the end of year 9999 (an epoch in milliseconds is out of it).
MAX_EPOCH_SECONDS = 253402300799


def _json_path(path: tuple[str, ...]) -> str:
    """SQL text of a nested field of `payload` (`payload->'a'->>'b'`)."""
    *parents, leaf = path
    return "payload" + "".join(f"->'{key}'" for key in parents) + f"->>'{leaf}'"


def epoch_seconds_sql(*path: str) -> str:
    """SQL: the field's epoch seconds as a double (a number or a numeric string), null unless a finite number in
    to_timestamp's range."""
    number = finite_number(f"nullif(trim({_json_path(path)}), '')")
    return f"(case when {number} between 0 and {MAX_EPOCH_SECONDS} then {number} end)"


def epoch_timestamp_sql(*path: str) -> str:
    """SQL: the field's epoch seconds as a timestamptz (UTC), null where it is not epoch seconds."""
    return f"to_timestamp({epoch_seconds_sql(*path)})"


def epoch_rules(*fields: str) -> tuple[Rule, ...]:
    """Rules for required epoch-seconds timestamps (Intercom's `created_at`, `updated_at`): present, epoch seconds,
    not in the future."""
    rules: list[Rule] = []
    for name in fields:
        value = f"nullif(trim({_json_path((name,))}), '')"
        rules.append(Rule(f"missing {name}", f"{value} is null"))
        rules.append(Rule(f"{name} is not epoch seconds", f"{value} is not null and {epoch_seconds_sql(name)} is null"))
        rules.append(Rule(f"{name} in the future", f"{epoch_timestamp_sql(name)} > now() + {FUTURE_TOLERANCE}"))
    return tuple(rules)


def rating_rule() -> Rule:
    """A conversation rating, where present, is an integer from 1 to 5 (conversation_rating.rating)."""
    value = f"nullif(trim({_json_path(('conversation_rating', 'rating'))}), '')"
    number = finite_number(value)
    return Rule(
        "conversation_rating.rating out of range [1, 5]",
        f"{value} is not null and ({number} is null or {number} not between 1 and 5 or {number} <> floor({number}))",
    )


# The emails a conversation carries: its source message's author (the customer, or the admin who wrote it), the
# author of each of its parts and each teammate where an export writes their email.
SOURCE_AUTHOR_EMAIL = email("source", "author", "email")
AUTHOR_EMAIL = email("author", "email")
TEAMMATE_EMAIL = email("email")
# The lists of objects of a conversation whose elements carry an email: (list object, its array, the field).
NESTED_PERSONAL_LISTS = (
    ("conversation_parts", "conversation_parts", AUTHOR_EMAIL),
    ("teammates", "teammates", TEAMMATE_EMAIL),
)


def _hash_list(payload: str, parent: str, key: str, field: PersonalField) -> str:
    """A JSON merge patch replacing the array `payload.parent.key` by its copy with each object's personal field
    hashed (empty where the conversation has no such array)."""
    array = f"({payload})->'{parent}'->'{key}'"
    hashed_element = hash_fields_sql("element", (field,))
    hashed = f"""list_transform(from_json({array}, '["json"]'),
        lambda element: if(json_type(element) = 'OBJECT', {hashed_element}, element))"""
    return (
        f"(case when json_type({array}) = 'ARRAY' "
        f"then json_object('{parent}', json_object('{key}', to_json({hashed}))) else '{{}}'::json end)"
    )


def hash_conversation(payload: str) -> str:
    """SQL: a conversation's payload with the emails of its source author, parts' authors and teammates hashed."""
    patches = [hash_fields_sql(payload, (SOURCE_AUTHOR_EMAIL,))]
    for parent, key, field in NESTED_PERSONAL_LISTS:
        patches.append(_hash_list(payload, parent, key, field))
    return f"json_merge_patch({', '.join(patches)})"


def hash_admin(payload: str) -> str:
    return hash_fields_sql(payload, (email("email"),))


INTERCOM_CONVERSATIONS = Entity(
    "intercom_conversations",
    (
        *required("id"),
        *epoch_rules("created_at", "updated_at"),
        accepted_values("state", CONVERSATION_STATES),
        rating_rule(),
    ),
    event_time=epoch_timestamp_sql("updated_at"),
    # A conversation repeats once per update (its versions: the greatest updated_at is kept downstream); the same
    # version twice in one file is a duplicate.
    key="(payload->>'id') || '@' || coalesce(payload->>'updated_at', '')",
    hash_personal_data=hash_conversation,
)
INTERCOM_ADMINS = Entity("intercom_admins", required("id"), key="payload->>'id'", hash_personal_data=hash_admin)
ENTITIES = (INTERCOM_CONVERSATIONS, INTERCOM_ADMINS)

# The fields that tell an Intercom object without its `type` apart from a Zendesk one.
CONVERSATION_FIELDS = frozenset({"state", "admin_assignee_id"})
ADMIN_FIELDS = frozenset({"away_mode_enabled", "email"})


def _document_type(connection: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """The `type` of a JSON document (Intercom names every object it returns)."""
    rows = connection.execute(
        f"select try_cast(ltrim(content, chr(65279)) as json)->>'type' from read_text({sql_literal(str(path))})"
    ).fetchall()
    return rows[0][0] if rows else None


def document_format(connection: duckdb.DuckDBPyConnection, path: Path, keys: list[str]) -> FileFormat | None:
    """The Intercom format of a JSON document with these top-level keys, or None when it is not an Intercom one:
    a conversation.list page (list or search), an admin.list page, or one conversation or admin."""
    if "type" not in keys:
        return None
    kind = _document_type(connection, path)
    if kind == "conversation.list" and "conversations" in keys:
        return FileFormat(
            "intercom_conversations_page",
            INTERCOM_CONVERSATIONS,
            json_document("conversations"),
            batch_parser=json_documents("conversations"),
        )
    if kind == "admin.list" and "admins" in keys:
        return FileFormat(
            "intercom_admins_page", INTERCOM_ADMINS, json_document("admins"), batch_parser=json_documents("admins")
        )
    if kind == "conversation":
        return FileFormat("intercom_conversation", INTERCOM_CONVERSATIONS, json_single_record)
    if kind == "admin":
        return FileFormat("intercom_admin", INTERCOM_ADMINS, json_single_record)
    return None


def json_lines_format(first_record: dict | None) -> FileFormat | None:
    """The Intercom format of JSON Lines whose first record is this object, or None: conversations or admins,
    by their `type` (or, without one, by fields only Intercom's objects have)."""
    if not first_record:
        return None
    kind = first_record.get("type")
    fields = set(first_record)
    if kind == "conversation" or (kind is None and fields >= CONVERSATION_FIELDS):
        return FileFormat("intercom_conversations_jsonl", INTERCOM_CONVERSATIONS, json_lines)
    if kind == "admin" or (kind is None and fields >= ADMIN_FIELDS):
        return FileFormat("intercom_admins_jsonl", INTERCOM_ADMINS, json_lines)
    return None
