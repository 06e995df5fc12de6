"""Intercom conversations as Intercom's REST API 2.x returns them (SPEC 4.8b): list and search pages
(`conversation.list`), single conversations with their parts (`GET /conversations/{id}`), JSON Lines of
conversations, and admins (`admin.list`). The fixtures are shaped like the examples of Intercom's own OpenAPI
description (intercom/Intercom-OpenAPI, descriptions/2.11/api.intercom.io.yaml: listConversations,
retrieveConversation, listAdmins and the conversation, conversation_statistics, conversation_rating and
conversation_part schemas).

Ingestion is tested here record by record; the staging mapping (latest version, parts, requester, tags, rating,
statistics) by the dbt unit tests in dbt_project/models/staging/intercom/_intercom__unit_tests.yml; one pipeline
run at the end checks fct_tickets and kpi_metrics against values worked out by hand.

Epoch seconds by hand: 2026-03-02 00:00 UTC is 1772409600 (tests/test_field_exports.py), so 2026-02-02 00:00 UTC
is 1772409600 - 28 * 86400 = 1769990400; `feb(day, hour, minute)` adds (day - 2) days, hours and minutes to it.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion import HELPDESK
from orchestration.ingestion.core import RAW_SCHEMA

from .conftest import (
    SMALL_LANDING,
    Query,
    assert_file,
    days_ahead,
    ingest,
    json_lines,
    keyed_hash,
    payload_of,
    published_run,
    write,
)

FEB_02 = 1769990400  # 2026-02-02 00:00:00 UTC
JAN_20 = FEB_02 - 13 * 86400  # 2026-01-20 00:00:00 UTC
ALICE_ADMIN, CAROL_ADMIN = 991267715, 991267716  # roster A001 and A003 (intercom_admin_id, as text there)


def feb(day: int, hour: int, minute: int = 0) -> int:
    """Epoch seconds of 2026-02-<day> <hour>:<minute> UTC."""
    return FEB_02 + (day - 2) * 86400 + hour * 3600 + minute * 60


def conversation(conversation_id: str, created_at: int, updated_at: int, state: str, **fields: object) -> dict:
    """A conversation as listConversations returns it (its example, with statistics and a rating filled in)."""
    return {
        "type": "conversation",
        "id": conversation_id,
        "created_at": created_at,
        "updated_at": updated_at,
        "waiting_since": None,
        "snoozed_until": None,
        "source": {
            "type": "conversation",
            "id": f"4039{conversation_id}",
            "delivered_as": "customer_initiated",
            "subject": "",
            "body": "<p>Hi, my invoice is wrong</p>",
            "author": {
                "type": "user",
                "id": f"667d60bb8a68186f43ba{conversation_id}",
                "name": "Joe Bloggs",
                "email": "Joe@Bloggs.com",
            },
            "attachments": [],
            "url": None,
            "redacted": False,
        },
        "contacts": {
            "type": "contact.list",
            "contacts": [{"type": "contact", "id": f"667d60bb8a68186f43ba{conversation_id}", "external_id": "70"}],
        },
        "first_contact_reply": {"created_at": created_at, "type": "conversation", "url": None},
        "admin_assignee_id": ALICE_ADMIN,
        "team_assignee_id": 5017691,
        "open": state != "closed",
        "state": state,
        "read": True,
        "tags": {"type": "tag.list", "tags": []},
        "priority": "not_priority",
        "sla_applied": None,
        "statistics": None,
        "conversation_rating": None,
        "teammates": {"type": "admin.list", "teammates": [{"type": "admin", "id": str(ALICE_ADMIN)}]},
        "title": None,
        "custom_attributes": {},
        "topics": {},
        "ticket": None,
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        "ai_agent": None,
        "ai_agent_participated": False,
        **fields,
    }


def statistics(
    first_admin_reply_at: int | None,
    last_close_at: int | None = None,
    *,
    count_reopens: int = 0,
    count_assignments: int = 1,
    first_close_at: int | None = None,
) -> dict:
    """A conversation_statistics object; the time_to_* durations (office hours excluded) are deliberately
    unlike the calendar durations of the stamps, which are the ones used."""
    return {
        "type": "conversation_statistics",
        "time_to_assignment": 0,
        "time_to_admin_reply": 1,
        "time_to_first_close": 1,
        "time_to_last_close": 1,
        "median_time_to_reply": 1,
        "first_contact_reply_at": None,
        "first_assignment_at": None,
        "first_admin_reply_at": first_admin_reply_at,
        "first_close_at": first_close_at or last_close_at,
        "last_assignment_at": None,
        "last_assignment_admin_reply_at": first_admin_reply_at,
        "last_contact_reply_at": None,
        "last_admin_reply_at": first_admin_reply_at,
        "last_close_at": last_close_at,
        "last_closed_by_id": str(ALICE_ADMIN) if last_close_at else None,
        "count_reopens": count_reopens,
        "count_assignments": count_assignments,
        "count_conversation_parts": 3,
    }


def rating(score: int, created_at: int) -> dict:
    return {
        "rating": score,
        "remark": "",
        "created_at": created_at,
        "contact": {"type": "contact", "id": "667d60bb8a68186f43bafdc5", "external_id": "70"},
        "teammate": {"type": "admin", "id": str(ALICE_ADMIN)},
    }


def part(part_id: str, part_type: str, author_type: str, created_at: int, author_id: str = str(ALICE_ADMIN)) -> dict:
    """A conversation_part as retrieveConversation returns it."""
    return {
        "type": "conversation_part",
        "id": part_id,
        "part_type": part_type,
        "body": "<p>Okay!</p>" if part_type in ("comment", "note") else None,
        "created_at": created_at,
        "updated_at": created_at,
        "notified_at": created_at,
        "assigned_to": None,
        "author": {"id": author_id, "type": author_type, "name": "Ciaran Lee", "email": "admin153@email.com"},
        "attachments": [],
        "external_id": None,
        "redacted": False,
    }


def with_parts(record: dict, parts: list[dict]) -> dict:
    """The conversation as retrieveConversation returns it: with its conversation_parts."""
    return {
        **record,
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": parts,
            "total_count": len(parts),
        },
    }


def conversation_list(conversations: list[dict]) -> str:
    """A page of listConversations (or searchConversations), pretty-printed."""
    return (
        json.dumps(
            {
                "type": "conversation.list",
                "pages": {"type": "pages", "page": 1, "per_page": 20, "total_pages": 1},
                "total_count": len(conversations),
                "conversations": conversations,
            },
            indent=2,
        )
        + "\n"
    )


def admin(admin_id: str, name: str, email: str) -> dict:
    """An admin as listAdmins returns it."""
    return {
        "type": "admin",
        "email": email,
        "id": admin_id,
        "name": name,
        "away_mode_enabled": False,
        "away_mode_reassign": False,
        "has_inbox_seat": True,
        "team_ids": [814865],
    }


def admin_list(admins: list[dict]) -> str:
    return json.dumps({"type": "admin.list", "admins": admins}, indent=2) + "\n"


# ---- ingestion: each shape recognised by its content, every record staged or quarantined with its reason


def test_a_conversation_list_page_stages_one_record_per_conversation(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "page_0001.json",
        conversation_list(
            [conversation("335", feb(2, 9), feb(2, 10), "closed"), conversation("336", feb(2, 9), feb(2, 9), "open")]
        ),
    )
    summary = ingest(connection, HELPDESK, tmp_path)
    assert summary.unreadable_files == []
    assert_file(
        connection, HELPDESK, path, fmt="intercom_conversations_page", table="intercom_conversations",
        staged=[(1, "335"), (2, "336")], key="payload->>'id'",
    )  # fmt: skip
    # the data window is the conversations' updated_at (epoch seconds): 2026-02-02 09:00 to 10:00 UTC
    assert summary.window[0] is not None and summary.window[0].startswith("2026-02-02 09:00")
    assert summary.window[1] is not None and summary.window[1].startswith("2026-02-02 10:00")


def test_a_single_conversation_is_one_record_with_its_parts_and_emails_hashed(connection, tmp_path: Path) -> None:
    parts = [part("1", "comment", "user", feb(2, 9, 5), "667d"), part("2", "comment", "admin", feb(2, 9, 30))]
    path = write(
        tmp_path,
        "conversation_335.json",
        json.dumps(with_parts(conversation("335", feb(2, 9), feb(2, 10), "closed"), parts), indent=2),
    )
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection, HELPDESK, path, fmt="intercom_conversation", table="intercom_conversations",
        staged=[(1, "335")], key="payload->>'id'",
    )  # fmt: skip
    payload = payload_of(connection, "intercom_conversations", path, 1)
    author = payload["source"]["author"]
    assert "email" not in author and author["email_hash"] == keyed_hash("joe@bloggs.com")
    staged_parts = payload["conversation_parts"]["conversation_parts"]
    assert [p["id"] for p in staged_parts] == ["1", "2"]
    assert all("email" not in p["author"] for p in staged_parts)
    assert {p["author"]["email_hash"] for p in staged_parts} == {keyed_hash("admin153@email.com")}
    # the rest as it came: the id a string, admin_assignee_id an integer, parts' author ids kept
    assert payload["id"] == "335" and payload["admin_assignee_id"] == ALICE_ADMIN
    assert [p["author"]["id"] for p in staged_parts] == ["667d", str(ALICE_ADMIN)]
    raw = connection.execute(f"select payload::varchar from {RAW_SCHEMA}.intercom_conversations").fetchall()
    assert "Bloggs.com" not in raw[0][0] and "admin153@" not in raw[0][0]


def test_json_lines_of_conversations_are_staged_or_quarantined_with_their_reason(connection, tmp_path: Path) -> None:
    future = int(days_ahead(3).timestamp())
    good = conversation("401", feb(2, 9), feb(2, 10), "open")
    lines = [
        good,
        conversation("402", feb(2, 9), feb(2, 11), "snoozed", conversation_rating=rating(5, feb(2, 11))),
        {**conversation("403", feb(2, 9), feb(2, 10), "closed"), "id": None},
        conversation("404", "2026-02-02T09:00:00Z", feb(2, 10), "open"),  # type: ignore[arg-type]
        conversation("405", feb(2, 9), feb(2, 10) * 1000, "open"),  # milliseconds
        conversation("406", feb(2, 9), future, "open"),
        conversation("407", feb(2, 9), feb(2, 10), "pending"),
        conversation("408", feb(2, 9), feb(2, 10), "closed", conversation_rating=rating(7, feb(2, 10))),
        conversation("409", feb(2, 9), feb(2, 10), "closed", conversation_rating={"rating": "4.5"}),
        {**conversation("410", feb(2, 9), feb(2, 10), "open"), "updated_at": None},
        good,  # the same version again: a duplicate, the later line kept
        conversation("401", feb(2, 9), feb(2, 12), "closed"),  # a later version of 401: staged too
    ]
    path = write(tmp_path, "conversations.jsonl", json_lines(lines) + "{not json\n")
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection, HELPDESK, path, fmt="intercom_conversations_jsonl", table="intercom_conversations",
        staged=[(2, "402"), (11, "401"), (12, "401")],
        quarantined=[
            (1, "duplicate id in file: a later record supersedes it"),
            (3, "missing id"),
            (4, "created_at is not epoch seconds"),
            (5, "updated_at is not epoch seconds"),
            (6, "updated_at in the future"),
            (7, "unknown state"),
            (8, "conversation_rating.rating out of range [1, 5]"),
            (9, "conversation_rating.rating out of range [1, 5]"),
            (10, "missing updated_at"),
            (13, "unparseable JSON line"),
        ],
        key="payload->>'id'",
    )  # fmt: skip
    # the quarantine keeps the records' text, emails masked
    quarantined = connection.execute(f"select raw_text from {RAW_SCHEMA}.quarantine where record_number = 7").fetchall()
    assert "***@Bloggs.com" in quarantined[0][0] and "Joe@" not in quarantined[0][0]


def test_admins_as_a_page_and_as_json_lines_with_their_emails_hashed(connection, tmp_path: Path) -> None:
    alice = admin(str(ALICE_ADMIN), "Alice Martin", " Alice@Example.com ")
    page_path = write(tmp_path, "admins.json", admin_list([alice, admin(str(CAROL_ADMIN), "Carol", "c@example.com")]))
    lines_path = write(
        tmp_path, "admins.jsonl", json_lines([admin("991267717", "Dan", "d@example.com"), {"type": "admin"}])
    )
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection, HELPDESK, page_path, fmt="intercom_admins_page", table="intercom_admins",
        staged=[(1, "991267715"), (2, "991267716")], key="payload->>'id'",
    )  # fmt: skip
    assert_file(
        connection, HELPDESK, lines_path, fmt="intercom_admins_jsonl", table="intercom_admins",
        staged=[(1, "991267717")], quarantined=[(2, "missing id")], key="payload->>'id'",
    )  # fmt: skip
    staged = payload_of(connection, "intercom_admins", page_path, 1)
    assert "email" not in staged and staged["email_hash"] == keyed_hash("alice@example.com")


def test_json_lines_without_the_type_are_known_by_intercom_s_own_fields(connection, tmp_path: Path) -> None:
    """A connector's dump may drop `type`: a conversation has `state` and `admin_assignee_id`, an admin
    `away_mode_enabled` and `email` (no Zendesk record has them)."""
    record = conversation("501", feb(2, 9), feb(2, 10), "open")
    del record["type"]
    path = write(tmp_path, "dump.jsonl", json_lines([record, {**record, "id": "502"}]))
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection, HELPDESK, path, fmt="intercom_conversations_jsonl", table="intercom_conversations",
        staged=[(1, "501"), (2, "502")], key="payload->>'id'",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("content", "fmt", "error"),
    [
        pytest.param(
            json.dumps({"type": "contact.list", "data": [], "total_count": 0}), None,
            "unknown layout: JSON document with keys ['data', 'total_count', 'type']", id="another-intercom-list",
        ),
        pytest.param(
            json.dumps({"type": "conversation.list", "conversations": {"id": "1"}}), "intercom_conversations_page",
            "JSON document has no 'conversations' array", id="conversations-not-a-list",
        ),
        pytest.param(
            json.dumps(["not", "a", "conversation"]) + "\n", None,
            "unknown layout: a JSON array, neither a page of a Zendesk export nor JSON Lines, nor a Freshdesk tickets, "
            "conversations or satisfaction ratings page (records with fields [])",
            id="json-array",
        ),
    ],
)  # fmt: skip
def test_other_intercom_documents_are_rejected_whole_with_the_reason(
    connection, tmp_path: Path, content: str, fmt: str | None, error: str
) -> None:
    path = write(tmp_path, "export.json", content)
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection, HELPDESK, path, fmt=fmt, quarantined=[(None, f"unreadable file: {error}")], file_error=error
    )


# ---- end to end: one `supportkpi run` over the small landing with Intercom exports added (February 2026, quiet
# in the small landing, whose tickets are all in March)
#
# C1 1001 Messenger (chat), user, created 02-02 09:00, first admin reply 09:30 (30 min), closed 13:00 (4 h), no
#    reopen, assigned once, rated 5 (good) at 13:05, tags vip and reason_billing, priority (high), Alice. A list
#    page (the later file) and GET /conversations/1001 (with its parts: 1 admin comment, 1 admin note, 1 user
#    comment, a close) at the same updated_at: the list item is kept, the reply count comes from the parts: one
#    touch.
# C2 1002 email, a lead, created 02-03 10:00, first reply 11:00 (60 min), closed 12:00, reopened, closed again
#    02-04 10:00 (24 h), 3 assignments (2 handoffs), rated 2 (bad) at 02-04 10:10, Alice. The page holds an
#    older version (closed at 02-03 12:00, no reopen); GET /conversations/1002 the latest, with 2 admin comments.
# C3 1003 phone_call (voice), created 02-04 09:00, first reply 09:10 (10 min), open.
# C4 1004 email, created 02-05 09:00, snoozed (pending), not replied (statistics without first_admin_reply_at).
# C5 1005 Messenger, created 02-05 14:00, first reply 14:20 (20 min), closed 20:00 (6 h), rated 4 (good) at
#    20:05, Carol. No parts exported: one-touch unknown.
# C0 1000 (January) exported without statistics; one line with an unknown state (quarantined); the admins.
#
# Month 2026-02, org: tickets_created 5 (C1-C5); tickets_solved 3 (C1, C2, C5); first_reply_minutes_median over
# 10, 20, 30, 60 = (20 + 30) / 2 = 25; resolution_hours_median over 4, 6, 24 = 6; reopen_rate 1 (C2) / 3;
# csat_good_rate_helpdesk 2 (C1, C5) / 3 rated (by the ratings' dates, all in February); one_touch_rate over the
# solved conversations with their parts (C1 1 reply, C2 2): 1 / 2; handoffs_mean (0 + 2 + 0) / 3;
# first_reply_within_1h_rate: replied within 60 min C1, C2 (60 <= 60), C3, C5; C4 waited longer without a reply:
# 4 / 5. Agents: Alice (A001) solved C1 and C2, Carol (A003) C5.

C1 = conversation(
    "1001", feb(2, 9), feb(2, 13, 5), "closed", priority="priority",
    statistics=statistics(feb(2, 9, 30), feb(2, 13)), conversation_rating=rating(5, feb(2, 13, 5)),
    tags={"type": "tag.list", "tags": [{"type": "tag", "id": "7", "name": "vip"},
                                       {"type": "tag", "id": "8", "name": "reason_billing"}]},
)  # fmt: skip
C1_PARTS = [
    part("11", "comment", "user", feb(2, 9, 5), "667d60bb8a68186f43ba1001"),
    part("12", "comment", "admin", feb(2, 9, 30)),
    part("13", "note", "admin", feb(2, 9, 31)),
    part("14", "close", "admin", feb(2, 13)),
]
C2_SOURCE = {
    "type": "email", "id": "40391002", "delivered_as": "customer_initiated", "subject": "Refund",
    "body": "<p>Refund please</p>", "author": {"type": "lead", "id": "lead-1002", "name": "", "email": "l@x.org"},
    "attachments": [], "url": None, "redacted": False,
}  # fmt: skip
C2_OLD = conversation(
    "1002", feb(3, 10), feb(3, 12), "closed", source=C2_SOURCE, statistics=statistics(feb(3, 11), feb(3, 12))
)
C2 = conversation(
    "1002", feb(3, 10), feb(4, 10, 10), "closed", source=C2_SOURCE,
    statistics=statistics(feb(3, 11), feb(4, 10), count_reopens=1, count_assignments=3, first_close_at=feb(3, 12)),
    conversation_rating=rating(2, feb(4, 10, 10)),
)  # fmt: skip
C2_PARTS = [
    part("21", "comment", "admin", feb(3, 11)),
    part("22", "close", "admin", feb(3, 12)),
    part("23", "open", "lead", feb(3, 15), "lead-1002"),
    part("24", "assignment", "admin", feb(3, 16)),
    part("25", "comment", "admin", feb(4, 10)),
]
C3 = conversation(
    "1003", feb(4, 9), feb(4, 9, 10), "open", statistics=statistics(feb(4, 9, 10)),
    source={**C2_SOURCE, "type": "phone_call", "author": {"type": "user", "id": "user-1003", "name": "", "email": ""}},
)  # fmt: skip
C4 = conversation(
    "1004", feb(5, 9), feb(5, 9), "snoozed", source={**C2_SOURCE, "author": {"type": "user", "id": "user-1004"}},
    statistics=statistics(None),
)  # fmt: skip
# exported without statistics (a January conversation, out of the month): no first reply, solve, reopens or
# handoffs known, so none is guessed
C0 = conversation(
    "1000", JAN_20 + 9 * 3600, JAN_20 + 9 * 3600, "open",
    source={**C2_SOURCE, "author": {"type": "user", "id": "user-1000"}},
)  # fmt: skip
C5 = conversation(
    "1005", feb(5, 14), feb(5, 20, 5), "closed", admin_assignee_id=CAROL_ADMIN,
    statistics=statistics(feb(5, 14, 20), feb(5, 20)), conversation_rating=rating(4, feb(5, 20, 5)),
)  # fmt: skip
ROSTER = (
    "agent_id,agent_name,email,team_id,team_name,valid_from,valid_to,zendesk_user_id,asterisk_agent,intercom_admin_id\n"
    "A001,Alice Martin,alice@example.com,T1,Billing,2026-01-01,,9001,PJSIP/1001,991267715\n"
    "A002,Bob Okafor,bob@example.com,T1,Billing,2026-01-01,2026-03-16,9002,PJSIP/1002,\n"
    "A002,Bob Okafor,bob@example.com,T2,Tech,2026-03-16,,9002,PJSIP/1002,\n"
    "A003,Carol Diaz,carol@example.com,T2,Tech,2026-01-01,,9003,PJSIP/1003,991267716\n"
)


def land_intercom_exports(landing: Path) -> None:
    folder = landing / "helpdesk" / "intercom"
    write(folder, "conversation_1001.json", json.dumps(with_parts(C1, C1_PARTS), indent=2))
    write(folder, "conversation_1002.json", json.dumps(with_parts(C2, C2_PARTS), indent=2))
    write(folder, "conversations.jsonl", json_lines([C0, C3, C4, C5, conversation("1006", feb(6, 9), feb(6, 9), "x")]))
    write(folder, "conversations_page_1.json", conversation_list([C1, C2_OLD]))
    write(folder, "admins.json", admin_list([admin(str(ALICE_ADMIN), "Alice", "alice@example.com")]))
    write(landing / "reference", "roster.csv", ROSTER)


@pytest.fixture(scope="module")
def intercom_home(slot_parse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("intercom_source") / "landing"
    shutil.copytree(SMALL_LANDING, source)
    land_intercom_exports(source)
    home, _ = published_run(slot_parse, tmp_path_factory.mktemp("intercom_exports"), source)
    return home


@pytest.fixture(scope="module")
def published(intercom_home: Path) -> Iterator[Query]:
    connection = duckdb.connect(str(intercom_home / "published" / "warehouse.duckdb"), read_only=True)
    yield lambda sql: connection.execute(sql).fetchall()
    connection.close()


def kpi(query: Query, metric: str, scope_type: str = "org", scope_id: str = "all") -> tuple:
    """(value, numerator, denominator, sample_size) of the month 2026-02 row of a metric, which must exist."""
    rows = query(
        f"""select value, numerator, denominator, sample_size from marts.kpi_metrics
        where metric = '{metric}' and period_grain = 'month' and period_start = '2026-02-01'
            and scope_type = '{scope_type}' and scope_id = '{scope_id}'"""
    )
    assert len(rows) == 1, f"{metric} 2026-02 {scope_type}/{scope_id}: {rows}"
    return rows[0]


def test_intercom_files_are_read_for_what_they_are(intercom_home: Path) -> None:
    with duckdb.connect(str(intercom_home / "build" / "warehouse.duckdb"), read_only=True) as build:
        rows = build.execute(
            """select regexp_extract(path, '/helpdesk/intercom/(.*)$', 1), format, records_read, staged, quarantined
            from raw.ingested_files where path like '%/helpdesk/intercom/%' order by 1"""
        ).fetchall()
    assert rows == [
        ("admins.json", "intercom_admins_page", 1, 1, 0),
        ("conversation_1001.json", "intercom_conversation", 1, 1, 0),
        ("conversation_1002.json", "intercom_conversation", 1, 1, 0),
        ("conversations.jsonl", "intercom_conversations_jsonl", 5, 4, 1),
        ("conversations_page_1.json", "intercom_conversations_page", 2, 2, 0),
    ]


def test_intercom_conversations_are_tickets_in_the_neutral_shape(published: Query) -> None:
    rows = published(
        """select ticket_id, status, channel, priority, contact_reason, requester_key, agent_id,
            round(first_reply_minutes, 3), round(resolution_hours, 3), reopen_count, handoff_count,
            agent_reply_count, satisfaction_score
        from marts.fct_tickets where helpdesk_source = 'intercom' order by ticket_id"""
    )
    assert rows == [
        ("1000", "open", "email", "normal", "unspecified", "intercom:user-1000", "A001", None, None, None, None,
         None, None),
        ("1001", "solved", "chat", "high", "billing", "intercom:667d60bb8a68186f43ba1001", "A001",
         30.0, 4.0, 0, 0, 1, "good"),
        ("1002", "solved", "email", "normal", "unspecified", "intercom:lead-1002", "A001", 60.0, 24.0, 1, 2, 2, "bad"),
        ("1003", "open", "voice", "normal", "unspecified", "intercom:user-1003", "A001", 10.0, None, 0, 0, None, None),
        ("1004", "pending", "email", "normal", "unspecified", "intercom:user-1004", "A001", None, None, 0, 0,
         None, None),
        ("1005", "solved", "chat", "normal", "unspecified", "intercom:667d60bb8a68186f43ba1005", "A003",
         20.0, 6.0, 0, 0, None, "good"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("metric", "scope_type", "scope_id", "expected"),
    [
        # (value, numerator, denominator, sample_size), worked out above
        ("tickets_created", "org", "all", (5.0, 5.0, None, 5)),
        ("tickets_solved", "org", "all", (3.0, 3.0, None, 3)),
        ("first_reply_minutes_median", "org", "all", (25.0, None, None, 4)),
        ("resolution_hours_median", "org", "all", (6.0, None, None, 3)),
        ("reopen_rate", "org", "all", (1 / 3, 1.0, 3.0, 3)),
        ("csat_good_rate_helpdesk", "org", "all", (2 / 3, 2.0, 3.0, 3)),
        ("one_touch_rate", "org", "all", (0.5, 1.0, 2.0, 2)),
        ("handoffs_mean", "org", "all", (2 / 3, None, None, 3)),
        ("first_reply_within_1h_rate", "org", "all", (0.8, 4.0, 5.0, 5)),
        # Roster intercom_admin_id (text) = admin_assignee_id (an integer in the API): Alice (A001) solved C1 and
        # C2, Carol (A003) C5; they need the roster's intercom_admin_id agent keys (int_helpdesk_agent_keys).
        ("tickets_solved", "agent", "A001", (2.0, 2.0, None, 2)),
        ("tickets_solved", "agent", "A003", (1.0, 1.0, None, 1)),
        ("resolution_hours_median", "agent", "A001", ((4 + 24) / 2, None, None, 2)),
        ("csat_good_rate_helpdesk", "agent", "A001", (1 / 2, 1.0, 2.0, 2)),
        ("tickets_created", "agent", "A001", (4.0, 4.0, None, 4)),
    ],
)
def test_the_month_of_intercom_conversations(
    published: Query, metric: str, scope_type: str, scope_id: str, expected: tuple
) -> None:
    assert kpi(published, metric, scope_type, scope_id) == pytest.approx(expected, abs=1e-9)
