"""Time-ordered sinks: where the flows put what they produce, until the day it belongs to is over."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from .feedback import QualityReview, SurveyResponse
from .ticket import TicketVersion

ItemT = TypeVar("ItemT")


class TimeOrderedSink(Generic[ItemT]):
    """Buffers records by timestamp; records before the window end are flushed in time order.

    Records of the same second keep the order they were pushed in.
    """

    def __init__(self, end: int, write: Callable[[int, ItemT], None]) -> None:
        self._heap: list[tuple[int, int, ItemT]] = []
        self._sequence = 0
        self._end = end
        self._write = write

    def push(self, epoch: int, item: ItemT) -> bool:
        if epoch >= self._end:
            return False
        heapq.heappush(self._heap, (epoch, self._sequence, item))
        self._sequence += 1
        return True

    def flush_before(self, epoch: int) -> None:
        heap = self._heap
        while heap and heap[0][0] < epoch:
            stamp, _, item = heapq.heappop(heap)
            self._write(stamp, item)


@dataclass(frozen=True, slots=True)
class Sinks:
    """Where the flows put what they produce."""

    tickets: TimeOrderedSink[TicketVersion]
    ticket_events: TimeOrderedSink[TicketVersion]
    queue_log: TimeOrderedSink[str]
    surveys: TimeOrderedSink[SurveyResponse]
    quality_reviews: TimeOrderedSink[QualityReview]

    def flush_before(self, epoch: int) -> None:
        self.tickets.flush_before(epoch)
        self.ticket_events.flush_before(epoch)
        self.queue_log.flush_before(epoch)
        self.surveys.flush_before(epoch)
        self.quality_reviews.flush_before(epoch)
