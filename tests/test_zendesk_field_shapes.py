"""The shapes real Zendesk incremental exports take (SPEC 4.1) at ingestion: an event timed by `timestamp` (epoch
seconds) where `created_at` is absent, helpdesk files recognised by their content whatever their name, and the
warning for ticket events exported without include=comment_events (their comments have no author, so no reply).

How child events keyed by the field's own name (`{"event_type": "Change", "status": "solved"}`) and epoch times are
staged is asserted by the dbt unit tests in dbt_project/models/staging/zendesk/_zendesk__unit_tests.yml
(zendesk_ticket_events_keyed_by_field_name_and_timed_by_epoch_are_staged_alike and the ones after it).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from dagster import AssetMaterialization, DagsterEvent, DagsterEventType, MetadataValue, materialize
from dagster._core.events import StepMaterializationData

from orchestration.defs.ingestion import ingestion_assets
from orchestration.defs.resources import WarehouseResource
from orchestration.ingestion import HELPDESK
from orchestration.ingestion.core import RAW_SCHEMA
from orchestration.ingestion.helpdesk import comment_event_warnings, files_without_comment_authors
from orchestration.run_output import warning_lines
from orchestration.settings import PII_SALT_VARIABLE

from .conftest import (
    TEST_PII_SALT,
    assert_file,
    days_ahead,
    ingest,
    json_lines,
    page,
    payload_of,
    ticket,
    ticket_event,
    write,
)

# 2026-03-02T09:05:00Z, ticket_event's created_at, in epoch seconds
EPOCH_0905 = 1772442300


def _timed_by_epoch(event_id: int, timestamp: object, **fields: object) -> dict[str, object]:
    """A ticket event as real exports write it: `timestamp` in epoch seconds, no `created_at`."""
    event = ticket_event(event_id, 101, timestamp=timestamp, **fields)
    del event["created_at"]
    return event


# ---- an event's time as `timestamp` (epoch seconds)


def test_an_event_timed_by_epoch_seconds_is_staged_and_one_without_any_time_is_quarantined(
    connection, tmp_path: Path
) -> None:
    """A number or a string of epoch seconds stands for an absent created_at; an event with neither time, a
    `timestamp` that is not epoch seconds (text, milliseconds) or in the future is quarantined with its reason. A
    created_at present is checked as ever, even next to a good `timestamp`."""
    far = int(days_ahead(3).timestamp())
    path = write(
        tmp_path,
        "ticket_events_0001.jsonl",
        json_lines(
            [
                _timed_by_epoch(1, EPOCH_0905),
                _timed_by_epoch(2, str(EPOCH_0905)),
                _timed_by_epoch(3, None),
                _timed_by_epoch(4, "yesterday"),
                _timed_by_epoch(5, EPOCH_0905 * 1000),  # milliseconds: not epoch seconds
                _timed_by_epoch(6, far),
                ticket_event(7, 101, timestamp=EPOCH_0905),  # both times: created_at is the time
                ticket_event(8, 101, created_at="2026-03-02 09:05:00", timestamp=EPOCH_0905),
                _timed_by_epoch(9, f" {EPOCH_0905}.0 ", created_at=""),
            ]
        ),
    )
    summary = ingest(connection, HELPDESK, tmp_path)

    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_ticket_events_jsonl",
        table="zendesk_ticket_events",
        staged=[(1, "1"), (2, "2"), (7, "7"), (9, "9")],
        quarantined=[
            (3, "missing created_at and timestamp"),
            (4, "timestamp is not epoch seconds"),
            (5, "timestamp is not epoch seconds"),
            (6, "timestamp in the future"),
            (8, "timestamp without zone in created_at"),
        ],
    )
    assert payload_of(connection, "zendesk_ticket_events", path, 2)["timestamp"] == str(EPOCH_0905)  # as it came
    # the data window counts the epoch times
    assert summary.window[0] is not None and summary.window[0].startswith("2026-03-02")


def test_the_data_window_of_events_timed_by_epoch_seconds(connection, tmp_path: Path) -> None:
    write(tmp_path, "ticket_events.json", page("ticket_events", [_timed_by_epoch(1, 1772452800)]))  # 12:00Z
    summary = ingest(connection, HELPDESK, tmp_path)
    assert summary.staged == 1
    assert summary.window[0] == summary.window[1]
    assert summary.window[0] is not None and "2026-03-02" in summary.window[0] and "12:00" in summary.window[0]


# ---- recognised by content, whatever the name

GENERIC_EVENTS_CSV = (
    "event_id,ticket_id,created_at,actor_id,event_type,value\n"
    "E1,T1,2026-03-02T09:00:00Z,A001,status_change,open\n"
    "E2,T1,2026-03-02T09:30:00Z,A001,public_reply,\n"
)
GENERIC_TICKETS_CSV = (
    "ticket_id,created_at,updated_at,status,channel,priority,requester_id,requester_email,assignee_id,group_name,"
    "contact_reason\nT1,2026-03-02T09:00:00Z,2026-03-02T10:00:00Z,open,email,normal,C1,c1@example.org,A001,L1,"
    "billing\n"
)
EVENTS = [ticket_event(1, 101), ticket_event(2, 101), ticket_event(3, 102)]


@pytest.mark.parametrize(
    ("name", "content", "fmt", "table", "staged", "key"),
    [
        pytest.param(
            "ticket_events.txt", json_lines(EVENTS), "zendesk_ticket_events_jsonl", "zendesk_ticket_events",
            [(1, "1"), (2, "2"), (3, "3")], None, id="json-lines-named-txt",
        ),
        pytest.param(
            "ticket_events-2026-03-01", json_lines(EVENTS), "zendesk_ticket_events_jsonl", "zendesk_ticket_events",
            [(1, "1"), (2, "2"), (3, "3")], None, id="json-lines-without-suffix",
        ),
        pytest.param(
            "export.ndjson", "\n\n" + json_lines(EVENTS, "\r\n"), "zendesk_ticket_events_jsonl",
            "zendesk_ticket_events", [(3, "1"), (4, "2"), (5, "3")], None, id="ndjson-after-blank-lines",
        ),
        pytest.param(
            "one_event.txt", json_lines(EVENTS[:1]), "zendesk_ticket_events_jsonl", "zendesk_ticket_events",
            [(1, "1")], None, id="json-lines-of-one-record",
        ),
        pytest.param(
            "tickets-2026-03-01", page("tickets", [ticket(1), ticket(2)]), "zendesk_tickets_page",
            "zendesk_tickets", [(1, "1"), (2, "2")], None, id="page-without-suffix",
        ),
        pytest.param(
            "page_0001.txt", "  \n" + json.dumps({"ticket_events": EVENTS[:2], "end_of_stream": True}),
            "zendesk_ticket_events_page", "zendesk_ticket_events", [(1, "1"), (2, "2")], None,
            id="one-line-page-named-txt",
        ),
        pytest.param(
            "ticket_events.txt", GENERIC_EVENTS_CSV, "generic_ticket_events_csv", "generic_ticket_events",
            [(1, "E1"), (2, "E2")], "payload->>'event_id'", id="csv-named-txt-is-still-csv",
        ),
        pytest.param(
            "tickets.csv", GENERIC_TICKETS_CSV, "generic_tickets_csv", "generic_tickets", [(1, "T1")],
            "payload->>'ticket_id'", id="csv-is-still-csv",
        ),
        pytest.param(
            "tickets.json", GENERIC_TICKETS_CSV, "generic_tickets_csv", "generic_tickets", [(1, "T1")],
            "payload->>'ticket_id'", id="csv-named-json-is-csv",
        ),
    ],
)  # fmt: skip
def test_helpdesk_files_are_recognised_by_their_content(
    connection, tmp_path: Path, name: str, content: str, fmt: str, table: str, staged: list, key: str | None
) -> None:
    path = write(tmp_path, name, content)
    summary = ingest(connection, HELPDESK, tmp_path)
    assert summary.unreadable_files == []
    assert_file(connection, HELPDESK, path, fmt=fmt, table=table, staged=staged, key=key)


def test_a_gzipped_page_decompressed_to_a_name_without_json_is_a_page(connection, tmp_path: Path) -> None:
    """`export.gz` decompresses to `export`: the page is known by its `{`, not by a .json its name lacks."""
    path = write(tmp_path, "export.gz", gzip.compress(page("ticket_events", EVENTS).encode()))
    summary = ingest(connection, HELPDESK, tmp_path)
    assert summary.unreadable_files == []
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_ticket_events_page",
        table="zendesk_ticket_events",
        staged=[(1, "1"), (2, "2"), (3, "3")],
    )


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        pytest.param(
            "tickets.txt", '{"tickets": [{"id": 1, "created_at": "2026-03-02T09:00:00Z"',
            "unparseable JSON document (truncated or malformed)", id="truncated-page-any-name",
        ),
        pytest.param(
            "tickets.json", "this is not an export\n", "unparseable JSON document (truncated or malformed)",
            id="text-named-json",
        ),
        pytest.param(
            "tickets", json.dumps([ticket(1)]),
            "unknown layout: a JSON array, neither a page of a Zendesk export nor JSON Lines, nor a Freshdesk tickets, "
            "conversations or satisfaction ratings page (records with fields ['assignee_id', 'created_at', 'id', "
            "'status', 'updated_at'])",
            id="json-array",
        ),
        pytest.param(
            "notes.txt", "hello,world\n1,2\n",
            "unknown layout: notes.txt is neither a Zendesk JSON export nor a helpdesk CSV", id="other-csv",
        ),
    ],
)  # fmt: skip
def test_a_helpdesk_file_that_is_no_export_is_rejected_whole(
    connection, tmp_path: Path, name: str, content: str, error: str
) -> None:
    path = write(tmp_path, name, content)
    summary = ingest(connection, HELPDESK, tmp_path)
    assert summary.unreadable_files == [f"{name}: {error}"]
    quarantined = [(None, f"unreadable file: {error}")]
    assert_file(connection, HELPDESK, path, fmt=None, quarantined=quarantined, file_error=error)


def test_json_lines_whose_first_line_was_cut_are_still_known_by_their_suffix(connection, tmp_path: Path) -> None:
    lines = json_lines(EVENTS)
    path = write(tmp_path, "ticket_events_0002.jsonl", lines[20:])
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_ticket_events_jsonl",
        table="zendesk_ticket_events",
        staged=[(2, "2"), (3, "3")],
        quarantined=[(1, "unparseable JSON line")],
    )


# ---- comments without an author: exported without include=comment_events

WITH_COMMENT_EVENTS = [
    ticket_event(
        1,
        101,
        child_events=[
            {"id": 11, "event_type": "Create", "status": "new"},
            {"id": 12, "type": "Comment", "event_type": "Comment", "author_id": 5001, "public": True, "body": "Hi"},
        ],
    ),
    ticket_event(2, 101, child_events=[{"id": 21, "event_type": "Change", "status": "open", "previous_value": "new"}]),
]
# The same events exported without the sideload: a comment is only `comment_present` and `comment_public`.
WITHOUT_COMMENT_EVENTS = [
    ticket_event(
        1,
        101,
        child_events=[
            {"id": 11, "event_type": "Create", "status": "new"},
            {"id": 12, "event_type": "Comment", "comment_present": True, "comment_public": True},
        ],
    ),
    ticket_event(2, 101, child_events=[{"id": 21, "event_type": "Change", "status": "open", "previous_value": "new"}]),
]
AUDIT_WITHOUT_AUTHOR = {
    "id": 3,
    "ticket_id": 102,
    "created_at": "2026-03-02T09:05:00Z",
    "author_id": 9001,
    "events": [{"id": 31, "type": "Comment", "public": True, "body": "Hello"}],
}
AUDIT_WITH_VOICE_COMMENT = {
    **AUDIT_WITHOUT_AUTHOR,
    "id": 4,
    "events": [{"id": 41, "type": "VoiceComment", "public": False, "author_id": 9001}],
}
WARNING = "no comment events with an author (export with include=comment_events): first-reply KPIs need them"


def test_ticket_events_without_comment_authors_are_read_and_warned_about(connection, tmp_path: Path) -> None:
    helpdesk = tmp_path / "helpdesk"
    with_comments = write(helpdesk, "ticket_events_1.json", page("ticket_events", WITH_COMMENT_EVENTS))
    without = write(helpdesk / "2026", "ticket_events_2.jsonl", json_lines(WITHOUT_COMMENT_EVENTS))
    audits = write(helpdesk, "audits_102.json", json.dumps({"audits": [AUDIT_WITHOUT_AUTHOR]}))
    voice = write(helpdesk, "audits_103.json", json.dumps({"audits": [AUDIT_WITH_VOICE_COMMENT]}))
    write(helpdesk, "tickets.json", page("tickets", [ticket(101)]))
    summary = ingest(connection, HELPDESK, helpdesk)

    # read as any file: nothing quarantined
    assert (summary.quarantined, summary.unreadable_files) == (0, [])
    assert_file(
        connection, HELPDESK, without, fmt="zendesk_ticket_events_jsonl", table="zendesk_ticket_events",
        staged=[(1, "1"), (2, "2")],
    )  # fmt: skip
    assert files_without_comment_authors(connection) == sorted([str(without), str(audits)])
    assert comment_event_warnings(connection, tmp_path) == [
        f"helpdesk/2026/ticket_events_2.jsonl: {WARNING}",
        f"helpdesk/audits_102.json: {WARNING}",
    ]
    assert str(with_comments) not in files_without_comment_authors(connection)
    assert str(voice) not in files_without_comment_authors(connection)
    # outside the landing folder, the path is the manifest's
    assert comment_event_warnings(connection, tmp_path / "elsewhere")[0] == f"{without}: {WARNING}"


def test_no_warning_without_ticket_events(connection, tmp_path: Path) -> None:
    assert comment_event_warnings(connection) == []  # nothing ingested: no raw table yet
    write(tmp_path, "tickets.json", page("tickets", [ticket(101)]))
    ingest(connection, HELPDESK, tmp_path)
    assert comment_event_warnings(connection, tmp_path) == []
    assert connection.execute(f"select count(*) from {RAW_SCHEMA}.zendesk_ticket_events").fetchone() == (0,)


def test_the_helpdesk_asset_carries_the_warnings_and_the_run_prints_them(tmp_path: Path, monkeypatch) -> None:
    landing = tmp_path / "landing"
    write(landing / "helpdesk", "ticket_events_1.json", page("ticket_events", WITHOUT_COMMENT_EVENTS))
    monkeypatch.setenv(PII_SALT_VARIABLE, TEST_PII_SALT)
    result = materialize(
        [ingestion_assets],
        selection=["raw_helpdesk"],
        resources={"warehouse": WarehouseResource(home=str(tmp_path / "home"), landing=str(landing))},
    )
    (materialization,) = result.asset_materializations_for_node("ingest_landing")
    assert materialization.metadata["warnings"].value == [f"helpdesk/ticket_events_1.json: {WARNING}"]
    events = result.all_events
    assert warning_lines(events) == [f"warning: helpdesk/ticket_events_1.json: {WARNING}"]


def _materialization(metadata: dict[str, object]) -> DagsterEvent:
    return DagsterEvent(
        event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value,
        job_name="supportkpi",
        step_key="ingest_landing",
        event_specific_data=StepMaterializationData(AssetMaterialization(asset_key="raw_helpdesk", metadata=metadata)),
    )


def test_many_warnings_are_printed_five_and_counted() -> None:
    warnings = [f"helpdesk/ticket_events_{n}.json: {WARNING}" for n in range(8)]
    lines = warning_lines([_materialization({"warnings": MetadataValue.json(warnings)})])
    assert lines == [f"warning: {warning}" for warning in warnings[:5]] + [
        "warning: ... and 3 more (see the run's log)"
    ]
    assert warning_lines([_materialization({"files_seen": 1})]) == []
