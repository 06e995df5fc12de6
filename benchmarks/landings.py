"""The benchmark's landing folders: a base landing, the next night's exports and a late re-export.

`supportkpi generate` is deterministic but not prefix-stable: the (N+1)-day landing is not the N-day landing plus
a day (the population drawn depends on the window length), so diffing two generations would re-export everything.
Instead one landing of N+1 days is generated, and the base landing is that landing cut at the start of its last day:
every record before the cut, exactly as written. The night's exports are then the files of the N+1-day landing that
are new or changed compared to the base (the straddling and later Zendesk pages, the grown queue_log, the
re-exported survey and QA CSVs).
"""

from __future__ import annotations

import csv
import filecmp
import io
import json
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

DAY = 86400
# Zendesk incremental pages: the records' array and the field giving a record's time (epoch seconds).
PAGE_TIME_FIELDS = {"tickets": "generated_timestamp", "ticket_events": "timestamp"}
# CSV exports re-exported whole: (time column, rows before the data: Qualtrics writes three header rows).
CSV_TIME_COLUMNS = {
    "surveys/qualtrics_export.csv": ("RecordedDate", 3),
    "quality/qa_reviews.csv": ("reviewed_at", 1),
}
LATE_TICKETS = 50
LATE_AGE_DAYS = 90


@dataclass(frozen=True)
class GeneratorArgs:
    """The `supportkpi generate` arguments of a tier's base landing (the cache key of its folders)."""

    days: int
    agents: int
    seed: int
    end_date: date

    @property
    def key(self) -> str:
        return f"days{self.days}-agents{self.agents}-seed{self.seed}-end{self.end_date.isoformat()}"

    @property
    def cutoff(self) -> int:
        """The base landing's end (epoch seconds): midnight UTC of end_date."""
        return int(datetime.combine(self.end_date, datetime.min.time(), UTC).timestamp())

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "end_date": self.end_date.isoformat()}


def dump_json(body: Any) -> str:
    """JSON as the generator writes it (compact, UTF-8)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _epoch(text: str) -> int | None:
    """Epoch seconds of an ISO-8601 or Qualtrics `YYYY-MM-DD HH:MM:SS` (UTC) time; None when unreadable."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _record_epoch(record: Any, field: str) -> int | None:
    value = record.get(field) if isinstance(record, dict) else None
    return value if isinstance(value, int) else None


def cut_page(text: str, cutoff: int) -> str | None:
    """A Zendesk page's text with only its records before `cutoff`: unchanged when all are, None when none is."""
    body = json.loads(text)
    resource = next(name for name in PAGE_TIME_FIELDS if name in body)
    records = body[resource]
    kept = [r for r in records if (_record_epoch(r, PAGE_TIME_FIELDS[resource]) or 0) < cutoff]
    if len(kept) == len(records):
        return text
    if not kept:
        return None
    end_time = _record_epoch(kept[-1], PAGE_TIME_FIELDS[resource]) or 0
    return dump_json(
        {resource: kept, "count": len(kept), "end_of_stream": True, "end_time": end_time, "next_page": None}
    )


def cut_json_lines(text: str, cutoff: int) -> str | None:
    """JSON Lines records before `cutoff` (unreadable lines are kept: the truncated line of a cut-off download)."""
    kept = []
    for line in text.splitlines(keepends=True):
        try:
            record = json.loads(line)
        except ValueError:
            kept.append(line)
            continue
        field = "generated_timestamp" if "generated_timestamp" in record else "timestamp"
        if (_record_epoch(record, field) or 0) < cutoff:
            kept.append(line)
    return "".join(kept) or None


def cut_queue_log(text: str, cutoff: int) -> str | None:
    """queue_log lines before `cutoff` (a line whose first field is not epoch seconds is kept)."""
    kept = []
    for line in text.splitlines(keepends=True):
        first = line.split("|", 1)[0].strip()
        if not first.isdigit() or int(first) < cutoff:
            kept.append(line)
    return "".join(kept) or None


def cut_csv(text: str, cutoff: int, column: str, header_rows: int) -> str:
    """A CSV export's header rows and its rows whose `column` time is before `cutoff` (unreadable ones kept)."""
    rows = list(csv.reader(io.StringIO(text)))
    index = rows[0].index(column)
    kept = [row for row in rows[header_rows:] if len(row) <= index or (_epoch(row[index]) or 0) < cutoff]
    if len(kept) == len(rows) - header_rows:
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows[:header_rows] + kept)
    return out.getvalue()


def cut_file(relative: str, text: str, cutoff: int) -> str | None:
    """The content of a landing file as exported at `cutoff` (None: the file did not exist yet)."""
    name = Path(relative).name
    if relative.startswith("helpdesk/") and name.startswith(tuple(PAGE_TIME_FIELDS)):
        return cut_json_lines(text, cutoff) if name.endswith(".jsonl") else cut_page(text, cutoff)
    if relative.startswith("telephony/") and name.startswith("queue_log"):
        return cut_queue_log(text, cutoff)
    if relative in CSV_TIME_COLUMNS:
        column, header_rows = CSV_TIME_COLUMNS[relative]
        return cut_csv(text, cutoff, column, header_rows)
    return text


def landing_files(folder: Path) -> list[str]:
    """The landing's files (the demo marker included), as sorted paths relative to `folder`."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def write_base(next_landing: Path, base: Path, cutoff: int) -> None:
    """The base landing: `next_landing` as it was exported at `cutoff`."""
    for relative in landing_files(next_landing):
        target = base / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        source = next_landing / relative
        text = source.read_text(encoding="utf-8")
        content = cut_file(relative, text, cutoff)
        if content is text:
            shutil.copyfile(source, target)
        elif content is not None:
            target.write_text(content, encoding="utf-8")


def new_or_changed(base: Path, later: Path) -> list[str]:
    """Files of `later` (relative paths) that are absent from `base` or differ from it byte for byte."""
    changed = []
    for relative in landing_files(later):
        old = base / relative
        if not old.is_file() or not filecmp.cmp(old, later / relative, shallow=False):
            changed.append(relative)
    return changed


def copy_files(source: Path, target: Path, relatives: list[str]) -> int:
    """Copy the listed files from `source` into `target`; return the bytes copied."""
    copied = 0
    for relative in relatives:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target / relative)
        copied += (source / relative).stat().st_size
    return copied


def page_records(helpdesk: Path, resource: str, *, skip_late: bool = False) -> list[dict[str, Any]]:
    """The records of every page and JSON Lines file of a Zendesk resource (unreadable lines skipped), without
    the late re-export's page where `skip_late`."""
    records: list[dict[str, Any]] = []
    for path in sorted(helpdesk.glob(f"{resource}_*")):
        if skip_late and path.name.startswith(f"{resource}_late"):
            continue
        if path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
        else:
            records.extend(json.loads(path.read_text(encoding="utf-8"))[resource])
    return records


def pick_late_tickets(tickets: list[dict[str, Any]], since: int, until: int, limit: int) -> list[dict[str, Any]]:
    """The latest versions of up to `limit` tickets (lowest ids first) solved or closed, first solved in
    [since, until)."""
    latest: dict[int, dict[str, Any]] = {}
    solved_at: dict[int, int] = {}
    for ticket in tickets:
        ticket_id, epoch = ticket["id"], ticket["generated_timestamp"]
        known = latest.get(ticket_id)
        if known is None or epoch >= known["generated_timestamp"]:
            latest[ticket_id] = ticket
        if ticket["status"] in ("solved", "closed"):
            solved_at[ticket_id] = min(epoch, solved_at.get(ticket_id, epoch))
    chosen = [
        ticket
        for ticket_id, ticket in latest.items()
        if ticket["status"] in ("solved", "closed") and since <= solved_at[ticket_id] < until
    ]
    return sorted(chosen, key=lambda t: t["id"])[:limit]


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_late_reexport(landing: Path, out: Path, args: GeneratorArgs) -> int:
    """Into `out`/helpdesk: a re-export of ~50 tickets solved ~90 days before the end, each reopened by its
    requester and solved again by its assignee a day after the end (synthetic: Zendesk would not reopen a closed
    ticket, but the point is late records changing old months): one ticket page and one event page, the audits'
    ids after every id exported. Returns how many tickets it holds."""
    helpdesk = landing / "helpdesk"
    tickets = page_records(helpdesk, "tickets", skip_late=True)
    events = page_records(helpdesk, "ticket_events", skip_late=True)
    around = args.cutoff - LATE_AGE_DAYS * DAY
    chosen = pick_late_tickets(tickets, around - 5 * DAY, around + 5 * DAY, LATE_TICKETS)
    event_id = max(e["id"] for e in events) + 1
    child_id = max(c["id"] for e in events for c in e["child_events"]) + 1
    reopened_at = args.cutoff + DAY + 3600
    page_tickets, page_events = [], []
    for offset, ticket in enumerate(chosen):
        reopen, solve = reopened_at + offset * 60, reopened_at + offset * 60 + 1800
        agent = ticket["assignee_id"]
        audits = (
            (reopen, ticket["requester_id"], ticket["status"], "open", ticket["requester_id"], "It happened again."),
            (solve, agent, "open", "solved", agent, "Fixed again, sorry about that."),
        )
        for epoch, updater, previous, status, author, body in audits:
            children = [
                {"id": child_id, "event_type": "Change", "field_name": "status", "value": status,
                 "previous_value": previous},
                {"id": child_id + 1, "event_type": "Comment", "public": True, "author_id": author, "body": body},
            ]  # fmt: skip
            page_events.append(
                {"id": event_id, "ticket_id": ticket["id"], "timestamp": epoch, "created_at": _iso(epoch),
                 "updater_id": updater, "via": "Web form", "event_type": "Audit", "child_events": children}
            )  # fmt: skip
            event_id, child_id = event_id + 1, child_id + 2
        page_tickets.append({**ticket, "status": "solved", "updated_at": _iso(solve), "generated_timestamp": solve})
    target = out / "helpdesk"
    target.mkdir(parents=True, exist_ok=True)
    for resource, records, field in (("tickets", page_tickets, "generated_timestamp"),
                                     ("ticket_events", page_events, "timestamp")):  # fmt: skip
        body = {resource: records, "count": len(records), "end_of_stream": True,
                "end_time": max((r[field] for r in records), default=0), "next_page": None}  # fmt: skip
        (target / f"{resource}_late_reexport.json").write_text(dump_json(body), encoding="utf-8")
    return len(chosen)
