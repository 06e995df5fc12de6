"""SurveyMonkey survey exports (surveys/ in the landing): the CSV export (two header rows) or the API v3 bulk
responses pages with the survey's details, and the survey's row of reference/surveys.csv.

The same simulated responses as the Qualtrics writer: every real response (Qualtrics status 0 or 4) with the same
times, scores, comment and ticket/call links. Survey previews and spam (Qualtrics 1 and 8) are not collected by
a SurveyMonkey collector and are not written; unfinished responses are left out of the CSV (exported with the
"completed responses" filter) and are `partial` in the API. The Qualtrics export's injected defects (an NPS of 11,
a response exported twice) belong to that export and are not repeated here. Respondent ids are numbered in time
order over the real responses, the same in both layouts.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from ..feedback import SurveyResponse
from .paging import dump_json

SURVEY_ID = "412345678"
SURVEY_TITLE = "Acme Support - Customer Feedback"
COLLECTOR_BY_CHANNEL = {"email": "431000001", "sms": "431000002"}
FIRST_RESPONDENT_ID = 114100000001
NPS_HEADING = "How likely is it that you would recommend us to a friend or colleague?"
CSAT_HEADING = "Overall, how satisfied were you with the support you received?"
COMMENT_HEADING = "Is there anything else you would like to tell us?"
CHANNEL_HEADING = "How did you contact us?"
CSAT_LABELS = ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied")
CHANNEL_CHOICES = (("email", "Email"), ("sms", "Phone call"), ("chat", "Chat"))
CUSTOM_VARIABLES = ("ticket_id", "call_id")
CSV_METADATA = (
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
)
API_PAGE_SIZE = 100
API = "https://api.surveymonkey.com/v3"

PAGE_ID = "52000001"
CHANNEL_QUESTION_ID, NPS_QUESTION_ID, CSAT_QUESTION_ID, COMMENT_QUESTION_ID = (
    "610000011",
    "610000012",
    "610000013",
    "610000014",
)
NPS_ROW_ID = "4300000120"
CHANNEL_CHOICE_IDS = {key: f"43000001{position:02d}" for position, (key, _) in enumerate(CHANNEL_CHOICES, 1)}
NPS_CHOICE_IDS = {score: f"43000002{score:02d}" for score in range(11)}
CSAT_CHOICE_IDS = {score: f"43000003{score:02d}" for score in range(1, 6)}

SURVEYS_CSV_COLUMNS = (
    "source",
    "survey_id",
    "file_pattern",
    "nps_question",
    "csat_question",
    "csat_scale_max",
    "comment_question",
    "ticket_id_field",
    "call_id_field",
)


def is_collected(response: SurveyResponse) -> bool:
    """A response a SurveyMonkey collector would have: a real one (Qualtrics 0 IP Address or 4 Imported)."""
    return response.status in ("0", "4")


def us_time(epoch: int) -> str:
    """11/20/2026 09:05:03 AM: the CSV export's dates (here in UTC)."""
    return time.strftime("%m/%d/%Y %I:%M:%S %p", time.gmtime(epoch))


def iso_offset(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))


class RespondentNumbers:
    def __init__(self) -> None:
        self._next = FIRST_RESPONDENT_ID

    def take(self) -> str:
        respondent = self._next
        self._next += 1
        return str(respondent)


def write_surveys_reference(path: Path, file_pattern: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SURVEYS_CSV_COLUMNS)
        writer.writerow(
            ("surveymonkey", SURVEY_ID, file_pattern, NPS_HEADING, CSAT_HEADING, 5, COMMENT_HEADING) + CUSTOM_VARIABLES
        )


class SurveyMonkeyCsvWriter:
    """The "All responses data" CSV export, one heading per question over its first column."""

    file_pattern = "surveymonkey_*.csv"

    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        channel_columns = len(CHANNEL_CHOICES)
        headings = [*CSV_METADATA, *CUSTOM_VARIABLES, CHANNEL_HEADING, *[""] * (channel_columns - 1)]
        headings += [NPS_HEADING, CSAT_HEADING, COMMENT_HEADING]
        subheadings = [""] * (len(CSV_METADATA) + len(CUSTOM_VARIABLES))
        subheadings += [label for _, label in CHANNEL_CHOICES]
        subheadings += ["Response", "Response", "Open-Ended Response"]
        self._csv.writerow(headings)
        self._csv.writerow(subheadings)
        self._numbers = RespondentNumbers()
        self.rows = 0
        self.out_of_range = 0
        self.duplicated = 0

    def write(self, _epoch: int, response: SurveyResponse) -> None:
        if not is_collected(response):
            return
        respondent = self._numbers.take()
        if not response.finished:
            return
        channels = [label if key == response.channel else "" for key, label in CHANNEL_CHOICES]
        csat = CSAT_LABELS[int(response.csat) - 1] if response.csat else ""
        self._csv.writerow(
            [
                respondent,
                COLLECTOR_BY_CHANNEL.get(response.channel, COLLECTOR_BY_CHANNEL["email"]),
                us_time(response.recorded - response.duration),
                us_time(response.recorded),
                response.ip_address,
                response.email,
                "",
                "",
                response.external_reference,
                response.ticket_id,
                response.call_id,
                *channels,
                response.nps,
                csat,
                response.comment,
            ]
        )
        self.rows += 1

    def close(self) -> None:
        self._file.close()


def survey_details() -> dict[str, Any]:
    """`GET /v3/surveys/{id}/details`."""
    href = f"{API}/surveys/{SURVEY_ID}"

    def question(question_id: str, position: int, heading: str, family: str, subtype: str, answers: Any) -> Any:
        body = {
            "id": question_id,
            "position": position,
            "headings": [{"heading": heading}],
            "family": family,
            "subtype": subtype,
            "visible": True,
            "sorting": None,
            "required": None,
            "validation": None,
            "forced_ranking": False,
            "href": f"{href}/pages/{PAGE_ID}/questions/{question_id}",
        }
        if answers is not None:
            body["answers"] = answers
        return body

    def choice(choice_id: str, position: int, text: str, weight: int | None) -> Any:
        body: dict[str, Any] = {"id": choice_id, "position": position, "visible": True, "text": text}
        if weight is not None:
            body["weight"] = weight
        return body

    channel = {
        "choices": [
            choice(CHANNEL_CHOICE_IDS[key], position, label, None)
            for position, (key, label) in enumerate(CHANNEL_CHOICES, 1)
        ]
    }
    nps = {
        "rows": [{"id": NPS_ROW_ID, "position": 1, "visible": True, "text": ""}],
        "choices": [choice(NPS_CHOICE_IDS[score], score + 1, str(score), score) for score in range(11)],
    }
    csat = {"choices": [choice(CSAT_CHOICE_IDS[score], score, CSAT_LABELS[score - 1], score) for score in range(1, 6)]}
    questions = [
        question(CHANNEL_QUESTION_ID, 1, CHANNEL_HEADING, "multiple_choice", "vertical", channel),
        question(NPS_QUESTION_ID, 2, NPS_HEADING, "matrix", "rating", nps),
        question(CSAT_QUESTION_ID, 3, CSAT_HEADING, "single_choice", "vertical", csat),
        question(COMMENT_QUESTION_ID, 4, COMMENT_HEADING, "open_ended", "essay", None),
    ]
    return {
        "id": SURVEY_ID,
        "title": SURVEY_TITLE,
        "nickname": "Support feedback",
        "language": "en",
        "category": "customer_feedback",
        "question_count": len(questions),
        "page_count": 1,
        "custom_variables": {name: name for name in CUSTOM_VARIABLES},
        "date_created": "2024-02-05T10:00:00",
        "date_modified": "2024-02-05T10:30:00",
        "href": href,
        "preview": f"https://www.surveymonkey.com/r/Preview/?sm={SURVEY_ID}",
        "pages": [
            {
                "id": PAGE_ID,
                "position": 1,
                "title": "",
                "description": "",
                "question_count": len(questions),
                "href": f"{href}/pages/{PAGE_ID}",
                "questions": questions,
            }
        ],
    }


def api_response(response: SurveyResponse, respondent: str) -> dict[str, Any]:
    questions: list[dict[str, Any]] = []
    if response.channel in CHANNEL_CHOICE_IDS:
        questions.append({"id": CHANNEL_QUESTION_ID, "answers": [{"choice_id": CHANNEL_CHOICE_IDS[response.channel]}]})
    if response.nps:
        answer = {"choice_id": NPS_CHOICE_IDS[int(response.nps)], "row_id": NPS_ROW_ID}
        questions.append({"id": NPS_QUESTION_ID, "answers": [answer]})
    if response.csat:
        questions.append({"id": CSAT_QUESTION_ID, "answers": [{"choice_id": CSAT_CHOICE_IDS[int(response.csat)]}]})
    if response.comment:
        questions.append({"id": COMMENT_QUESTION_ID, "answers": [{"text": response.comment}]})
    links = (("ticket_id", response.ticket_id), ("call_id", response.call_id))
    custom = {name: value for name, value in links if value}
    collector = COLLECTOR_BY_CHANNEL.get(response.channel, COLLECTOR_BY_CHANNEL["email"])
    return {
        "id": respondent,
        "recipient_id": "",
        "collection_mode": "default",
        "response_status": "completed" if response.finished else "partial",
        "custom_value": response.external_reference,
        "first_name": "",
        "last_name": "",
        "email_address": response.email,
        "ip_address": response.ip_address,
        "logic_path": {},
        "metadata": {},
        "page_path": [],
        "collector_id": collector,
        "survey_id": SURVEY_ID,
        "custom_variables": custom,
        "edit_url": f"https://www.surveymonkey.com/r/?sm={respondent}",
        "analyze_url": f"https://www.surveymonkey.com/analyze/browse/{SURVEY_ID}?respondent_id={respondent}",
        "total_time": response.duration,
        "date_modified": iso_offset(response.recorded),
        "date_created": iso_offset(response.recorded - response.duration),
        "href": f"{API}/surveys/{SURVEY_ID}/responses/{respondent}",
        "pages": [{"id": PAGE_ID, "questions": questions}],
    }


class SurveyMonkeyApiWriter:
    """`GET /v3/surveys/{id}/responses/bulk` pages (100 a page, oldest first) and the survey's details."""

    file_pattern = "surveymonkey_*.json"

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._numbers = RespondentNumbers()
        self._responses: list[dict[str, Any]] = []
        self.rows = 0
        self.out_of_range = 0
        self.duplicated = 0

    def write(self, _epoch: int, response: SurveyResponse) -> None:
        if is_collected(response):
            self._responses.append(api_response(response, self._numbers.take()))

    def close(self) -> None:
        details = self._directory / f"surveymonkey_survey_{SURVEY_ID}_details.json"
        details.write_text(dump_json(survey_details()), encoding="utf-8")
        responses, total = self._responses, len(self._responses)
        pages = max(1, (total + API_PAGE_SIZE - 1) // API_PAGE_SIZE)
        base = f"{API}/surveys/{SURVEY_ID}/responses/bulk"
        for page in range(1, pages + 1):
            links = {"self": f"{base}?page={page}&per_page={API_PAGE_SIZE}"}
            if page < pages:
                links["next"] = f"{base}?page={page + 1}&per_page={API_PAGE_SIZE}"
            if page > 1:
                links["prev"] = f"{base}?page={page - 1}&per_page={API_PAGE_SIZE}"
            links["last"] = f"{base}?page={pages}&per_page={API_PAGE_SIZE}"
            body = {
                "data": responses[(page - 1) * API_PAGE_SIZE : page * API_PAGE_SIZE],
                "per_page": API_PAGE_SIZE,
                "page": page,
                "total": total,
                "links": links,
            }
            path = self._directory / f"surveymonkey_responses_{page:04d}.json"
            path.write_text(dump_json(body), encoding="utf-8")
        self.rows = total
