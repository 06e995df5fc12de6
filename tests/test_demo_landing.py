"""The demo generator writes a deterministic landing folder in the primary formats of SPEC section 4."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from demo_landing import DEFAULT_END_DATE, generate

DAYS = 28
AGENTS = 6


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


WINDOW_START = _midnight(DEFAULT_END_DATE - timedelta(days=DAYS))
WINDOW_END = _midnight(DEFAULT_END_DATE)
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
TICKET_STATUSES = {"new", "open", "pending", "hold", "solved", "closed", "deleted"}
CALL_EVENTS = {
    "ENTERQUEUE",
    "CONNECT",
    "COMPLETEAGENT",
    "COMPLETECALLER",
    "TRANSFER",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITEMPTY",
    "EXITWITHKEY",
    "RINGNOANSWER",
}
MEMBER_EVENTS = {"QUEUESTART", "AGENTLOGIN", "AGENTLOGOFF", "ADDMEMBER", "REMOVEMEMBER", "PAUSE", "UNPAUSE"}
TERMINAL_EVENTS = {
    "COMPLETEAGENT",
    "COMPLETECALLER",
    "TRANSFER",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITEMPTY",
    "EXITWITHKEY",
}


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("landing")


@pytest.fixture(scope="module")
def counts(landing: Path) -> dict[str, int]:
    return generate(landing, days=DAYS, agents=AGENTS, seed=7)


def _tree(root: Path) -> dict[str, bytes]:
    files = sorted(path for path in root.rglob("*") if path.is_file())
    return {str(path.relative_to(root)): path.read_bytes() for path in files}


def _json_pages(landing: Path, stem: str) -> list[dict]:
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((landing / "helpdesk").glob(f"{stem}_[0-9]*.json"))
    ]


def _json_lines(path: Path) -> tuple[list[dict], int]:
    records, malformed = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError:
            malformed += 1
    return records, malformed


def _all_records(landing: Path, stem: str, key: str) -> list[dict]:
    records = [record for page in _json_pages(landing, stem) for record in page[key]]
    records += _json_lines(landing / "helpdesk" / f"{stem}_jsonl_0001.jsonl")[0]
    return records


def _latest_tickets(landing: Path) -> dict[int, dict]:
    latest: dict[int, dict] = {}
    for ticket in _all_records(landing, "tickets", "tickets"):
        current = latest.get(ticket["id"])
        if current is None or ticket["updated_at"] >= current["updated_at"]:
            latest[ticket["id"]] = ticket
    return latest


def _queue_log_lines(landing: Path) -> list[str]:
    telephony = landing / "telephony"
    older, newer = (telephony / "queue_log.1").read_text(), (telephony / "queue_log").read_text()
    return [*older.splitlines(), *newer.splitlines()]


def _well_formed(lines: list[str]) -> list[list[str]]:
    split = (line.split("|") for line in lines)
    return [fields for fields in split if len(fields) >= 5 and fields[0].isdigit()]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _epoch(iso: str) -> int:
    return int(datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def test_same_arguments_give_identical_files_and_another_seed_differs(tmp_path: Path) -> None:
    generate(tmp_path / "a", days=10, agents=4, seed=3)
    generate(tmp_path / "b", days=10, agents=4, seed=3)
    generate(tmp_path / "c", days=10, agents=4, seed=4)
    first, second, other = _tree(tmp_path / "a"), _tree(tmp_path / "b"), _tree(tmp_path / "c")
    assert first == second
    assert first.keys() == other.keys()
    assert first != other


def test_every_landing_file_is_written(landing: Path, counts: dict[str, int]) -> None:
    expected = [
        "helpdesk/tickets_0001.json",
        "helpdesk/tickets_jsonl_0001.jsonl",
        "helpdesk/ticket_events_0001.json",
        "helpdesk/ticket_events_jsonl_0001.jsonl",
        "helpdesk/users.json",
        "helpdesk/groups.json",
        "telephony/queue_log",
        "telephony/queue_log.1",
        "surveys/qualtrics_export.csv",
        "quality/qa_reviews.csv",
        "reference/roster.csv",
        "reference/queues.csv",
        "reference/targets.csv",
    ]
    for name in expected:
        assert (landing / name).is_file(), name
    assert counts["tickets"] > 300
    assert counts["calls"] > 300
    assert counts["malformed_records"] == 5


def test_ticket_pages_follow_the_incremental_export(landing: Path, counts: dict[str, int]) -> None:
    pages = _json_pages(landing, "tickets")
    assert len(pages) >= 2
    for index, page in enumerate(pages):
        assert page["count"] == len(page["tickets"])
        assert page["end_of_stream"] is (index == len(pages) - 1)
        assert (page["next_page"] is None) is page["end_of_stream"]
        stamps = [ticket["updated_at"] for ticket in page["tickets"]]
        assert stamps == sorted(stamps)
        assert page["end_time"] == _epoch(stamps[-1])
    overlapping = [pages[i]["tickets"][-1] in pages[i + 1]["tickets"][:3] for i in range(len(pages) - 1)]
    assert any(overlapping)
    records = _all_records(landing, "tickets", "tickets")
    assert len(records) == counts["ticket_records"]
    for ticket in records:
        assert ISO_Z.match(ticket["created_at"]) and ISO_Z.match(ticket["updated_at"])
        assert ticket["created_at"] <= ticket["updated_at"]
        assert ticket["status"] in TICKET_STATUSES
        assert ticket["via"]["channel"] in {"email", "web", "chat", "api"}
        assert ticket["satisfaction_rating"]["score"] in {"good", "bad", "offered", "unoffered"}
        assert any(tag.startswith("reason_") for tag in ticket["tags"])
        assert ticket["custom_fields"][0]["id"] == 360001
    versions = Counter(ticket["id"] for ticket in records)
    assert max(versions.values()) >= 3  # a ticket appears once per day it was updated


def test_json_lines_files_hold_exactly_one_malformed_line(landing: Path) -> None:
    for stem in ("tickets", "ticket_events"):
        records, malformed = _json_lines(landing / "helpdesk" / f"{stem}_jsonl_0001.jsonl")
        assert malformed == 1
        assert records


def test_ticket_events_reference_tickets_and_agents(landing: Path, counts: dict[str, int]) -> None:
    tickets = _latest_tickets(landing)
    assert len(tickets) == counts["tickets"]
    users = {user["id"]: user for user in json.loads((landing / "helpdesk/users.json").read_text())["users"]}
    events = _all_records(landing, "ticket_events", "ticket_events")
    unique = {event["id"]: event for event in events}
    assert len(unique) == counts["ticket_events"] < len(events)  # some events repeat across pages
    creating = Counter()
    for event in unique.values():
        assert event["ticket_id"] in tickets
        assert event["event_type"] == "Audit"
        assert _epoch(event["created_at"]) == event["timestamp"]
        assert WINDOW_START <= event["timestamp"] < WINDOW_END
        kinds = {child["event_type"] for child in event["child_events"]}
        if "Create" in kinds:
            creating[event["ticket_id"]] += 1
            assert event["timestamp"] == _epoch(tickets[event["ticket_id"]]["created_at"])
        for child in event["child_events"]:
            if child["event_type"] == "Comment":
                assert child["author_id"] in users
            elif child["event_type"] == "Change" and child["field_name"] == "assignee_id":
                assert users[int(child["value"])]["role"] in {"agent", "admin"}
    assert set(creating) == set(tickets) and set(creating.values()) == {1}
    statuses = Counter(ticket["status"] for ticket in tickets.values())
    assert statuses["closed"] and statuses["solved"] and statuses["deleted"]
    assert any(ticket["assignee_id"] is None for ticket in tickets.values())


def test_ticket_lifecycle_has_reopens_holds_and_internal_notes(landing: Path) -> None:
    changes = Counter()
    internal_notes = 0
    for event in _all_records(landing, "ticket_events", "ticket_events"):
        for child in event["child_events"]:
            if child["event_type"] == "Change" and child["field_name"] == "status":
                changes[(child["previous_value"], child["value"])] += 1
            internal_notes += child["event_type"] == "Comment" and not child["public"]
    assert changes[("solved", "open")] > 0
    assert changes[("solved", "closed")] > 0
    assert any(new == "hold" for _, new in changes)
    assert internal_notes > 0


def test_roster_has_a_team_move_and_agents_exist_in_users(landing: Path) -> None:
    roster = _csv_rows(landing / "reference/roster.csv")
    users = {user["id"]: user for user in json.loads((landing / "helpdesk/users.json").read_text())["users"]}
    by_agent: dict[str, list[dict[str, str]]] = {}
    for row in roster:
        by_agent.setdefault(row["agent_id"], []).append(row)
        assert users[int(row["zendesk_user_id"])]["role"] in {"agent", "admin"}
        assert re.fullmatch(r"PJSIP/\d+", row["asterisk_agent"])
        date.fromisoformat(row["valid_from"])
    assert len(by_agent) == AGENTS
    moves = [rows for rows in by_agent.values() if len(rows) == 2]
    assert moves
    old, new = sorted(moves[0], key=lambda row: row["valid_from"])
    assert old["valid_to"] == new["valid_from"] and new["valid_to"] == ""
    assert old["team_id"] != new["team_id"]
    assert {row["team_id"] for row in roster} == {"T-BILLING", "T-TECH", "T-GENERAL"}
    queues = _csv_rows(landing / "reference/queues.csv")
    assert {row["team_id"] for row in queues} == {"T-BILLING", "T-TECH", "T-GENERAL"}
    groups = json.loads((landing / "helpdesk/groups.json").read_text())["groups"]
    assert len(groups) == 3


def test_targets_hold_the_domain_defaults(landing: Path) -> None:
    targets = {
        (row["metric"], row["scope_type"], row["scope_id"]): row for row in _csv_rows(landing / "reference/targets.csv")
    }
    assert targets[("first_reply_within_1h_rate", "org", "")]["target"] == "0.90"
    assert targets[("abandon_rate", "org", "")]["direction"] == "lower_is_better"
    assert targets[("nps", "org", "")]["grain"] == "month"
    assert targets[("overdue_open_tickets", "org", "")]["target"] == "0"
    assert targets[("qa_score_mean", "org", "")]["valid_from"] == "2020-01-01"
    assert any(scope == "team" for _, scope, _ in targets)


def test_queue_log_lines_are_sorted_and_parse(landing: Path, counts: dict[str, int]) -> None:
    lines = _queue_log_lines(landing)
    assert len(lines) == counts["queue_log_lines"]
    parsed = _well_formed(lines)
    assert len(lines) - len(parsed) == 3  # the injected malformed lines
    epochs = [int(fields[0]) for fields in parsed]
    assert epochs == sorted(epochs)
    assert epochs[0] >= WINDOW_START and epochs[-1] < WINDOW_END
    agents = {row["asterisk_agent"] for row in _csv_rows(landing / "reference/roster.csv")}
    events: dict[tuple[str, str], list[list[str]]] = {}
    for fields in parsed:
        assert fields[4] in CALL_EVENTS | MEMBER_EVENTS, fields
        assert fields[3] == "NONE" or fields[3] in agents
        if fields[4] in CALL_EVENTS:
            events.setdefault((fields[1], fields[2]), []).append(fields)
    assert len(events) == counts["calls"]
    outcomes = Counter()
    for call in events.values():
        assert call[0][4] == "ENTERQUEUE"
        terminal = [fields[4] for fields in call if fields[4] in TERMINAL_EVENTS]
        outcomes[terminal[0] if terminal else "in_progress"] += 1
        assert len(terminal) <= 1
    assert outcomes["in_progress"] >= 1
    assert outcomes["ABANDON"] and outcomes["COMPLETEAGENT"] and outcomes["COMPLETECALLER"]
    assert outcomes["EXITWITHTIMEOUT"] + outcomes["EXITEMPTY"] + outcomes["EXITWITHKEY"] > 0
    short = [f for c in events.values() for f in c if f[4] == "ABANDON" and int(f[-1]) < 5]
    assert short
    enter_fields = Counter(len(f) for c in events.values() for f in c if f[4] == "ENTERQUEUE")
    assert enter_fields[7] and enter_fields[8]  # older layout without position, newer with


def test_qualtrics_export_has_three_header_rows_and_links(landing: Path, counts: dict[str, int]) -> None:
    with (landing / "surveys/qualtrics_export.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, questions, import_ids, data = rows[0], rows[1], rows[2], rows[3:]
    assert len(data) == counts["survey_responses"]
    for column in (
        "StartDate",
        "Status",
        "Finished",
        "RecordedDate",
        "ResponseId",
        "Q_NPS",
        "Q_CSAT",
        "Q_COMMENT",
        "ticket_id",
        "call_id",
    ):
        assert column in header
    assert len(questions) == len(header)
    assert all("ImportId" in json.loads(cell) for cell in import_ids)
    responses = [dict(zip(header, row, strict=True)) for row in data]
    assert Counter(row["ResponseId"] for row in responses).most_common(1)[0][1] == 2
    assert sum(row["Q_NPS"] == "11" for row in responses) == 1
    assert {"0", "1"} <= {row["Status"] for row in responses}
    assert any(row["Finished"] == "False" for row in responses)
    assert any("\n" in row["Q_COMMENT"] for row in responses) or len(responses) < 100
    for row in responses:
        datetime.strptime(row["RecordedDate"], "%Y-%m-%d %H:%M:%S")
    tickets = _latest_tickets(landing)
    linked_tickets = {int(row["ticket_id"]) for row in responses if row["ticket_id"]}
    assert linked_tickets and linked_tickets <= set(tickets)
    answered = {f[1] for f in _well_formed(_queue_log_lines(landing)) if f[4] == "CONNECT"}
    linked_calls = {row["call_id"] for row in responses if row["call_id"]}
    assert linked_calls and linked_calls <= answered


def test_quality_reviews_score_roster_agents(landing: Path, counts: dict[str, int]) -> None:
    rows = _csv_rows(landing / "quality/qa_reviews.csv")
    assert len(rows) == counts["qa_review_rows"]
    assert len({row["review_id"] for row in rows}) == counts["qa_reviews"] > 0
    agents = {row["agent_id"] for row in _csv_rows(landing / "reference/roster.csv")}
    for row in rows:
        assert row["agent_id"] in agents
        assert row["interaction_type"] in {"ticket", "call"}
        assert ISO_Z.match(row["reviewed_at"])
        assert 0 <= int(row["score"]) <= int(row["max_score"])


def test_too_few_agents_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate(tmp_path, days=5, agents=3)
