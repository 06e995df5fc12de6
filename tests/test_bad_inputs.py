"""Bad-input corpus for raw ingestion (SPEC 4.9): one case per kind of bad input.

Every case lands hand-made files in a temporary folder, ingests the source into an in-memory DuckDB and checks,
per file: the exact quarantine reasons with their record numbers, the good records staged (record number and id),
and the ingest manifest (raw.ingested_files: records_read = staged + quarantined, quarantine_reasons JSON,
file_error, encoding). Expected values are written by hand from the inputs below.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.ingestion import HELPDESK, QUALITY, REFERENCE, SURVEYS, TELEPHONY
from orchestration.ingestion.core import RAW_SCHEMA, Source
from orchestration.ingestion.runner import SourceSummary, file_manifest, ingest_source
from orchestration.raw_audit import audit_raw_batch

from .conftest import TEST_PII_SALT, keyed_hash

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"

DUPLICATE = "duplicate id in file: a later record supersedes it"

# The id shown for a staged record of each raw table (SQL over `payload`).
KEYS = {
    "zendesk_tickets": "payload->>'id'",
    "zendesk_ticket_events": "payload->>'id'",
    "asterisk_queue_log": "payload->>'event'",
    "qualtrics_responses": "payload->>'ResponseId'",
    "qa_reviews": "(payload->>'review_id') || '/' || (payload->>'criterion')",
    "roster": "payload->>'agent_id'",
    "queues": "payload->>'queue'",
}


@pytest.fixture
def connection() -> duckdb.DuckDBPyConnection:
    with duckdb.connect() as con:
        yield con


# ---- inputs


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Land a file byte for byte (str is written as UTF-8, line ends untouched)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def ticket(ticket_id: int, **fields: object) -> dict[str, object]:
    return {
        "id": ticket_id,
        "created_at": "2026-03-02T09:00:00Z",
        "updated_at": "2026-03-02T10:00:00Z",
        "status": "open",
        "assignee_id": 9001,
        **fields,
    }


def ticket_event(event_id: int, ticket_id: int, **fields: object) -> dict[str, object]:
    return {
        "id": event_id,
        "ticket_id": ticket_id,
        "created_at": "2026-03-02T09:05:00Z",
        "updater_id": 9001,
        "event_type": "Audit",
        "child_events": [],
        **fields,
    }


def page(key: str, records: list[dict[str, object]]) -> str:
    """A pretty-printed page of a Zendesk incremental export (its first line is `{`)."""
    return json.dumps({key: records, "end_of_stream": True}, indent=2) + "\n"


def json_lines(records: list[dict[str, object]], newline: str = "\n") -> str:
    return "".join(json.dumps(record) + newline for record in records)


QA_COLUMNS = [
    "review_id",
    "reviewed_at",
    "reviewer_id",
    "agent_id",
    "interaction_type",
    "interaction_id",
    "criterion",
    "score",
    "max_score",
]


def qa_row(review_id: str, criterion: str, score: str = "4", max_score: str = "5", **fields: str) -> dict[str, str]:
    return {
        "review_id": review_id,
        "reviewed_at": "2026-03-05T10:00:00Z",
        "reviewer_id": "LEAD1",
        "agent_id": "A001",
        "interaction_type": "ticket",
        "interaction_id": "101",
        "criterion": criterion,
        "score": score,
        "max_score": max_score,
        **fields,
    }


def qa_csv(
    rows: list[dict[str, str]],
    *,
    columns: list[str] = QA_COLUMNS,
    delimiter: str = ",",
    newline: str = "\n",
) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns, delimiter=delimiter, lineterminator=newline, extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


QUALTRICS_COLUMNS = [
    "StartDate",
    "EndDate",
    "Status",
    "Progress",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "Q_NPS",
    "Q_CSAT",
    "Q_COMMENT",
    "ticket_id",
]


def response(response_id: str, nps: str = "9", csat: str = "5", **fields: str) -> dict[str, str]:
    return {
        "StartDate": "2026-03-03 09:55:00",
        "EndDate": "2026-03-03 10:00:00",
        "Status": "0",
        "Progress": "100",
        "Finished": "True",
        "RecordedDate": "2026-03-03 10:00:00",
        "ResponseId": response_id,
        "Q_NPS": nps,
        "Q_CSAT": csat,
        "Q_COMMENT": "",
        "ticket_id": "101",
        **fields,
    }


def qualtrics_csv(
    responses: list[dict[str, str]], *, columns: list[str] = QUALTRICS_COLUMNS, newline: str = "\n"
) -> str:
    """A Qualtrics export: column ids, question texts, ImportId JSON, then one row per response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(columns)
    writer.writerow([f"Question text of {column}" for column in columns])
    writer.writerow([json.dumps({"ImportId": column}) for column in columns])
    writer.writerows([[row.get(column, "") for column in columns] for row in responses])
    return buffer.getvalue()


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_ahead(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


# ---- checks


def ingest(connection: duckdb.DuckDBPyConnection, source: Source, folder: Path) -> SourceSummary:
    summary = ingest_source(connection, source, folder, pii_salt=TEST_PII_SALT)
    # The second line of defence agrees with the first: whatever the ingestion rules staged, the raw GX suites
    # accept (a record they rejected would block the whole pipeline).
    for entity in source.entities:
        assert audit_raw_batch(connection, entity).outcome.failures == [], entity.name
    return summary


def assert_file(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    path: Path,
    *,
    fmt: str | None,
    table: str | None = None,
    staged: list[tuple[int, str]] | None = None,
    quarantined: list[tuple[int | None, str]] | None = None,
    key: str | None = None,
    file_error: str | None = None,
    encoding: str = "utf-8",
) -> None:
    """One landed file: its manifest row, its quarantine rows and its staged rows are exactly as expected."""
    staged = staged or []
    quarantined = quarantined or []
    rows = connection.execute(
        f"""select file_id, format, records_read, staged, quarantined, quarantine_reasons, file_error, encoding
        from {RAW_SCHEMA}.ingested_files where path = ?""",
        [str(path)],
    ).fetchall()
    assert len(rows) == 1, f"{path.name} should be in the manifest once"
    file_id, actual_format, read, n_staged, n_quarantined, reasons, actual_error, actual_encoding = rows[0]
    assert actual_format == fmt
    assert (read, n_staged, n_quarantined) == (len(staged) + len(quarantined), len(staged), len(quarantined))
    assert read == n_staged + n_quarantined
    assert json.loads(reasons) == dict(Counter(reason for _, reason in quarantined))
    assert (actual_error, actual_encoding) == (file_error, encoding)

    assert (
        connection.execute(
            f"select record_number, reason from {RAW_SCHEMA}.quarantine where file_id = ? "
            "order by record_number nulls first, reason",
            [file_id],
        ).fetchall()
        == quarantined
    )
    # raw side: the staged rows of the file, in every raw table of the source, are exactly the expected ones
    for entity in source.entities:
        if entity.name == table:
            actual = connection.execute(
                f"select record_number, {key or KEYS[table]} from {entity.table} where file_id = ? "
                "order by record_number",
                [file_id],
            ).fetchall()
            assert actual == staged
        else:
            count = connection.execute(f"select count(*) from {entity.table} where file_id = ?", [file_id]).fetchone()
            assert count == (0,), f"{path.name} staged rows in {entity.table}"
    if table is None:
        assert staged == []


def payload_of(connection: duckdb.DuckDBPyConnection, table: str, path: Path, record_number: int) -> dict:
    row = connection.execute(
        f"""select payload from {RAW_SCHEMA}.{table} t join {RAW_SCHEMA}.ingested_files f using (file_id)
        where f.path = ? and t.record_number = ?""",
        [str(path), record_number],
    ).fetchone()
    assert row is not None
    return json.loads(row[0])


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


# ---- empty / header only

GOOD_QA = qa_csv([qa_row("QA1", "accuracy")])


@pytest.mark.parametrize(
    ("source", "empty_name", "good_name", "good_content", "good_format", "table", "good_staged"),
    [
        (
            HELPDESK,
            "tickets_0001.json",
            "tickets_0002.json",
            page("tickets", [ticket(1)]),
            "zendesk_tickets_page",
            "zendesk_tickets",
            [(1, "1")],
        ),
        (
            HELPDESK,
            "ticket_events_0001.jsonl",
            "ticket_events_0002.jsonl",
            json_lines([ticket_event(7, 1)]),
            "zendesk_ticket_events_jsonl",
            "zendesk_ticket_events",
            [(1, "7")],
        ),
        (
            TELEPHONY,
            "queue_log",
            "queue_log.1",
            "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n",
            "asterisk_queue_log",
            "asterisk_queue_log",
            [(1, "ENTERQUEUE")],
        ),
        (
            SURVEYS,
            "qualtrics_0001.csv",
            "qualtrics_0002.csv",
            qualtrics_csv([response("R_1")]),
            "qualtrics_csv",
            "qualtrics_responses",
            [(1, "R_1")],
        ),
        (
            QUALITY,
            "qa_reviews_0001.csv",
            "qa_reviews_0002.csv",
            GOOD_QA,
            "qa_reviews_csv",
            "qa_reviews",
            [(1, "QA1/accuracy")],
        ),
        (REFERENCE, "roster.csv", "queues.csv", "queue,team_id\nq1,T1\n", "queues_csv", "queues", [(1, "q1")]),
    ],
    ids=["zendesk-page", "zendesk-jsonl", "queue_log", "qualtrics", "qa", "roster"],
)
def test_empty_file_is_quarantined_whole_and_the_run_goes_on(
    connection, tmp_path: Path, source, empty_name, good_name, good_content, good_format, table, good_staged
) -> None:
    empty = write(tmp_path, empty_name, b"")
    good = write(tmp_path, good_name, good_content)
    summary = ingest(connection, source, tmp_path)

    assert summary.unreadable_files == [f"{empty_name}: empty file"]
    assert_file(
        connection,
        source,
        empty,
        fmt=None,
        quarantined=[(None, "unreadable file: empty file")],
        file_error="empty file",
    )
    assert_file(connection, source, good, fmt=good_format, table=table, staged=good_staged)


@pytest.mark.parametrize(
    ("source", "name", "content", "fmt"),
    [
        (QUALITY, "qa_reviews.csv", ",".join(QA_COLUMNS) + "\n", "qa_reviews_csv"),
        (QUALITY, "qa_reviews.csv", ",".join(QA_COLUMNS), "qa_reviews_csv"),  # no final newline
        (QUALITY, "qa_reviews.csv", ",".join(QA_COLUMNS) + "\r\n", "qa_reviews_csv"),
        (REFERENCE, "roster.csv", "agent_id,agent_name,email,team_id,team_name,valid_from,valid_to\n", "roster_csv"),
        (SURVEYS, "qualtrics.csv", qualtrics_csv([]), "qualtrics_csv"),  # the three header rows, no response
        (HELPDESK, "tickets_0001.json", page("tickets", []), "zendesk_tickets_page"),
    ],
    ids=["qa", "qa-no-final-newline", "qa-crlf", "roster", "qualtrics-three-header-rows", "zendesk-empty-page"],
)
def test_header_only_file_has_zero_records_and_nothing_quarantined(
    connection, tmp_path: Path, source, name, content, fmt
) -> None:
    path = write(tmp_path, name, content)
    summary = ingest(connection, source, tmp_path)

    assert summary.unreadable_files == []
    assert (summary.records_read, summary.staged, summary.quarantined) == (0, 0, 0)
    assert_file(connection, source, path, fmt=fmt)
    assert connection.execute(f"select count(*) from {RAW_SCHEMA}.quarantine").fetchone() == (0,)


# ---- BOM / line ends

BOM = "\ufeff"


@pytest.mark.parametrize(
    ("source", "name", "content", "fmt", "table", "staged"),
    [
        (
            QUALITY,
            "qa_reviews.csv",
            BOM + qa_csv([qa_row("QA1", "accuracy"), qa_row("QA1", "empathy")]),
            "qa_reviews_csv",
            "qa_reviews",
            [(1, "QA1/accuracy"), (2, "QA1/empathy")],
        ),
        (
            SURVEYS,
            "qualtrics.csv",
            BOM + qualtrics_csv([response("R_1"), response("R_2")]),
            "qualtrics_csv",
            "qualtrics_responses",
            [(1, "R_1"), (2, "R_2")],
        ),
        (
            HELPDESK,
            "tickets_0001.jsonl",
            BOM + json_lines([ticket(1), ticket(2)]),
            "zendesk_tickets_jsonl",
            "zendesk_tickets",
            [(1, "1"), (2, "2")],
        ),
        (
            HELPDESK,
            "tickets_0001.json",
            BOM + json_lines([ticket(1), ticket(2)]),  # JSON Lines under a .json name
            "zendesk_tickets_jsonl",
            "zendesk_tickets",
            [(1, "1"), (2, "2")],
        ),
        (
            HELPDESK,
            "tickets_0001.json",
            BOM + page("tickets", [ticket(1), ticket(2)]),
            "zendesk_tickets_page",
            "zendesk_tickets",
            [(1, "1"), (2, "2")],
        ),
        (
            TELEPHONY,
            "queue_log",
            BOM + "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n1772442030|1.1|q1|NONE|ABANDON|1|1|30\n",
            "asterisk_queue_log",
            "asterisk_queue_log",
            [(1, "ENTERQUEUE"), (2, "ABANDON")],
        ),
    ],
    ids=["qa-csv", "qualtrics-csv", "json-lines", "json-lines-named-json", "json-page", "queue_log"],
)
def test_utf8_bom_is_parsed_normally(connection, tmp_path: Path, source, name, content, fmt, table, staged) -> None:
    path = write(tmp_path, name, content)
    ingest(connection, source, tmp_path)
    # the key of the first column / first record is read without the BOM, so the ids above are not null
    assert_file(connection, source, path, fmt=fmt, table=table, staged=staged)


def test_crlf_queue_log_keeps_last_fields_clean(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "queue_log",
        "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\r\n"
        "1772442010|1.1|q1|PJSIP/1001|CONNECT|10|1.2|3\r\n"
        "\r\n"
        "1772442100|1.1|q1|PJSIP/1001|COMPLETECALLER|10|90|1\r\n",
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="(payload->>'event') || ' ' || (payload->'data')::varchar",
        # line 3 is blank: skipped, yet line numbers stay the file's
        staged=[
            (1, f'ENTERQUEUE ["","{keyed_hash("15550100")}","1"]'),  # the caller id is hashed where it enters
            (2, 'CONNECT ["10","1.2","3"]'),
            (4, 'COMPLETECALLER ["10","90","1"]'),
        ],
    )


def test_crlf_json_lines(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ticket_events_0001.jsonl",
        json_lines([ticket_event(1, 101), ticket_event(2, 101, created_at="2026-03-02T09:30:00+01:00")], "\r\n"),
    )
    ingest(connection, HELPDESK, tmp_path)
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_ticket_events_jsonl",
        table="zendesk_ticket_events",
        key="(payload->>'id') || ' ' || (payload->>'created_at')",
        staged=[(1, "1 2026-03-02T09:05:00Z"), (2, "2 2026-03-02T09:30:00+01:00")],
    )


def test_crlf_qa_csv(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qa_reviews.csv",
        qa_csv([qa_row("QA1", "accuracy", "3", "5"), qa_row("QA1", "tone", "2", "4")], newline="\r\n"),
    )
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        key="(payload->>'criterion') || ' ' || (payload->>'score') || '/' || (payload->>'max_score')",
        staged=[(1, "accuracy 3/5"), (2, "tone 2/4")],  # the last column carries no CR
    )


def test_crlf_qualtrics_csv_with_a_multiline_comment(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qualtrics.csv",
        qualtrics_csv(
            [response("R_1", Q_COMMENT="Slow\r\nanswer", ticket_id="7"), response("R_2", ticket_id="8")], newline="\r\n"
        ),
    )
    ingest(connection, SURVEYS, tmp_path)
    assert_file(
        connection,
        SURVEYS,
        path,
        fmt="qualtrics_csv",
        table="qualtrics_responses",
        key="(payload->>'ResponseId') || ' ' || (payload->>'ticket_id')",
        staged=[(1, "R_1 7"), (2, "R_2 8")],
    )


# ---- encodings


def test_windows_1252_qa_csv_is_transcoded_and_staged(connection, tmp_path: Path) -> None:
    columns = [*QA_COLUMNS, "comment"]
    rows = [
        qa_row("QA1", "clarté", comment="Très bien – “café” offert, 5 €"),
        qa_row("QA1", "empathie", comment="Reçu"),
    ]
    path = write(tmp_path, "qa_reviews.csv", qa_csv(rows, columns=columns).encode("cp1252"))
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        key="(payload->>'criterion') || ' | ' || (payload->>'comment')",
        staged=[(1, "clarté | Très bien – “café” offert, 5 €"), (2, "empathie | Reçu")],
        encoding="cp1252",
    )


def test_latin1_qualtrics_comment_is_transcoded_and_staged(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qualtrics.csv",
        qualtrics_csv([response("R_1", Q_COMMENT="café froid, à revoir"), response("R_2", Q_COMMENT="Merci")]).encode(
            "latin-1"
        ),
    )
    ingest(connection, SURVEYS, tmp_path)
    assert_file(
        connection,
        SURVEYS,
        path,
        fmt="qualtrics_csv",
        table="qualtrics_responses",
        key="(payload->>'ResponseId') || ' ' || (payload->>'Q_COMMENT')",
        staged=[(1, "R_1 café froid, à revoir"), (2, "R_2 Merci")],
        encoding="cp1252",
    )


def test_mostly_utf8_file_with_one_windows_1252_byte_keeps_the_utf8_text(connection, tmp_path: Path) -> None:
    utf8_part = qualtrics_csv([response("R_1", Q_COMMENT="café")]).encode("utf-8")
    cp1252_row = qualtrics_csv([response("R_2", Q_COMMENT="thé")]).encode("cp1252").splitlines(keepends=True)[-1]
    path = write(tmp_path, "qualtrics.csv", utf8_part + cp1252_row)
    ingest(connection, SURVEYS, tmp_path)
    assert payload_of(connection, "qualtrics_responses", path, 1)["Q_COMMENT"] == "café"
    assert payload_of(connection, "qualtrics_responses", path, 2)["Q_COMMENT"] == "thé"


# ---- layout


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_qa_csv_with_another_delimiter_is_detected_and_staged(connection, tmp_path: Path, delimiter: str) -> None:
    rows = [qa_row("QA1", "accuracy", "4", "5", reviewer_id="Lead, Anna"), qa_row("QA2", "accuracy", "2", "5")]
    path = write(tmp_path, "qa_reviews.csv", qa_csv(rows, delimiter=delimiter))
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        key="(payload->>'review_id') || ' ' || (payload->>'reviewer_id') || ' ' || (payload->>'max_score')",
        staged=[(1, "QA1 Lead, Anna 5"), (2, "QA2 LEAD1 5")],
    )


def test_qa_csv_without_score_column_is_quarantined_whole_and_the_next_file_staged(connection, tmp_path: Path) -> None:
    columns = [column for column in QA_COLUMNS if column != "score"]
    bad = write(
        tmp_path, "qa_reviews_0001.csv", qa_csv([qa_row("QA1", "accuracy"), qa_row("QA1", "empathy")], columns=columns)
    )
    good = write(tmp_path, "qa_reviews_0002.csv", qa_csv([qa_row("QA2", "accuracy")]))
    summary = ingest(connection, QUALITY, tmp_path)

    error = "unknown layout: qa_reviews_0001.csv lacks QA review columns ['score']"
    assert summary.unreadable_files == [f"qa_reviews_0001.csv: {error}"]
    assert_file(connection, QUALITY, bad, fmt=None, quarantined=[(None, f"unreadable file: {error}")], file_error=error)
    assert_file(connection, QUALITY, good, fmt="qa_reviews_csv", table="qa_reviews", staged=[(1, "QA2/accuracy")])


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


def test_extra_unknown_columns_are_kept_in_the_payload(connection, tmp_path: Path) -> None:
    columns = ["review_id", "channel", *QA_COLUMNS[1:], "comment"]
    qa = write(
        tmp_path / "quality",
        "qa_reviews.csv",
        qa_csv([qa_row("QA1", "accuracy", channel="email", comment="ok")], columns=columns),
    )
    tickets = write(
        tmp_path / "helpdesk",
        "tickets_0001.json",
        page("tickets", [ticket(1, x_custom={"sla": "gold"}, brand_id=77)]),
    )
    survey = write(
        tmp_path / "surveys",
        "qualtrics.csv",
        qualtrics_csv([response("R_1", Q_EXTRA="bonus")], columns=[*QUALTRICS_COLUMNS, "Q_EXTRA"]),
    )
    ingest(connection, QUALITY, tmp_path / "quality")
    ingest(connection, HELPDESK, tmp_path / "helpdesk")
    ingest(connection, SURVEYS, tmp_path / "surveys")

    assert_file(connection, QUALITY, qa, fmt="qa_reviews_csv", table="qa_reviews", staged=[(1, "QA1/accuracy")])
    assert payload_of(connection, "qa_reviews", qa, 1) == {
        **qa_row("QA1", "accuracy"),
        "channel": "email",
        "comment": "ok",
    }
    assert_file(connection, HELPDESK, tickets, fmt="zendesk_tickets_page", table="zendesk_tickets", staged=[(1, "1")])
    assert payload_of(connection, "zendesk_tickets", tickets, 1) == ticket(1, x_custom={"sla": "gold"}, brand_id=77)
    assert_file(connection, SURVEYS, survey, fmt="qualtrics_csv", table="qualtrics_responses", staged=[(1, "R_1")])
    assert payload_of(connection, "qualtrics_responses", survey, 1)["Q_EXTRA"] == "bonus"


# ---- duplicates


def test_qualtrics_duplicated_response_id_later_row_wins(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qualtrics.csv",
        qualtrics_csv(
            [response("R_1", nps="3", Q_COMMENT="first"), response("R_2"), response("R_1", nps="9", Q_COMMENT="edited")]
        ),
    )
    ingest(connection, SURVEYS, tmp_path)
    assert_file(
        connection,
        SURVEYS,
        path,
        fmt="qualtrics_csv",
        table="qualtrics_responses",
        key="(payload->>'ResponseId') || ' ' || (payload->>'Q_NPS') || ' ' || coalesce(payload->>'Q_COMMENT', '')",
        staged=[(2, "R_2 9 "), (3, "R_1 9 edited")],
        quarantined=[(1, DUPLICATE)],
    )


def test_qa_duplicated_review_and_criterion_later_row_wins(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qa_reviews.csv",
        qa_csv(
            [
                qa_row("QA1", "accuracy", "3"),
                qa_row("QA1", "empathy", "4"),
                qa_row("QA1", "accuracy", "5"),
                qa_row("QA2", "accuracy", "2"),  # same criterion, another review: not a duplicate
            ]
        ),
    )
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        key="(payload->>'review_id') || '/' || (payload->>'criterion') || ' ' || (payload->>'score')",
        staged=[(2, "QA1/empathy 4"), (3, "QA1/accuracy 5"), (4, "QA2/accuracy 2")],
        quarantined=[(1, DUPLICATE)],
    )


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


def test_qa_reviewed_at_timestamps(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qa_reviews.csv",
        qa_csv(
            [
                qa_row("QA1", "accuracy"),
                qa_row("QA2", "accuracy", reviewed_at="2026-03-05 10:00:00"),
                qa_row("QA3", "accuracy", reviewed_at=iso(days_ahead(5))),
                qa_row("QA4", "accuracy", reviewed_at="05/03/2026"),
                qa_row("QA5", "accuracy", reviewed_at=""),
            ]
        ),
    )
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        staged=[(1, "QA1/accuracy")],
        quarantined=[
            (2, "timestamp without zone in reviewed_at"),
            (3, "reviewed_at in the future"),
            (4, "unparseable timestamp in reviewed_at"),
            (5, "missing reviewed_at"),
        ],
    )


def test_queue_log_epoch_in_the_future(connection, tmp_path: Path) -> None:
    far = int(days_ahead(3).timestamp())
    near = int(days_ahead(1 / 24).timestamp())
    path = write(
        tmp_path,
        "queue_log",
        f"1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n{far}|2.1|q1|NONE|ENTERQUEUE||15550101|1\n"
        f"{near}|3.1|q1|NONE|ENTERQUEUE||15550102|1\n",
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="payload->>'callid'",
        staged=[(1, "1.1"), (3, "3.1")],
        quarantined=[(2, "epoch in the future")],
    )


def test_qualtrics_recorded_date_unparseable(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qualtrics.csv",
        qualtrics_csv([response("R_1"), response("R_2", RecordedDate="yesterday"), response("R_3", RecordedDate="")]),
    )
    ingest(connection, SURVEYS, tmp_path)
    assert_file(
        connection,
        SURVEYS,
        path,
        fmt="qualtrics_csv",
        table="qualtrics_responses",
        staged=[(1, "R_1")],
        quarantined=[(2, "unparseable timestamp in RecordedDate"), (3, "missing RecordedDate")],
    )


def test_qualtrics_recorded_date_in_the_future(connection, tmp_path: Path) -> None:
    future = days_ahead(7).strftime("%Y-%m-%d %H:%M:%S")
    path = write(tmp_path, "qualtrics.csv", qualtrics_csv([response("R_1"), response("R_2", RecordedDate=future)]))
    ingest(connection, SURVEYS, tmp_path)
    assert_file(
        connection,
        SURVEYS,
        path,
        fmt="qualtrics_csv",
        table="qualtrics_responses",
        staged=[(1, "R_1")],
        quarantined=[(2, "RecordedDate in the future")],
    )


# ---- queue_log lines


def test_queue_log_negative_durations_and_positions(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "queue_log",
        "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n"
        "1772442030|1.1|q1|NONE|ABANDON|1|1|-5\n"
        "1772442100|2.1|q1|NONE|ENTERQUEUE||15550101|1\n"
        "1772442110|2.1|q1|PJSIP/1001|CONNECT|-3|2.2|2\n"
        "1772442200|2.1|q1|PJSIP/1001|COMPLETECALLER|10|90|1\n"
        "1772442300|3.1|q1|NONE|EXITWITHTIMEOUT|-1\n"
        "1772442400|NONE|q1|PJSIP/1001|PAUSE|-1\n",  # not a queue-call event: its data is not checked
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        staged=[(1, "ENTERQUEUE"), (3, "ENTERQUEUE"), (5, "COMPLETECALLER"), (7, "PAUSE")],
        quarantined=[
            (2, "negative duration or position"),
            (4, "negative duration or position"),
            (6, "negative duration or position"),
        ],
    )


def test_queue_log_lines_with_missing_fields(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "queue_log",
        "1772442000|1.1|q1|NONE\n"  # 4 fields
        "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100\n"  # older layout: no position
        "1772442030|1.1|q1|NONE|ABANDON|1|1\n"  # older layout: no waittime
        "1772442040|2.1|q1|NONE|EXITWITHTIMEOUT|1\n"  # older layout: position only
        "1772442050|NONE|NONE|PJSIP/1001|UNPAUSE\n"  # exactly 5 fields, no data
        "1772442060\n"
        "1772442070|3.1|q1|NONE|\n"  # 5 fields, empty event
        "|4.1|q1|NONE|ENTERQUEUE||15550100|1\n",
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="(payload->>'event') || ' ' || (payload->'data')::varchar",
        staged=[
            (2, f'ENTERQUEUE ["","{keyed_hash("15550100")}"]'),
            (3, 'ABANDON ["1","1"]'),
            (4, 'EXITWITHTIMEOUT ["1"]'),
            (5, "UNPAUSE []"),
        ],
        quarantined=[
            (1, "queue_log line with fewer than 5 fields"),
            (6, "queue_log line with fewer than 5 fields"),
            (7, "missing event"),
            (8, "unparseable epoch"),
        ],
    )
    raw_text = connection.execute(f"select raw_text from {RAW_SCHEMA}.quarantine order by record_number").fetchall()
    assert raw_text == [
        ("1772442000|1.1|q1|NONE",),
        ("1772442060",),
        ("1772442070|3.1|q1|NONE|",),
        ("|4.1|q1|NONE|ENTERQUEUE||******00|1",),  # the caller id masked but its last two digits
    ]


def test_queue_log_extra_data_fields_are_kept(connection, tmp_path: Path) -> None:
    path = write(tmp_path, "queue_log", "1772442010|1.1|q1|PJSIP/1001|CONNECT|10|1.2|3|x|\n")
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="(payload->>'event') || ' ' || (payload->'data')::varchar",
        staged=[(1, 'CONNECT ["10","1.2","3","x",""]')],
    )


# ---- scores


def test_qualtrics_scores_out_of_range(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qualtrics.csv",
        qualtrics_csv(
            [
                response("R_1", nps="10", csat="5"),
                response("R_2", nps="11", csat="5"),
                response("R_3", nps="8", csat="0"),
                response("R_4", nps="7.5", csat="4"),
                response("R_5", nps="", csat=""),  # unanswered questions are not errors
                response("R_6", nps="0", csat="1"),
                response("R_7", nps="-1", csat="3"),
                response("R_8", nps="6", csat="6"),
                response("R_9", nps="ten", csat="3"),
                response("R_10", nps="11", csat="0"),  # the first failing rule gives the reason
            ]
        ),
    )
    ingest(connection, SURVEYS, tmp_path)
    nps, csat = "Q_NPS out of range [0, 10]", "Q_CSAT out of range [1, 5]"
    assert_file(
        connection,
        SURVEYS,
        path,
        fmt="qualtrics_csv",
        table="qualtrics_responses",
        staged=[(1, "R_1"), (5, "R_5"), (6, "R_6")],
        quarantined=[(2, nps), (3, csat), (4, nps), (7, nps), (8, csat), (9, nps), (10, nps)],
    )


def test_qa_scores_out_of_range(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qa_reviews.csv",
        qa_csv(
            [
                qa_row("QA1", "accuracy", "5", "5"),
                qa_row("QA1", "empathy", "6", "5"),
                qa_row("QA2", "accuracy", "-1", "5"),
                qa_row("QA2", "empathy", "0", "5"),
                qa_row("QA3", "accuracy", "3", "0"),
                qa_row("QA3", "empathy", "", "5"),
                qa_row("QA4", "accuracy", "4.5", "5"),
                qa_row("QA4", "empathy", "n/a", "5"),
                qa_row("QA5", "accuracy", "11", "10"),
            ]
        ),
    )
    ingest(connection, QUALITY, tmp_path)
    out_of_range = "score out of range [0, max_score]"
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        staged=[(1, "QA1/accuracy"), (4, "QA2/empathy"), (7, "QA4/accuracy")],
        quarantined=[
            (2, out_of_range),
            (3, out_of_range),
            (5, "max_score not a positive number"),
            (6, "missing score"),
            (8, out_of_range),
            (9, out_of_range),
        ],
    )


def test_not_a_number_and_infinity_are_quarantined(connection, tmp_path: Path) -> None:
    """DuckDB reads 'NaN' and 'inf' as doubles: scores, durations and targets must be finite numbers."""
    qa = write(
        tmp_path / "quality",
        "qa_reviews.csv",
        qa_csv(
            [
                qa_row("QA1", "accuracy", "NaN", "5"),
                qa_row("QA1", "empathy", "4", "NaN"),
                qa_row("QA2", "accuracy", "inf", "5"),
                qa_row("QA2", "empathy", "3", "5"),
            ]
        ),
    )
    calls = write(
        tmp_path / "telephony",
        "calls.csv",
        "call_id,queue,caller_number,entered_at,answered_at,ended_at,agent_id,outcome,talk_seconds,hold_seconds,"
        "wrap_seconds\n"
        "C1,sales,15550001,2026-03-02T09:00:00Z,2026-03-02T09:00:10Z,2026-03-02T09:05:00Z,A001,answered,NaN,0,0\n"
        "C2,sales,15550002,2026-03-02T09:10:00Z,2026-03-02T09:10:10Z,2026-03-02T09:15:00Z,A001,answered,290,inf,0\n"
        "C3,sales,15550003,2026-03-02T09:20:00Z,2026-03-02T09:20:10Z,2026-03-02T09:25:00Z,A001,answered,290,0,10\n",
    )
    targets = write(
        tmp_path / "reference",
        "targets.csv",
        "metric,scope_type,scope_id,grain,target,direction,valid_from,valid_to\n"
        "nps,org,,month,NaN,higher_is_better,,\n"
        "abandon_rate,org,,week,-Infinity,lower_is_better,,\n"
        "qa_score_mean,org,,month,0.8,higher_is_better,,\n",
    )
    ingest(connection, QUALITY, tmp_path / "quality")
    ingest(connection, TELEPHONY, tmp_path / "telephony")
    ingest(connection, REFERENCE, tmp_path / "reference")
    out_of_range = "score out of range [0, max_score]"
    assert_file(
        connection, QUALITY, qa, fmt="qa_reviews_csv", table="qa_reviews", staged=[(4, "QA2/empathy")],
        quarantined=[(1, out_of_range), (2, "max_score not a positive number"), (3, out_of_range)],
    )  # fmt: skip
    assert_file(
        connection, TELEPHONY, calls, fmt="generic_calls_csv", table="generic_calls", key="payload->>'call_id'",
        staged=[(3, "C3")],
        quarantined=[(1, "talk_seconds not a non-negative number"), (2, "hold_seconds not a non-negative number")],
    )  # fmt: skip
    assert_file(
        connection, REFERENCE, targets, fmt="targets_csv", table="targets", key="payload->>'metric'",
        staged=[(3, "qa_score_mean")], quarantined=[(1, "target not a number"), (2, "target not a number")],
    )  # fmt: skip


# ---- malformed CSV lines


def _qa_line(review_id: str) -> str:
    return f"{review_id},2026-03-05T10:00:00Z,LEAD1,A001,ticket,101,accuracy,4,5"


def test_qa_csv_line_with_an_extra_field_is_quarantined_alone(connection, tmp_path: Path) -> None:
    lines = [",".join(QA_COLUMNS), _qa_line("QA1"), _qa_line("QA2") + ",extra", _qa_line("QA3")]
    path = write(tmp_path, "qa_reviews.csv", "\n".join(lines) + "\n")
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        staged=[(1, "QA1/accuracy"), (3, "QA3/accuracy")],
        quarantined=[(2, "malformed CSV line: too many columns (Expected Number of Columns: 9 Found: 10)")],
    )


def test_malformed_csv_line_far_into_a_file_keeps_record_numbers_unique(connection, tmp_path: Path) -> None:
    good_rows = 25_000  # beyond the sniffer's sample, so the delimiter is still found
    lines = [",".join(QA_COLUMNS), *(_qa_line(f"QA{n}") for n in range(1, good_rows + 1))]
    lines += [_qa_line("QAX") + ",extra", _qa_line("QAY"), _qa_line("QAZ")]
    path = write(tmp_path, "qa_reviews.csv", "\n".join(lines) + "\n")
    ingest(connection, QUALITY, tmp_path)
    assert connection.execute(
        f"select records_read, staged, quarantined from {RAW_SCHEMA}.ingested_files where path = ?", [str(path)]
    ).fetchone() == (good_rows + 3, good_rows + 2, 1)
    # record n is the n-th data row: the bad line is row 25001, the two good rows after it 25002 and 25003
    assert connection.execute(f"select record_number, reason from {RAW_SCHEMA}.quarantine").fetchall() == [
        (25_001, "malformed CSV line: too many columns (Expected Number of Columns: 9 Found: 10)")
    ]
    tail = connection.execute(
        f"select record_number, payload->>'review_id' from {RAW_SCHEMA}.qa_reviews where record_number > 24_999 "
        "order by record_number"
    ).fetchall()
    assert tail == [(25_000, "QA25000"), (25_002, "QAY"), (25_003, "QAZ")]


# ---- references


def _warn_severity(sql_test: str) -> bool:
    return "config(severity='warn')" in (DBT_PROJECT / "tests" / sql_test).read_text()


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


# ---- repeats


def test_same_file_ingested_twice_is_skipped(connection, tmp_path: Path) -> None:
    path = write(tmp_path, "tickets_0001.json", page("tickets", [ticket(1), ticket(2, created_at="bad")]))
    first = ingest(connection, HELPDESK, tmp_path)
    assert [Path(result.path).name for result in first.ingested] == ["tickets_0001.json"]

    second = ingest(connection, HELPDESK, tmp_path)
    assert second.ingested == []
    assert [(Path(result.path).name, result.skipped) for result in second.files] == [("tickets_0001.json", True)]
    assert (second.records_read, second.staged, second.quarantined) == (0, 0, 0)
    assert len(file_manifest(connection)) == 1
    assert_file(
        connection,
        HELPDESK,
        path,
        fmt="zendesk_tickets_page",
        table="zendesk_tickets",
        staged=[(1, "1")],
        quarantined=[(2, "unparseable timestamp in created_at")],
    )


def test_same_content_under_another_name_is_skipped(connection, tmp_path: Path) -> None:
    original = write(tmp_path, "tickets_0001.json", page("tickets", [ticket(1), ticket(2)]))
    ingest(connection, HELPDESK, tmp_path)

    shutil.copy(original, tmp_path / "tickets_0001 (copy).json")  # landed again later under another name
    write(tmp_path, "tickets_0002.json", page("tickets", [ticket(3)]))
    summary = ingest(connection, HELPDESK, tmp_path)

    assert [(Path(result.path).name, result.skipped) for result in summary.files] == [
        ("tickets_0001 (copy).json", True),
        ("tickets_0001.json", True),
        ("tickets_0002.json", False),
    ]
    assert [Path(str(row["path"])).name for row in file_manifest(connection)] == [
        "tickets_0001.json",
        "tickets_0002.json",
    ]
    assert connection.execute(
        f"select payload->>'id' from {RAW_SCHEMA}.zendesk_tickets order by file_id, record_number"
    ).fetchall() == [
        ("1",),
        ("2",),
        ("3",),
    ]


def test_same_content_twice_in_one_landing_is_ingested_once(connection, tmp_path: Path) -> None:
    content = qa_csv([qa_row("QA1", "accuracy")])
    first = write(tmp_path, "qa_reviews_a.csv", content)
    write(tmp_path, "qa_reviews_b.csv", content)
    summary = ingest(connection, QUALITY, tmp_path)

    assert [(Path(result.path).name, result.skipped) for result in summary.files] == [
        ("qa_reviews_a.csv", False),
        ("qa_reviews_b.csv", True),
    ]
    assert_file(connection, QUALITY, first, fmt="qa_reviews_csv", table="qa_reviews", staged=[(1, "QA1/accuracy")])
    assert connection.execute(f"select count(*) from {RAW_SCHEMA}.qa_reviews").fetchone() == (1,)
