"""The clock and event loop: walks the window day by day and hands each arrival to its flow.

Every output record is keyed by its timestamp and kept in a time-ordered sink. A record is only ever created at or
after the arrival being processed, so when day D starts everything older than D is final and is streamed to disk:
memory stays bounded by the few days of activity in flight, not by the size of the window.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .arrivals import ArrivalQueue, TicketArrival
from .business_calendar import LOCAL_TIMEZONE, BusinessCalendar
from .flows.aftercare import TicketAftercare
from .flows.calls import AgentSessions, CallFlows, push_malformed_queue_log_lines
from .flows.conversation import StandardConversation
from .flows.demand import DailyDemand
from .flows.reviews import QualityReviewFlow
from .flows.surveys import SurveyFlow
from .flows.tickets import TicketFlows, TicketRecorder
from .outputs import Writers, landing_directories
from .people import Agent, Customers, Staffing, build_agents, build_customers, build_unknown_numbers
from .profiles import ADMIN_ID, TEAMS
from .randomness import RandomStreams
from .sinks import Sinks
from .times import DAY, HOUR, utc_midnight
from .writers.reference import write_reference
from .writers.zendesk import ZendeskExport


@dataclass(frozen=True, slots=True)
class Window:
    """The simulated days [start_day, end_day) in UTC, and the moments in them when the exports change."""

    days: int
    start_day: date
    end_day: date
    start: int
    end: int

    @classmethod
    def ending(cls, end_day: date, days: int) -> Window:
        start_day = end_day - timedelta(days=days)
        return cls(days, start_day, end_day, utc_midnight(start_day), utc_midnight(end_day))

    def day_start(self, day_index: int) -> int:
        return self.start + day_index * DAY

    @property
    def telephony_upgrade_at(self) -> int:
        """Asterisk was upgraded a quarter into the window: older calls use the older field layout."""
        return self.start + (self.days // 4) * DAY

    @property
    def queue_log_rotated_at(self) -> int:
        return self.start + (self.days // 2) * DAY

    @property
    def malformed_lines_at(self) -> int:
        return self.start + int(self.days * 0.4 * DAY)

    @property
    def targets_change_date(self) -> date:
        return self.start_day + timedelta(days=self.days // 2)


@dataclass(frozen=True, slots=True)
class Population:
    agents: list[Agent]
    agent_by_zendesk_id: dict[int, Agent]
    staffing: Staffing
    customers: Customers
    unknown_numbers: list[str]
    reviewers: list[str]

    @classmethod
    def build(cls, rng: random.Random, agent_count: int, window: Window, calendar: BusinessCalendar) -> Population:
        agents = build_agents(rng, agent_count, window.start_day, window.days)
        staffing = Staffing(agents, calendar)
        expected_tickets = (
            sum(staffing.nominal[team.team_id] * team.tickets_per_agent_day for team in TEAMS) * window.days * 0.86
        )
        customers = build_customers(rng, max(200, int(expected_tickets * 0.45)), window.start)
        return cls(
            agents=agents,
            agent_by_zendesk_id={agent.zendesk_id: agent for agent in agents},
            staffing=staffing,
            customers=customers,
            unknown_numbers=build_unknown_numbers(rng, max(50, len(customers.ids) // 4)),
            reviewers=[f"QA-{i + 1:02d}" for i in range(max(2, agent_count // 15))],
        )


@dataclass(frozen=True, slots=True)
class Flows:
    demand: DailyDemand
    tickets: TicketFlows
    ticket_recorder: TicketRecorder
    calls: CallFlows
    agent_sessions: AgentSessions
    surveys: SurveyFlow


class Simulation:
    def __init__(
        self,
        out_dir: Path,
        days: int,
        agent_count: int,
        seed: int,
        end_date: date,
        helpdesk: str = "zendesk",
        surveys: str = "qualtrics",
    ) -> None:
        self._out_dir = out_dir
        self._formats = (helpdesk, surveys)
        self._window = Window.ending(end_date, days)
        self._calendar = BusinessCalendar(LOCAL_TIMEZONE)
        self._rngs = RandomStreams.from_seed(seed)
        self._population = Population.build(self._rngs.people, agent_count, self._window, self._calendar)
        self._arrivals = ArrivalQueue(self._window.end)
        self._malformed_log_lines = 0

    def run(self) -> dict[str, int]:
        window, population = self._window, self._population
        directories = landing_directories(self._out_dir)
        write_reference(directories["reference"], population.agents, window.targets_change_date)
        helpdesk, surveys = self._formats
        agent_ids = {*population.agent_by_zendesk_id, ADMIN_ID}
        writers = Writers.open(
            directories, window.start, window.queue_log_rotated_at, window.end, agent_ids, helpdesk, surveys
        )
        sinks = writers.sinks(window.end)
        flows = self._compose(sinks)
        try:
            for day_index in range(window.days):
                day_start = window.day_start(day_index)
                sinks.flush_before(day_start)
                self._schedule_day(day_start, flows, sinks)
                self._handle_arrivals_before(day_start + DAY, flows)
            sinks.flush_before(window.end)
        finally:
            writers.close()
        writers.helpdesk.finish(directories["helpdesk"], population.agents, population.customers)
        return self._summary(writers, flows)

    def _compose(self, sinks: Sinks) -> Flows:
        rngs, calendar, window = self._rngs, self._calendar, self._window
        population, arrivals = self._population, self._arrivals
        staffing, customers = population.staffing, population.customers
        surveys = SurveyFlow(rngs.feedback, customers, sinks.surveys)
        reviews = QualityReviewFlow(rngs.feedback, calendar, population.reviewers, sinks.quality_reviews)
        aftercare = TicketAftercare(
            rngs.tickets, calendar, population.agent_by_zendesk_id, customers, surveys, reviews, arrivals
        )
        recorder = TicketRecorder(sinks.tickets, sinks.ticket_events, window.end)
        conversation = StandardConversation(rngs.tickets, calendar, staffing)
        upgrade_at = window.telephony_upgrade_at
        return Flows(
            demand=DailyDemand(rngs.arrivals, calendar, staffing, arrivals),
            tickets=TicketFlows(rngs.tickets, calendar, staffing, customers, conversation, aftercare, recorder),
            ticket_recorder=recorder,
            calls=CallFlows(
                rngs.calls,
                calendar,
                staffing,
                customers,
                population.unknown_numbers,
                sinks.queue_log,
                arrivals,
                surveys,
                reviews,
                upgrade_at,
            ),
            agent_sessions=AgentSessions(rngs.arrivals, calendar, population.agents, sinks.queue_log, upgrade_at),
            surveys=surveys,
        )

    def _schedule_day(self, day_start: int, flows: Flows, sinks: Sinks) -> None:
        """What a day brings regardless of earlier contacts. The order matters: it is the order of the draws."""
        flows.demand.schedule_day(day_start)
        flows.agent_sessions.schedule(self._calendar.local_date(day_start + 12 * HOUR))
        flows.surveys.schedule_noise(day_start)
        if day_start + DAY == self._window.end:
            flows.demand.schedule_calls_in_progress(self._window.end)
        if day_start <= self._window.malformed_lines_at < day_start + DAY:
            self._malformed_log_lines = push_malformed_queue_log_lines(sinks.queue_log, self._calendar, day_start)

    def _handle_arrivals_before(self, limit: int, flows: Flows) -> None:
        for epoch, arrival in self._arrivals.pop_before(limit):
            if isinstance(arrival, TicketArrival):
                flows.tickets.new_ticket(epoch, arrival.team, arrival.requester)
            else:
                flows.calls.new_call(epoch, arrival.team, arrival.queue, arrival.caller, arrival.stuck)

    def _summary(self, writers: Writers, flows: Flows) -> dict[str, int]:
        population, recorder = self._population, flows.ticket_recorder
        helpdesk = writers.helpdesk
        malformed = self._malformed_log_lines
        helpdesk_counts = helpdesk.counts()
        if isinstance(helpdesk, ZendeskExport):
            malformed += helpdesk.malformed
            helpdesk_counts = {
                "ticket_records": helpdesk_counts["ticket_records"],
                "ticket_pages": helpdesk_counts["ticket_pages"],
                "ticket_events": recorder.event_count,
                "ticket_event_records": helpdesk_counts["ticket_event_records"],
                "ticket_event_pages": helpdesk_counts["ticket_event_pages"],
            }
        else:
            helpdesk_counts = {"ticket_events": recorder.event_count, **helpdesk_counts}
        return {
            "tickets": recorder.ticket_count,
            "ticket_versions": recorder.version_count,
            **helpdesk_counts,
            "users": 1 + len(population.agents) + len(population.customers.ids),
            "agents": len(population.agents),
            "customers": len(population.customers.ids),
            "groups": len(TEAMS),
            "roster_rows": sum(len(agent.memberships) for agent in population.agents),
            "calls": flows.calls.call_count,
            "queue_log_lines": writers.queue_log.lines,
            "survey_responses": writers.surveys.rows,
            "qa_reviews": writers.quality_reviews.reviews,
            "qa_review_rows": writers.quality_reviews.rows,
            "malformed_records": malformed,
            "out_of_range_records": writers.surveys.out_of_range,
            "duplicated_records_in_file": writers.surveys.duplicated,
        }
