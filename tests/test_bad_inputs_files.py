"""Bad-input corpus for raw ingestion (SPEC 4.9): whole files, whatever their source, and cases spanning sources.

Empty and header-only files, a UTF-8 BOM, CRLF line ends, Windows-1252 and Latin-1 encodings, another CSV delimiter,
unknown extra columns, NaN and infinity in numbers, and repeats (the same file ingested twice, the same content under
another name or twice in one landing). Cases particular to one source are in test_bad_inputs_<source>.py.

Every case lands hand-made files in a temporary folder, ingests the source into an in-memory DuckDB and checks,
per file: the exact quarantine reasons with their record numbers, the good records staged (record number and id),
and the ingest manifest (raw.ingested_files: records_read = staged + quarantined, quarantine_reasons JSON,
file_error, encoding). Expected values are written by hand from the inputs below; the helpers that land, ingest and
check a file are in conftest.py (`# ---- ingestion`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.ingestion import HELPDESK, QUALITY, REFERENCE, SURVEYS, TELEPHONY
from orchestration.ingestion.core import RAW_SCHEMA
from orchestration.ingestion.runner import file_manifest

from .conftest import (
    QA_COLUMNS,
    QUALTRICS_COLUMNS,
    assert_file,
    ingest,
    json_lines,
    keyed_hash,
    page,
    payload_of,
    qa_csv,
    qa_row,
    qualtrics_csv,
    response,
    ticket,
    ticket_event,
    write,
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


# ---- numbers


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
