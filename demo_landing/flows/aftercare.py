"""After a ticket's (first) solve: reopen, satisfaction rating, automatic close, and what follows from it."""

from __future__ import annotations

import random

from ..arrivals import ArrivalQueue, CallArrival, TicketArrival
from ..business_calendar import BusinessCalendar
from ..people import Agent, Caller, Customers
from ..profiles import AUTOMATION_ID, SOLVED_TO_CLOSED, TEAMS
from ..randomness import clamp, lognormal
from ..texts import AGENT_REPLIES, REOPEN_MESSAGES, SATISFACTION_COMMENTS
from ..ticket import Comment, Ticket
from ..times import DAY, HOUR, MINUTE
from .reviews import QualityReviewFlow
from .surveys import SurveyFlow


class TicketAftercare:
    def __init__(
        self,
        rng: random.Random,
        calendar: BusinessCalendar,
        agent_by_zendesk_id: dict[int, Agent],
        customers: Customers,
        surveys: SurveyFlow,
        reviews: QualityReviewFlow,
        arrivals: ArrivalQueue,
    ) -> None:
        self._rng = rng
        self._calendar = calendar
        self._agent_by_zendesk_id = agent_by_zendesk_id
        self._customers = customers
        self._surveys = surveys
        self._reviews = reviews
        self._arrivals = arrivals

    def finish(self, ticket: Ticket, agent: Agent | None) -> None:
        """Close a solved ticket; `agent` solved it (None: nobody did, e.g. spam closed by the admin)."""
        reopened = agent is not None and self._maybe_reopen(ticket, agent)
        final_solve = ticket.last_epoch
        if agent is not None:
            self._maybe_rate(ticket, agent, final_solve, reopened)
        close_at = max(final_solve + SOLVED_TO_CLOSED + self._rng.randint(0, 2 * HOUR), ticket.last_epoch + 10 * MINUTE)
        ticket.update(close_at, AUTOMATION_ID, "Rule", {"status": "closed"})
        if agent is not None:
            assignee = self._agent_by_zendesk_id.get(ticket.audits[-1].state.assignee_id or 0, agent)
            self._follow_ups(ticket, assignee, final_solve, reopened)

    def _maybe_reopen(self, ticket: Ticket, agent: Agent) -> bool:
        rng = self._rng
        if rng.random() >= agent.reopen_rate:
            return False
        solved_at = ticket.last_epoch
        reopen_at = solved_at + min(int(lognormal(rng, 18 * HOUR, 1.0)), 3 * DAY)
        now = ticket.update(
            reopen_at,
            ticket.requester_id,
            ticket.customer_via,
            {"status": "open"},
            comment=Comment(ticket.requester_id, True, rng.choice(REOPEN_MESSAGES)),
        )
        ticket.update(
            self._calendar.add_business(now, lognormal(rng, HOUR * agent.speed, 0.9)),
            agent.zendesk_id,
            ticket.agent_via,
            {"status": "solved"},
            comment=Comment(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
        )
        return True

    def _maybe_rate(self, ticket: Ticket, agent: Agent, final_solve: int, reopened: bool) -> None:
        """The helpdesk offers a satisfaction rating a day after the solve; some customers answer it."""
        rng = self._rng
        if rng.random() >= 0.6:
            return
        offered = ticket.update(
            final_solve + DAY + rng.randint(0, HOUR),
            AUTOMATION_ID,
            "Rule",
            {"satisfaction_score": "offered"},
        )
        if rng.random() < 0.3:
            penalty = 0.25 * reopened + 0.1 * (final_solve - ticket.created > 3 * DAY)
            good = rng.random() < clamp(agent.quality + 0.05 - penalty, 0.3, 0.99)
            if rng.random() < 0.4:
                ticket.satisfaction_comment = rng.choice(SATISFACTION_COMMENTS)
            ticket.update(
                offered + lognormal(rng, 4 * HOUR, 1.2),
                ticket.requester_id,
                "Web form",
                {"satisfaction_score": "good" if good else "bad"},
            )

    def _follow_ups(self, ticket: Ticket, agent: Agent, solved_at: int, reopened: bool) -> None:
        """A survey, a quality review, another ticket or a call from the same customer, each for some tickets."""
        rng = self._rng
        resolution_days = (solved_at - ticket.created) / DAY
        if rng.random() < 0.1:
            penalty = 2.0 * reopened + 1.0 * (resolution_days > 3)
            recorded = solved_at + HOUR + int(lognormal(rng, 6 * HOUR, 1.0))
            self._surveys.push_response(
                recorded, agent.quality, penalty, "email", ticket.requester, ticket_id=str(ticket.ticket_id)
            )
        if rng.random() < agent.review_rate:
            self._reviews.push_review(rng, solved_at, agent, "ticket", str(ticket.ticket_id))
        if rng.random() < 0.05:
            team = ticket.team if rng.random() < 0.7 else rng.choice(TEAMS)
            when = solved_at + int(lognormal(rng, 30 * HOUR, 0.9))
            self._arrivals.push(when, TicketArrival(team, ticket.requester))
        digits = self._customers.digits[ticket.requester]
        if digits is not None and rng.random() < 0.025:
            when = self._calendar.next_open(solved_at + int(lognormal(rng, 20 * HOUR, 1.0)))
            team = ticket.team
            self._arrivals.push(when, CallArrival(team, team.queues[0][0], Caller(digits, ticket.requester)))
