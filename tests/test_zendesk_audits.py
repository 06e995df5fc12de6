"""Zendesk Ticket Audits API pages (SPEC 4.1) at ingestion: `GET /api/v2/tickets/{id}/audits` (offset or cursor
pages), `GET /api/v2/ticket_audits` (legacy cursor pages) and JSON Lines of audits are recognised by their content
and staged, as they came, in the raw table of ticket events (raw.zendesk_ticket_events): an audit is the ticket
event with the same id. The validation rules, the in-file duplicate rule and the hashing of personal data hold for
audits as for ticket events.

What the audits become (one row per audit across formats, child events in one shape, the same comments, field
changes, first reply, reopen, handoff and one-touch facts as the equivalent ticket events) is asserted by the dbt
unit tests in dbt_project/models/staging/zendesk/_zendesk__unit_tests.yml. Expected values are written by hand
from the inputs below; `audits_from_ticket_events` and `audits_page` turn ticket events into the equivalent
audits page, for scenarios that land the same tickets in both formats.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.ingestion import HELPDESK

from .conftest import (
    DUPLICATE,
    assert_file,
    ingest,
    json_lines,
    keyed_hash,
    page,
    payload_of,
    ticket_event,
    write,
)

# ---- writing audits


def audits_from_ticket_events(events: list[dict[str, object]]) -> list[dict[str, object]]:
    """The audits of the Ticket Audits API equivalent to ticket events of the incremental export (SPEC 4.1): the
    same id, ticket and time, `author_id` for `updater_id`, `events` for `child_events`, `type` for `event_type`."""
    audits = []
    for event in events:
        children = event.get("child_events") or []
        audits.append(
            {
                "id": event["id"],
                "ticket_id": event["ticket_id"],
                "created_at": event["created_at"],
                "author_id": event["updater_id"],
                "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
                "metadata": {"system": {}, "custom": {}},
                "events": [
                    {("type" if key == "event_type" else key): value for key, value in child.items()}
                    for child in children  # type: ignore[union-attr]
                ],
            }
        )
    return audits


def audits_page(audits: list[dict[str, object]], pagination: str = "offset") -> str:
    """A page of audits as the Ticket Audits API returns it: `offset` (GET /api/v2/tickets/{id}/audits),
    `cursor` (GET /api/v2/ticket_audits, legacy cursor) or `standard_cursor` (either endpoint, page[size])."""
    if pagination == "offset":
        document: dict[str, object] = {"audits": audits, "next_page": None, "previous_page": None, "count": len(audits)}
    elif pagination == "cursor":
        document = {
            "audits": audits,
            "before_cursor": "fDE1MDE1OTE1MzQuMHx8MTEzMjQ4NDI1MQ==",
            "after_cursor": None,
            "before_url": "https://example.zendesk.com/api/v2/ticket_audits.json?cursor=fDE1MDE1OTE1MzQuMHx8MTEzMjQ4NDI1MQ%3D%3D",
            "after_url": None,
        }
    elif pagination == "standard_cursor":
        document = {
            "audits": audits,
            "meta": {"has_more": False, "after_cursor": None, "before_cursor": "eyJvIjoibmV4dCIsInYiOiI1OTg0In0="},
            "links": {"prev": "https://example.zendesk.com/api/v2/ticket_audits?page%5Bbefore%5D=eyJ9", "next": None},
        }
    else:
        raise ValueError(pagination)
    return json.dumps(document, indent=2) + "\n"


# An audits page shaped like the example response of Zendesk's "List Audits for a Ticket": a private comment and
# two changes (status, and a custom status id given as numbers), metadata and via; here with a second audit (the
# reply) and a Notification event, as real tickets have.
DOCUMENTED_AUDITS = [
    {
        "author_id": 5246746,
        "created_at": "2026-03-02T09:35:44Z",
        "events": [
            {
                "attachments": [],
                "author_id": 5246746,
                "body": "This is a new private comment",
                "html_body": "<p>This is a new private comment</p>",
                "id": 2127301148,
                "public": False,
                "type": "Comment",
            },
            {
                "field_name": "status",
                "id": 2127301163,
                "previous_value": "new",
                "type": "Change",
                "value": "open",
                "via": {
                    "channel": "rule",
                    "source": {
                        "from": {"id": 35079792, "title": "Assign to first responder"}, "rel": "trigger", "to": {}
                    },
                },
            },
            {
                "field_name": "custom_status_id",
                "id": 2127301164,
                "previous_value": 1,
                "type": "Change",
                "value": 123,
            },
        ],
        "id": 2127301143,
        "metadata": {
            "custom": {},
            "system": {"client": "Mozilla/5.0", "ip_address": "76.218.201.212", "location": "San Francisco, CA"},
        },
        "ticket_id": 666,
        "via": {"channel": "web"},
    },
    {
        "author_id": 5246746,
        "created_at": "2026-03-02T09:50:00Z",
        "events": [
            {"attachments": [], "author_id": 5246746, "body": "Thanks for your help!", "id": 1564245, "public": True,
             "type": "Comment"},
            {"body": "Ticket #666 has been updated", "id": 1564246, "subject": "Your ticket has been updated",
             "type": "Notification"},
        ],
        "id": 2127301199,
        "metadata": {"custom": {"time_spent": "3m22s"}, "system": {"ip_address": "184.106.40.75"}},
        "ticket_id": 666,
        "via": {"channel": "web"},
    },
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        pytest.param(
            "audits_666.json", audits_page(DOCUMENTED_AUDITS, "offset"), "zendesk_ticket_audits_page", id="offset-page"
        ),
        pytest.param(
            "ticket_audits_0001.json",
            audits_page(DOCUMENTED_AUDITS, "cursor"),
            "zendesk_ticket_audits_page",
            id="legacy-cursor-page",
        ),
        pytest.param(
            "export.json",
            audits_page(DOCUMENTED_AUDITS, "standard_cursor"),
            "zendesk_ticket_audits_page",
            id="standard-cursor-page-any-name",
        ),
        pytest.param(
            "ticket_audits.jsonl", json_lines(DOCUMENTED_AUDITS), "zendesk_ticket_audits_jsonl", id="json-lines"
        ),
        pytest.param(
            "zendesk_dump.json", json_lines(DOCUMENTED_AUDITS), "zendesk_ticket_audits_jsonl", id="json-lines-as-json"
        ),
    ],
)
def test_an_audits_page_or_json_lines_is_recognised_and_staged_as_ticket_events(
    connection, tmp_path: Path, name: str, content: str, fmt: str
) -> None:
    path = write(tmp_path, name, content)
    summary = ingest(connection, HELPDESK, tmp_path)

    assert summary.unreadable_files == []
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt=fmt,
        table="zendesk_ticket_events",
        staged=[(1, "2127301143"), (2, "2127301199")],
    )
    # kept as it came: the Notification event, the via and metadata objects and the numbers stay raw
    second = payload_of(connection, "zendesk_ticket_events", path, 2)
    assert [event["type"] for event in second["events"]] == ["Comment", "Notification"]
    assert second["metadata"] == {"custom": {"time_spent": "3m22s"}, "system": {"ip_address": "184.106.40.75"}}
    first = payload_of(connection, "zendesk_ticket_events", path, 1)
    assert first["events"][2] == {
        "field_name": "custom_status_id", "id": 2127301164, "previous_value": 1, "type": "Change", "value": 123,
    }  # fmt: skip


def test_the_same_ticket_as_ticket_events_and_as_audits_lands_in_one_raw_table(connection, tmp_path: Path) -> None:
    """Both formats stage into raw.zendesk_ticket_events; the audit in both files (id 2) is kept raw twice and
    counted once by stg_zendesk__ticket_events (unit test zendesk_audit_seen_in_both_formats_is_kept_once)."""
    events = [
        ticket_event(
            1,
            101,
            created_at="2026-03-02T09:00:00Z",
            updater_id=5001,
            child_events=[
                {"id": 11, "event_type": "Create", "field_name": "status", "value": "new", "previous_value": None},
                {"id": 12, "event_type": "Comment", "public": True, "author_id": 5001, "body": "Help"},
            ],
        ),
        ticket_event(
            2,
            101,
            created_at="2026-03-02T09:30:00Z",
            child_events=[
                {"id": 21, "event_type": "Comment", "public": True, "author_id": 9001, "body": "Here."},
                {"id": 22, "event_type": "Change", "field_name": "status", "value": "open", "previous_value": "new"},
            ],
        ),
    ]
    as_events = write(tmp_path, "ticket_events_0001.json", page("ticket_events", events[:2]))
    as_audits = write(tmp_path, "ticket_audits_101.json", audits_page(audits_from_ticket_events(events[1:])))
    ingest(connection, HELPDESK, tmp_path)

    assert_file(
        connection,
        HELPDESK,
        as_events,
        fmt="zendesk_ticket_events_page",
        table="zendesk_ticket_events",
        staged=[(1, "1"), (2, "2")],
    )
    assert_file(
        connection,
        HELPDESK,
        as_audits,
        fmt="zendesk_ticket_audits_page",
        table="zendesk_ticket_events",
        staged=[(1, "2")],
    )
    assert payload_of(connection, "zendesk_ticket_events", as_audits, 1) == {
        "id": 2,
        "ticket_id": 101,
        "created_at": "2026-03-02T09:30:00Z",
        "author_id": 9001,
        "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
        "metadata": {"system": {}, "custom": {}},
        "events": [
            {"id": 21, "type": "Comment", "public": True, "author_id": 9001, "body": "Here."},
            {"id": 22, "type": "Change", "field_name": "status", "value": "open", "previous_value": "new"},
        ],
    }


def _audit(audit_id: object, ticket_id: object = 101, **fields: object) -> dict[str, object]:
    return {
        "id": audit_id,
        "ticket_id": ticket_id,
        "created_at": "2026-03-02T09:05:00Z",
        "author_id": 9001,
        "via": {"channel": "web"},
        "metadata": {},
        "events": [{"id": 1, "type": "Comment", "public": True, "author_id": 9001, "body": "Hello"}],
        **fields,
    }


def test_audits_follow_the_ticket_event_rules_and_string_ids_are_ids(connection, tmp_path: Path) -> None:
    """Missing id or ticket, a time without zone or unparseable, and an id repeated in the file (a string "5" and
    a number 5 are one id) are quarantined with their reason; string ids are staged like numbers."""
    path = write(
        tmp_path,
        "ticket_audits.jsonl",
        json_lines(
            [
                _audit("2127301143", ticket_id="666"),
                _audit(None),
                _audit(3, ticket_id=None),
                _audit(4, created_at="2026-03-02 09:05:00"),
                _audit(5),
                _audit(6, created_at="yesterday"),
                _audit("5", author_id="9002"),
            ]
        ),
    )
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_ticket_audits_jsonl",
        table="zendesk_ticket_events",
        key="(payload->>'id') || ' ' || (payload->>'ticket_id') || ' ' || (payload->>'author_id')",
        staged=[(1, "2127301143 666 9001"), (7, "5 101 9002")],
        quarantined=[
            (2, "missing id"),
            (3, "missing ticket_id"),
            (4, "timestamp without zone in created_at"),
            (5, DUPLICATE),
            (6, "unparseable timestamp in created_at"),
        ],
    )


def test_an_audits_file_whose_first_line_is_cut_is_known_by_its_name(connection, tmp_path: Path) -> None:
    lines = json_lines([_audit(1), _audit(2)])
    path = write(tmp_path, "ticket_audits_0002.jsonl", lines[20:])
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_ticket_audits_jsonl",
        table="zendesk_ticket_events",
        staged=[(2, "2")],
        quarantined=[(1, "unparseable JSON line")],
    )


def test_personal_data_of_audits_and_their_events_is_hashed(connection, tmp_path: Path) -> None:
    """SPEC 3.2: the customer's address or number in the audit's via object, in a comment's via object and a
    voice comment's caller number are stored as keyed hashes; the clear values are nowhere in the raw table."""
    email_audit = _audit(
        1,
        via={"channel": "email", "source": {"from": {"address": " Dana@Example.org ", "name": "Dana"},
                                             "to": {"address": "support@example.com"}, "rel": None}},
        events=[
            {"id": 11, "type": "Comment", "public": True, "author_id": 5001, "body": "Invoice?",
             "via": {"channel": "email", "source": {"from": {"address": "dana@example.org"}, "to": {}, "rel": None}}},
            {"id": 12, "type": "Create", "field_name": "status", "value": "new"},
        ],
    )  # fmt: skip
    voice_audit = _audit(
        2,
        via={"channel": "voice",
             "source": {"from": {"phone": "+1 (555) 010-0999", "formatted_phone": "+1 555-010-0999"},
                        "to": {}, "rel": "inbound"}},
        events=[
            {"id": 21, "type": "VoiceComment", "public": False, "author_id": 9001, "body": "Inbound call",
             "data": {"from": "+15550100999", "to": "+15550100000", "call_duration": 40},
             "formatted_from": "+1 (555) 010-0999", "formatted_to": "+1 (555) 010-0000"},
        ],
    )  # fmt: skip
    path = write(tmp_path, "ticket_audits.json", audits_page([email_audit, voice_audit]))
    ingest(connection, HELPDESK, tmp_path)

    first = payload_of(connection, "zendesk_ticket_events", path, 1)
    assert first["via"]["source"] == {
        "from": {"address_hash": keyed_hash("dana@example.org"), "name": "Dana"},
        "to": {"address_hash": keyed_hash("support@example.com")},
        "rel": None,
    }
    assert first["events"][0]["via"]["source"]["from"] == {"address_hash": keyed_hash("dana@example.org")}
    assert first["events"][1] == {"id": 12, "type": "Create", "field_name": "status", "value": "new"}
    second = payload_of(connection, "zendesk_ticket_events", path, 2)
    assert second["via"]["source"]["from"] == {
        "phone_hash": keyed_hash("15550100999"),
        "formatted_phone_hash": keyed_hash("15550100999"),
    }
    voice = second["events"][0]
    assert voice["data"] == {
        "from_hash": keyed_hash("15550100999"), "to_hash": keyed_hash("15550100000"), "call_duration": 40,
    }  # fmt: skip
    assert (voice["formatted_from_hash"], voice["formatted_to_hash"]) == (
        keyed_hash("15550100999"),
        keyed_hash("15550100000"),
    )
    assert (voice["type"], voice["public"], voice["author_id"]) == ("VoiceComment", False, 9001)
    raw = connection.execute("select string_agg(payload::varchar, ' ') from raw.zendesk_ticket_events").fetchone()[0]
    for clear in ("example.org", "support@example.com", "555-010", "15550100999"):
        assert clear not in raw
