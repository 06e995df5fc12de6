"""A new ticket: what it is about, which path it takes, and how it is streamed to the helpdesk exports."""

from __future__ import annotations

import random

from ..business_calendar import BusinessCalendar
from ..people import Agent, Customers, Staffing
from ..profiles import (
    ADMIN_ID,
    AUTOMATION_ID,
    CHANNELS_WHILE_CLOSED,
    CHANNELS_WHILE_OPEN,
    GROUP_ID_BY_TEAM,
    PENDING_AUTO_SOLVE,
    REASONS,
    TICKET_KINDS,
    TICKET_TYPES,
    TeamProfile,
)
from ..randomness import lognormal, weighted
from ..sinks import TimeOrderedSink
from ..texts import AGENT_REPLIES, CUSTOMER_REPLIES, PROACTIVE_MESSAGES
from ..ticket import Comment, Ticket, TicketVersion
from ..times import DAY, HOUR
from .aftercare import TicketAftercare
from .conversation import StandardConversation

FIRST_TICKET_ID = 120001


def ticket_kind(roll: float, is_open: bool) -> str:
    """The path a ticket takes: one of TICKET_KINDS for a small share, else "standard"."""
    threshold = 0.0
    for kind, share in TICKET_KINDS:
        threshold += share
        if roll < threshold:
            # Agents only write proactive tickets during opening hours.
            return "standard" if kind == "proactive" and not is_open else kind
    return "standard"


class TicketRecorder:
    """Streams a finished ticket: an event per audit, and one ticket version per UTC day with updates (its state
    that evening), as an incremental export taken daily sees it. Audits at or after `end` are not exported yet."""

    def __init__(
        self, tickets: TimeOrderedSink[TicketVersion], events: TimeOrderedSink[TicketVersion], end: int
    ) -> None:
        self._tickets = tickets
        self._events = events
        self._end = end
        self.ticket_count = 0
        self.version_count = 0
        self.event_count = 0

    def record(self, ticket: Ticket) -> None:
        last_day, last_audit = -1, None
        for audit in ticket.audits:
            if audit.epoch >= self._end:
                break
            self._events.push(audit.epoch, (ticket, audit))
            self.event_count += 1
            day = audit.epoch // DAY
            if last_audit is not None and day != last_day:
                self._push_version((ticket, last_audit))
            last_day, last_audit = day, audit
        if last_audit is not None:
            self._push_version((ticket, last_audit))
            self.ticket_count += 1

    def _push_version(self, version: TicketVersion) -> None:
        self._tickets.push(version[1].epoch, version)
        self.version_count += 1


class TicketFlows:
    """Draws a new ticket and runs it down its path: deleted, spam, merged, proactive outreach or standard."""

    def __init__(
        self,
        rng: random.Random,
        calendar: BusinessCalendar,
        staffing: Staffing,
        customers: Customers,
        conversation: StandardConversation,
        aftercare: TicketAftercare,
        recorder: TicketRecorder,
    ) -> None:
        self._rng = rng
        self._calendar = calendar
        self._staffing = staffing
        self._customers = customers
        self._conversation = conversation
        self._aftercare = aftercare
        self._recorder = recorder
        self._next_ticket_id = FIRST_TICKET_ID

    def new_ticket(self, epoch: int, team: TeamProfile, requester: int | None) -> None:
        ticket, kind = self._draw_ticket(epoch, team, requester)
        if kind == "deleted":
            self._flow_deleted(ticket)
        elif kind == "spam":
            self._flow_spam(ticket)
        elif kind == "merged":
            self._flow_merged(ticket)
        elif kind == "proactive":
            self._aftercare.finish(ticket, self._flow_proactive(ticket))
        else:
            self._aftercare.finish(ticket, self._conversation.run(ticket))
        self._recorder.record(ticket)

    def _draw_ticket(self, epoch: int, team: TeamProfile, requester: int | None) -> tuple[Ticket, str]:
        rng = self._rng
        reason = weighted(rng, team.reasons)
        profile = REASONS[reason]
        is_open = self._calendar.is_open(epoch)
        channel = weighted(rng, CHANNELS_WHILE_OPEN if is_open else CHANNELS_WHILE_CLOSED)
        bias = profile.urgent_bias
        priority = weighted(
            rng,
            (
                ("low", 18),
                ("normal", 55),
                ("high", 20 * bias),
                ("urgent", 5 * bias),
                (None, 2),
            ),
        )
        if requester is None:
            requester = self._customers.pick(rng)
        kind = ticket_kind(rng.random(), is_open)
        if kind == "proactive":
            channel = "web"
        ticket = Ticket(
            self._next_ticket_id,
            epoch,
            team,
            reason,
            channel,
            priority,
            weighted(rng, TICKET_TYPES),
            rng.choice(profile.subjects),
            requester,
            self._customers.ids[requester],
            GROUP_ID_BY_TEAM[team.team_id],
        )
        self._next_ticket_id += 1
        if channel == "chat":
            ticket.tags.append("chat_widget")
        if requester < len(self._customers.ids) // 100:
            ticket.tags.append("vip")
        return ticket, kind

    def _flow_deleted(self, ticket: Ticket) -> None:
        ticket.create(ticket.requester_id, ticket.customer_via, ticket.description)
        when = self._calendar.add_business(ticket.created, lognormal(self._rng, HOUR, 0.8))
        ticket.update(when, ADMIN_ID, "Web form", {"status": "deleted"})

    def _flow_spam(self, ticket: Ticket) -> None:
        """Auto-replies and spam: solved by the admin, never assigned, never replied to."""
        ticket.create(ticket.requester_id, ticket.customer_via, ticket.description)
        when = self._calendar.add_business(ticket.created, lognormal(self._rng, 2 * HOUR, 0.8))
        ticket.update(
            when,
            ADMIN_ID,
            "Web form",
            {"status": "solved"},
            comment=Comment(ADMIN_ID, False, "Out-of-office auto-reply, closing without response."),
        )
        self._aftercare.finish(ticket, None)

    def _flow_merged(self, ticket: Ticket) -> None:
        """A duplicate merged into an earlier ticket: closed without ever being solved."""
        rng = self._rng
        ticket.create(ticket.requester_id, ticket.customer_via, ticket.description)
        agent = self._staffing.pick(rng, ticket.team.team_id, self._calendar.next_open(ticket.created))
        target = max(FIRST_TICKET_ID, ticket.ticket_id - rng.randint(1, 60))
        ticket.tags.append("closed_by_merge")
        when = self._calendar.add_business(ticket.created, lognormal(rng, 2 * HOUR * agent.speed, 0.8))
        ticket.update(
            when,
            agent.zendesk_id,
            "Web form",
            {"assignee_id": agent.zendesk_id, "status": "closed"},
            comment=Comment(agent.zendesk_id, False, f"Merged into request #{target}."),
        )

    def _flow_proactive(self, ticket: Ticket) -> Agent:
        """Agent-created outreach: the creating comment is the agent's, and is not a reply."""
        rng = self._rng
        agent = self._staffing.pick(rng, ticket.team.team_id, ticket.created)
        ticket.submitter_id = agent.zendesk_id
        ticket.tags.append("proactive")
        ticket.description = rng.choice(PROACTIVE_MESSAGES)
        ticket.create(agent.zendesk_id, "Web form", ticket.description, status="pending", assignee=agent.zendesk_id)
        if rng.random() < 0.6:
            answer = ticket.update(
                ticket.created + lognormal(rng, 6 * HOUR, 1.0),
                ticket.requester_id,
                "Mail",
                {"status": "open"},
                comment=Comment(ticket.requester_id, True, rng.choice(CUSTOMER_REPLIES)),
            )
            ticket.update(
                self._calendar.add_business(answer, lognormal(rng, HOUR * agent.speed, 0.9)),
                agent.zendesk_id,
                "Web form",
                {"status": "solved"},
                comment=Comment(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
            )
        else:
            ticket.update(ticket.created + PENDING_AUTO_SOLVE, AUTOMATION_ID, "Rule", {"status": "solved"})
        return agent
