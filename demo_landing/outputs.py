"""The landing folder being written: its folders and the writers of its streamed files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .sinks import Sinks, TimeOrderedSink
from .ticket import TicketVersion
from .writers.asterisk import QueueLogWriter
from .writers.quality_reviews import QualityReviewWriter
from .writers.qualtrics import QualtricsWriter
from .writers.zendesk import PagedJsonWriter, ticket_event_pages, ticket_pages

LANDING_FOLDERS = ("helpdesk", "telephony", "surveys", "quality", "reference")


def landing_directories(out_dir: Path) -> dict[str, Path]:
    directories = {name: out_dir / name for name in LANDING_FOLDERS}
    for directory in directories.values():
        directory.mkdir(parents=True, exist_ok=True)
    return directories


@dataclass(frozen=True, slots=True)
class Writers:
    """The streamed landing files (users, groups and reference files are written whole, apart)."""

    tickets: PagedJsonWriter[TicketVersion]
    ticket_events: PagedJsonWriter[TicketVersion]
    queue_log: QueueLogWriter
    surveys: QualtricsWriter
    quality_reviews: QualityReviewWriter

    @classmethod
    def open(cls, directories: dict[str, Path], start: int, rotate_at: int) -> Writers:
        return cls(
            tickets=ticket_pages(directories["helpdesk"]),
            ticket_events=ticket_event_pages(directories["helpdesk"]),
            queue_log=QueueLogWriter(directories["telephony"], start, rotate_at),
            surveys=QualtricsWriter(directories["surveys"] / "qualtrics_export.csv"),
            quality_reviews=QualityReviewWriter(directories["quality"] / "qa_reviews.csv"),
        )

    def sinks(self, end: int) -> Sinks:
        return Sinks(
            tickets=TimeOrderedSink(end, self.tickets.write),
            ticket_events=TimeOrderedSink(end, self.ticket_events.write),
            queue_log=TimeOrderedSink(end, self.queue_log.write),
            surveys=TimeOrderedSink(end, self.surveys.write),
            quality_reviews=TimeOrderedSink(end, self.quality_reviews.write),
        )

    def close(self) -> None:
        self.tickets.close()
        self.ticket_events.close()
        self.queue_log.close()
        self.surveys.close()
        self.quality_reviews.close()
