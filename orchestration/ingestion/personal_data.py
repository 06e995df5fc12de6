"""Customers' phone numbers and emails are hashed where they enter: in the payload of a raw record, before it is
staged, and masked in the quarantine. Nothing downstream (dbt, logs, the published file) ever sees the value or
the key.

The published form of a personal value is lower-case hex HMAC-SHA-256 with the UTF-8 bytes of
SUPPORT_KPI_PII_SALT as key and the normalised value as message: a phone number is normalised to its digits, an
email to its trimmed lower-case form. The HMAC is computed by DuckDB from two connection variables derived from
the key (the inner and outer padded keys of RFC 2104), set with bound parameters: no SQL text, dbt var or log line
ever holds the key or anything it can be read back from.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import duckdb

# The hashing scheme a build database's raw tables are in; a new scheme needs a migration (see `prepare`).
HASH_SCHEME = "hmac-sha256-v1"
_BLOCK_SIZE = 64  # SHA-256's block size, the length of the padded keys
_INNER_KEY_VARIABLE = "supportkpi_pii_inner_key"
_OUTER_KEY_VARIABLE = "supportkpi_pii_outer_key"
# The message whose keyed hash identifies the key without revealing it (a salt changed by mistake is caught).
_KEY_CHECK_MESSAGE = "supportkpi personal data key check"

Kind = Literal["phone", "email"]


def key_fingerprint(salt: str) -> str:
    """A keyed hash of a fixed message: equal for equal salts, and neither the salt nor a form of it."""
    return hmac.new(salt.encode("utf-8"), _KEY_CHECK_MESSAGE.encode("utf-8"), hashlib.sha256).hexdigest()


def _padded_keys(salt: str) -> tuple[bytes, bytes]:
    key = salt.encode("utf-8")
    if len(key) > _BLOCK_SIZE:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK_SIZE, b"\0")
    return bytes(byte ^ 0x36 for byte in key), bytes(byte ^ 0x5C for byte in key)


def hash_sql(expression: str, kind: Kind) -> str:
    """SQL: the published hash of a text expression (null when it holds no digits / no email)."""
    if kind == "phone":
        normalised = f"nullif(regexp_replace(coalesce({expression}, ''), '[^0-9]', '', 'g'), '')"
    else:
        normalised = f"nullif(lower(trim(coalesce({expression}, ''))), '')"
    return f"supportkpi_pii_hmac({normalised})"


class PersonalDataKeyMismatch(RuntimeError):
    """The build database was hashed with another salt: hashes of the same customer would not match."""


def enable_hashing(connection: duckdb.DuckDBPyConnection, salt: str) -> None:
    """Make `supportkpi_pii_hmac` and `supportkpi_mask_personal_data` available on this connection."""
    if not salt:
        raise ValueError("personal data cannot be hashed without a salt")
    inner, outer = _padded_keys(salt)
    connection.execute(f"set variable {_INNER_KEY_VARIABLE} = ?", [inner])
    connection.execute(f"set variable {_OUTER_KEY_VARIABLE} = ?", [outer])
    connection.execute(
        f"""
        create or replace temp macro supportkpi_pii_hmac(message) as
            case when message is not null then lower(sha256(
                getvariable('{_OUTER_KEY_VARIABLE}')
                || unhex(sha256(getvariable('{_INNER_KEY_VARIABLE}') || encode(message)))
            )) end
        """
    )
    registered = connection.execute(
        "select count(*) from duckdb_functions() where function_name = 'supportkpi_mask_personal_data'"
    ).fetchall()
    if not registered[0][0]:
        connection.create_function(
            "supportkpi_mask_personal_data",
            mask_personal_data,
            [duckdb.sqltype("VARCHAR")],
            duckdb.sqltype("VARCHAR"),
            null_handling="special",
        )


# --- Hashing the personal fields of a payload -------------------------------------------------------------


@dataclass(frozen=True)
class PersonalField:
    """A text field of a raw record holding a customer's phone number or email, by its JSON path.
    Hashed, it is stored as `<last key>_hash` beside where it was, and the clear value is removed."""

    path: tuple[str, ...]
    kind: Kind


def phone(*path: str) -> PersonalField:
    return PersonalField(path, "phone")


def email(*path: str) -> PersonalField:
    return PersonalField(path, "email")


def _json_path(path: tuple[str, ...]) -> str:
    return "$." + ".".join(f'"{key}"' for key in path)


def _nested_patch(path: tuple[str, ...], leaf: str) -> str:
    """A JSON merge patch that deletes the field at `path` and sets `<key>_hash` beside it to `leaf`."""
    *parents, key = path
    patch = f"json_object('{key}', null::json, '{key}_hash', {leaf})"
    for parent in reversed(parents):
        patch = f"json_object('{parent}', {patch})"
    return patch


def may_hold_fields_sql(payload: str, fields: tuple[PersonalField, ...]) -> str:
    """SQL: false only where the payload's text cannot hold any of these fields, none of their keys appearing in it
    as a quoted name (or written with a \\u escape). Most records hold no personal data: they skip the patching."""
    text = f"(({payload})::varchar)"
    names = sorted({field.path[-1] for field in fields})
    tests = [f"contains({text}, '\"{name}\"')" for name in names] + [f"contains({text}, '\\u')"]
    return f"({' or '.join(tests)})"


def guarded(payload: str, fields: tuple[PersonalField, ...], patched: str) -> str:
    """SQL: `patched` where the payload may hold one of `fields`, else the payload as it is."""
    return f"(case when {may_hold_fields_sql(payload, fields)} then {patched} else ({payload}) end)"


def hash_fields_sql(payload: str, fields: tuple[PersonalField, ...]) -> str:
    """SQL: the payload with each personal field present replaced by its hash: one JSON merge patch per field,
    empty where the field is absent (so the payload's shape is kept), applied in one call; the payload untouched
    where none of the fields' names appears in it."""
    patches = []
    for field in fields:
        json_path = _json_path(field.path)
        leaf = hash_sql(f"({payload})->>'{json_path}'", field.kind)
        patches.append(
            f"(case when json_type(({payload}), '{json_path}') in ('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE')"
            f" then {_nested_patch(field.path, leaf)} else '{{}}'::json end)"
        )
    return guarded(payload, fields, f"json_merge_patch(({payload}), {', '.join(patches)})")


def hashing(*fields: PersonalField) -> Callable[[str], str]:
    """An entity's `hash_personal_data`: the payload SQL with these fields hashed."""

    def hash_payload(payload: str) -> str:
        return hash_fields_sql(payload, fields)

    return hash_payload


def hash_list_element_sql(payload: str, key: str, position: int, kind: Kind, *, when: str) -> str:
    """SQL: the payload with element `position` (1-based) of its text list `key` replaced by its hash where
    `when` holds (the caller id of an Asterisk ENTERQUEUE line)."""
    values = f"from_json(({payload})->'{key}', '[\"varchar\"]')"
    replaced = (
        f"list_concat({values}[1:{position - 1}], [{hash_sql(f'{values}[{position}]', kind)}], "
        f"{values}[{position + 1}:])"
    )
    return (
        f"(case when ({when}) and len({values}) >= {position}"
        f" then json_merge_patch(({payload}), json_object('{key}', to_json({replaced}))) else ({payload}) end)"
    )


# --- Masking personal data in quarantined text --------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+'\-]+@((?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,})")
# A run of digits with the separators phone numbers are written with; judged one by one in `_mask_phone`.
_PHONE_CANDIDATE = re.compile(r"(?<![\w.+:/\-])\+?\(?\d[\d ().\-]*\d(?![\w])(?!\.\d)(?!:\d)")
_DATE_OR_DECIMAL = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}-\d{1,2}-\d{4}|^\d+\.\d+$")
# A number given as a record id or a time (`"requester_id": 3618989044`, `"timestamp": 1700000000`).
_ID_OR_TIME_BEFORE = re.compile(r"""(?:id|_at|time|timestamp|epoch|date)["']?\s*[:=]\s*["']?$""", re.IGNORECASE)
# An Asterisk queue_log line: its first five fields (epoch, call id, queue, agent, event) hold no personal data.
_QUEUE_LOG_PREFIX = re.compile(r"^\d{9,11}(?:\|[^|\n]*){0,3}(?:\|[A-Z_]+(?=\||$))?")
_PHONE_FIELD_BEFORE = re.compile(r"""(?:phone|caller\w*|mobile)["']?\s*[:=]\s*["']?$""", re.IGNORECASE)
_MIN_PHONE_DIGITS, _MAX_PHONE_DIGITS = 7, 15


def _mask_phone(match: re.Match[str]) -> str:
    candidate = match.group(0)
    before = match.string[max(0, match.start() - 24) : match.start()]
    digits = sum(character.isdigit() for character in candidate)
    # Under a phone field's own name any number is one, however short.
    fewest = 3 if _PHONE_FIELD_BEFORE.search(before) else _MIN_PHONE_DIGITS
    if not fewest <= digits <= _MAX_PHONE_DIGITS or _DATE_OR_DECIMAL.search(candidate):
        return candidate
    if _ID_OR_TIME_BEFORE.search(before):
        return candidate
    keep_from = digits - 2
    masked, seen = [], 0
    for character in candidate:
        if character.isdigit():
            masked.append(character if seen >= keep_from else "*")
            seen += 1
        else:
            masked.append(character)
    return "".join(masked)


def _mask_text(text: str) -> str:
    text = _EMAIL.sub(lambda match: "***@" + match.group(1), text)
    return _PHONE_CANDIDATE.sub(_mask_phone, text)


def mask_personal_data(text: str | None) -> str | None:
    """Text with email local parts masked (`***@example.com`) and phone numbers masked but their last two
    digits (`+* *** *** **67`); timestamps, decimals and record ids stay readable."""
    if text is None:
        return None
    masked_lines = []
    for line in text.split("\n"):
        prefix = _QUEUE_LOG_PREFIX.match(line)
        if prefix:
            masked_lines.append(prefix.group(0) + _mask_text(line[prefix.end() :]))
        else:
            masked_lines.append(_mask_text(line))
    return "\n".join(masked_lines)


def mask_sql(expression: str) -> str:
    return f"supportkpi_mask_personal_data({expression})"
