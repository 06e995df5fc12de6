"""Qualtrics survey export (surveys/ in the landing): CSV with three header rows, one real response twice and
one with an out-of-range NPS, as exports that went through hands look."""

from __future__ import annotations

import csv
from pathlib import Path

from ..feedback import SurveyResponse
from ..times import naive_utc

# (column, question text, import id): the three header rows of a Qualtrics CSV export.
QUALTRICS_COLUMNS = (
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"UTC"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"UTC"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"UTC"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    ("Q_NPS", "How likely are you to recommend Acme to a friend or colleague?", '{"ImportId":"QID1"}'),
    ("Q_CSAT", "Overall, how satisfied are you with the support you received?", '{"ImportId":"QID2"}'),
    ("Q_COMMENT", "Is there anything else you would like to tell us?", '{"ImportId":"QID3_TEXT"}'),
    ("ticket_id", "ticket_id", '{"ImportId":"ticket_id"}'),
    ("call_id", "call_id", '{"ImportId":"call_id"}'),
)
DUPLICATED_SURVEY_ROW = 5  # this real response is exported twice
OUT_OF_RANGE_SURVEY_ROW = 7  # this real response carries NPS 11


def qualtrics_row(response: SurveyResponse) -> list[str]:
    return [
        naive_utc(response.recorded - response.duration),
        naive_utc(response.recorded),
        response.status,
        response.ip_address,
        str(response.progress),
        str(response.duration),
        "True" if response.finished else "False",
        naive_utc(response.recorded),
        response.response_id,
        response.email,
        response.external_reference,
        response.channel,
        response.language,
        response.nps,
        response.csat,
        response.comment,
        response.ticket_id,
        response.call_id,
    ]


class QualtricsWriter:
    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        for row_index in range(3):
            self._csv.writerow([column[row_index] for column in QUALTRICS_COLUMNS])
        self._real_rows = 0
        self._duplicate: SurveyResponse | None = None
        self.rows = 0
        self.out_of_range = 0
        self.duplicated = 0

    def write(self, _epoch: int, response: SurveyResponse) -> None:
        if response.is_real_and_finished:
            self._real_rows += 1
            if self._real_rows == OUT_OF_RANGE_SURVEY_ROW:
                response = response.with_nps("11")
                self.out_of_range += 1
            elif self._real_rows == DUPLICATED_SURVEY_ROW:
                self._duplicate = response
        self._csv.writerow(qualtrics_row(response))
        self.rows += 1

    def close(self) -> None:
        if self._duplicate is not None:
            self._csv.writerow(qualtrics_row(self._duplicate))
            self.rows += 1
            self.duplicated += 1
        self._file.close()
