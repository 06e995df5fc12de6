"""Calls through the Asterisk queues, agents logging in and out of them, and the queue_log lines both leave."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from ..arrivals import ArrivalQueue, CallArrival, TicketArrival
from ..business_calendar import BusinessCalendar
from ..people import Agent, Caller, Customers, Staffing
from ..profiles import CALL_DOW, CALL_HOUR, CALL_HOUR_OPEN_MEAN, TEAM_BY_ID, TeamProfile
from ..randomness import clamp, lognormal, poisson
from ..sinks import TimeOrderedSink
from ..times import HOUR, MINUTE, naive_utc
from .reviews import QualityReviewFlow
from .surveys import SurveyFlow

QUEUE_TIMEOUT_SECONDS = 300


@dataclass(frozen=True, slots=True)
class QueuedCall:
    entered: int
    call_id: str
    team: TeamProfile
    queue: str
    caller: Caller
    position: int  # in the queue on entering
    old_layout: bool  # before the Asterisk upgrade: fewer fields on some events


class CallFlows:
    """A call enters its queue, then is answered, abandoned, times out or leaves with a key press."""

    def __init__(
        self,
        rng: random.Random,
        calendar: BusinessCalendar,
        staffing: Staffing,
        customers: Customers,
        unknown_numbers: list[str],
        queue_log: TimeOrderedSink[str],
        arrivals: ArrivalQueue,
        surveys: SurveyFlow,
        reviews: QualityReviewFlow,
        upgrade_at: int,
    ) -> None:
        self._rng = rng
        self._calendar = calendar
        self._staffing = staffing
        self._customers = customers
        self._unknown_numbers = unknown_numbers
        self._log = queue_log
        self._arrivals = arrivals
        self._surveys = surveys
        self._reviews = reviews
        self._upgrade_at = upgrade_at
        self._call_sequence = 1  # the suffix of Asterisk unique ids, shared by calls and their bridges
        self.call_count = 0

    def new_call(self, epoch: int, team: TeamProfile, queue: str, caller: Caller | None, stuck: bool) -> None:
        rng = self._rng
        if caller is None:
            caller = self._random_caller()
        call_id = self._next_unique_id(epoch)
        old_layout = epoch < self._upgrade_at
        position = 1 + min(9, poisson(rng, 0.6 if stuck else self._mean_wait(team, epoch) / 25))
        call = QueuedCall(epoch, call_id, team, queue, caller, position, old_layout)
        enter = f"||{caller.number}" if old_layout else f"||{caller.number}|{position}"
        self._log.push(epoch, f"{epoch}|{call_id}|{queue}|NONE|ENTERQUEUE{enter}")
        self.call_count += 1
        if stuck:
            return  # still waiting when the export was taken
        if not self._calendar.is_open(epoch):
            wait = rng.randint(0, 2)
            self._log.push(epoch + wait, f"{epoch + wait}|{call_id}|{queue}|NONE|EXITEMPTY|1|1|{wait}")
            return
        self._wait_in_queue(call)

    def _wait_in_queue(self, call: QueuedCall) -> None:
        rng = self._rng
        needed = rng.expovariate(1.0 / self._mean_wait(call.team, call.entered))
        patience = lognormal(rng, 120, 0.7)
        roll = rng.random()
        if roll < 0.025:
            self._leave(call, "ABANDON", rng.randint(1, 4))
        elif roll < 0.031 and needed > 15:
            self._leave_with_key(call, int(min(needed, rng.uniform(15, 120))))
        elif patience < min(needed, QUEUE_TIMEOUT_SECONDS):
            self._leave(call, "ABANDON", max(1, int(patience)))
        elif needed >= QUEUE_TIMEOUT_SECONDS:
            self._leave(call, "EXITWITHTIMEOUT", QUEUE_TIMEOUT_SECONDS)
        else:
            self._answer(call, int(needed))

    def _next_unique_id(self, epoch: int) -> str:
        unique_id = f"{epoch}.{self._call_sequence}"
        self._call_sequence += 1
        return unique_id

    def _random_caller(self) -> Caller:
        rng = self._rng
        roll = rng.random()
        if roll < 0.72:
            customer = self._customers.pick_with_phone(rng)
            return Caller(self._customers.digits[customer] or "", customer)
        if roll < 0.88:
            return Caller(rng.choice(self._unknown_numbers), None)
        return Caller(rng.choice(("anonymous", "anonymous", "", "unknown")), None)

    def _mean_wait(self, team: TeamProfile, epoch: int) -> float:
        """Mean seconds until an agent is free: longer at peak hours and when part of the team is off."""
        local = self._calendar.local(epoch)
        demand = CALL_DOW[local.weekday()] * CALL_HOUR[local.hour] / CALL_HOUR_OPEN_MEAN
        working = self._staffing.working_count(team.team_id, local.date())
        understaffing = min(2.5, self._staffing.nominal[team.team_id] / max(1, working))
        return 10 * max(demand, 0.2) ** 1.6 * understaffing**1.2

    def _leave(self, call: QueuedCall, event: str, wait: int) -> None:
        """The caller hangs up (ABANDON) or the queue drops the call (EXITWITHTIMEOUT) after `wait` seconds."""
        now_position = max(1, call.position - wait // 40)
        if event == "EXITWITHTIMEOUT" and call.old_layout:
            data = f"{now_position}"
        else:
            data = f"{now_position}|{call.position}|{wait}"
        left = call.entered + wait
        self._log.push(left, f"{left}|{call.call_id}|{call.queue}|NONE|{event}|{data}")
        retry_chance = 0.25 if wait < 5 else (0.45 if event == "ABANDON" else 0.35)
        self._maybe_retry(call, left, retry_chance, 10 * MINUTE)

    def _leave_with_key(self, call: QueuedCall, wait: int) -> None:
        """The caller pressed a key to leave the queue (asking for a call back, say)."""
        left = call.entered + wait
        data = f"1|{max(1, call.position - 1)}|{call.position}|{wait}"
        self._log.push(left, f"{left}|{call.call_id}|{call.queue}|NONE|EXITWITHKEY|{data}")
        self._maybe_retry(call, left, 0.35, 30 * MINUTE)

    def _maybe_retry(self, call: QueuedCall, left: int, chance: float, median_gap: int) -> None:
        rng = self._rng
        if rng.random() < chance:
            when = self._calendar.next_open(left + int(lognormal(rng, median_gap, 1.0)) + 1)
            self._arrivals.push(when, CallArrival(call.team, call.queue, call.caller))

    def _answer(self, call: QueuedCall, needed: int) -> None:
        """An agent picks up after `needed` seconds (sometimes after another agent let it ring), talks, ends."""
        rng = self._rng
        epoch, call_id, queue = call.entered, call.call_id, call.queue
        agent = self._staffing.pick(rng, call.team.team_id, epoch)
        ring = rng.randint(1, 6)
        hold = max(ring, needed)
        connected = epoch + hold
        if hold >= 20 and rng.random() < 0.3:
            missed_by = self._staffing.pick(rng, call.team.team_id, epoch, exclude=agent)
            if missed_by is not agent:
                at = max(epoch + 1, connected - ring - 15)
                self._log.push(at, f"{at}|{call_id}|{queue}|{missed_by.asterisk}|RINGNOANSWER|15000")
        bridged = self._next_unique_id(connected)
        connect = f"{hold}|{bridged}" if call.old_layout else f"{hold}|{bridged}|{ring}"
        self._log.push(connected, f"{connected}|{call_id}|{queue}|{agent.asterisk}|CONNECT|{connect}")
        talk = int(clamp(lognormal(rng, call.team.talk_median_seconds * agent.handle, 0.6), 15, 5400))
        ended = connected + talk
        roll = rng.random()
        if roll < 0.07:
            extension = rng.choice(("2001", "2002", "8000"))
            data = f"TRANSFER|{extension}|from-internal|{hold}|{talk}|{call.position}"
        elif roll < 0.52:
            data = f"COMPLETEAGENT|{hold}|{talk}|{call.position}"
        else:
            data = f"COMPLETECALLER|{hold}|{talk}|{call.position}"
        self._log.push(ended, f"{ended}|{call_id}|{queue}|{agent.asterisk}|{data}")
        self._after_answered(call, agent, ended)

    def _after_answered(self, call: QueuedCall, agent: Agent, ended: int) -> None:
        """A repeat call, a ticket, a survey or a quality review, each after some calls."""
        rng = self._rng
        number, customer = call.caller
        if number.isdigit():
            repeat_chance = 0.05 + 0.3 * (0.95 - agent.quality)
            if rng.random() < repeat_chance:
                when = self._calendar.next_open(ended + int(lognormal(rng, 18 * HOUR, 1.0)))
                self._arrivals.push(when, CallArrival(call.team, call.queue, call.caller))
            if customer is not None:
                if rng.random() < 0.03:
                    when = ended + int(lognormal(rng, 20 * HOUR, 1.0))
                    self._arrivals.push(when, TicketArrival(call.team, customer))
                if rng.random() < 0.08:
                    recorded = ended + int(lognormal(rng, 2 * HOUR, 1.0))
                    self._surveys.push_response(recorded, agent.quality, 0.0, "sms", customer, call_id=call.call_id)
        if rng.random() < agent.review_rate * 0.7:
            self._reviews.push_review(rng, ended, agent, "call", call.call_id)


class AgentSessions:
    """Member and pause events of the agents on shift, kept raw by the ingestion (not needed for KPIs)."""

    def __init__(
        self,
        rng: random.Random,
        calendar: BusinessCalendar,
        agents: list[Agent],
        queue_log: TimeOrderedSink[str],
        upgrade_at: int,
    ) -> None:
        self._rng = rng
        self._calendar = calendar
        self._agents = agents
        self._log = queue_log
        self._upgrade_at = upgrade_at

    def schedule(self, day: date) -> None:
        rng = self._rng
        log = self._log
        opens, closes = self._calendar.window(day)
        old_layout = opens < self._upgrade_at
        for agent in self._agents:
            team_id = agent.team_on(day)
            if team_id is None or not agent.works_on(day):
                continue
            queues = [name for name, _ in TEAM_BY_ID[team_id].queues]
            login = opens + rng.randint(-10 * MINUTE, 20 * MINUTE)
            logout = closes - rng.randint(0, 30 * MINUTE)
            lunch = opens + (closes - opens) // 2 - HOUR + rng.randint(0, 90 * MINUTE)
            back = lunch + rng.randint(40 * MINUTE, 65 * MINUTE)
            who = agent.asterisk
            if old_layout:
                log.push(login, f"{login}|NONE|NONE|{who}|AGENTLOGIN|{who}")
                log.push(logout, f"{logout}|NONE|NONE|{who}|AGENTLOGOFF|{who}|{logout - login}")
            for queue in queues:
                log.push(login, f"{login}|NONE|{queue}|{who}|ADDMEMBER|")
                log.push(lunch, f"{lunch}|NONE|{queue}|{who}|PAUSE|Lunch")
                log.push(back, f"{back}|NONE|{queue}|{who}|UNPAUSE|")
                log.push(logout, f"{logout}|NONE|{queue}|{who}|REMOVEMEMBER|")


def push_malformed_queue_log_lines(queue_log: TimeOrderedSink[str], calendar: BusinessCalendar, day_start: int) -> int:
    """A garbage line, a line with a date for a timestamp and a truncated line, two hours after the opening of
    the day; returns how many."""
    at = calendar.window(calendar.local_date(day_start + 12 * HOUR))[0] + 2 * HOUR
    queue_log.push(at, "garbage line")
    queue_log.push(at + 1, f"{naive_utc(at + 1)}|{at + 1}.99999|support-billing|NONE|ENTERQUEUE||15550100000|1")
    queue_log.push(at + 2, f"{at + 2}|{at + 2}.99998|support-tech")
    return 3
