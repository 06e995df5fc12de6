"""Freshdesk API v2 pulls (helpdesk/ in the landing): tickets with `include=stats`, conversations and
satisfaction ratings, each a JSON array of at most 100 records as the API returns a page, one file a page.

The same simulated tickets as the Zendesk writer (same ids), rendered once per UTC day with updates (the state
that evening, as a daily `GET /api/v2/tickets?updated_since=...&include=stats` sees it). Status codes: new and
open 2, pending 3, hold 6 (the custom status "Waiting on Third Party"), solved 4 (Resolved), closed 5. Deleted
tickets are not exported at all (Freshdesk lists no deleted ticket), nor their conversations.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from ..people import Agent, Customers
from ..ticket import Comment, Ticket, TicketVersion
from ..times import DAY, HOUR, iso_utc
from ..vendor_ids import freshdesk_group_id, freshdesk_user_id
from .history import is_deleted_before, ticket_history
from .paging import DailyPages, Record

FRESHDESK_PAGE_SIZE = 100
FRESHDESK_STATUS = {"new": 2, "open": 2, "pending": 3, "solved": 4, "closed": 5, "hold": 6}
FRESHDESK_HOLD_STATUS_NAME = "Waiting on Third Party"
FRESHDESK_PRIORITY = {"low": 1, "normal": 2, "high": 3, "urgent": 4, None: 1}
# Ticket sources: 1 email, 2 portal, 3 phone, 7 chat, 9 feedback widget, 10 outbound email. Tickets created
# through the API get the API's default source, portal.
FRESHDESK_SOURCE = {"email": 1, "web": 2, "chat": 7, "api": 2}
OUTBOUND_EMAIL_SOURCE = 10
# Conversation sources: 0 reply, 2 note.
CONVERSATION_REPLY, CONVERSATION_NOTE = 0, 2
RATING_GOOD, RATING_BAD = 103, -103
SATISFACTION_SURVEY_ID = 43000012001
FIRST_CONVERSATION_ID = 43210000001
FIRST_RATING_ID = 43090000001
EMAIL_CONFIG_ID = 43000045001
SUPPORT_EMAIL = "support@acme-support.example"
FIRST_RESPONSE_DUE = {"urgent": HOUR, "high": 4 * HOUR, "normal": 8 * HOUR, "low": DAY, None: 8 * HOUR}
RESOLUTION_DUE = {"urgent": 4 * HOUR, "high": DAY, "normal": 3 * DAY, "low": 5 * DAY, None: 3 * DAY}


def _iso(epoch: int | None) -> str | None:
    return None if epoch is None else iso_utc(epoch)


def _html(text: str) -> str:
    paragraphs = (line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for line in text.split("\n"))
    return "".join(f"<div>{line}</div>" for line in paragraphs)


def ticket_source(ticket: Ticket) -> int:
    if "proactive" in ticket.tags:
        return OUTBOUND_EMAIL_SOURCE
    return FRESHDESK_SOURCE[ticket.channel]


def freshdesk_ticket(version: TicketVersion, agent_ids: Collection[int]) -> Record:
    ticket, audit = version
    state = audit.state
    history = ticket_history(ticket, audit, agent_ids)
    responder = None if state.assignee_id is None else freshdesk_user_id(state.assignee_id)
    return {
        "id": ticket.ticket_id,
        "subject": ticket.subject,
        "description": _html(ticket.description),
        "description_text": ticket.description,
        "status": FRESHDESK_STATUS[state.status],
        "priority": FRESHDESK_PRIORITY[state.priority],
        "source": ticket_source(ticket),
        "type": None if ticket.ticket_type is None else ticket.ticket_type.capitalize(),
        "requester_id": freshdesk_user_id(ticket.requester_id),
        "responder_id": responder,
        "group_id": freshdesk_group_id(state.group_id),
        "company_id": None,
        "product_id": None,
        "email_config_id": EMAIL_CONFIG_ID,
        "to_emails": None if ticket.channel != "email" else [SUPPORT_EMAIL],
        "cc_emails": [],
        "fwd_emails": [],
        "reply_cc_emails": [],
        "fr_escalated": False,
        "is_escalated": False,
        "spam": False,
        "fr_due_by": iso_utc(ticket.created + FIRST_RESPONSE_DUE[state.priority]),
        "due_by": iso_utc(ticket.created + RESOLUTION_DUE[state.priority]),
        "created_at": iso_utc(ticket.created),
        "updated_at": iso_utc(audit.epoch),
        "tags": sorted(ticket.tags),
        "custom_fields": {"cf_contact_reason": ticket.reason},
        "stats": {
            "agent_responded_at": _iso(history.last_agent_reply),
            "requester_responded_at": _iso(history.last_customer_reply),
            "first_responded_at": _iso(history.first_agent_reply),
            "status_updated_at": _iso(history.status_updated),
            "reopened_at": _iso(history.last_reopen),
            "resolved_at": _iso(history.last_solved),
            "closed_at": _iso(history.last_closed),
            "pending_since": _iso(history.pending_since),
        },
    }


class FreshdeskExport:
    """Renders the ticket versions and audits of the simulation into Freshdesk API pages."""

    def __init__(self, directory: Path, end: int, agent_ids: Collection[int]) -> None:
        self._end = end
        self._agent_ids = agent_ids
        self._tickets = DailyPages(directory, "freshdesk_tickets", FRESHDESK_PAGE_SIZE, _array)
        self._conversations = DailyPages(directory, "freshdesk_conversations", FRESHDESK_PAGE_SIZE, _array)
        self._ratings = DailyPages(directory, "freshdesk_satisfaction_ratings", FRESHDESK_PAGE_SIZE, _array)
        self._next_conversation = FIRST_CONVERSATION_ID
        self._next_rating = FIRST_RATING_ID
        self._ticket_ids: set[int] = set()

    def write_version(self, epoch: int, version: TicketVersion) -> None:
        if is_deleted_before(version[0], self._end):
            return
        self._ticket_ids.add(version[0].ticket_id)
        self._tickets.add(epoch, freshdesk_ticket(version, self._agent_ids))

    def write_event(self, epoch: int, version: TicketVersion) -> None:
        ticket, audit = version
        if audit is ticket.audits[0] or is_deleted_before(ticket, self._end):
            return  # the creating comment is the ticket's description, not a conversation
        for child in audit.children:
            if isinstance(child, Comment):
                self._conversations.add(epoch, self._conversation(ticket, audit.epoch, child))
            elif child.field_name == "satisfaction_score" and child.value in ("good", "bad"):
                self._ratings.add(epoch, self._rating(ticket, audit.epoch, child.value, audit.state))

    def _conversation(self, ticket: Ticket, epoch: int, comment: Comment) -> Record:
        conversation_id = self._next_conversation
        self._next_conversation += 1
        incoming = comment.author_id == ticket.requester_id
        user_id = freshdesk_user_id(comment.author_id) if comment.author_id > 0 else None
        return {
            "id": conversation_id,
            "body": _html(comment.body),
            "body_text": comment.body,
            "incoming": incoming,
            "private": not comment.public,
            "user_id": user_id,
            "support_email": SUPPORT_EMAIL if comment.public and not incoming else None,
            "source": CONVERSATION_REPLY if comment.public else CONVERSATION_NOTE,
            "ticket_id": ticket.ticket_id,
            "to_emails": [],
            "from_email": None,
            "cc_emails": [],
            "bcc_emails": [],
            "attachments": [],
            "auto_response": False,
            "created_at": iso_utc(epoch),
            "updated_at": iso_utc(epoch),
            "last_edited_at": None,
            "last_edited_user_id": None,
        }

    def _rating(self, ticket: Ticket, epoch: int, score: str, state: Any) -> Record:
        rating_id = self._next_rating
        self._next_rating += 1
        agent = None if state.assignee_id is None else freshdesk_user_id(state.assignee_id)
        return {
            "id": rating_id,
            "survey_id": SATISFACTION_SURVEY_ID,
            "user_id": freshdesk_user_id(ticket.requester_id),
            "agent_id": agent,
            "feedback": state.satisfaction_comment or "",
            "group_id": freshdesk_group_id(state.group_id),
            "ticket_id": ticket.ticket_id,
            "ratings": {"default_question": RATING_GOOD if score == "good" else RATING_BAD},
            "created_at": iso_utc(epoch),
            "updated_at": iso_utc(epoch),
        }

    def close(self) -> None:
        self._tickets.close()
        self._conversations.close()
        self._ratings.close()

    def finish(self, directory: Path, agents: list[Agent], customers: Customers) -> None:
        """Nothing more: agents are matched through the roster's freshdesk_agent_id."""

    def counts(self) -> dict[str, int]:
        return {
            "freshdesk_tickets": len(self._ticket_ids),
            "freshdesk_ticket_records": self._tickets.records,
            "freshdesk_ticket_pages": self._tickets.pages,
            "freshdesk_conversations": self._conversations.records,
            "freshdesk_satisfaction_ratings": self._ratings.records,
        }


def _array(page: list[Record], _number: int, _pages: int, _total: int) -> list[Record]:
    return page
