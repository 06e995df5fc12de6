"""A helpdesk ticket and its audit trail, built forward in time by the ticket flows.

The model knows nothing of an export format: the helpdesk writers render audits into their records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from .profiles import CUSTOMER_VIA, TeamProfile


class TicketState(NamedTuple):
    """The fields an audit can change, as they stand after it."""

    status: str
    assignee_id: int | None
    group_id: int
    priority: str | None
    satisfaction_score: str
    satisfaction_comment: str | None


@dataclass(frozen=True, slots=True)
class FieldChange:
    kind: str  # "Create" (the value at creation) or "Change"
    field_name: str
    value: Any
    previous: Any


@dataclass(frozen=True, slots=True)
class Comment:
    author_id: int
    public: bool
    body: str


@dataclass(slots=True)
class Audit:
    """One update of the ticket: who made it, through what, what changed, and the state after it."""

    epoch: int
    updater_id: int
    via: str
    children: list[FieldChange | Comment]
    state: TicketState


class Ticket:
    """A ticket's static fields and its audit trail, built forward in time."""

    def __init__(
        self,
        ticket_id: int,
        created: int,
        team: TeamProfile,
        reason: str,
        channel: str,
        priority: str | None,
        ticket_type: str | None,
        subject: str,
        requester: int,
        requester_id: int,
        group_id: int,
    ) -> None:
        self.ticket_id = ticket_id
        self.created = created
        self.team = team
        self.reason = reason
        self.channel = channel
        self.ticket_type = ticket_type
        self.subject = subject
        reference = ticket_id % 9973
        self.description = f"Hello,\n{subject}. Could you please look into it? Reference {reference:04d}."
        self.requester = requester  # index into Customers
        self.requester_id = requester_id
        self.submitter_id = requester_id
        self.tags = [f"reason_{reason}"]
        self.state: dict[str, Any] = {
            "status": "new",
            "assignee_id": None,
            "group_id": group_id,
            "priority": priority,
            "satisfaction_score": "unoffered",
        }
        self.satisfaction_comment: str | None = None
        self.audits: list[Audit] = []

    @property
    def status(self) -> str:
        return self.state["status"]

    @property
    def last_epoch(self) -> int:
        return self.audits[-1].epoch

    @property
    def customer_via(self) -> str:
        """How the customer's own updates reach the helpdesk."""
        return CUSTOMER_VIA[self.channel]

    @property
    def agent_via(self) -> str:
        return "Chat" if self.channel == "chat" else "Web form"

    def _snapshot(self) -> TicketState:
        state = self.state
        return TicketState(
            state["status"],
            state["assignee_id"],
            state["group_id"],
            state["priority"],
            state["satisfaction_score"],
            self.satisfaction_comment,
        )

    def create(self, updater: int, via: str, body: str, status: str = "new", assignee: int | None = None) -> int:
        self.state["status"] = status
        self.state["assignee_id"] = assignee
        children: list[FieldChange | Comment] = [FieldChange("Create", "status", status, None)]
        if self.state["priority"] is not None:
            children.append(FieldChange("Create", "priority", self.state["priority"], None))
        children.append(FieldChange("Create", "group_id", self.state["group_id"], None))
        if assignee is not None:
            children.append(FieldChange("Create", "assignee_id", assignee, None))
        children.append(Comment(updater, True, body))
        self.audits.append(Audit(self.created, updater, via, children, self._snapshot()))
        return self.created

    def update(
        self,
        epoch: float,
        updater: int,
        via: str,
        changes: dict[str, Any] | None = None,
        comment: Comment | None = None,
    ) -> int:
        """Append an audit at epoch (at least a second after the previous one); return its epoch."""
        stamp = max(int(epoch), self.last_epoch + 1)
        children: list[FieldChange | Comment] = []
        for name, value in (changes or {}).items():
            previous = self.state[name]
            if value != previous:
                children.append(FieldChange("Change", name, value, previous))
                self.state[name] = value
        if comment is not None:
            children.append(comment)
        self.audits.append(Audit(stamp, updater, via, children, self._snapshot()))
        return stamp


TicketVersion = tuple[Ticket, Audit]  # the ticket as it stood after this audit
