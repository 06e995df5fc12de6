"""The landing folder being written: its folders and the writers of its streamed files."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .feedback import SurveyResponse
from .people import Agent, Customers
from .sinks import Sinks, TimeOrderedSink
from .ticket import TicketVersion
from .writers.asterisk import QueueLogWriter
from .writers.freshdesk import FreshdeskExport
from .writers.freshdesk_csv import FreshdeskCsvExport
from .writers.intercom import IntercomExport
from .writers.quality_reviews import QualityReviewWriter
from .writers.qualtrics import QualtricsWriter
from .writers.surveymonkey import SurveyMonkeyApiWriter, SurveyMonkeyCsvWriter, write_surveys_reference
from .writers.zendesk import ZendeskExport

LANDING_FOLDERS = ("helpdesk", "telephony", "surveys", "quality", "reference")
HELPDESK_FORMATS = ("zendesk", "freshdesk", "freshdesk-csv", "intercom")
SURVEY_FORMATS = ("qualtrics", "surveymonkey", "surveymonkey-api")


def landing_directories(out_dir: Path) -> dict[str, Path]:
    directories = {name: out_dir / name for name in LANDING_FOLDERS}
    for directory in directories.values():
        directory.mkdir(parents=True, exist_ok=True)
    return directories


class HelpdeskExport(Protocol):
    """One helpdesk's files: ticket versions (one per UTC day with updates) and audits, in time order."""

    def write_version(self, epoch: int, version: TicketVersion) -> None: ...

    def write_event(self, epoch: int, version: TicketVersion) -> None: ...

    def close(self) -> None: ...

    def finish(self, directory: Path, agents: list[Agent], customers: Customers) -> None: ...

    def counts(self) -> dict[str, int]: ...


class SurveyExport(Protocol):
    rows: int
    out_of_range: int
    duplicated: int

    def write(self, epoch: int, response: SurveyResponse) -> None: ...

    def close(self) -> None: ...


def open_helpdesk(name: str, directory: Path, end: int, agent_ids: Collection[int]) -> HelpdeskExport:
    if name == "zendesk":
        return ZendeskExport(directory)
    if name == "freshdesk":
        return FreshdeskExport(directory, end, agent_ids)
    if name == "freshdesk-csv":
        return FreshdeskCsvExport(directory, end, agent_ids)
    if name == "intercom":
        return IntercomExport(directory, end, agent_ids)
    raise ValueError(f"unknown helpdesk format {name!r}: one of {', '.join(HELPDESK_FORMATS)}")


def open_surveys(name: str, directories: dict[str, Path]) -> SurveyExport:
    surveys = directories["surveys"]
    if name == "qualtrics":
        return QualtricsWriter(surveys / "qualtrics_export.csv")
    if name == "surveymonkey":
        writer: SurveyExport = SurveyMonkeyCsvWriter(surveys / "surveymonkey_export.csv")
        write_surveys_reference(directories["reference"] / "surveys.csv", SurveyMonkeyCsvWriter.file_pattern)
        return writer
    if name == "surveymonkey-api":
        write_surveys_reference(directories["reference"] / "surveys.csv", SurveyMonkeyApiWriter.file_pattern)
        return SurveyMonkeyApiWriter(surveys)
    raise ValueError(f"unknown survey format {name!r}: one of {', '.join(SURVEY_FORMATS)}")


@dataclass(frozen=True, slots=True)
class Writers:
    """The streamed landing files (users, groups and reference files are written whole, apart)."""

    helpdesk: HelpdeskExport
    queue_log: QueueLogWriter
    surveys: SurveyExport
    quality_reviews: QualityReviewWriter

    @classmethod
    def open(
        cls,
        directories: dict[str, Path],
        start: int,
        rotate_at: int,
        end: int,
        agent_ids: Collection[int],
        helpdesk: str = "zendesk",
        surveys: str = "qualtrics",
    ) -> Writers:
        return cls(
            helpdesk=open_helpdesk(helpdesk, directories["helpdesk"], end, agent_ids),
            queue_log=QueueLogWriter(directories["telephony"], start, rotate_at),
            surveys=open_surveys(surveys, directories),
            quality_reviews=QualityReviewWriter(directories["quality"] / "qa_reviews.csv"),
        )

    def sinks(self, end: int) -> Sinks:
        return Sinks(
            tickets=TimeOrderedSink(end, self.helpdesk.write_version),
            ticket_events=TimeOrderedSink(end, self.helpdesk.write_event),
            queue_log=TimeOrderedSink(end, self.queue_log.write),
            surveys=TimeOrderedSink(end, self.surveys.write),
            quality_reviews=TimeOrderedSink(end, self.quality_reviews.write),
        )

    def close(self) -> None:
        self.helpdesk.close()
        self.queue_log.close()
        self.surveys.close()
        self.quality_reviews.close()
