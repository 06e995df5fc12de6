"""Qualtrics exports as they really come (SPEC 4.5, 4.8): any width, the export's own time zone, questions per
survey from reference/surveys.csv matched by ImportId or column id, NPS found through `<question>_NPS_GROUP`,
choice-text labels, a changed mapping re-reading the files it affects, legacy and spreadsheet-resaved exports
rejected whole with the remedy, and a zip holding an export. Every expected score is read off the rows written."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import duckdb

from orchestration.ingestion.core import RAW_SCHEMA
from orchestration.ingestion.reference import REFERENCE
from orchestration.ingestion.surveys import SURVEYS

from .conftest import assert_file, ingest, write

META_COLUMNS = [
    ("StartDate", {"ImportId": "startDate", "timeZone": "America/Denver"}),
    ("EndDate", {"ImportId": "endDate", "timeZone": "America/Denver"}),
    ("Status", {"ImportId": "status"}),
    ("Finished", {"ImportId": "finished"}),
    ("RecordedDate", {"ImportId": "recordedDate", "timeZone": "America/Denver"}),
    ("ResponseId", {"ImportId": "_recordId"}),
]
SURVEYS_CSV_HEADER = (
    "source,survey_id,file_pattern,nps_question,csat_question,csat_scale_max,comment_question,ticket_id_field,"
    "call_id_field\n"
)


def export(
    questions: list[tuple[str, str]],
    responses: list[dict[str, str]],
    *,
    meta: list[tuple[str, dict]] = META_COLUMNS,
    single_quotes: bool = False,
    question_text: str = "Question text of {}",
) -> str:
    """A Qualtrics export: column ids, question texts, ImportIds (question columns: (column id, ImportId))."""
    columns = [(name, import_id) for name, import_id in meta] + [(name, {"ImportId": qid}) for name, qid in questions]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _ in columns])
    writer.writerow([question_text.format(name) for name, _ in columns])
    if single_quotes:
        writer.writerow([str(import_id) for _, import_id in columns])
    else:
        writer.writerow([json.dumps(import_id) for _, import_id in columns])
    for answers in responses:
        row = {"Status": "0", "Finished": "True", "StartDate": "2026-03-03 09:55:00", "EndDate": "2026-03-03 10:00:00"}
        row |= answers
        writer.writerow([row.get(name, "") for name, _ in columns])
    return buffer.getvalue()


def read_as(connection: duckdb.DuckDBPyConnection, response_id: str) -> dict:
    rows = connection.execute(
        f"select payload->'_read_as' from {RAW_SCHEMA}.qualtrics_responses where payload->>'ResponseId' = ?",
        [response_id],
    ).fetchall()
    assert len(rows) == 1, f"{response_id} should be staged once"
    return json.loads(rows[0][0])


def manifest(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    return connection.execute(
        f"select path, count(*) from {RAW_SCHEMA}.ingested_files where source = 'surveys' group by path order by path"
    ).fetchall()


def test_an_export_of_2200_columns_is_read_in_its_own_time_zone(connection, tmp_path: Path) -> None:
    # 2,200 questions with 180-character question texts: the ImportId row starts ~440 KB into the file.
    questions = [(f"Q{number}", f"QID{number}") for number in range(1, 2201)]
    landing = tmp_path / "landing"
    path = write(
        landing / "surveys",
        "Customer survey_March 3, 2026_10.00.csv",
        export(
            [*questions, ("Q_NPS", "QID9001"), ("Q_CSAT", "QID9002")],
            [
                {"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_wide1", "Q_NPS": "9", "Q_CSAT": "4"},
                {"RecordedDate": "2026-03-03 17:30:00", "ResponseId": "R_wide2", "Q_NPS": "3", "Q1500": "x"},
            ],
            question_text="{} " + "long question text " * 10,
        ),
    )
    assert path.read_text().index('{""ImportId""') > 380_000
    ingest(connection, SURVEYS, landing / "surveys")
    assert_file(
        connection, SURVEYS, path, fmt="qualtrics_csv", table="qualtrics_responses",
        staged=[(1, "R_wide1"), (2, "R_wide2")],
    )  # fmt: skip
    first = read_as(connection, "R_wide1")
    assert (first["time_zone"], first["nps_score"], first["csat_score"]) == ("America/Denver", 9, 4)
    assert (read_as(connection, "R_wide2")["nps_score"], read_as(connection, "R_wide2").get("csat_score")) == (3, None)


def test_single_quoted_import_ids_are_read(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = write(
        landing / "surveys",
        "export.csv",
        export([("Q_NPS", "QID1")], [{"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_q", "Q_NPS": "7"}],
               single_quotes=True),
    )  # fmt: skip
    assert "{'ImportId': 'QID1'}" in path.read_text()
    ingest(connection, SURVEYS, landing / "surveys")
    assert (read_as(connection, "R_q")["nps_score"], read_as(connection, "R_q")["time_zone"]) == (7, "America/Denver")


def test_two_surveys_with_an_unrelated_q15_are_both_read_right(connection, tmp_path: Path) -> None:
    """Survey A's NPS is Q15 (by column id); survey B's Q15 is an age band, its NPS is QID7 (column Q7) and its
    CSAT QID8 on a 1-7 scale, matched by ImportId although its columns were renamed."""
    landing = tmp_path / "landing"
    write(
        landing / "reference",
        "surveys.csv",
        SURVEYS_CSV_HEADER
        + "qualtrics,,onboarding/*.csv,Q15,Q16,5,Q17,,\n"
        + "qualtrics,,support_survey_*.csv,QID7,QID8,7,,case_number,\n",
    )
    write(
        landing / "surveys" / "onboarding",
        "march.csv",
        export(
            [("Q15", "QID15"), ("Q16", "QID16"), ("Q17", "QID17_TEXT")],
            [{"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_a1", "Q15": "10", "Q16": "4", "Q17": "great"}],
        ),
    )
    write(
        landing / "surveys",
        "support_survey_2026-03.csv",
        export(
            [("Q15", "QID15"), ("Recommend", "QID7"), ("Satisfaction", "QID8"), ("case_number", "case_number")],
            [
                {"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_b1", "Q15": "45", "Recommend": "6",
                 "Satisfaction": "6", "case_number": "1234"},
                {"RecordedDate": "2026-03-03 11:00:00", "ResponseId": "R_b2", "Q15": "2", "Recommend": "8",
                 "Satisfaction": "8"},
            ],
        ),
    )  # fmt: skip
    ingest(connection, REFERENCE, landing / "reference")
    summary = ingest(connection, SURVEYS, landing / "surveys")
    a1 = read_as(connection, "R_a1")
    assert (a1["nps_score"], a1["csat_score"], a1["csat_scale_max"], a1["comment"]) == (10, 4, 5, "great")
    b1 = read_as(connection, "R_b1")
    # Q15 = 45 is survey B's age band, never an NPS out of range; Satisfaction 6 is on B's 1-7 scale.
    assert (b1["nps_question"], b1["nps_score"], b1["csat_score"], b1["csat_scale_max"]) == ("Recommend", 6, 6, 7)
    assert b1["ticket_id"] == "1234"
    # Satisfaction 8 is off B's 1-7 scale: the response is quarantined, the rest of the file staged.
    assert summary.quarantine_reasons == {"Satisfaction out of range [1, 7]": 1}
    # the mapping is kept as reference data too (not rejected as an unknown reference layout)
    assert connection.execute(f"select count(*) from {RAW_SCHEMA}.survey_mappings").fetchall() == [(2,)]


def test_nps_found_through_its_nps_group_column(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write(
        landing / "surveys",
        "export.csv",
        export(
            [("Q3", "QID3"), ("Q3_NPS_GROUP", "QID3_NPS_GROUP"), ("Q4", "QID4")],
            [
                {"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_g1", "Q3": "10 - Extremely likely",
                 "Q3_NPS_GROUP": "Promoter", "Q4": "1"},
                {"RecordedDate": "2026-03-03 10:05:00", "ResponseId": "R_g2", "Q3": "0 - Not at all likely",
                 "Q3_NPS_GROUP": "1"},
                {"RecordedDate": "2026-03-03 10:10:00", "ResponseId": "R_g3", "Q3": "8", "Q3_NPS_GROUP": "3"},
            ],
        ),
    )  # fmt: skip
    ingest(connection, SURVEYS, landing / "surveys")
    scores = [
        (read_as(connection, r)["nps_score"], read_as(connection, r)["nps_group"]) for r in ("R_g1", "R_g2", "R_g3")
    ]
    # the score decides (8 is a passive even though the group column says promoter: a cross-check for dbt)
    assert scores == [(10, "promoter"), (0, "detractor"), (8, "promoter")]


def test_choice_text_csat_labels_are_scored_and_unknown_ones_quarantined(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    path = write(
        landing / "surveys",
        "labels.csv",
        export(
            [("Q_NPS", "QID1"), ("Q_CSAT", "QID2")],
            [
                {"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_l1", "Q_CSAT": "Very satisfied"},
                {"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_l2", "Q_CSAT": "somewhat dissatisfied"},
                {"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_l3", "Q_CSAT": "Meh"},
                {"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_l4", "Q_NPS": "Very likely"},
            ],
        ),
    )
    ingest(connection, SURVEYS, landing / "surveys")
    assert_file(
        connection, SURVEYS, path, fmt="qualtrics_csv", table="qualtrics_responses",
        staged=[(1, "R_l1"), (2, "R_l2")],
        quarantined=[(3, "Q_CSAT answer is not a score on 1-5"), (4, "Q_NPS answer is not a score on 0-10")],
    )  # fmt: skip
    assert (read_as(connection, "R_l1")["csat_score"], read_as(connection, "R_l2")["csat_score"]) == (5, 2)


def test_a_changed_mapping_reads_again_only_the_files_it_affects(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    mapping = write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + "qualtrics,,a_*.csv,Q1,,,,,\n")
    write(
        landing / "surveys",
        "a_march.csv",
        export([("Q1", "QID1"), ("Q2", "QID2")],
               [{"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_a", "Q1": "9", "Q2": "2"}]),
    )  # fmt: skip
    write(
        landing / "surveys",
        "b_march.csv",
        export([("Q_NPS", "QID1")], [{"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_b", "Q_NPS": "5"}]),
    )
    ingest(connection, SURVEYS, landing / "surveys")
    assert read_as(connection, "R_a")["nps_score"] == 9
    # The survey's NPS question was Q2 all along: fixing the mapping restates survey a's file, not b's.
    mapping.write_text(SURVEYS_CSV_HEADER + "qualtrics,,a_*.csv,QID2,,,,,\n")
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert [(Path(result.path).name, result.reprocessed) for result in summary.ingested] == [("a_march.csv", True)]
    assert read_as(connection, "R_a")["nps_score"] == 2
    assert read_as(connection, "R_b")["nps_score"] == 5
    assert [count for _, count in manifest(connection)] == [1, 1]
    # unchanged mapping: nothing is read again
    assert ingest(connection, SURVEYS, landing / "surveys").ingested == []


def test_a_mapped_question_missing_from_the_export_rejects_it_until_the_mapping_is_fixed(
    connection, tmp_path: Path
) -> None:
    landing = tmp_path / "landing"
    mapping = write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + "qualtrics,,*.csv,QID99,,,,,\n")
    path = write(
        landing / "surveys",
        "export.csv",
        export([("Q1", "QID1")], [{"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_m", "Q1": "9"}]),
    )
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert "nps_question 'QID99'" in (summary.ingested[0].file_error or "")
    mapping.write_text(SURVEYS_CSV_HEADER + "qualtrics,,*.csv,QID1,,,,,\n")
    ingest(connection, SURVEYS, landing / "surveys")
    assert_file(connection, SURVEYS, path, fmt="qualtrics_csv", table="qualtrics_responses", staged=[(1, "R_m")])


def test_legacy_exports_are_rejected_whole_with_the_remedy(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write(
        landing / "surveys",
        "legacy_v.csv",
        "V1,V2,V3,V4,V5,V6,V7,V8,V9,V10,Q1\r\nResponseID,ResponseSet,Name,ExternalDataReference,EmailAddress,"
        "IPAddress,Status,StartDate,EndDate,Finished,How likely...\r\nR_x,Default Response Set,,,,1.2.3.4,0,"
        "2016-03-03 10:00:00,2016-03-03 10:05:00,1,9\r\n",
    )
    write(
        landing / "surveys",
        "legacy_named.csv",
        "ResponseID,ResponseSet,StartDate,EndDate,Finished,Q1\r\nResponseID,ResponseSet,StartDate,EndDate,"
        "Finished,How likely...\r\nR_y,Default Response Set,2016-03-03 10:00:00,2016-03-03 10:05:00,1,9\r\n",
    )
    summary = ingest(connection, SURVEYS, landing / "surveys")
    errors = {Path(result.path).name: result.file_error or "" for result in summary.ingested}
    assert set(errors) == {"legacy_v.csv", "legacy_named.csv"}
    for error in errors.values():
        assert error.startswith("legacy Qualtrics export") and "re-export it from Qualtrics" in error


def test_an_export_resaved_by_a_spreadsheet_is_rejected_whole_with_the_remedy(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write(
        landing / "surveys",
        "resaved.csv",
        export([("Q_NPS", "QID1")], [{"RecordedDate": "9/11/2022 17:54", "ResponseId": "R_s", "Q_NPS": "9"}]),
    )
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert summary.staged == 0
    error = summary.ingested[0].file_error or ""
    assert "'9/11/2022 17:54'" in error and "re-saved by a spreadsheet" in error and "re-export" in error


def test_a_zip_holding_an_export_is_read_as_that_export(connection, tmp_path: Path) -> None:
    """Qualtrics' export API returns a zip holding the survey's CSV."""
    landing = tmp_path / "landing"
    content = export(
        [("Q_NPS", "QID1"), ("Q_CSAT", "QID2")],
        [
            {"RecordedDate": "2026-03-03 10:00:00", "ResponseId": "R_z1", "Q_NPS": "10", "Q_CSAT": "5"},
            {"RecordedDate": "2026-03-03 11:00:00", "ResponseId": "R_z2", "Q_NPS": "6", "Q_CSAT": "2"},
        ],
    )
    archive = landing / "surveys" / "SV_abc123.zip"
    archive.parent.mkdir(parents=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("Customer survey.csv", content)
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert [(result.format, result.staged, result.compression) for result in summary.ingested] == [
        ("qualtrics_csv", 2, "zip")
    ]
    assert (read_as(connection, "R_z1")["nps_score"], read_as(connection, "R_z2")["csat_score"]) == (10, 2)
    assert os.path.basename(summary.ingested[0].path) == "SV_abc123.zip!Customer survey.csv"
