"""What a ticket's audit trail says up to one of its versions, for the helpdesks whose exports carry derived
timestamps and counters instead of the trail itself (Freshdesk `stats`, Intercom `statistics`).

Read from the same simulated audits the Zendesk writer renders, with the definitions of SPEC section 5: an agent
reply is a public comment by an agent (roster agent or the admin account) outside the creating audit; the final
solve is the last change to solved (closed when never solved); a reopen is a change from solved to anything but
closed; an assignment is any change of the assignee to somebody, the first one included.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..ticket import Audit, Comment, FieldChange, Ticket


@dataclass(slots=True)
class TicketHistory:
    created: int
    updated: int
    status: str
    agent_replies: int = 0
    first_agent_reply: int | None = None
    last_agent_reply: int | None = None
    first_customer_reply: int | None = None  # customer messages after the creating audit
    last_customer_reply: int | None = None
    status_updated: int | None = None
    pending_since: int | None = None  # when the current pending spell started (None unless pending now)
    first_close: int | None = None  # first change to solved or closed
    last_solved: int | None = None
    last_closed: int | None = None
    last_closed_by: int | None = None
    reopens: int = 0
    last_reopen: int | None = None
    assignments: int = 0
    first_assignment: int | None = None
    last_assignment: int | None = None
    rated_at: int | None = None  # when the current good/bad satisfaction score was given
    parts: int = 0  # audits after the creating one

    @property
    def final_solve(self) -> int | None:
        return self.last_solved if self.last_solved is not None else self.last_closed


def audits_until(ticket: Ticket, epoch: int) -> list[Audit]:
    """The audits up to and including the one at `epoch` (audit times strictly increase)."""
    return [audit for audit in ticket.audits if audit.epoch <= epoch]


def is_deleted_before(ticket: Ticket, end: int) -> bool:
    return any(audit.state.status == "deleted" for audit in ticket.audits if audit.epoch < end)


def ticket_history(ticket: Ticket, upto: Audit, agent_ids: Collection[int]) -> TicketHistory:
    """The trail of `ticket` up to the version `upto`; `agent_ids` are the helpdesk user ids of agents."""
    audits = audits_until(ticket, upto.epoch)
    history = TicketHistory(created=ticket.created, updated=upto.epoch, status=upto.state.status)
    history.status_updated = ticket.created
    for index, audit in enumerate(audits):
        creating = index == 0
        if not creating:
            history.parts += 1
        for child in audit.children:
            if isinstance(child, Comment):
                if creating:
                    continue
                if child.public and child.author_id in agent_ids:
                    history.agent_replies += 1
                    if history.first_agent_reply is None:
                        history.first_agent_reply = audit.epoch
                    history.last_agent_reply = audit.epoch
                elif child.author_id == ticket.requester_id:
                    if history.first_customer_reply is None:
                        history.first_customer_reply = audit.epoch
                    history.last_customer_reply = audit.epoch
            else:
                _apply_change(history, audit, child)
    return history


def _apply_change(history: TicketHistory, audit: Audit, change: FieldChange) -> None:
    epoch = audit.epoch
    if change.field_name == "assignee_id" and change.value is not None:
        history.assignments += 1
        if history.first_assignment is None:
            history.first_assignment = epoch
        history.last_assignment = epoch
    elif change.field_name == "satisfaction_score":
        history.rated_at = epoch if change.value in ("good", "bad") else None
    elif change.field_name == "status":
        status, previous = change.value, change.previous
        if change.kind == "Change":
            history.status_updated = epoch
        if status != "pending":
            history.pending_since = None
        elif previous != "pending" or history.pending_since is None:
            history.pending_since = epoch
        if status in ("solved", "closed") and history.first_close is None:
            history.first_close = epoch
        if status == "solved":
            history.last_solved = epoch
            history.last_closed_by = audit.updater_id
        elif status == "closed":
            history.last_closed = epoch
            if history.last_solved is None:
                history.last_closed_by = audit.updater_id
        if previous == "solved" and status != "closed":
            history.reopens += 1
            history.last_reopen = epoch
