"""SurveyMonkey as the vendor documents it (SPEC 4.8b): the web export's CSV (Analyze Results > Save As > Export
file > All responses data > CSV: two header rows, a multi-column question's heading over its first column only, End
Date as naive `MM/DD/YYYY hh:mm:ss AM`), and API v3 bulk responses (`GET /v3/surveys/{id}/responses/bulk`) scored
with the survey's details (`GET /v3/surveys/{id}/details`: choice weights, else the text's leading integer; is_na
choices are no answer). Questions come from reference/surveys.csv rows with source=surveymonkey, by heading text
(API questions also by id). An export no row maps is rejected whole, and read once a row maps it; responses whose
survey details have not landed are quarantined, and read again when the details arrive.

The fixtures follow the vendor's shapes: the CSV's meta columns `Respondent ID, Collector ID, Start Date, End Date,
IP Address, Email Address, First Name, Last Name, Custom Data 1` with empty second-row cells, then one heading per
question and `Response` / `Open-Ended Response` / choice labels in row 2; API responses with `id, survey_id,
collector_id, response_status, date_created, date_modified, custom_variables, pages[].questions[].answers[]`.
Every expected value is worked out by hand from the rows written below. The last part runs the pipeline once over
the small landing plus SurveyMonkey files in April 2026 (a month without other survey data) and reads the published
kpi_metrics.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.core import RAW_SCHEMA
from orchestration.ingestion.reference import REFERENCE
from orchestration.ingestion.surveys import SURVEYS

from .conftest import SMALL_LANDING, Query, assert_file, ingest, published_run, write

META = [
    "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
    "Last Name", "Custom Data 1",
]  # fmt: skip
SURVEYS_CSV_HEADER = (
    "source,survey_id,file_pattern,nps_question,csat_question,csat_scale_max,comment_question,ticket_id_field,"
    "call_id_field\n"
)
NPS = "How likely is it that you would recommend Acme Support to a friend or colleague?"
CSAT = "Overall, how satisfied or dissatisfied were you with the support you received?"
COMMENT = "Is there anything else you would like to tell us?"
MATRIX = "How would you rate our agent on each of the following?"
# Questions of the web export: (heading, second-row labels). The matrix (3 rows) comes before the NPS question; the
# CSAT question has an "Other (please specify)" column; the comment is open-ended.
QUESTIONS = [
    (MATRIX, ["Speed", "Friendliness", "Knowledge"]),
    (NPS, ["Response"]),
    (CSAT, ["Response", "Other (please specify)"]),
    (COMMENT, ["Open-Ended Response"]),
]
# The survey's row, its headings written with another case and spacing (compared trimmed, case-insensitive).
CSV_ROW = f'surveymonkey,,surveymonkey/*.csv, {NPS.upper()} ,"{CSAT.lower()}",5,{COMMENT},Custom Data 1,\n'


def export_csv(responses: list[dict[str, object]], questions: list[tuple[str, list[str]]] = QUESTIONS) -> str:
    """A SurveyMonkey CSV export: headings (a question's over its first column only), labels, one row a response
    (`answers`: the cells of the question columns, in order). UTF-8 with a BOM and CRLF, as the web export."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(META + [cell for heading, labels in questions for cell in [heading] + [""] * (len(labels) - 1)])
    writer.writerow([""] * len(META) + [label for _, labels in questions for label in labels])
    for row in responses:
        meta = {"Collector ID": "256123456", "Start Date": "04/02/2026 09:58:01 AM", "IP Address": "203.0.113.7"}
        meta |= {key: str(value) for key, value in row.items() if key in META}
        writer.writerow([meta.get(column, "") for column in META] + list(row["answers"]))  # type: ignore[arg-type]
    return "\ufeff" + buffer.getvalue()


def sm_response(respondent: str, end_date: str, answers: list[str], **meta: str) -> dict[str, object]:
    return {"Respondent ID": respondent, "End Date": end_date, "answers": answers, **meta}


SURVEY_ID = "412345678"
# The API details of the same kind of survey: NPS choices "0" ... "10" without weights (scored by their text);
# CSAT choices numbered from the best ("1 - Excellent") whose weights run the other way (5 ... 1), and an N/A.
NPS_CHOICES = [
    {"id": f"30{score:02d}", "text": str(score), "position": score + 1, "visible": True} for score in range(11)
]
CSAT_CHOICES = [
    {"id": "4001", "text": "1 - Excellent", "weight": 5, "position": 1, "visible": True},
    {"id": "4002", "text": "2 - Good", "weight": 4, "position": 2, "visible": True},
    {"id": "4003", "text": "3 - Fair", "weight": 3, "position": 3, "visible": True},
    {"id": "4004", "text": "4 - Not so good", "weight": 2, "position": 4, "visible": True},
    {"id": "4005", "text": "5 - Poor", "weight": 1, "position": 5, "visible": True},
    {"id": "4006", "text": "N/A", "is_na": True, "position": 6, "visible": True},
]


def details(survey_id: str = SURVEY_ID) -> dict[str, object]:
    """`GET /v3/surveys/{id}/details`."""
    href = f"https://api.surveymonkey.com/v3/surveys/{survey_id}"
    return {
        "id": survey_id,
        "title": "Acme Support follow-up",
        "language": "en",
        "question_count": 4,
        "page_count": 1,
        "date_created": "2026-01-10T09:00:00",
        "date_modified": "2026-03-30T12:00:00",
        "href": href,
        "pages": [
            {
                "id": "168831413",
                "title": "",
                "position": 1,
                "question_count": 4,
                "href": f"{href}/pages/168831413",
                "questions": [
                    {"id": "1001", "family": "matrix", "subtype": "rating", "position": 1,
                     "headings": [{"heading": MATRIX}],
                     "answers": {"rows": [{"id": "1101", "text": "Speed", "position": 1}],
                                 "choices": [{"id": "1201", "text": "2", "weight": 2, "position": 1}]}},
                    {"id": "1002", "family": "matrix", "subtype": "rating", "position": 2,
                     "headings": [{"heading": NPS}],
                     "answers": {"rows": [{"id": "1102", "text": "", "position": 1, "visible": True}],
                                 "choices": NPS_CHOICES}},
                    {"id": "1003", "family": "single_choice", "subtype": "vertical", "position": 3,
                     "headings": [{"heading": CSAT}],
                     "answers": {"choices": CSAT_CHOICES,
                                 "other": {"id": "4099", "text": "Other (please specify)", "is_answer_choice": True}}},
                    {"id": "1004", "family": "open_ended", "subtype": "essay", "position": 4,
                     "headings": [{"heading": COMMENT}]},
                ],
            }
        ],
    }  # fmt: skip


def api_response(
    response_id: str,
    *,
    nps: int | None = None,
    csat: str | None = None,
    status: str = "completed",
    modified: str = "2026-04-03T10:15:00+00:00",
    ticket: str = "",
    comment: str = "",
    other: str = "",
    survey_id: str = SURVEY_ID,
) -> dict[str, object]:
    """A response as `GET /v3/surveys/{id}/responses/bulk` returns it (only the questions answered are listed)."""
    questions: list[dict[str, object]] = []
    if nps is not None:
        questions.append({"id": "1002", "answers": [{"choice_id": f"30{nps:02d}", "row_id": "1102"}]})
    if csat is not None:
        questions.append({"id": "1003", "answers": [{"choice_id": csat}]})
    if other:  # "Other (please specify)": the other choice's id and the text written
        questions.append({"id": "1003", "answers": [{"other_id": "4099", "text": other}]})
    if comment:
        questions.append({"id": "1004", "answers": [{"text": comment}]})
    return {
        "id": response_id,
        "recipient_id": "",
        "collection_mode": "default",
        "response_status": status,
        "custom_value": "",
        "first_name": "",
        "last_name": "",
        "email_address": "",
        "ip_address": "198.51.100.4",
        "logic_path": {},
        "metadata": {},
        "page_path": [],
        "collector_id": "256999000",
        "survey_id": survey_id,
        "custom_variables": {"ticket_id": ticket} if ticket else {},
        "edit_url": f"https://www.surveymonkey.com/r/?sm={response_id}",
        "analyze_url": f"https://www.surveymonkey.com/analyze/browse/{response_id}",
        "total_time": 62,
        "date_modified": modified,
        "date_created": modified,
        "href": f"https://api.surveymonkey.com/v3/surveys/{survey_id}/responses/{response_id}",
        "pages": [{"id": "168831413", "questions": questions}],
    }


def bulk_page(responses: list[dict[str, object]], survey_id: str = SURVEY_ID) -> str:
    link = f"https://api.surveymonkey.com/v3/surveys/{survey_id}/responses/bulk?page=1&per_page=100"
    page = {"data": responses, "per_page": 100, "page": 1, "total": len(responses), "links": {"self": link}}
    return json.dumps(page, indent=2)


API_ROW = f'surveymonkey,{SURVEY_ID},,{NPS},"{CSAT}",5,{COMMENT},ticket_id,\n'


def read_as(connection: duckdb.DuckDBPyConnection, table: str, key: str, response_id: str) -> dict:
    rows = connection.execute(
        f"select payload->'_read_as' from {RAW_SCHEMA}.{table} where payload->>'{key}' = ?", [response_id]
    ).fetchall()
    assert len(rows) == 1, f"{response_id} should be staged once"
    return json.loads(rows[0][0])


def csv_read_as(connection: duckdb.DuckDBPyConnection, respondent: str) -> dict:
    return read_as(connection, "surveymonkey_responses", "Respondent ID", respondent)


def api_read_as(connection: duckdb.DuckDBPyConnection, response_id: str) -> dict:
    return read_as(connection, "surveymonkey_api_responses", "id", response_id)


# ---- the CSV export


def test_a_matrix_before_the_nps_question_does_not_shift_the_answers(connection, tmp_path: Path) -> None:
    """The matrix's three columns come first, its heading over the first only: the NPS answer is the fourth answer
    cell, the CSAT the fifth (its Other column the sixth), the comment the seventh."""
    landing = tmp_path / "landing"
    write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + CSV_ROW)
    path = write(
        landing / "surveys" / "surveymonkey",
        "Acme Support follow-up.csv",
        export_csv([
            sm_response("114164834373", "04/02/2026 10:02:15 AM",
                        ["Good", "Excellent", "Fair", "9", "Very satisfied", "", "Quick, thanks"],
                        **{"Custom Data 1": "101", "Email Address": "Pat@Customer.test"}),
            sm_response("114164834374", "04/02/2026 12:05:00 AM", ["2", "3", "1", "3", "Dissatisfied", "", ""]),
            sm_response("114164834375", "04/02/2026 12:30:00 PM", ["", "", "", "10 - Extremely likely", "", "", ""]),
            sm_response("114164834376", "2026-04-02 18:45:00", ["", "", "", "", "", "late reply", ""]),
        ]),
    )  # fmt: skip
    ingest(connection, REFERENCE, landing / "reference")
    ingest(connection, SURVEYS, landing / "surveys")
    assert_file(
        connection, SURVEYS, path, fmt="surveymonkey_csv", table="surveymonkey_responses",
        key="payload->>'Respondent ID'",
        staged=[(1, "114164834373"), (2, "114164834374"), (3, "114164834375"), (4, "114164834376")],
    )  # fmt: skip
    first = csv_read_as(connection, "114164834373")
    assert (first["nps_score"], first["csat_score"], first["comment"], first["ticket_id"]) == (
        9,
        5,
        "Quick, thanks",
        "101",
    )
    second = csv_read_as(connection, "114164834374")
    assert (second["nps_score"], second["csat_score"], second.get("ticket_id")) == (3, 2, None)
    # AM/PM: 12:05 AM is five past midnight, 12:30 PM half past noon; an ISO End Date is read as it is
    ended = [csv_read_as(connection, f"11416483437{n}")["ended_at_local"] for n in (3, 4, 5, 6)]
    assert ended == ["2026-04-02 10:02:15", "2026-04-02 00:05:00", "2026-04-02 12:30:00", "2026-04-02 18:45:00"]
    third, fourth = csv_read_as(connection, "114164834375"), csv_read_as(connection, "114164834376")
    assert (third["nps_score"], third.get("csat_score"), fourth.get("nps_score"), fourth.get("csat_score")) == (
        10, None, None, None,
    )  # fmt: skip
    # the email is hashed where it enters; the matrix is kept under its `heading | row` columns
    payload = json.loads(
        connection.execute(
            f"select payload from {RAW_SCHEMA}.surveymonkey_responses where payload->>'Respondent ID' = '114164834373'"
        ).fetchall()[0][0]
    )
    assert "Email Address" not in payload and len(payload["Email Address_hash"]) == 64
    assert (payload[f"{MATRIX} | Speed"], payload[f"{MATRIX} | Knowledge"], payload[NPS]) == ("Good", "Fair", "9")


def test_answers_that_are_no_score_are_quarantined(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + CSV_ROW)
    path = write(
        landing / "surveys" / "surveymonkey",
        "export.csv",
        export_csv([
            sm_response("1", "04/02/2026 10:00:00 AM", ["", "", "", "Extremely likely", "", "", ""]),
            sm_response("2", "04/02/2026 10:00:00 AM", ["", "", "", "11", "", "", ""]),
            sm_response("3", "04/02/2026 10:00:00 AM", ["", "", "", "7", "Meh", "", ""]),
            sm_response("4", "04/02/2026 10:00:00 AM", ["", "", "", "7", "somewhat dissatisfied", "", ""]),
            sm_response("5", "4/31/2026 10:00:00 AM", ["", "", "", "7", "", "", ""]),
        ]),
    )  # fmt: skip
    ingest(connection, REFERENCE, landing / "reference")
    ingest(connection, SURVEYS, landing / "surveys")
    assert_file(
        connection, SURVEYS, path, fmt="surveymonkey_csv", table="surveymonkey_responses",
        key="payload->>'Respondent ID'", staged=[(4, "4")],
        quarantined=[
            (1, "nps_question answer is not a score on 0-10"),
            (2, "nps_question out of range [0, 10]"),
            (3, "csat_question answer is not a score on the CSAT scale (1 to csat_scale_max)"),
            (5, "unparseable End Date (not MM/DD/YYYY hh:mm:ss AM/PM, nor YYYY-MM-DD HH:MM:SS)"),
        ],
    )  # fmt: skip
    assert csv_read_as(connection, "4")["csat_score"] == 2  # survey_csat_labels: Somewhat dissatisfied 2


def test_an_unmapped_export_is_rejected_whole_until_a_row_maps_it(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    mapping = write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + f"qualtrics,,*.csv,{NPS},,,,,\n")
    path = write(
        landing / "surveys" / "surveymonkey",
        "export.csv",
        export_csv([sm_response("1", "04/02/2026 10:00:00 AM", ["", "", "", "8", "Satisfied", "", ""])]),
    )
    ingest(connection, REFERENCE, landing / "reference")
    summary = ingest(connection, SURVEYS, landing / "surveys")
    error = summary.ingested[0].file_error or ""
    # a Qualtrics row never maps a SurveyMonkey export, whatever its pattern
    assert error.startswith("SurveyMonkey export not mapped") and "'surveymonkey/export.csv'" in error
    assert "add a row with source=surveymonkey to reference/surveys.csv" in error
    # a row naming a heading the export lacks is no better
    mapping.write_text(SURVEYS_CSV_HEADER + "surveymonkey,,surveymonkey/*.csv,How likely are you to return?,,,,,\n")
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert [result.reprocessed for result in summary.ingested] == [True]
    assert "nps_question 'How likely are you to return?'" in (summary.ingested[0].file_error or "")
    mapping.write_text(SURVEYS_CSV_HEADER + CSV_ROW)
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert [result.reprocessed for result in summary.ingested] == [True]
    assert_file(
        connection, SURVEYS, path, fmt="surveymonkey_csv", table="surveymonkey_responses",
        key="payload->>'Respondent ID'", staged=[(1, "1")],
    )  # fmt: skip
    assert (csv_read_as(connection, "1")["nps_score"], csv_read_as(connection, "1")["csat_score"]) == (8, 4)
    # unchanged mapping: nothing is read again
    assert ingest(connection, SURVEYS, landing / "surveys").ingested == []


def test_the_csv_inside_the_downloaded_zip_is_read_with_a_name_pattern(connection, tmp_path: Path) -> None:
    """The web export downloads a zip holding CSV/<survey title>.csv; a pattern without `/` matches its name."""
    landing = tmp_path / "landing"
    row = f'surveymonkey,,Acme Support*.csv,{NPS},"{CSAT}",5,,,\n'
    write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + row)
    archive = landing / "surveys" / "Data_All_260402.zip"
    archive.parent.mkdir(parents=True)
    content = export_csv([sm_response("7", "04/02/2026 03:04:05 PM", ["", "", "", "0", "Neutral", "", ""])])
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("CSV/Acme Support follow-up.csv", content)
    ingest(connection, REFERENCE, landing / "reference")
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert [(result.format, result.staged, result.compression) for result in summary.ingested] == [
        ("surveymonkey_csv", 1, "zip")
    ]
    seventh = csv_read_as(connection, "7")
    assert (seventh["nps_score"], seventh["csat_score"], seventh["ended_at_local"]) == (0, 3, "2026-04-02 15:04:05")


# ---- API v3


def test_bulk_responses_scored_by_choice_weights_with_is_na_no_answer(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + API_ROW)
    write(landing / "surveys" / "api", "survey_details.json", json.dumps(details(), indent=2))
    page = write(
        landing / "surveys" / "api",
        "responses_page_1.json",
        bulk_page([
            api_response("118000000001", nps=10, csat="4001", ticket="101", comment="Solved at once"),
            api_response("118000000002", nps=8, csat="4005"),
            api_response("118000000003", nps=0, csat="4006"),
            api_response("118000000004", nps=2, status="partial"),
            api_response("118000000005", other="It depends on the agent"),
        ]),
    )  # fmt: skip
    ingest(connection, REFERENCE, landing / "reference")
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert {Path(result.path).name: result.format for result in summary.ingested} == {
        "survey_details.json": "surveymonkey_survey_details",
        "responses_page_1.json": "surveymonkey_api_responses",
    }
    assert_file(
        connection, SURVEYS, page, fmt="surveymonkey_api_responses", table="surveymonkey_api_responses",
        key="payload->>'id'",
        staged=[(1, "118000000001"), (2, "118000000002"), (3, "118000000003"), (4, "118000000004"),
                (5, "118000000005")],
    )  # fmt: skip
    scores = {
        response_id: (found.get("nps_score"), found.get("csat_score"), found["csat_given"])
        for response_id in ("118000000001", "118000000002", "118000000003", "118000000004", "118000000005")
        if (found := api_read_as(connection, response_id))
    }
    # "1 - Excellent" weighs 5 and "5 - Poor" 1: the weights decide, not the texts; N/A is no answer, nor is the
    # text written in the Other box.
    assert scores == {
        "118000000001": (10, 5, True),
        "118000000002": (8, 1, True),
        "118000000003": (0, None, False),
        "118000000004": (2, None, False),
        "118000000005": (None, None, False),
    }
    first = api_read_as(connection, "118000000001")
    assert (first["ticket_id"], first["comment"], first["details"]) == ("101", "Solved at once", "landed")
    assert connection.execute(f"select payload->>'title' from {RAW_SCHEMA}.surveymonkey_surveys").fetchall() == [
        ("Acme Support follow-up",)
    ]


def test_responses_before_their_details_are_quarantined_and_read_again_when_they_land(
    connection, tmp_path: Path
) -> None:
    """JSON Lines of responses (one a line), landed before the survey's details; the NPS question is mapped by its
    id here, the CSAT by its heading."""
    landing = tmp_path / "landing"
    row = f'surveymonkey,{SURVEY_ID},,1002,"{CSAT}",5,,,\n'
    write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + row)
    lines = write(
        landing / "surveys",
        "responses.jsonl",
        "".join(
            json.dumps(response) + "\n"
            for response in (api_response("118000000011", nps=9, csat="4002"), api_response("118000000012", nps=6))
        ),
    )
    ingest(connection, REFERENCE, landing / "reference")
    ingest(connection, SURVEYS, landing / "surveys")
    reason = (
        "survey details not landed: land GET /v3/surveys/{id}/details in surveys/ (the responses are read again "
        "when they arrive)"
    )
    assert_file(
        connection, SURVEYS, lines, fmt="surveymonkey_api_responses_jsonl", quarantined=[(1, reason), (2, reason)]
    )
    write(landing / "surveys", "details_412345678.json", json.dumps(details()))
    summary = ingest(connection, SURVEYS, landing / "surveys")
    assert sorted((Path(result.path).name, result.reprocessed) for result in summary.ingested) == [
        ("details_412345678.json", False),
        ("responses.jsonl", True),
    ]
    assert_file(
        connection, SURVEYS, lines, fmt="surveymonkey_api_responses_jsonl", table="surveymonkey_api_responses",
        key="payload->>'id'", staged=[(1, "118000000011"), (2, "118000000012")],
    )  # fmt: skip
    assert (
        api_read_as(connection, "118000000011")["nps_score"],
        api_read_as(connection, "118000000011")["csat_score"],
    ) == (9, 4)
    assert api_read_as(connection, "118000000012")["nps_score"] == 6
    # the same files again: nothing read twice
    assert ingest(connection, SURVEYS, landing / "surveys").ingested == []


def test_an_api_survey_without_a_mapping_is_rejected_whole(connection, tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    write(landing / "surveys", "details.json", json.dumps(details("499999999")))
    write(landing / "surveys", "page.json", bulk_page([api_response("1", nps=9, survey_id="499999999")], "499999999"))
    summary = ingest(connection, SURVEYS, landing / "surveys")
    errors = {Path(result.path).name: result.file_error or "" for result in summary.ingested}
    assert errors["details.json"] == ""
    assert (
        errors["page.json"].startswith("SurveyMonkey export not mapped")
        and "survey_id=499999999 " in errors["page.json"]
    )


# ---- end to end: one run over the small landing plus SurveyMonkey files in April 2026
#
# CSV export (surveymonkey/, read with CSV_ROW, End Date in the default surveymonkey_timezone UTC), 4 responses:
#   S1 NPS 10 CSAT Very satisfied (5) ticket 101; S2 NPS 9 Satisfied (4); S3 NPS 6 Dissatisfied (2); S4 NPS 3, no CSAT
# API page (api/, survey 412345678, read with API_ROW and its details):
#   A1 NPS 10 CSAT 4001 (weight 5); A2 NPS 8 CSAT 4002 (weight 4); A3 NPS 0 CSAT N/A; A4 partial (not counted);
#   A5 NPS 9 CSAT 4005 (weight 1, its text says 5)
# API JSON Lines: A2 again (one response, counted once).
# Counted: S1-S4, A1, A2, A3, A5 = 8 responses. NPS: promoters S1, S2, A1, A5 = 4; detractors S3, S4, A3 = 3 (A2 8
# is passive): 100 x (4 - 3) / 8 = 12.5. CSAT: scored S1 5, S2 4, S3 2, A1 5, A2 4, A5 1 = 6; top two (4-5): S1, S2,
# A1, A2 = 4: 4 / 6 = 0.666666667.


def land_surveymonkey(landing: Path) -> None:
    write(landing / "reference", "surveys.csv", SURVEYS_CSV_HEADER + CSV_ROW + API_ROW)
    write(
        landing / "surveys" / "surveymonkey",
        "Acme Support follow-up.csv",
        export_csv([
            sm_response("114164834381", "04/06/2026 10:02:15 AM", ["", "", "", "10", "Very satisfied", "", ""],
                        **{"Custom Data 1": "101"}),
            sm_response("114164834382", "04/07/2026 01:30:00 PM", ["Good", "", "", "9", "Satisfied", "", ""]),
            sm_response("114164834383", "04/08/2026 12:10:00 AM", ["", "", "", "6", "Dissatisfied", "", "slow"]),
            sm_response("114164834384", "04/09/2026 11:59:00 PM", ["", "", "", "3", "", "", ""]),
        ]),
    )  # fmt: skip
    write(landing / "surveys" / "api", "details.json", json.dumps(details(), indent=2))
    write(
        landing / "surveys" / "api",
        "responses_bulk_1.json",
        bulk_page([
            api_response("118000000021", nps=10, csat="4001", modified="2026-04-10T09:00:00+02:00"),
            api_response("118000000022", nps=8, csat="4002", modified="2026-04-13T16:20:00-04:00"),
            api_response("118000000023", nps=0, csat="4006", modified="2026-04-14T08:00:00+00:00"),
            api_response("118000000024", nps=2, csat="4005", status="partial", modified="2026-04-14T09:00:00+00:00"),
            api_response("118000000025", nps=9, csat="4005", modified="2026-04-15T11:00:00+00:00"),
        ]),
    )  # fmt: skip
    again = api_response("118000000022", nps=8, csat="4002", modified="2026-04-13T16:20:00-04:00")
    write(landing / "surveys" / "api", "responses.jsonl", json.dumps(again) + "\n")


@pytest.fixture(scope="module")
def surveymonkey_home(slot_parse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("surveymonkey_source") / "landing"
    shutil.copytree(SMALL_LANDING, source)
    land_surveymonkey(source)
    home, _ = published_run(slot_parse, tmp_path_factory.mktemp("surveymonkey_run"), source)
    return home


@pytest.fixture(scope="module")
def published(surveymonkey_home: Path) -> Iterator[Query]:
    connection = duckdb.connect(str(surveymonkey_home / "published" / "warehouse.duckdb"), read_only=True)
    yield lambda sql: connection.execute(sql).fetchall()
    connection.close()


def kpi(query: Query, metric: str) -> tuple:
    rows = query(
        f"""select value, numerator, denominator from marts.kpi_metrics where metric = '{metric}'
        and period_grain = 'month' and period_start = '2026-04-01' and scope_type = 'org' and scope_id = 'all'"""
    )
    assert len(rows) == 1, rows
    return rows[0]


def test_published_april_survey_kpis_count_both_export_ways(published: Query) -> None:
    assert kpi(published, "survey_responses")[0] == 8
    assert kpi(published, "nps") == (12.5, 1, 8)
    assert kpi(published, "csat_rate") == (pytest.approx(0.666666667, abs=1e-9), 4, 6)


def test_published_surveymonkey_responses(published: Query) -> None:
    rows = published(
        """select response_id, responded_at::varchar, nps_score, csat_score, ticket_id from marts.fct_survey_responses
        where survey_source = 'surveymonkey' order by responded_at"""
    )
    assert rows == [
        ("114164834381", "2026-04-06 10:02:15+00", 10, 5, "101"),
        ("114164834382", "2026-04-07 13:30:00+00", 9, 4, None),
        ("114164834383", "2026-04-08 00:10:00+00", 6, 2, None),
        ("114164834384", "2026-04-09 23:59:00+00", 3, None, None),
        ("118000000021", "2026-04-10 07:00:00+00", 10, 5, None),
        ("118000000022", "2026-04-13 20:20:00+00", 8, 4, None),
        ("118000000023", "2026-04-14 08:00:00+00", 0, None, None),
        ("118000000025", "2026-04-15 11:00:00+00", 9, 1, None),
    ]
