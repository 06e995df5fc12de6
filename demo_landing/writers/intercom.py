"""Intercom REST 2.x pulls (helpdesk/ in the landing): `conversation.list` pages of at most 150 conversations
with their `statistics` and `conversation_rating`, and the `admin.list` of teammates.

A simulated ticket is a conversation with the same id (as text), rendered once per UTC day with updates (its state
that evening, as a daily pull of conversations updated that day sees it). State: new/open -> open, pending/hold
-> snoozed, solved/closed -> closed. Deleted tickets are not exported (Intercom lists no deleted conversation).
Statistics follow the Zendesk trail: first_admin_reply_at = first public agent reply outside the creating audit,
last_close_at = final solve (last change to solved, else closed), count_reopens = changes solved -> not closed,
count_assignments = assignee changes including the first assignment.
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from pathlib import Path

from ..people import Agent, Customers
from ..profiles import ADMIN_ID, GROUP_ID_BY_TEAM, TEAMS
from ..ticket import Ticket, TicketVersion
from ..times import DAY, HOUR, utc_midnight
from ..vendor_ids import intercom_admin_id, intercom_contact_id, intercom_team_id, tag_id
from .history import TicketHistory, is_deleted_before, ticket_history
from .paging import DailyPages, Record, dump_json

INTERCOM_PAGE_SIZE = 150
INTERCOM_STATE = {
    "new": "open",
    "open": "open",
    "pending": "snoozed",
    "hold": "snoozed",
    "solved": "closed",
    "closed": "closed",
}
SNOOZE_FOR = {"pending": 4 * DAY, "hold": 3 * DAY}


def _seconds_between(start: int | None, end: int | None) -> int | None:
    return None if start is None or end is None else end - start


def conversation_rating_value(ticket_id: int, score: str) -> int:
    """good -> 5 or 4, bad -> 1 or 2, chosen from the ticket id (no random draw)."""
    if score == "good":
        return 4 if ticket_id % 3 == 0 else 5
    return 2 if ticket_id % 2 == 0 else 1


def _admin_ref(zendesk_user_id: int | None) -> str | None:
    if zendesk_user_id is None or zendesk_user_id < 0:
        return None
    return str(intercom_admin_id(zendesk_user_id))


def _statistics(history: TicketHistory) -> Record:
    created = history.created
    return {
        "type": "conversation_statistics",
        "time_to_assignment": _seconds_between(created, history.first_assignment),
        "time_to_admin_reply": _seconds_between(created, history.first_agent_reply),
        "time_to_first_close": _seconds_between(created, history.first_close),
        "time_to_last_close": _seconds_between(created, history.final_solve),
        "median_time_to_reply": None,
        "first_contact_reply_at": history.first_customer_reply,
        "first_assignment_at": history.first_assignment,
        "first_admin_reply_at": history.first_agent_reply,
        "first_close_at": history.first_close,
        "last_assignment_at": history.last_assignment,
        "last_assignment_admin_reply_at": history.last_agent_reply,
        "last_contact_reply_at": history.last_customer_reply,
        "last_admin_reply_at": history.last_agent_reply,
        "last_close_at": history.final_solve,
        "last_closed_by_id": _admin_ref(history.last_closed_by) if history.final_solve is not None else None,
        "count_reopens": history.reopens,
        "count_assignments": history.assignments,
        "count_conversation_parts": history.parts,
    }


def _source(ticket: Ticket, contact: Record) -> Record:
    if "proactive" in ticket.tags:
        author = {"type": "admin", "id": str(intercom_admin_id(ticket.submitter_id)), "name": None, "email": None}
        source_type, delivered_as = "email", "admin_initiated"
    else:
        author = {"type": "user", "id": contact["id"], "name": None, "email": None}
        source_type = "email" if ticket.channel == "email" else "conversation"
        delivered_as = "customer_initiated"
    return {
        "type": source_type,
        "id": str(ticket.ticket_id * 10),
        "delivered_as": delivered_as,
        "subject": ticket.subject if source_type == "email" else "",
        "body": f"<p>{ticket.description}</p>",
        "author": author,
        "attachments": [],
        "url": None,
        "redacted": False,
    }


def intercom_conversation(version: TicketVersion, agent_ids: Collection[int]) -> Record:
    ticket, audit = version
    state = audit.state
    history = ticket_history(ticket, audit, agent_ids)
    conversation_state = INTERCOM_STATE[state.status]
    contact = {"type": "contact", "id": intercom_contact_id(ticket.requester_id), "external_id": None}
    updated = audit.epoch
    snoozed_until = updated + SNOOZE_FOR[state.status] if conversation_state == "snoozed" else None
    rating = None
    if state.satisfaction_score in ("good", "bad") and history.rated_at is not None:
        rating = {
            "rating": conversation_rating_value(ticket.ticket_id, state.satisfaction_score),
            "remark": state.satisfaction_comment,
            "created_at": history.rated_at,
            "contact": {"type": "contact", "id": contact["id"], "external_id": None},
            "teammate": None if state.assignee_id is None else {"type": "admin", "id": _admin_ref(state.assignee_id)},
        }
    waiting_since = None
    if conversation_state == "open" and history.last_customer_reply is not None:
        waiting_since = history.last_customer_reply
    elif conversation_state == "open" and history.first_agent_reply is None:
        waiting_since = ticket.created
    return {
        "type": "conversation",
        "id": str(ticket.ticket_id),
        "title": ticket.subject,
        "created_at": ticket.created,
        "updated_at": updated,
        "waiting_since": waiting_since,
        "snoozed_until": snoozed_until,
        "open": conversation_state != "closed",
        "state": conversation_state,
        "read": history.first_agent_reply is not None,
        "priority": "priority" if state.priority in ("high", "urgent") else "not_priority",
        "admin_assignee_id": None if state.assignee_id is None else intercom_admin_id(state.assignee_id),
        "team_assignee_id": str(intercom_team_id(state.group_id)),
        "tags": {
            "type": "tag.list",
            "tags": [{"type": "tag", "id": tag_id(name), "name": name} for name in sorted(ticket.tags)],
        },
        "conversation_rating": rating,
        "source": _source(ticket, contact),
        "contacts": {"type": "contact.list", "contacts": [contact]},
        "teammates": {
            "type": "admin.list",
            "admins": [] if state.assignee_id is None else [{"type": "admin", "id": _admin_ref(state.assignee_id)}],
        },
        "custom_attributes": {"Contact reason": ticket.reason},
        "first_contact_reply": None
        if history.first_customer_reply is None
        else {"created_at": history.first_customer_reply, "type": "conversation", "url": None},
        "sla_applied": None,
        "statistics": _statistics(history),
        "linked_objects": {"type": "list", "data": [], "total_count": 0, "has_more": False},
        "ai_agent_participated": False,
    }


def _cursor(record: Record) -> str:
    token = f"[{record['updated_at'] * 1000},{record['id']}]"
    return base64.b64encode(token.encode()).decode().rstrip("=")


def _conversation_list(page: list[Record], number: int, pages: int, total: int) -> Record:
    paging: Record = {"type": "pages", "page": number, "per_page": INTERCOM_PAGE_SIZE, "total_pages": pages}
    if number < pages:
        paging["next"] = {"page": number + 1, "starting_after": _cursor(page[-1])}
    return {"type": "conversation.list", "conversations": page, "total_count": total, "pages": paging}


class IntercomExport:
    def __init__(self, directory: Path, end: int, agent_ids: Collection[int]) -> None:
        self._end = end
        self._agent_ids = agent_ids
        self._conversations = DailyPages(directory, "intercom_conversations", INTERCOM_PAGE_SIZE, _conversation_list)
        self._ids: set[int] = set()

    def write_version(self, epoch: int, version: TicketVersion) -> None:
        if is_deleted_before(version[0], self._end):
            return
        self._ids.add(version[0].ticket_id)
        self._conversations.add(epoch, intercom_conversation(version, self._agent_ids))

    def write_event(self, epoch: int, version: TicketVersion) -> None:
        """The list carries no conversation parts: the statistics stand for them."""

    def close(self) -> None:
        self._conversations.close()

    def finish(self, directory: Path, agents: list[Agent], customers: Customers) -> None:
        write_admins(directory, agents)

    def counts(self) -> dict[str, int]:
        return {
            "intercom_conversations": len(self._ids),
            "intercom_conversation_records": self._conversations.records,
            "intercom_conversation_pages": self._conversations.pages,
        }


def write_admins(directory: Path, agents: list[Agent]) -> None:
    team_by_id = {team.team_id: team for team in TEAMS}
    admins = [
        {
            "type": "admin",
            "id": str(intercom_admin_id(ADMIN_ID)),
            "name": "Support Operations",
            "email": "support-ops@acme-support.example",
            "job_title": "Operations",
            "away_mode_enabled": False,
            "away_mode_reassign": False,
            "has_inbox_seat": True,
            "team_ids": [],
        }
    ]
    for agent in agents:
        current = agent.memberships[-1].team_id
        admins.append(
            {
                "type": "admin",
                "id": str(intercom_admin_id(agent.zendesk_id)),
                "name": agent.name,
                "email": agent.email,
                "job_title": f"{team_by_id[current].name} agent",
                "away_mode_enabled": False,
                "away_mode_reassign": False,
                "has_inbox_seat": True,
                "team_ids": [intercom_team_id(GROUP_ID_BY_TEAM[current])],
                "created_at": utc_midnight(agent.hired) + 9 * HOUR,
            }
        )
    body = {"type": "admin.list", "admins": admins}
    (directory / "intercom_admins.json").write_text(dump_json(body), encoding="utf-8")
