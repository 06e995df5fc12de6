"""Bad-input corpus for raw ingestion (SPEC 4.9), surveys source: Qualtrics CSV exports.

Duplicated response ids (the later row wins), unparseable, missing and future RecordedDate, NPS and CSAT scores out
of range. Cases about whole files of any source (empty, header-only, BOM, CRLF, encodings...) are in
test_bad_inputs_files.py.

Every case lands hand-made files in a temporary folder, ingests the source into an in-memory DuckDB and checks,
per file: the exact quarantine reasons with their record numbers, the good records staged (record number and id),
and the ingest manifest (raw.ingested_files: records_read = staged + quarantined, quarantine_reasons JSON,
file_error, encoding). Expected values are written by hand from the inputs below; the helpers that land, ingest and
check a file are in conftest.py (`# ---- ingestion`).
"""

from __future__ import annotations

from pathlib import Path

from orchestration.ingestion import SURVEYS

from .conftest import DUPLICATE, assert_file, days_ahead, ingest, qualtrics_csv, response, write

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


# ---- timestamps


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
    not_nps = "Q_NPS answer is not a score on 0-10"  # 7.5, -1 and "ten" are neither recode values nor labels
    assert_file(
        connection,
        SURVEYS,
        path,
        fmt="qualtrics_csv",
        table="qualtrics_responses",
        staged=[(1, "R_1"), (5, "R_5"), (6, "R_6")],
        quarantined=[(2, nps), (3, csat), (4, not_nps), (7, not_nps), (8, csat), (9, not_nps), (10, nps)],
    )
