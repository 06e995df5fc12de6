"""Bad-input corpus for raw ingestion (SPEC 4.9), helpdesk source: Zendesk ticket and ticket-event exports.

Truncated pages and JSON Lines files, timestamps of tickets and events, duplicated event ids (ticket versions are
kept) and events of unknown tickets. Cases about whole files of any source (empty, BOM, CRLF, re-ingest...) are in
test_bad_inputs_files.py.

Every case lands hand-made files in a temporary folder, ingests the source into an in-memory DuckDB and checks,
per file: the exact quarantine reasons with their record numbers, the good records staged (record number and id),
and the ingest manifest (raw.ingested_files: records_read = staged + quarantined, quarantine_reasons JSON,
file_error, encoding). Expected values are written by hand from the inputs below; the helpers that land, ingest and
check a file are in conftest.py (`# ---- ingestion`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from orchestration.ingestion import HELPDESK
from orchestration.ingestion.core import RAW_SCHEMA

from .conftest import (
    DBT_PROJECT,
    DUPLICATE,
    assert_file,
    days_ahead,
    ingest,
    iso,
    json_lines,
    page,
    ticket,
    ticket_event,
    write,
)

# ---- truncated


TRUNCATED_PAGE = "unparseable JSON document (truncated or malformed)"


def _cut_pretty_page() -> str:
    full = page("tickets", [ticket(1), ticket(2)])
    return full[: full.index('"id": 2')]  # cut inside the second record


def _cut_one_line_page_mid_string() -> str:
    full = json.dumps({"tickets": [ticket(1), ticket(2)], "end_of_stream": True})
    return full[: full.index("2026-03-02T10") + 6]  # cut inside a timestamp string


def _cut_one_line_page_after_a_record() -> str:
    full = json.dumps({"tickets": [ticket(1), ticket(2)], "end_of_stream": True})
    return full[: full.index("}") + 1]  # `{"tickets": [{...}` : the first record is complete, the page is not


@pytest.mark.parametrize(
    "truncated",
    [
        pytest.param(_cut_pretty_page(), id="pretty-page-cut-inside-a-record"),
        pytest.param(_cut_one_line_page_mid_string(), id="one-line-page-cut-inside-a-string"),
        pytest.param(
            _cut_one_line_page_after_a_record(),
            id="one-line-page-cut-after-a-record",
        ),
    ],
)
def test_truncated_json_page_is_quarantined_whole_and_the_next_page_is_staged(
    connection, tmp_path: Path, truncated: str
) -> None:
    bad = write(tmp_path, "tickets_0001.json", truncated)
    good = write(tmp_path, "tickets_0002.json", page("tickets", [ticket(3), ticket(4)]))
    summary = ingest(connection, HELPDESK, tmp_path)

    assert summary.unreadable_files == [f"tickets_0001.json: {TRUNCATED_PAGE}"]
    assert_file(
        connection,
        HELPDESK,
        bad,
        fmt=None,
        quarantined=[(None, f"unreadable file: {TRUNCATED_PAGE}")],
        file_error=TRUNCATED_PAGE,
    )
    assert_file(
        connection, HELPDESK, good, fmt="zendesk_tickets_page", table="zendesk_tickets", staged=[(1, "3"), (2, "4")]
    )
    raw_text = connection.execute(f"select raw_text from {RAW_SCHEMA}.quarantine").fetchone()
    assert raw_text == (truncated,)  # the rejected file is kept for inspection


def test_truncated_json_lines_file_quarantines_only_the_cut_line(connection, tmp_path: Path) -> None:
    full = json_lines([ticket_event(1, 101), ticket_event(2, 101), ticket_event(3, 102)])
    path = write(tmp_path, "ticket_events_0001.jsonl", full[: full.rindex('"created_at"')])
    summary = ingest(connection, HELPDESK, tmp_path)

    assert summary.unreadable_files == []
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_ticket_events_jsonl",
        table="zendesk_ticket_events",
        staged=[(1, "1"), (2, "2")],
        quarantined=[(3, "unparseable JSON line")],
    )


# ---- duplicates


def test_zendesk_duplicated_event_id_later_wins_but_ticket_versions_are_all_kept(connection, tmp_path: Path) -> None:
    events = write(
        tmp_path,
        "ticket_events_0001.json",
        page("ticket_events", [ticket_event(1, 101), ticket_event(2, 101), ticket_event(1, 101, updater_id=9002)]),
    )
    # a ticket appears once per update: repeated ids are versions, kept for dbt to pick the latest
    tickets = write(
        tmp_path,
        "tickets_0001.json",
        page("tickets", [ticket(101), ticket(101, status="solved", updated_at="2026-03-02T12:00:00Z")]),
    )
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection,
        HELPDESK,
        events,
        fmt="zendesk_ticket_events_page",
        table="zendesk_ticket_events",
        key="(payload->>'id') || ' ' || (payload->>'updater_id')",
        staged=[(2, "2 9001"), (3, "1 9002")],
        quarantined=[(1, DUPLICATE)],
    )
    assert_file(
        connection,
        HELPDESK,
        tickets,
        fmt="zendesk_tickets_page",
        table="zendesk_tickets",
        key="(payload->>'id') || ' ' || (payload->>'status')",
        staged=[(1, "101 open"), (2, "101 solved")],
    )


# ---- timestamps


def test_zendesk_ticket_timestamps(connection, tmp_path: Path) -> None:
    far, near = iso(days_ahead(3)), iso(days_ahead(1 / 24))
    path = write(
        tmp_path,
        "tickets_0001.json",
        page(
            "tickets",
            [
                ticket(1),
                ticket(2, created_at="2026-03-02T09:00:00"),
                ticket(3, updated_at=far),
                ticket(4, created_at="2026-02-30T09:00:00Z"),
                ticket(5, created_at="03/02/2026 09:00"),
                ticket(6, created_at="2026-03-02T09:00:00+02:00"),
                ticket(7, created_at="2026-03-02T09:00:00-0500"),
                ticket(8, updated_at=near),  # ahead of the clock, within the 1-day tolerance
                ticket(9, created_at=""),
                ticket(10, updated_at="2026-03-02T10:00:00.123456Z"),
                ticket(11, created_at=far, updated_at=far),  # the first failing rule gives the reason
            ],
        ),
    )
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_tickets_page",
        table="zendesk_tickets",
        staged=[(1, "1"), (6, "6"), (7, "7"), (8, "8"), (10, "10")],
        quarantined=[
            (2, "timestamp without zone in created_at"),
            (3, "updated_at in the future"),
            (4, "unparseable timestamp in created_at"),
            (5, "unparseable timestamp in created_at"),
            (9, "missing created_at"),
            (11, "created_at in the future"),
        ],
    )


def test_zendesk_date_only_created_at_is_a_timestamp_without_zone(connection, tmp_path: Path) -> None:
    path = write(tmp_path, "tickets_0001.json", page("tickets", [ticket(1), ticket(2, created_at="2026-03-02")]))
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_tickets_page",
        table="zendesk_tickets",
        staged=[(1, "1")],
        quarantined=[(2, "timestamp without zone in created_at")],
    )


def test_zendesk_ticket_event_timestamps(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ticket_events_0001.jsonl",
        json_lines(
            [
                ticket_event(1, 101),
                ticket_event(2, 101, created_at="2026-03-02 09:05:00"),
                ticket_event(3, 101, created_at=iso(days_ahead(2))),
                ticket_event(4, 101, created_at="soon"),
            ]
        ),
    )
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_ticket_events_jsonl",
        table="zendesk_ticket_events",
        staged=[(1, "1")],
        quarantined=[
            (2, "timestamp without zone in created_at"),
            (3, "created_at in the future"),
            (4, "unparseable timestamp in created_at"),
        ],
    )


# ---- references


def test_ticket_event_of_an_unknown_ticket_is_staged_and_left_to_a_warn_test(connection, tmp_path: Path) -> None:
    tickets = write(tmp_path, "tickets_0001.json", page("tickets", [ticket(101)]))
    events = write(
        tmp_path, "ticket_events_0001.json", page("ticket_events", [ticket_event(1, 101), ticket_event(2, 999)])
    )
    ingest(connection, HELPDESK, tmp_path)
    assert_file(connection, HELPDESK, tickets, fmt="zendesk_tickets_page", table="zendesk_tickets", staged=[(1, "101")])
    assert_file(
        connection,
        HELPDESK,
        events,
        fmt="zendesk_ticket_events_page",
        table="zendesk_ticket_events",
        key="(payload->>'id') || ' ' || (payload->>'ticket_id')",
        staged=[(1, "1 101"), (2, "2 999")],
    )
    # reported later, not blocking: the staging model's relationship test to the tickets has severity warn
    models = yaml.safe_load((DBT_PROJECT / "models" / "staging" / "zendesk" / "_zendesk__models.yml").read_text())
    events_model = next(model for model in models["models"] if model["name"] == "stg_zendesk__ticket_events")
    ticket_id = next(column for column in events_model["columns"] if column["name"] == "ticket_id")
    relationship = next(test["relationships"] for test in ticket_id["data_tests"] if "relationships" in test)
    assert relationship["arguments"] == {"to": "ref('stg_zendesk__tickets')", "field": "ticket_id"}
    assert relationship["config"]["severity"] == "warn"
