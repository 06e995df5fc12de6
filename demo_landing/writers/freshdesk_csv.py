"""Freshdesk UI ticket export (helpdesk/ in the landing): one CSV of every ticket as it stands at the end of the
window, with the English headers of SPEC 4.8b first and a few more columns after them.

Names where the API has codes: Status Open (new and open), Pending, Waiting on Third Party (hold), Resolved
(solved), Closed; Agent and Group by name. Dates `YYYY-MM-DD HH:MM:SS`, in UTC without an offset. Initial
response time = the first public agent reply outside the creating comment, Resolved time = the last change to
solved, Closed time = the last change to closed, Agent interactions = public agent replies. Deleted tickets are
not exported. The export has no history: no reopen, no assignment change.
"""

from __future__ import annotations

import csv
from collections.abc import Collection
from pathlib import Path

from ..people import Agent, Customers
from ..profiles import ADMIN_ID, GROUP_ID_BY_TEAM, TEAMS
from ..ticket import Comment, TicketVersion
from ..times import naive_utc
from ..vendor_ids import freshdesk_user_id
from .freshdesk import FRESHDESK_HOLD_STATUS_NAME, RESOLUTION_DUE, ticket_source
from .history import is_deleted_before, ticket_history

STATUS_NAMES = {
    "new": "Open",
    "open": "Open",
    "pending": "Pending",
    "hold": FRESHDESK_HOLD_STATUS_NAME,
    "solved": "Resolved",
    "closed": "Closed",
}
PRIORITY_NAMES = {"low": "Low", "normal": "Medium", "high": "High", "urgent": "Urgent", None: "Low"}
SOURCE_NAMES = {1: "Email", 2: "Portal", 3: "Phone", 7: "Chat", 9: "Feedback Widget", 10: "Outbound Email"}
EXPORT_COLUMNS = (
    "Ticket ID",
    "Subject",
    "Status",
    "Priority",
    "Source",
    "Type",
    "Agent",
    "Group",
    "Created time",
    "Resolved time",
    "Closed time",
    "Last update time",
    "Initial response time",
    "Agent interactions",
    "Tags",
    "Due by Time",
    "Customer interactions",
    "Contact ID",
)


def _naive(epoch: int | None) -> str:
    return "" if epoch is None else naive_utc(epoch)


class FreshdeskCsvExport:
    """Keeps each ticket's latest version; the export is written once the agents' names are known."""

    def __init__(self, directory: Path, end: int, agent_ids: Collection[int]) -> None:
        self._path = directory / "freshdesk_ticket_export.csv"
        self._end = end
        self._agent_ids = agent_ids
        self._latest: dict[int, TicketVersion] = {}
        self.rows = 0

    def write_version(self, epoch: int, version: TicketVersion) -> None:
        if not is_deleted_before(version[0], self._end):
            self._latest[version[0].ticket_id] = version

    def write_event(self, epoch: int, version: TicketVersion) -> None:
        """The UI export has no history."""

    def close(self) -> None:
        """Written by finish(), with the agents' names."""

    def finish(self, directory: Path, agents: list[Agent], customers: Customers) -> None:
        names = {agent.zendesk_id: agent.name for agent in agents}
        names[ADMIN_ID] = "Support Operations"
        groups = {GROUP_ID_BY_TEAM[team.team_id]: team.name for team in TEAMS}
        with self._path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EXPORT_COLUMNS)
            for ticket_id in sorted(self._latest):
                ticket, audit = self._latest[ticket_id]
                state = audit.state
                history = ticket_history(ticket, audit, self._agent_ids)
                customer_messages = sum(
                    1
                    for later in ticket.audits[1:]
                    if later.epoch <= audit.epoch
                    for child in later.children
                    if isinstance(child, Comment) and child.author_id == ticket.requester_id
                )
                writer.writerow(
                    [
                        ticket.ticket_id,
                        ticket.subject,
                        STATUS_NAMES[state.status],
                        PRIORITY_NAMES[state.priority],
                        SOURCE_NAMES[ticket_source(ticket)],
                        "" if ticket.ticket_type is None else ticket.ticket_type.capitalize(),
                        "" if state.assignee_id is None else names[state.assignee_id],
                        groups[state.group_id],
                        _naive(ticket.created),
                        _naive(history.last_solved),
                        _naive(history.last_closed),
                        _naive(audit.epoch),
                        _naive(history.first_agent_reply),
                        history.agent_replies,
                        ",".join(sorted(ticket.tags)),
                        _naive(ticket.created + RESOLUTION_DUE[state.priority]),
                        customer_messages,
                        freshdesk_user_id(ticket.requester_id),
                    ]
                )
                self.rows += 1

    def counts(self) -> dict[str, int]:
        return {"freshdesk_export_tickets": len(self._latest)}
