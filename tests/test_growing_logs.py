"""A queue_log that grows at the same path (SPEC 4.9): each version read from where the earlier one's complete lines
ended, an unterminated last line held back until it is complete, a rewritten file read whole."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.ingestion import TELEPHONY
from orchestration.ingestion.core import RAW_SCHEMA
from orchestration.ingestion.landing import IgnoreRules
from orchestration.ingestion.runner import SourceSummary, ingest_source

from .conftest import TEST_PII_SALT, write

ENTER = "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n"
CONNECT = "1772442010|1.1|q1|PJSIP/1001|CONNECT|10|1.1|1\n"
COMPLETE = "1772443244|1.1|q1|PJSIP/1001|COMPLETECALLER|10|1234|1\n"
NEXT_ENTER = "1772443300|1.2|q1|NONE|ENTERQUEUE||15550199|1\n"


def ingest(connection: duckdb.DuckDBPyConnection, folder: Path, **options) -> SourceSummary:
    return ingest_source(connection, TELEPHONY, folder, pii_salt=TEST_PII_SALT, **options)


def raw_lines(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    rows = connection.execute(
        f"""
        select file_id, record_number, payload->>'event', payload->'data'
        from {RAW_SCHEMA}.asterisk_queue_log order by file_id, record_number
        """
    ).fetchall()
    return [(file_id, number, event, json.loads(data)) for file_id, number, event, data in rows]


def loads(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    return connection.execute(
        f"""
        select file_id, records_read, staged, first_byte, end_byte, line_count, continues_file_id
        from {RAW_SCHEMA}.ingested_files order by file_id
        """
    ).fetchall()


def test_a_half_written_last_line_waits_and_the_completed_file_adds_only_its_new_lines(connection, tmp_path) -> None:
    half = COMPLETE[: COMPLETE.index("|1234") + 3]  # `...|COMPLETECALLER|10|12`: cut while being written
    write(tmp_path, "queue_log", ENTER + CONNECT + half)
    first = ingest(connection, tmp_path)
    assert (first.records_read, first.staged, first.quarantined) == (2, 2, 0)
    held_back = f"queue_log: an unterminated last line ({len(half)} bytes) is staged once it is complete"
    assert first.held_back == [held_back]

    write(tmp_path, "queue_log", ENTER + CONNECT + COMPLETE)
    second = ingest(connection, tmp_path)
    assert (second.records_read, second.staged, second.held_back, second.continued_files) == (1, 1, [], ["queue_log"])
    assert [(number, event, data) for _, number, event, data in raw_lines(connection)][1:] == [
        (2, "CONNECT", ["10", "1.1", "1"]),
        (3, "COMPLETECALLER", ["10", "1234", "1"]),  # the whole line, numbered as in the file
    ]
    head = len(ENTER + CONNECT)
    assert loads(connection) == [(1, 2, 2, 0, head, 2, None), (2, 1, 1, head, head + len(COMPLETE), 3, 1)]

    again = ingest(connection, tmp_path)  # the same content again: nothing read
    assert again.ingested == [] and len(raw_lines(connection)) == 3


def test_each_nightly_copy_of_a_growing_log_stages_only_the_lines_it_added(connection, tmp_path) -> None:
    write(tmp_path, "queue_log", ENTER)
    ingest(connection, tmp_path)
    write(tmp_path, "queue_log", ENTER + CONNECT)
    ingest(connection, tmp_path)
    write(tmp_path, "queue_log", ENTER + CONNECT + COMPLETE + NEXT_ENTER)
    last = ingest(connection, tmp_path)
    assert last.staged == 2
    assert [(file_id, number, event) for file_id, number, event, _ in raw_lines(connection)] == [
        (1, 1, "ENTERQUEUE"),
        (2, 2, "CONNECT"),
        (3, 3, "COMPLETECALLER"),
        (3, 4, "ENTERQUEUE"),
    ]
    assert [(file_id, continues) for file_id, *_, continues in loads(connection)] == [(1, None), (2, 1), (3, 2)]


def test_a_rewritten_log_whose_start_changed_is_read_whole(connection, tmp_path) -> None:
    write(tmp_path, "queue_log", ENTER + CONNECT)
    ingest(connection, tmp_path)
    write(tmp_path, "queue_log", NEXT_ENTER + CONNECT + COMPLETE)  # rotated and rewritten: not a grown version
    rewritten = ingest(connection, tmp_path)
    assert (rewritten.records_read, rewritten.continued_files) == (3, [])
    assert loads(connection)[1][3:] == (0, len(NEXT_ENTER + CONNECT + COMPLETE), 3, None)


def test_ignoring_a_grown_log_removes_every_version_and_a_backfill_reads_it_whole(connection, tmp_path) -> None:
    write(tmp_path, "queue_log", ENTER)
    ingest(connection, tmp_path)
    write(tmp_path, "queue_log", ENTER + CONNECT)
    ingest(connection, tmp_path)

    (tmp_path / ".supportkpi-ignore").write_text("queue_log\n")
    ingest(connection, tmp_path, ignore=IgnoreRules.load(tmp_path))
    assert raw_lines(connection) == [] and loads(connection) == []
    removed = connection.execute(f"select file_id, reason from {RAW_SCHEMA}.removed_loads order by 1").fetchall()
    assert removed == [(1, "ignored"), (2, "ignored")]

    (tmp_path / ".supportkpi-ignore").unlink()
    back = ingest(connection, tmp_path)
    assert (back.staged, [row[3:] for row in loads(connection)]) == (2, [(0, len(ENTER + CONNECT), 2, None)])


def test_a_log_with_no_complete_line_yet_stages_nothing_and_loses_nothing(connection, tmp_path) -> None:
    write(tmp_path, "queue_log", ENTER.rstrip("\n"))
    first = ingest(connection, tmp_path)
    assert (first.records_read, len(first.held_back)) == (0, 1)
    write(tmp_path, "queue_log", ENTER + CONNECT)
    second = ingest(connection, tmp_path)
    assert [(number, event) for _, number, event, _ in raw_lines(connection)] == [(1, "ENTERQUEUE"), (2, "CONNECT")]
    assert second.staged == 2
