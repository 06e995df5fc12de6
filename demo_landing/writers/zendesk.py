"""Zendesk exports: incremental ticket and ticket-event pages, users and groups (helpdesk/ in the landing)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from ..people import Agent, Customers
from ..profiles import ADMIN_ID, GROUP_ID_BY_TEAM, TEAMS
from ..ticket import Comment, FieldChange, TicketVersion
from ..times import HOUR, iso_utc, utc_midnight

ZENDESK_API = "https://acme-support.zendesk.com/api/v2"
REASON_FIELD_ID = 360001
FIRST_EVENT_ID = 5100000000001
FIRST_CHILD_EVENT_ID = 6100000000001

TICKET_PAGE_SIZE = 1000
EVENT_PAGE_SIZE = 1000
TICKET_PAGE_OVERLAP = 3
EVENT_PAGE_OVERLAP = 2
JSONL_PAGE_NUMBER = 2  # this completed page is written as JSON Lines instead of a JSON page

ItemT = TypeVar("ItemT")
Record = dict[str, Any]


def dump_json(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


class PagedJsonWriter(Generic[ItemT]):
    """Zendesk incremental export pages of one resource, each repeating the tail of the previous one.

    One page is written as JSON Lines with an extra truncated line, as a cut-off download looks.
    Items are rendered into records as they are written, i.e. in time order.
    """

    def __init__(
        self, directory: Path, resource: str, page_size: int, overlap: int, render: Callable[[ItemT], Record]
    ) -> None:
        self._directory = directory
        self._resource = resource
        self._page_size = page_size
        self._overlap = overlap
        self._render = render
        self._page: list[tuple[int, Record]] = []
        self._fresh = 0
        self._pending: list[tuple[int, Record]] | None = None
        self._completed = 0
        self._jsonl_written = False
        self.json_pages = 0
        self.records = 0
        self.malformed = 0

    def write(self, epoch: int, item: ItemT) -> None:
        self._page.append((epoch, self._render(item)))
        self._fresh += 1
        if len(self._page) >= self._page_size:
            self._complete_page()

    def _complete_page(self) -> None:
        page = self._page
        self._page = page[-self._overlap :] if self._overlap else []
        self._fresh = 0
        self._completed += 1
        if self._completed == JSONL_PAGE_NUMBER:
            self._write_jsonl(page)
            return
        # A page is written once the next one exists: only the very last page says end_of_stream.
        if self._pending is not None:
            self._write_json(self._pending, last=False)
        self._pending = page

    def close(self) -> None:
        if self._fresh:
            if self._pending is not None:
                self._write_json(self._pending, last=False)
            self._pending = self._page
        if self._pending is not None:
            self._write_json(self._pending, last=True)
        elif not self._jsonl_written:
            self._write_json([], last=True)
        if not self._jsonl_written:
            # Too little data for a second page: the JSON Lines file repeats the last records.
            self._write_jsonl(self._page[-5:])

    def _write_json(self, page: list[tuple[int, Record]], last: bool) -> None:
        self.json_pages += 1
        end_time = page[-1][0] if page else 0
        body = {
            self._resource: [record for _, record in page],
            "count": len(page),
            "end_of_stream": last,
            "end_time": end_time,
            "next_page": None if last else self._next_page_url(end_time),
        }
        path = self._directory / f"{self._resource}_{self.json_pages:04d}.json"
        path.write_text(dump_json(body), encoding="utf-8")
        self.records += len(page)

    def _next_page_url(self, end_time: int) -> str:
        return f"{ZENDESK_API}/incremental/{self._resource}.json?start_time={end_time}"

    def _write_jsonl(self, page: list[tuple[int, Record]]) -> None:
        lines = [dump_json(record) for _, record in page]
        if lines:
            broken = lines[len(lines) // 2]
            lines.insert(len(lines) // 2 + 1, broken[: max(1, len(broken) // 2)])
            self.malformed += 1
        path = self._directory / f"{self._resource}_jsonl_0001.jsonl"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        self.records += len(page)
        self._jsonl_written = True


# --------------------------------------------------------------------------------------------
# Tickets and ticket events
# --------------------------------------------------------------------------------------------


def ticket_record(version: TicketVersion) -> Record:
    ticket, audit = version
    status, assignee, group, priority, score, comment = audit.state
    return {
        "id": ticket.ticket_id,
        "url": f"{ZENDESK_API}/tickets/{ticket.ticket_id}.json",
        "external_id": None,
        "created_at": iso_utc(ticket.created),
        "updated_at": iso_utc(audit.epoch),
        "generated_timestamp": audit.epoch,
        "type": ticket.ticket_type,
        "subject": ticket.subject,
        "raw_subject": ticket.subject,
        "description": ticket.description,
        "priority": priority,
        "status": status,
        "requester_id": ticket.requester_id,
        "submitter_id": ticket.submitter_id,
        "assignee_id": assignee,
        "organization_id": None,
        "group_id": group,
        "via": {"channel": ticket.channel},
        "tags": sorted(ticket.tags),
        "custom_fields": [{"id": REASON_FIELD_ID, "value": ticket.reason}],
        "satisfaction_rating": {"score": score, "comment": comment},
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _child_event(child: FieldChange | Comment) -> Record:
    if isinstance(child, Comment):
        return {
            "id": None,
            "event_type": "Comment",
            "public": child.public,
            "author_id": child.author_id,
            "body": child.body,
        }
    return {
        "id": None,
        "event_type": child.kind,
        "field_name": child.field_name,
        "value": _text(child.value),
        "previous_value": _text(child.previous),
    }


def event_record(version: TicketVersion) -> Record:
    ticket, audit = version
    return {
        "id": None,
        "ticket_id": ticket.ticket_id,
        "timestamp": audit.epoch,
        "created_at": iso_utc(audit.epoch),
        "updater_id": audit.updater_id,
        "via": audit.via,
        "event_type": "Audit",
        "child_events": [_child_event(child) for child in audit.children],
    }


class EventIdAllocator:
    """Event ids follow time order, as in Zendesk, so they are handed out when written."""

    def __init__(self) -> None:
        self._event = FIRST_EVENT_ID
        self._child = FIRST_CHILD_EVENT_ID

    def assign(self, record: Record) -> Record:
        record["id"] = self._event
        self._event += 1
        for child in record["child_events"]:
            child["id"] = self._child
            self._child += 1
        return record


def ticket_pages(directory: Path) -> PagedJsonWriter[TicketVersion]:
    return PagedJsonWriter(directory, "tickets", TICKET_PAGE_SIZE, TICKET_PAGE_OVERLAP, ticket_record)


def ticket_event_pages(directory: Path) -> PagedJsonWriter[TicketVersion]:
    ids = EventIdAllocator()

    def render(version: TicketVersion) -> Record:
        return ids.assign(event_record(version))

    return PagedJsonWriter(directory, "ticket_events", EVENT_PAGE_SIZE, EVENT_PAGE_OVERLAP, render)


# --------------------------------------------------------------------------------------------
# Users and groups
# --------------------------------------------------------------------------------------------


def _user(user_id: int, name: str, email: str, phone: str | None, role: str, created_at: str) -> Record:
    return {"id": user_id, "name": name, "email": email, "phone": phone, "role": role, "created_at": created_at}


def write_users(directory: Path, agents: list[Agent], customers: Customers) -> None:
    users = [
        _user(ADMIN_ID, "Support Operations", "support-ops@acme-support.example", None, "admin", "2019-03-01T09:00:00Z")
    ]
    for agent in agents:
        hired_at = iso_utc(utc_midnight(agent.hired) + 9 * HOUR)
        users.append(_user(agent.zendesk_id, agent.name, agent.email, None, "agent", hired_at))
    for index, user_id in enumerate(customers.ids):
        name, email, phone = customers.names[index], customers.emails[index], customers.phones[index]
        users.append(_user(user_id, name, email, phone, "end-user", iso_utc(customers.created[index])))
    (directory / "users.json").write_text(dump_json({"users": users, "count": len(users)}), encoding="utf-8")


def write_groups(directory: Path) -> None:
    groups = [{"id": GROUP_ID_BY_TEAM[team.team_id], "name": team.name} for team in TEAMS]
    (directory / "groups.json").write_text(dump_json({"groups": groups, "count": len(groups)}), encoding="utf-8")


class ZendeskExport:
    """The incremental ticket and ticket-event exports, then users and groups."""

    def __init__(self, directory: Path) -> None:
        self.tickets = ticket_pages(directory)
        self.ticket_events = ticket_event_pages(directory)

    def write_version(self, epoch: int, version: TicketVersion) -> None:
        self.tickets.write(epoch, version)

    def write_event(self, epoch: int, version: TicketVersion) -> None:
        self.ticket_events.write(epoch, version)

    def close(self) -> None:
        self.tickets.close()
        self.ticket_events.close()

    def finish(self, directory: Path, agents: list[Agent], customers: Customers) -> None:
        write_users(directory, agents, customers)
        write_groups(directory)

    @property
    def malformed(self) -> int:
        return self.tickets.malformed + self.ticket_events.malformed

    def counts(self) -> dict[str, int]:
        return {
            "ticket_records": self.tickets.records,
            "ticket_pages": self.tickets.json_pages,
            "ticket_event_records": self.ticket_events.records,
            "ticket_event_pages": self.ticket_events.json_pages,
        }
