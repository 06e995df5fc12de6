"""Parsers and the raw ingestion contract: every record staged or quarantined with a reason, never doubled."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.ingestion import ALL_SOURCES, HELPDESK, REFERENCE, SURVEYS, TELEPHONY
from orchestration.ingestion.core import RAW_SCHEMA
from orchestration.ingestion.landing import IgnoreRules
from orchestration.ingestion.runner import file_manifest, ingest_source

from .conftest import SMALL_LANDING, TEST_PII_SALT, keyed_hash, write


def quarantine(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    return connection.execute(
        f"select record_number, reason, raw_text from {RAW_SCHEMA}.quarantine order by file_id, record_number"
    ).fetchall()


def test_queue_log_both_layouts_and_bad_lines(connection, tmp_path: Path) -> None:
    write(
        tmp_path,
        "queue_log",
        "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n"  # newer layout: url, callerid, position
        "1772442010|1.1|q1|PJSIP/1001|CONNECT|10|1.2\n"  # older layout: no ringtime
        "garbage line\n"
        "notanepoch|1.1|q1|NONE|ABANDON|1|1|3\n"
        "\n",
    )
    summary = ingest_source(connection, TELEPHONY, tmp_path, pii_salt=TEST_PII_SALT)
    assert (summary.records_read, summary.staged, summary.quarantined) == (4, 2, 2)
    assert quarantine(connection) == [
        (3, "queue_log line with fewer than 5 fields", "garbage line"),
        (4, "unparseable epoch", "notanepoch|1.1|q1|NONE|ABANDON|1|1|3"),
    ]
    rows = connection.execute(
        f"select payload->>'event', payload->'data' from {RAW_SCHEMA}.asterisk_queue_log order by record_number"
    ).fetchall()
    assert [(event, json.loads(data)) for event, data in rows] == [
        ("ENTERQUEUE", ["", keyed_hash("15550100"), "1"]),  # the caller id is hashed where it enters
        ("CONNECT", ["10", "1.2"]),
    ]


def test_zendesk_page_truncated_file_is_quarantined_whole_and_others_go_on(connection, tmp_path: Path) -> None:
    write(tmp_path, "tickets_0001.json", '{"tickets": [{"id": 1, "created_at": "2026-03-02T09:00:00Z"')
    write(
        tmp_path,
        "tickets_0002.json",
        json.dumps(
            {
                "tickets": [
                    {
                        "id": 2,
                        "created_at": "2026-03-02T09:00:00Z",
                        "updated_at": "2026-03-02T09:00:00Z",
                        "status": "open",
                    },
                    {
                        "id": 3,
                        "created_at": "2026-03-02T09:00:00Z",
                        "updated_at": "2026-03-02T09:00:00Z",
                        "status": "escalated",
                    },
                    {
                        "created_at": "2026-03-02T09:00:00Z",
                        "updated_at": "2026-03-02T09:00:00Z",
                        "status": "new",
                    },
                    {
                        "id": 5,
                        "created_at": "yesterday",
                        "updated_at": "2026-03-02T09:00:00Z",
                        "status": "new",
                    },
                ],
                "end_of_stream": True,
            }
        ),
    )
    summary = ingest_source(connection, HELPDESK, tmp_path, pii_salt=TEST_PII_SALT)
    assert summary.unreadable_files == ["tickets_0001.json: unparseable JSON document (truncated or malformed)"]
    assert [(number, reason) for number, reason, _ in quarantine(connection)] == [
        (None, "unreadable file: unparseable JSON document (truncated or malformed)"),
        (2, "unknown status"),
        (3, "missing id"),
        (4, "unparseable timestamp in created_at"),
    ]
    assert connection.execute(f"select payload->>'id' from {RAW_SCHEMA}.zendesk_tickets").fetchall() == [("2",)]


def test_json_lines_bad_line_quarantined_with_its_line_number(connection, tmp_path: Path) -> None:
    write(
        tmp_path,
        "ticket_events_0001.jsonl",
        '{"id": 1, "ticket_id": 7, "created_at": "2026-03-02T09:00:00Z", "child_events": []}\r\n'
        '{"id": 2, "ticket_id": 7, "created_at": "2026-03-02T09:0\r\n'
        "[1, 2]\r\n"
        '{"id": 3, "ticket_id": 7, "created_at": "2026-03-02T10:00:00+02:00", "child_events": []}\r\n',
    )
    summary = ingest_source(connection, HELPDESK, tmp_path, pii_salt=TEST_PII_SALT)
    assert (summary.staged, summary.quarantined) == (2, 2)
    assert [(number, reason) for number, reason, _ in quarantine(connection)] == [
        (2, "unparseable JSON line"),
        (3, "JSON line is not an object"),
    ]


def test_qualtrics_three_header_rows_are_not_records(connection, tmp_path: Path) -> None:
    shutil.copy(SMALL_LANDING / "surveys" / "qualtrics_export.csv", tmp_path / "qualtrics_export.csv")
    summary = ingest_source(connection, SURVEYS, tmp_path, pii_salt=TEST_PII_SALT)
    # 8 response rows (R_001 repeated: its first row is superseded; R_007 has NPS 11); the question-text and
    # ImportId rows are headers, not records.
    assert (summary.records_read, summary.staged, summary.quarantined) == (8, 6, 2)
    assert [row[:2] for row in quarantine(connection)] == [
        (1, "duplicate id in file: a later record supersedes it"),
        (8, "Q_NPS out of range [0, 10]"),
    ]
    first = connection.execute(
        f"select payload->>'ResponseId', payload->>'Q_COMMENT' from {RAW_SCHEMA}.qualtrics_responses "
        "order by record_number limit 2"
    ).fetchall()
    assert first == [("R_002", "Slow\nanswer"), ("R_003", None)]


def test_unknown_layout_and_non_utf8_files_are_quarantined_whole(connection, tmp_path: Path) -> None:
    write(tmp_path, "notes.txt", "hello")
    write(tmp_path, "qualtrics_latin1.csv", "ResponseId,Status\nR_1,caf\xe9\n".encode("latin-1"))
    summary = ingest_source(connection, SURVEYS, tmp_path, pii_salt=TEST_PII_SALT)
    assert sorted(summary.unreadable_files) == [
        "notes.txt: unknown layout: notes.txt is neither a Qualtrics CSV export with three header rows, a "
        "SurveyMonkey export (Respondent ID, Collector ID, ...) nor a survey CSV",
        "qualtrics_latin1.csv: unknown layout: qualtrics_latin1.csv is neither a Qualtrics CSV export with three "
        "header rows, a SurveyMonkey export (Respondent ID, Collector ID, ...) nor a survey CSV",
    ]
    assert summary.records_read == summary.quarantined == 2


def test_fixture_folder_counts_and_idempotent_reingest(connection) -> None:
    for source in ALL_SOURCES:
        ingest_source(connection, source, SMALL_LANDING / source.name, pii_salt=TEST_PII_SALT)
    manifest = {Path(str(row["path"])).name: row for row in file_manifest(connection)}
    expected = {  # file: (records read, staged, quarantined), counted by hand from the fixture files
        "tickets_0001.json": (4, 4, 0),
        "tickets_0002.json": (4, 4, 0),
        "ticket_events_0001.json": (5, 5, 0),
        "ticket_events_0002.jsonl": (9, 8, 1),
        "users.json": (7, 7, 0),
        "groups.json": (2, 2, 0),
        "queue_log": (20, 19, 1),
        "qualtrics_export.csv": (8, 6, 2),
        "qa_reviews.csv": (4, 4, 0),
        "roster.csv": (4, 4, 0),
        "queues.csv": (2, 2, 0),
        "targets.csv": (7, 7, 0),
    }
    assert {name: (row["records_read"], row["staged"], row["quarantined"]) for name, row in manifest.items()} == (
        expected
    )
    raw_before = connection.execute(f"select count(*) from {RAW_SCHEMA}.zendesk_tickets").fetchone()

    for source in ALL_SOURCES:
        summary = ingest_source(connection, source, SMALL_LANDING / source.name, pii_salt=TEST_PII_SALT)
        assert summary.ingested == []  # every file already ingested (same checksum): skipped
    assert connection.execute(f"select count(*) from {RAW_SCHEMA}.zendesk_tickets").fetchone() == raw_before
    assert len(file_manifest(connection)) == len(expected)


def test_backfill_window_reingests_files_without_doubling(connection, tmp_path: Path) -> None:
    """Reprocessing the files that landed in a date range replaces their ingestion: nothing is doubled."""
    folder = tmp_path / "surveys"
    folder.mkdir()
    shutil.copy(SMALL_LANDING / "surveys" / "qualtrics_export.csv", folder / "qualtrics_export.csv")
    first = ingest_source(connection, SURVEYS, folder, pii_salt=TEST_PII_SALT)
    before = connection.execute(f"select count(*), min(file_id) from {RAW_SCHEMA}.qualtrics_responses").fetchone()
    today = date.today()
    # A window that does not contain the landing day changes nothing.
    untouched = ingest_source(
        connection, SURVEYS, folder, reprocess=(date(2020, 1, 1), date(2020, 1, 31)), pii_salt=TEST_PII_SALT
    )
    assert (untouched.reprocessed, untouched.ingested) == (0, [])
    again = ingest_source(
        connection,
        SURVEYS,
        folder,
        reprocess=(today - timedelta(days=1), today + timedelta(days=1)),
        pii_salt=TEST_PII_SALT,
    )
    after = connection.execute(f"select count(*), min(file_id) from {RAW_SCHEMA}.qualtrics_responses").fetchone()
    assert (first.staged, first.quarantined) == (6, 2)
    assert again.reprocessed == 1 and (again.staged, again.quarantined) == (6, 2)
    assert after == before == (6, 1)  # same rows, same file_id (the file keeps its place in "the later file")
    assert connection.execute(f"select count(*) from {RAW_SCHEMA}.quarantine").fetchone() == (2,)
    assert connection.execute(f"select count(*) from {RAW_SCHEMA}.ingested_files").fetchone() == (1,)
    # The re-read is a new load of the same file, and the load it replaced is on record for incremental models.
    assert connection.execute(f"select file_id, load_id from {RAW_SCHEMA}.ingested_files").fetchall() == [(1, 2)]
    assert connection.execute(
        f"select load_id, file_id, source, reason from {RAW_SCHEMA}.removed_loads"
    ).fetchall() == [(1, 1, "surveys", "reprocessed")]


def test_each_ingestion_is_a_new_load_and_an_ignored_file_a_removed_one(connection, tmp_path: Path) -> None:
    write(tmp_path, "queue_log", "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n")
    ingest_source(connection, TELEPHONY, tmp_path, pii_salt=TEST_PII_SALT)
    write(tmp_path, "queue_log.1", "1772442010|1.1|q1|PJSIP/1001|CONNECT|10|1.2|1\n")
    ingest_source(connection, TELEPHONY, tmp_path, pii_salt=TEST_PII_SALT)  # the first file is skipped: no load
    loads = connection.execute(f"select path, file_id, load_id from {RAW_SCHEMA}.ingested_files order by 2").fetchall()
    assert [(Path(path).name, file_id, load_id) for path, file_id, load_id in loads] == [
        ("queue_log", 1, 1),
        ("queue_log.1", 2, 2),
    ]
    (tmp_path / ".supportkpi-ignore").write_text("queue_log\n")
    ignore = IgnoreRules.load(tmp_path)
    ingest_source(connection, TELEPHONY, tmp_path, pii_salt=TEST_PII_SALT, ignore=ignore)
    assert connection.execute(f"select load_id, file_id, reason from {RAW_SCHEMA}.removed_loads").fetchall() == [
        (1, 1, "ignored")
    ]


def test_reference_files_are_recognised_by_their_columns_not_their_names(connection, tmp_path: Path) -> None:
    write(tmp_path, "agents_2026-11.csv", (SMALL_LANDING / "reference" / "roster.csv").read_text())
    write(tmp_path, "queue_owners.csv", "queue,team_id\nsupport-billing,T1\n")
    summary = ingest_source(connection, REFERENCE, tmp_path, pii_salt=TEST_PII_SALT)
    assert sorted(result.format for result in summary.files) == ["queues_csv", "roster_csv"]
    assert (summary.staged, summary.quarantined) == (5, 0)


def _ticket(ticket_id: int, updated_at: str = "2026-03-02T09:00:00Z", status: str = "open") -> dict:
    return {"id": ticket_id, "created_at": "2026-03-02T08:00:00Z", "updated_at": updated_at, "status": status}


def test_pages_staged_in_one_batch_keep_file_order_and_a_bad_page_is_read_alone(connection, tmp_path: Path) -> None:
    """Pages of one export are staged together (FileBatch); the outcome per file is that of reading each alone:
    file ids in landing order, a page without its records array quarantined whole, a duplicate id inside one page
    quarantined, while the same id in two pages is two versions."""
    pages = {
        "tickets_0001.json": {"tickets": [_ticket(1), _ticket(2), _ticket(2, status="pending")]},
        "tickets_0002.json": {"tickets": {"id": 9}},
        "tickets_0003.json": {"tickets": [_ticket(1, "2026-03-03T09:00:00Z", "solved")]},
        "tickets_0004.json": {"tickets": [_ticket(3, status="escalated"), _ticket(4)]},
        "users_0001.json": {"users": [{"id": 7, "name": "A"}, {"id": 7, "name": "B"}, {"id": 8, "name": "C"}]},
        "users_0002.json": {"users": [{"id": 7, "name": "D"}]},
    }
    for name, page in pages.items():
        write(tmp_path, name, json.dumps(page))
    summary = ingest_source(connection, HELPDESK, tmp_path, pii_salt=TEST_PII_SALT)
    by_name = {result.landed_name: result for result in summary.files}
    assert [(n, by_name[n].records_read, by_name[n].staged, by_name[n].quarantined) for n in sorted(by_name)] == [
        ("tickets_0001.json", 3, 3, 0),
        ("tickets_0002.json", 1, 0, 1),
        ("tickets_0003.json", 1, 1, 0),
        ("tickets_0004.json", 2, 1, 1),
        ("users_0001.json", 3, 2, 1),
        ("users_0002.json", 1, 1, 0),
    ]
    files = connection.execute(f"select file_id, load_id, path from {RAW_SCHEMA}.ingested_files order by file_id")
    assert [(file_id, load_id, Path(path).name) for file_id, load_id, path in files.fetchall()] == [
        (1, 1, "tickets_0001.json"),
        (2, 2, "tickets_0003.json"),
        (3, 3, "tickets_0004.json"),
        (4, 4, "tickets_0002.json"),  # read alone after the batch it was rejected from
        (5, 5, "users_0001.json"),
        (6, 6, "users_0002.json"),
    ]
    assert [(number, reason) for number, reason, _ in quarantine(connection)] == [
        (1, "unknown status"),
        (None, "unreadable file: JSON document has no 'tickets' array"),
        (1, "duplicate id in file: a later record supersedes it"),
    ]
    tickets = connection.execute(
        f"select file_id, record_number, payload->>'id', payload->>'status' from {RAW_SCHEMA}.zendesk_tickets"
    ).fetchall()
    assert sorted(tickets) == [
        (1, 1, "1", "open"), (1, 2, "2", "open"), (1, 3, "2", "pending"), (2, 1, "1", "solved"), (3, 2, "4", "open")
    ]  # fmt: skip
    users = connection.execute(f"select file_id, payload->>'name' from {RAW_SCHEMA}.zendesk_users").fetchall()
    assert sorted(users) == [(5, "B"), (5, "C"), (6, "D")]


def manifest_rows(connection: duckdb.DuckDBPyConnection, columns: str) -> list[tuple]:
    return connection.execute(f"select {columns} from {RAW_SCHEMA}.ingested_files order by 1").fetchall()


def test_batched_ingestion_stages_what_file_by_file_ingestion_stages(tmp_path: Path) -> None:
    """The small landing's helpdesk through ingest_source (pages batched) and file by file (no batch): the same raw
    rows, quarantine and manifest."""
    from orchestration.ingestion.core import ingest_landed_file
    from orchestration.ingestion.landing import landed_files

    folder = SMALL_LANDING / "helpdesk"
    tables = [entity.table for entity in HELPDESK.entities] + [f"{RAW_SCHEMA}.quarantine"]
    manifest = "file_id, load_id, path, format, records_read, staged, quarantined, quarantine_reasons, file_error"
    contents = []
    for batched in (True, False):
        with duckdb.connect() as connection:
            if batched:
                ingest_source(connection, HELPDESK, folder, pii_salt=TEST_PII_SALT)
            else:
                ingest_source(connection, HELPDESK, tmp_path / "nothing", pii_salt=TEST_PII_SALT)
                for path in landed_files(folder):
                    ingest_landed_file(connection, HELPDESK, path, path.relative_to(folder).as_posix())
            contents.append(
                {table: connection.execute(f"select * from {table} order by all").fetchall() for table in tables}
                | {"manifest": manifest_rows(connection, manifest)}
            )
    filled = [table for table in tables if contents[0][table]]
    zendesk = ("tickets", "ticket_events", "users", "groups")
    assert all(f"{RAW_SCHEMA}.zendesk_{name}" in filled for name in zendesk)  # not a comparison of empty tables
    assert contents[0] == contents[1]
