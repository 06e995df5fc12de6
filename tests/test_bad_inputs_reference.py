"""Bad-input corpus for raw ingestion (SPEC 4.9), reference source: roster, queues and targets CSVs.

A roster without its team_id column, and agents of tickets, calls and QA reviews missing from the roster (staged,
left to warn tests). Non-finite targets are in test_bad_inputs_files.py (NaN and infinity, a case spanning sources).

Every case lands hand-made files in a temporary folder, ingests the source into an in-memory DuckDB and checks,
per file: the exact quarantine reasons with their record numbers, the good records staged (record number and id),
and the ingest manifest (raw.ingested_files: records_read = staged + quarantined, quarantine_reasons JSON,
file_error, encoding). Expected values are written by hand from the inputs below; the helpers that land, ingest and
check a file are in conftest.py (`# ---- ingestion`).
"""

from __future__ import annotations

from pathlib import Path

from orchestration.ingestion import HELPDESK, QUALITY, REFERENCE, TELEPHONY

from .conftest import DBT_PROJECT, assert_file, ingest, page, qa_csv, qa_row, ticket, write

# ---- layout


def test_roster_without_team_id_column_is_quarantined_whole_and_queues_staged(connection, tmp_path: Path) -> None:
    bad = write(
        tmp_path, "roster.csv", "agent_id,agent_name,team_name,valid_from,valid_to\nA001,Alice,Billing,2026-01-01,\n"
    )
    good = write(tmp_path, "queues.csv", "queue,team_id\nsupport-billing,T1\nsupport-tech,T2\n")
    summary = ingest(connection, REFERENCE, tmp_path)

    error = "unknown layout: roster.csv lacks columns ['team_id']"
    assert summary.unreadable_files == [f"roster.csv: {error}"]
    assert_file(
        connection, REFERENCE, bad, fmt=None, quarantined=[(None, f"unreadable file: {error}")], file_error=error
    )
    assert_file(
        connection,
        REFERENCE,
        good,
        fmt="queues_csv",
        table="queues",
        staged=[(1, "support-billing"), (2, "support-tech")],
    )


# ---- references


def _warn_severity(sql_test: str) -> bool:
    return "config(severity='warn')" in (DBT_PROJECT / "tests" / sql_test).read_text()


def test_agents_missing_from_the_roster_are_staged_and_left_to_warn_tests(connection, tmp_path: Path) -> None:
    roster = write(
        tmp_path / "reference",
        "roster.csv",
        "agent_id,agent_name,email,team_id,team_name,valid_from,valid_to,zendesk_user_id,asterisk_agent\n"
        "A001,Alice,alice@example.com,T1,Billing,2026-01-01,,9001,PJSIP/1001\n",
    )
    tickets = write(
        tmp_path / "helpdesk", "tickets_0001.json", page("tickets", [ticket(101), ticket(102, assignee_id=4242)])
    )
    queue_log = write(
        tmp_path / "telephony",
        "queue_log",
        "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n1772442010|1.1|q1|PJSIP/7777|CONNECT|10|1.2|3\n",
    )
    qa = write(tmp_path / "quality", "qa_reviews.csv", qa_csv([qa_row("QA1", "accuracy", agent_id="A999")]))
    for source in (REFERENCE, HELPDESK, TELEPHONY, QUALITY):
        ingest(connection, source, tmp_path / source.name)

    assert_file(connection, REFERENCE, roster, fmt="roster_csv", table="roster", staged=[(1, "A001")])
    assert_file(
        connection,
        HELPDESK,
        tickets,
        fmt="zendesk_tickets_page",
        table="zendesk_tickets",
        key="(payload->>'id') || ' ' || (payload->>'assignee_id')",
        staged=[(1, "101 9001"), (2, "102 4242")],
    )
    assert_file(
        connection,
        TELEPHONY,
        queue_log,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="(payload->>'event') || ' ' || (payload->>'agent')",
        staged=[(1, "ENTERQUEUE NONE"), (2, "CONNECT PJSIP/7777")],
    )
    assert_file(
        connection,
        QUALITY,
        qa,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        key="(payload->>'review_id') || ' ' || (payload->>'agent_id')",
        staged=[(1, "QA1 A999")],
    )
    # reported later, not blocking
    assert _warn_severity("warn_ticket_assignees_missing_from_roster.sql")
    assert _warn_severity("warn_call_agents_missing_from_roster.sql")
