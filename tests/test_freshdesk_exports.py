"""Freshdesk (SPEC 4.8b): API v2 pages (tickets with `stats`, conversations, satisfaction ratings, as the API
returns them: a JSON array, or JSON Lines) and the UI ticket export (CSV, or the SpreadsheetML 2003 `.xls` it
downloads), recognised by content, read into the helpdesk-neutral layer. Records are shaped like the examples of
Freshdesk's API reference (developers.freshdesk.com/api: "View a Ticket" with include=stats, "List All
Conversations of a Ticket", "View all Satisfaction Ratings").

One `supportkpi run` over the small landing (tests/fixtures/small_landing, whose Zendesk tickets are all in March
2026) plus the files below; April 2026 holds only Freshdesk API tickets, May 2026 only ticket-export tickets, so
every expected value is worked out by hand from the records written here. Roster: A001 = Freshdesk agent 7001,
A002 = 7002, A003 = 7003 (the freshdesk_agent_id column added to the fixture roster).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion import HELPDESK
from orchestration.ingestion.freshdesk import ENGLISH_REMEDY

from .conftest import SMALL_LANDING, Query, assert_file, ingest, published_run, write


def fd_ticket(ticket_id: int, **fields: object) -> dict[str, object]:
    """A ticket as `GET /api/v2/tickets/{id}?include=stats` returns it (the reference's example, its fields)."""
    stats = {
        "agent_responded_at": None,
        "requester_responded_at": None,
        "first_responded_at": None,
        "status_updated_at": None,
        "reopened_at": None,
        "resolved_at": None,
        "closed_at": None,
        "pending_since": None,
    }
    stats.update(fields.pop("stats", {}))  # type: ignore[arg-type]
    record: dict[str, object] = {
        "cc_emails": [],
        "fwd_emails": [],
        "reply_cc_emails": [],
        "ticket_cc_emails": [],
        "fr_escalated": False,
        "spam": False,
        "email_config_id": None,
        "group_id": 2,
        "priority": 2,
        "requester_id": 500 + ticket_id,
        "responder_id": 7001,
        "source": 1,
        "company_id": None,
        "status": 2,
        "subject": "Please help",
        "association_type": None,
        "support_email": None,
        "to_emails": None,
        "product_id": None,
        "id": ticket_id,
        "type": "Question",
        "due_by": "2026-04-30T00:00:00Z",
        "fr_due_by": "2026-04-30T00:00:00Z",
        "is_escalated": False,
        "custom_fields": {"cf_category": "Primary"},
        "created_at": "2026-04-06T09:00:00Z",
        "updated_at": "2026-04-06T09:00:00Z",
        "associated_tickets_count": None,
        "tags": [],
        "nr_due_by": None,
        "nr_escalated": False,
        "stats": stats,
    }
    record.update(fields)
    return record


def conversation(conversation_id: int, ticket_id: int, user_id: int, at: str, **fields: object) -> dict[str, object]:
    """A conversation as `GET /api/v2/tickets/{id}/conversations` lists it: by default an agent's public reply."""
    record: dict[str, object] = {
        "body": "<div>We are on it.</div>",
        "body_text": "We are on it.",
        "id": conversation_id,
        "incoming": False,
        "private": False,
        "user_id": user_id,
        "support_email": "support@example.freshdesk.com",
        "source": 0,
        "category": 3,
        "ticket_id": ticket_id,
        "to_emails": ["customer@example.com"],
        "from_email": "support@example.freshdesk.com",
        "cc_emails": [],
        "bcc_emails": [],
        "email_failure_count": None,
        "outgoing_failures": None,
        "created_at": at,
        "updated_at": at,
        "attachments": [],
    }
    record.update(fields)
    return record


def rating(rating_id: int, ticket_id: int, code: int, at: str) -> dict[str, object]:
    """A satisfaction rating as `GET /api/v2/surveys/satisfaction_ratings` lists it."""
    return {
        "id": rating_id,
        "survey_id": 9000008214,
        "user_id": 500 + ticket_id,
        "agent_id": 7001,
        "feedback": "Thanks",
        "group_id": 2,
        "ticket_id": ticket_id,
        "created_at": at,
        "updated_at": at,
        "ratings": {"default_question": code},
    }


# ---- April 2026: API tickets 4101-4105 (below as 101-105; the fixture's Zendesk tickets hold 101-104)
# 101: created 04-06 09:00, resolved 13:00 (4 h); a private note 09:10 (no reply), the agent's reply 09:20 (first
#      reply 20 min, before stats.first_responded_at 09:30: the conversation decides), a customer message 09:40;
#      one agent reply: one-touch; rated 103 (good). Agent 7001 = A001.
# 102: created 04-07 10:00, closed (5); resolved 04-08 10:00 (24 h), closed 04-09 10:00; reopened_at set
#      (reopened); no conversation landed: first reply from stats (12:00, 120 min), replies unknown (left out of
#      one-touch); rated -103 (bad). Agent 7003 = A003.
# 103: created 04-08 08:00, open, no reply: waited past the 1 h target by the as-of time (missed). Agent 7001.
# 104: two versions (the later updated_at wins): created 04-08 12:00, resolved 04-09 08:00 (20 h); agent 7002's
#      replies 12:40 (40 min) and 04-09 07:00 (two replies: not one-touch); rated 100 (neutral: not rated).
# 105: status "open" (a name, not a code): quarantined.
TICKETS_PAGE = [
    fd_ticket(
        4101,
        status=4,
        tags=["reason_billing"],
        updated_at="2026-04-06T13:00:00Z",
        stats={"first_responded_at": "2026-04-06T09:30:00Z", "resolved_at": "2026-04-06T13:00:00Z"},
    ),
    fd_ticket(
        4102,
        status=5,
        responder_id=7003,
        created_at="2026-04-07T10:00:00Z",
        updated_at="2026-04-09T10:00:00Z",
        stats={
            "first_responded_at": "2026-04-07T12:00:00Z",
            "reopened_at": "2026-04-07T20:00:00Z",
            "resolved_at": "2026-04-08T10:00:00Z",
            "closed_at": "2026-04-09T10:00:00Z",
        },
    ),
    fd_ticket(4103, created_at="2026-04-08T08:00:00Z", updated_at="2026-04-08T08:00:00Z"),
    fd_ticket(4104, responder_id=7002, created_at="2026-04-08T12:00:00Z", updated_at="2026-04-08T12:40:00Z"),
    fd_ticket(4105, status="open"),
]
TICKETS_LATER = [
    fd_ticket(
        4104,
        status=4,
        responder_id=7002,
        created_at="2026-04-08T12:00:00Z",
        updated_at="2026-04-09T08:00:00Z",
        stats={"first_responded_at": "2026-04-08T12:45:00Z", "resolved_at": "2026-04-09T08:00:00Z"},
    ),
]
CONVERSATIONS = [
    conversation(1, 4101, 7001, "2026-04-06T09:10:00Z", private=True, source=2),
    conversation(2, 4101, 7001, "2026-04-06T09:20:00Z"),
    conversation(3, 4101, 501, "2026-04-06T09:40:00Z", incoming=True),
    conversation(4, 4104, 7002, "2026-04-08T12:40:00Z"),
    conversation(5, 4104, 7002, "2026-04-09T07:00:00Z"),
]
RATINGS = [
    rating(9001, 4101, 103, "2026-04-06T15:00:00Z"),
    rating(9002, 4102, -103, "2026-04-08T11:00:00Z"),
    rating(9003, 4104, 100, "2026-04-09T09:00:00Z"),
]

# ---- May 2026: the UI ticket export (naive dates, read in freshdesk_timezone = UTC by default)
EXPORT_COLUMNS = [
    "Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Agent", "Group", "Created time",
    "Due by Time", "Resolved time", "Closed time", "Last update time", "Initial response time", "Time tracked",
    "First response time (in hrs)", "Resolution time (in hrs)", "Agent interactions", "Customer interactions",
    "Resolution status", "First response status", "Tags", "Survey results", "Product",
]  # fmt: skip
# 201 (CSV): Resolved, agent "alice martin" (A001, matched case-insensitively), created 05-04 09:00, first response
#      09:30 (30 min), resolved 11:00 (2 h). Business-hours columns are not used.
# 202 (.xls): "Waiting on Customer" (a custom status: hold), agent Carol Diaz (A003), created 05-05 10:00, first
#      response 10:15 (15 min), not solved.
EXPORT_ROW_201 = [
    "201", "Card declined", "Resolved", "Medium", "Email", "Question", "alice martin", "Billing",
    "2026-05-04 09:00:00", "2026-05-06 09:00:00", "2026-05-04 11:00:00", "", "2026-05-04 11:00:00",
    "2026-05-04 09:30:00", "00:00", "00:30:00", "02:00:00", "3", "1", "Within SLA", "Within SLA", "reason_billing",
    "", "",
]  # fmt: skip
EXPORT_ROW_202 = [
    "202", "VPN down", "Waiting on Customer", "High", "Phone", "Incident", "Carol Diaz", "Tech",
    "2026-05-05 10:00:00", "2026-05-07 10:00:00", "", "", "2026-05-05 10:15:00", "2026-05-05 10:15:00", "00:00",
    "00:15:00", "", "1", "1", "", "Within SLA", "reason_vpn", "", "",
]  # fmt: skip


def export_csv(*rows: list[str]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def spreadsheet_xml(*rows: list[str]) -> str:
    """The `.xls` Freshdesk downloads: SpreadsheetML 2003 (Excel XML), one worksheet, headers in the first row."""

    def cells(values: list[str]) -> str:
        return "".join(
            f'<Cell><Data ss:Type="String">{value}</Data></Cell>' if value else "<Cell/>" for value in values
        )

    body = "\n".join(f"<Row>{cells(row)}</Row>" for row in (EXPORT_COLUMNS, *rows))
    return (
        '<?xml version="1.0"?>\n'
        '<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">\n'
        '<Worksheet ss:Name="Tickets">\n<Table>\n' + body + "\n</Table>\n</Worksheet>\n</Workbook>\n"
    )


def land_freshdesk(landing: Path) -> None:
    land_freshdesk_exports(landing / "helpdesk")
    roster = landing / "reference" / "roster.csv"
    lines = roster.read_text().splitlines()
    ids = {"A001": "7001", "A002": "7002", "A003": "7003"}
    rows = [lines[0] + ",freshdesk_agent_id"] + [line + "," + ids[line.split(",")[0]] for line in lines[1:]]
    roster.write_text("\n".join(rows) + "\n")


def land_freshdesk_exports(helpdesk: Path) -> None:
    write(helpdesk / "freshdesk", "tickets_page_1.json", json.dumps(TICKETS_PAGE, indent=2))
    write(helpdesk / "freshdesk", "tickets_page_2.jsonl", "\n".join(json.dumps(t) for t in TICKETS_LATER) + "\n")
    write(helpdesk / "freshdesk", "conversations.json", json.dumps(CONVERSATIONS))
    write(helpdesk / "freshdesk", "satisfaction_ratings.json", json.dumps(RATINGS))
    write(helpdesk / "freshdesk", "export_may.csv", export_csv(EXPORT_ROW_201))
    write(helpdesk / "freshdesk", "export_may.xls", spreadsheet_xml(EXPORT_ROW_202))


# ---- ingestion: formats recognised by content, records staged or quarantined with their reason


def test_api_pages_and_exports_are_recognised_by_content(connection: duckdb.DuckDBPyConnection, tmp_path) -> None:
    land_freshdesk_exports(tmp_path / "helpdesk")
    folder = tmp_path / "helpdesk" / "freshdesk"
    ingest(connection, HELPDESK, tmp_path / "helpdesk")
    assert_file(
        connection, HELPDESK, folder / "tickets_page_1.json", fmt="freshdesk_tickets_page",
        table="freshdesk_tickets", key="payload->>'id'",
        staged=[(1, "4101"), (2, "4102"), (3, "4103"), (4, "4104")],
        quarantined=[(5, "status is not a Freshdesk code")],
    )  # fmt: skip
    assert_file(
        connection, HELPDESK, folder / "tickets_page_2.jsonl", fmt="freshdesk_tickets_jsonl",
        table="freshdesk_tickets", key="payload->>'id'", staged=[(1, "4104")],
    )  # fmt: skip
    assert_file(
        connection, HELPDESK, folder / "conversations.json", fmt="freshdesk_conversations_page",
        table="freshdesk_conversations", key="payload->>'id'",
        staged=[(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")],
    )  # fmt: skip
    assert_file(
        connection, HELPDESK, folder / "satisfaction_ratings.json", fmt="freshdesk_satisfaction_ratings_page",
        table="freshdesk_satisfaction_ratings", key="payload->>'id'",
        staged=[(1, "9001"), (2, "9002"), (3, "9003")],
    )  # fmt: skip
    assert_file(
        connection, HELPDESK, folder / "export_may.csv", fmt="freshdesk_ticket_export_csv",
        table="freshdesk_ticket_exports", key="payload->>'Ticket ID'", staged=[(1, "201")],
    )  # fmt: skip
    assert_file(
        connection, HELPDESK, folder / "export_may.xls", fmt="freshdesk_ticket_export_xls",
        table="freshdesk_ticket_exports", key="payload->>'Ticket ID'", staged=[(1, "202")],
    )  # fmt: skip


def test_a_non_english_export_and_unknown_arrays_are_rejected_whole_a_single_ticket_read(
    connection: duckdb.DuckDBPyConnection, tmp_path
) -> None:
    german = export_csv(EXPORT_ROW_201).replace("Ticket ID", "Ticket-ID", 1).replace("Created time", "Erstellt", 1)
    write(tmp_path, "export_de.csv", german)
    write(tmp_path, "things.json", json.dumps([{"foo": 1, "bar": 2}]))
    write(tmp_path, "empty_page.json", "[]")
    write(tmp_path, "ticket_4106.json", json.dumps(fd_ticket(4106), indent=2))  # GET /api/v2/tickets/4106
    ingest(connection, HELPDESK, tmp_path)
    english = ENGLISH_REMEDY
    assert_file(
        connection, HELPDESK, tmp_path / "export_de.csv", fmt=None,
        quarantined=[(None, f"unreadable file: {english}")], file_error=english,
    )  # fmt: skip
    error = connection.execute(
        "select file_error from raw.ingested_files where path = ?", [str(tmp_path / "things.json")]
    ).fetchall()[0][0]
    assert error.endswith("satisfaction ratings page (records with fields ['bar', 'foo'])")
    assert_file(connection, HELPDESK, tmp_path / "empty_page.json", fmt="freshdesk_tickets_page", table=None)
    assert_file(
        connection, HELPDESK, tmp_path / "ticket_4106.json", fmt="freshdesk_tickets_record",
        table="freshdesk_tickets", key="payload->>'id'", staged=[(1, "4106")],
    )  # fmt: skip


# ---- end to end


@pytest.fixture(scope="module")
def freshdesk_home(slot_parse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("freshdesk_source") / "landing"
    shutil.copytree(SMALL_LANDING, source)
    land_freshdesk(source)
    home, _ = published_run(slot_parse, tmp_path_factory.mktemp("freshdesk"), source)
    return home


@pytest.fixture(scope="module")
def published(freshdesk_home: Path) -> Iterator[Query]:
    connection = duckdb.connect(str(freshdesk_home / "published" / "warehouse.duckdb"), read_only=True)
    yield lambda sql: connection.execute(sql).fetchall()
    connection.close()


def kpi(query: Query, metric: str, period: str, scope_type: str = "org", scope_id: str = "all") -> list[tuple]:
    return query(
        f"""select value, numerator, denominator, sample_size from marts.kpi_metrics
        where metric = '{metric}' and period_grain = 'month' and period_start = '{period}'
            and scope_type = '{scope_type}' and scope_id = '{scope_id}'"""
    )


@pytest.mark.pipeline
def test_api_tickets_give_the_ticket_kpis_by_hand(published: Query) -> None:
    april = "2026-04-01"
    assert kpi(published, "tickets_created", april) == [(4.0, 4.0, None, 4)]  # 101, 102, 103, 104
    assert kpi(published, "tickets_solved", april) == [(3.0, 3.0, None, 3)]  # 101, 102, 104
    assert kpi(published, "first_reply_minutes_median", april)[0][0] == 40.0  # of 20, 120, 40
    assert kpi(published, "first_reply_within_1h_rate", april)[0][:3] == (0.5, 2.0, 4.0)  # 101, 104 of four
    assert kpi(published, "resolution_hours_median", april)[0][0] == 20.0  # of 4, 24, 20
    assert kpi(published, "reopen_rate", april)[0][:3] == (pytest.approx(1 / 3), 1.0, 3.0)  # 102
    assert kpi(published, "one_touch_rate", april)[0][:3] == (0.5, 1.0, 2.0)  # 101 of 101, 104 (102 unknown)
    assert kpi(published, "csat_good_rate_helpdesk", april)[0][:3] == (0.5, 1.0, 2.0)  # 101 good, 102 bad
    assert kpi(published, "handoffs_mean", april) == []  # no assignment history: absent, not 0
    assert kpi(published, "tickets_solved", april, "agent", "A001")[0][0] == 1.0  # 101 (7001)
    assert kpi(published, "tickets_solved", april, "agent", "A003")[0][0] == 1.0  # 102 (7003)
    assert kpi(published, "tickets_solved", april, "agent", "A002")[0][0] == 1.0  # 104 (7002)


@pytest.mark.pipeline
def test_ticket_export_gives_what_it_can_and_nothing_else(published: Query) -> None:
    may = "2026-05-01"
    assert kpi(published, "tickets_created", may) == [(2.0, 2.0, None, 2)]  # 201, 202
    assert kpi(published, "tickets_solved", may) == [(1.0, 1.0, None, 1)]  # 201
    assert kpi(published, "first_reply_minutes_median", may)[0][0] == 22.5  # of 30 and 15
    assert kpi(published, "resolution_hours_median", may)[0][0] == 2.0
    assert kpi(published, "tickets_solved", may, "agent", "A001")[0][0] == 1.0  # "alice martin"
    for unsupported in ("reopen_rate", "one_touch_rate", "handoffs_mean", "csat_good_rate_helpdesk"):
        assert kpi(published, unsupported, may) == [], unsupported
    statuses = published(
        "select ticket_id, helpdesk_source, status from marts.fct_tickets where ticket_id in ('201', '202', '4103')"
        " order by ticket_id"
    )
    assert statuses == [
        ("201", "freshdesk_export", "solved"),
        ("202", "freshdesk_export", "hold"),  # a custom status
        ("4103", "freshdesk", "open"),
    ]


@pytest.mark.pipeline
def test_metric_definitions_say_which_sources_support_each_metric(published: Query) -> None:
    rows = dict(
        published(
            "select metric, list_contains(sources, 'freshdesk_export') from marts.metric_definitions "
            "where metric in ('reopen_rate', 'tickets_solved', 'backlog_open_tickets')"
        )
    )
    assert rows == {"reopen_rate": False, "tickets_solved": True, "backlog_open_tickets": False}
    reason = published("select unsupported_sources from marts.metric_definitions where metric = 'handoffs_mean'")
    assert reason == [("freshdesk: the API has no assignment history; "
                       "freshdesk_export: the ticket export has no assignment history",)]  # fmt: skip
