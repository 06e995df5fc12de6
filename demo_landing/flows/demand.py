"""New contacts of a day: tickets around the clock, calls mostly while the line is open."""

from __future__ import annotations

import random

from ..arrivals import ArrivalQueue, CallArrival, TicketArrival
from ..business_calendar import BusinessCalendar
from ..people import Staffing
from ..profiles import (
    AFTER_HOURS_CALL_WEIGHT,
    CALL_DOW,
    CALL_HOUR,
    CALL_HOUR_SUM,
    TEAMS,
    TICKET_DOW,
    TICKET_HOUR,
    TICKET_HOUR_SUM,
)
from ..randomness import poisson, weighted
from ..times import HOUR


class DailyDemand:
    """Schedules each team's new tickets and calls hour by hour, in proportion to its nominal size."""

    def __init__(
        self, rng: random.Random, calendar: BusinessCalendar, staffing: Staffing, arrivals: ArrivalQueue
    ) -> None:
        self._rng = rng
        self._calendar = calendar
        self._staffing = staffing
        self._arrivals = arrivals

    def schedule_day(self, day_start: int) -> None:
        for hour in range(24):
            self._schedule_hour(day_start + hour * HOUR)

    def _schedule_hour(self, hour_start: int) -> None:
        rng = self._rng
        local = self._calendar.local(hour_start)
        is_open = self._calendar.is_open(hour_start)
        weekday = local.weekday()
        call_weight = CALL_HOUR[local.hour] if is_open else AFTER_HOURS_CALL_WEIGHT
        for team in TEAMS:
            size = self._staffing.nominal[team.team_id]
            ticket_rate = size * team.tickets_per_agent_day * TICKET_DOW[weekday]
            for _ in range(poisson(rng, ticket_rate * TICKET_HOUR[local.hour] / TICKET_HOUR_SUM)):
                self._arrivals.push(hour_start + rng.randrange(HOUR), TicketArrival(team, None))
            call_rate = size * team.calls_per_agent_day * CALL_DOW[weekday]
            for _ in range(poisson(rng, call_rate * call_weight / CALL_HOUR_SUM)):
                queue = weighted(rng, team.queues)
                self._arrivals.push(hour_start + rng.randrange(HOUR), CallArrival(team, queue, None))

    def schedule_calls_in_progress(self, end: int) -> None:
        """A few calls still waiting in a queue when the export is taken at `end`."""
        rng = self._rng
        team = TEAMS[2]
        for _ in range(3):
            epoch = end - rng.randint(30, 240)
            self._arrivals.push(epoch, CallArrival(team, team.queues[0][0], None, stuck=True))
