"""Contacts waiting to happen: new tickets and calls, handled in time order by the simulation's event loop."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass

from .people import Caller
from .profiles import TeamProfile


@dataclass(frozen=True, slots=True)
class TicketArrival:
    team: TeamProfile
    requester: int | None  # a customer index, or None for a random customer


@dataclass(frozen=True, slots=True)
class CallArrival:
    team: TeamProfile
    queue: str
    caller: Caller | None  # None for a random caller
    stuck: bool = False  # still waiting in the queue when the export was taken


Arrival = TicketArrival | CallArrival


class ArrivalQueue:
    """Arrivals by time; those of the same second in the order they were scheduled. None at or after `end`."""

    def __init__(self, end: int) -> None:
        self._end = end
        self._heap: list[tuple[int, int, Arrival]] = []
        self._sequence = 0

    def push(self, epoch: int, arrival: Arrival) -> None:
        if epoch < self._end:
            heapq.heappush(self._heap, (epoch, self._sequence, arrival))
            self._sequence += 1

    def pop_before(self, limit: int) -> Iterator[tuple[int, Arrival]]:
        """Arrivals before limit, including those pushed while the caller handles earlier ones."""
        heap = self._heap
        while heap and heap[0][0] < limit:
            epoch, _, arrival = heapq.heappop(heap)
            yield epoch, arrival
