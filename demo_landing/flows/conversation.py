"""The standard ticket: routing, the first reply, then rounds of customer answers and agent replies until solved."""

from __future__ import annotations

import random
from typing import Any

from ..business_calendar import BusinessCalendar
from ..people import Agent, Staffing
from ..profiles import (
    ADMIN_ID,
    AUTOMATION_ID,
    FIRST_REPLY_MINUTES,
    GROUP_ID_BY_TEAM,
    PENDING_AUTO_SOLVE,
    REASONS,
    TEAMS,
)
from ..randomness import lognormal, poisson
from ..texts import AGENT_REPLIES, CUSTOMER_REPLIES, FOLLOW_UP_SOLVE, HOLD_NOTES, INTERNAL_NOTES
from ..ticket import Comment, Ticket
from ..times import DAY, HOUR, MINUTE


class StandardConversation:
    """Runs a standard ticket up to its (first) solve and returns the agent who solved it."""

    def __init__(self, rng: random.Random, calendar: BusinessCalendar, staffing: Staffing) -> None:
        self._rng = rng
        self._calendar = calendar
        self._staffing = staffing

    def run(self, ticket: Ticket) -> Agent:
        rng = self._rng
        chat = ticket.channel == "chat"
        ready = self._create_and_route(ticket, chat)
        agent = self._staffing.pick(rng, ticket.team.team_id, ready if chat else self._calendar.next_open(ready))
        reply_at = self._first_reply_at(ticket, chat, ready, agent)
        profile = REASONS[ticket.reason]
        one_touch_chance = 0.8 if chat else profile.one_touch * (0.75 + 0.4 * agent.quality)
        if rng.random() < one_touch_chance:
            ticket.update(
                reply_at,
                agent.zendesk_id,
                ticket.agent_via,
                {"status": "solved", "assignee_id": agent.zendesk_id},
                comment=Comment(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
            )
            return agent
        status = "pending" if rng.random() < 0.85 else "open"
        now = ticket.update(
            reply_at,
            agent.zendesk_id,
            ticket.agent_via,
            {"status": status, "assignee_id": agent.zendesk_id},
            comment=Comment(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
        )
        return self._converse(ticket, agent, now, 1 + poisson(rng, profile.extra_rounds))

    def _create_and_route(self, ticket: Ticket, chat: bool) -> int:
        """Create the ticket (a few land in the wrong team first); return when it is ready to be picked up."""
        rng = self._rng
        team_id = ticket.team.team_id
        misrouted = not chat and rng.random() < 0.04
        if misrouted:
            wrong_team = rng.choice([team for team in TEAMS if team.team_id != team_id])
            ticket.state["group_id"] = GROUP_ID_BY_TEAM[wrong_team.team_id]
        ticket.create(ticket.requester_id, ticket.customer_via, ticket.description)
        ready = ticket.created
        if misrouted:
            triaged = self._calendar.add_business(ready, lognormal(rng, 25 * MINUTE, 0.8))
            ready = ticket.update(
                triaged,
                ADMIN_ID,
                "Web form",
                {"group_id": GROUP_ID_BY_TEAM[team_id]},
                comment=Comment(ADMIN_ID, False, "Wrong queue, moving to the right team."),
            )
        if not chat and rng.random() < 0.006:
            ready += rng.randint(3, 7) * DAY  # forgotten in the unassigned view
        return ready

    def _first_reply_at(self, ticket: Ticket, chat: bool, ready: int, agent: Agent) -> int:
        rng = self._rng
        if chat:
            return ready + int(lognormal(rng, 100, 0.7))
        median = FIRST_REPLY_MINUTES[ticket.state["priority"]] * MINUTE * agent.speed
        reply_at = self._calendar.add_business(ready, lognormal(rng, median, 1.0))
        if rng.random() < 0.25:
            self._triage_before_reply(ticket, ready, reply_at, agent)
        return reply_at

    def _triage_before_reply(self, ticket: Ticket, ready: int, reply_at: int, agent: Agent) -> None:
        """Assigned from the queue before the first reply; sometimes to a colleague who hands it over."""
        rng = self._rng
        first = agent
        if rng.random() < 0.12:
            first = self._staffing.pick(rng, ticket.team.team_id, reply_at, exclude=agent)
        opens = self._calendar.next_open(ready)
        assign_at = opens + max(60, (reply_at - opens) // 3)
        note = Comment(first.zendesk_id, False, rng.choice(INTERNAL_NOTES)) if rng.random() < 0.3 else None
        now = ticket.update(
            assign_at,
            first.zendesk_id,
            "Web form",
            {"assignee_id": first.zendesk_id, "status": "open"},
            comment=note,
        )
        if first is not agent:
            ticket.update(
                now + rng.randint(5 * MINUTE, 40 * MINUTE),
                first.zendesk_id,
                "Web form",
                {"assignee_id": agent.zendesk_id},
                comment=Comment(first.zendesk_id, False, f"Passing this to {agent.name}."),
            )

    def _converse(self, ticket: Ticket, agent: Agent, now: int, rounds: int) -> Agent:
        """Rounds of customer answer and agent reply; the last reply solves."""
        rng = self._rng
        chat = ticket.channel == "chat"
        profile = REASONS[ticket.reason]
        handoff_round = rng.randrange(rounds) if rng.random() < 0.08 else -1
        held = False
        for round_index in range(rounds):
            if ticket.status == "pending":
                if rng.random() < 0.2:
                    return self._solve_silent_customer(ticket, agent, now)
                now = self._customer_answers(ticket, chat, now)
            if round_index == handoff_round:
                agent = self._handoff(ticket, agent, now)
                now = ticket.last_epoch
            if not held and rng.random() < profile.hold:
                held = True
                now = self._hold_for_third_party(ticket, agent, now)
            if rng.random() < 0.12:
                now = self._colleague_note(ticket, now)
            now = self._agent_replies(ticket, chat, agent, now, solves=round_index == rounds - 1)
        return agent

    def _customer_answers(self, ticket: Ticket, chat: bool, now: int) -> int:
        rng = self._rng
        wait = lognormal(rng, 3 * MINUTE if chat else 5 * HOUR, 1.0)
        return ticket.update(
            now + wait,
            ticket.requester_id,
            ticket.customer_via,
            {"status": "open"},
            comment=Comment(ticket.requester_id, True, rng.choice(CUSTOMER_REPLIES)),
        )

    def _hold_for_third_party(self, ticket: Ticket, agent: Agent, now: int) -> int:
        rng = self._rng
        held_at = self._calendar.add_business(now, 20 * MINUTE * agent.speed)
        now = ticket.update(
            held_at,
            agent.zendesk_id,
            "Web form",
            {"status": "hold"},
            comment=Comment(agent.zendesk_id, False, rng.choice(HOLD_NOTES)),
        )
        return ticket.update(
            self._calendar.add_business(now + rng.randint(1, 3) * DAY, 30 * MINUTE),
            agent.zendesk_id,
            "Web form",
            {"status": "open"},
            comment=Comment(agent.zendesk_id, False, "Third party answered, resuming."),
        )

    def _colleague_note(self, ticket: Ticket, now: int) -> int:
        rng = self._rng
        colleague = self._staffing.pick(rng, ticket.team.team_id, now)
        noted_at = self._calendar.add_business(now, 15 * MINUTE)
        return ticket.update(
            noted_at,
            colleague.zendesk_id,
            "Web form",
            comment=Comment(colleague.zendesk_id, False, rng.choice(INTERNAL_NOTES)),
        )

    def _agent_replies(self, ticket: Ticket, chat: bool, agent: Agent, now: int, solves: bool) -> int:
        rng = self._rng
        if chat:
            reply_at = now + int(lognormal(rng, 90, 0.7))
        else:
            work = lognormal(rng, 90 * MINUTE * agent.speed, 1.0)
            if rng.random() < 0.02:
                work += rng.randint(3, 5) * 11 * HOUR  # neglected: several business days
            reply_at = self._calendar.add_business(now, work)
        return ticket.update(
            reply_at,
            agent.zendesk_id,
            ticket.agent_via,
            {"status": "solved" if solves else "pending"},
            comment=Comment(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
        )

    def _solve_silent_customer(self, ticket: Ticket, agent: Agent, now: int) -> Agent:
        """The customer never answers: the agent follows up and solves, or the pending automation does."""
        rng = self._rng
        if rng.random() < 0.5:
            when = self._calendar.add_business(now + 2 * DAY, lognormal(rng, 30 * MINUTE * agent.speed, 0.8))
            ticket.update(
                when,
                agent.zendesk_id,
                "Web form",
                {"status": "solved"},
                comment=Comment(agent.zendesk_id, True, FOLLOW_UP_SOLVE),
            )
        else:
            when = now + PENDING_AUTO_SOLVE + rng.randint(0, HOUR)
            ticket.update(when, AUTOMATION_ID, "Rule", {"status": "solved"})
        return agent

    def _handoff(self, ticket: Ticket, agent: Agent, now: int) -> Agent:
        """Hand the ticket to a colleague, sometimes of another team; return who holds it now."""
        rng = self._rng
        changes: dict[str, Any] = {}
        team_id = ticket.team.team_id
        if rng.random() < 0.35:
            team_id = rng.choice([team.team_id for team in TEAMS if team.team_id != team_id])
            changes["group_id"] = GROUP_ID_BY_TEAM[team_id]
        successor = self._staffing.pick(rng, team_id, now, exclude=agent)
        if successor is agent:
            return agent  # nobody else on shift to hand over to
        changes["assignee_id"] = successor.zendesk_id
        ticket.update(
            self._calendar.add_business(now, 10 * MINUTE),
            agent.zendesk_id,
            "Web form",
            changes,
            comment=Comment(agent.zendesk_id, False, f"Handing over to {successor.name}."),
        )
        return successor
