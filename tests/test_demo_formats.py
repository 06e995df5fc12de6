"""`supportkpi generate --helpdesk ... --surveys ...`: the same simulated truth in other vendors' formats.

Small landings of one seed are generated in each format and read back file by file (the product is not run): what
each helpdesk export says about every ticket (first reply, final solve, reopens, assignments, rating) and what each
survey export says about every response must agree with the Zendesk and Qualtrics files of the same seed.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from demo_landing import generate
from orchestration.cli import build_parser

DAYS = 12
AGENTS = 6
SEED = 11
FRESHDESK_STATUS = {"new": 2, "open": 2, "pending": 3, "hold": 6, "solved": 4, "closed": 5}
INTERCOM_STATE = {"new": "open", "open": "open", "pending": "snoozed", "hold": "snoozed"}
CSAT_LABELS = ("Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied", "Satisfied", "Very satisfied")
NPS_HEADING = "How likely is it that you would recommend us to a friend or colleague?"
CSAT_HEADING = "Overall, how satisfied were you with the support you received?"
COMMENT_HEADING = "Is there anything else you would like to tell us?"


@pytest.fixture(scope="module")
def landings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    formats = {
        "zendesk": ("zendesk", "qualtrics"),
        "freshdesk": ("freshdesk", "surveymonkey"),
        "freshdesk-again": ("freshdesk", "surveymonkey"),
        "intercom": ("intercom", "surveymonkey-api"),
        "freshdesk-csv": ("freshdesk-csv", "qualtrics"),
    }
    out = {}
    for name, (helpdesk, surveys) in formats.items():
        out[name] = tmp_path_factory.mktemp(name)
        generate(out[name], days=DAYS, agents=AGENTS, seed=SEED, helpdesk=helpdesk, surveys=surveys)
    return out


def _epoch(text: str | None) -> int | None:
    if text is None:
        return None
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def _json_records(paths: list[Path], key: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    for path in paths:
        if path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # the truncated line of the cut-off download
        else:
            records.extend(json.loads(path.read_text(encoding="utf-8"))[key])
    return records


def _latest(records: list[dict[str, Any]], updated: str = "updated_at") -> dict[Any, dict[str, Any]]:
    latest: dict[Any, dict[str, Any]] = {}
    for record in records:
        current = latest.get(record["id"])
        if current is None or current[updated] <= record[updated]:
            latest[record["id"]] = record
    return latest


def _roster(landing: Path) -> list[dict[str, str]]:
    with (landing / "reference/roster.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def zendesk_truth(landing: Path) -> dict[int, dict[str, Any]]:
    """Per ticket (deleted ones left out), by SPEC 5 read from the Zendesk files."""
    helpdesk = landing / "helpdesk"
    tickets = _latest(_json_records(sorted(helpdesk.glob("tickets_*")), "tickets"))
    events = {e["id"]: e for e in _json_records(sorted(helpdesk.glob("ticket_events_*")), "ticket_events")}
    users = json.loads((helpdesk / "users.json").read_text(encoding="utf-8"))["users"]
    agents = {user["id"] for user in users if user["role"] in ("agent", "admin")}
    agents |= {int(row["zendesk_user_id"]) for row in _roster(landing)}
    truth: dict[int, dict[str, Any]] = {}
    for ticket_id, ticket in tickets.items():
        if ticket["status"] == "deleted":
            continue
        truth[ticket_id] = {
            "status": ticket["status"],
            "assignee": ticket["assignee_id"],
            "rating": ticket["satisfaction_rating"]["score"]
            if ticket["satisfaction_rating"]["score"] in ("good", "bad")
            else None,
            "replies": [],
            "solves": [],
            "closes": [],
            "reopens": 0,
            "assignments": 0,
        }
    for event in sorted(events.values(), key=lambda e: (e["created_at"], e["id"])):
        facts = truth.get(event["ticket_id"])
        if facts is None:
            continue
        children = event["child_events"]
        creating = any(child["event_type"] == "Create" for child in children)
        when = _epoch(event["created_at"])
        for child in children:
            if child["event_type"] == "Comment":
                if not creating and child["public"] and child["author_id"] in agents:
                    facts["replies"].append(when)
            elif child["field_name"] == "status":
                if child["value"] == "solved":
                    facts["solves"].append(when)
                if child["value"] == "closed":
                    facts["closes"].append(when)
                if child["previous_value"] == "solved" and child["value"] != "closed":
                    facts["reopens"] += 1
            elif child["field_name"] == "assignee_id" and child["value"] is not None:
                facts["assignments"] += 1
    for facts in truth.values():
        facts["first_reply"] = facts["replies"][0] if facts["replies"] else None
        facts["final_solve"] = (facts["solves"] or facts["closes"] or [None])[-1]
    return truth


def test_cli_offers_the_formats() -> None:
    arguments = build_parser().parse_args(
        ["generate", "--out", "x", "--helpdesk", "intercom", "--surveys", "surveymonkey"]
    )
    assert (arguments.helpdesk, arguments.surveys) == ("intercom", "surveymonkey")
    defaults = build_parser().parse_args(["generate", "--out", "x"])
    assert (defaults.helpdesk, defaults.surveys) == ("zendesk", "qualtrics")


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_formats_change_no_random_draw(landings: dict[str, Path]) -> None:
    assert _digest(landings["freshdesk"]) == _digest(landings["freshdesk-again"])
    zendesk = _digest(landings["zendesk"])
    for name in ("freshdesk", "intercom", "freshdesk-csv"):
        other = _digest(landings[name])
        for folder in (
            "telephony/",
            "quality/",
            "reference/roster.csv",
            "reference/queues.csv",
            "reference/targets.csv",
        ):
            shared = {path for path in zendesk if path.startswith(folder)}
            assert shared
            assert {path: zendesk[path] for path in shared} == {path: other[path] for path in shared}, folder
    assert not (landings["zendesk"] / "reference/surveys.csv").exists()
    qualtrics = "surveys/qualtrics_export.csv"
    assert _digest(landings["freshdesk-csv"])[qualtrics] == zendesk[qualtrics]
    assert not list((landings["freshdesk"] / "helpdesk").glob("tickets_*"))


def test_roster_carries_the_vendor_ids(landings: dict[str, Path]) -> None:
    rows = _roster(landings["zendesk"])
    by_agent: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        assert row["freshdesk_agent_id"].isdigit() and row["intercom_admin_id"].isdigit()
        by_agent.setdefault(row["agent_id"], set()).add((row["freshdesk_agent_id"], row["intercom_admin_id"]))
    assert all(len(ids) == 1 for ids in by_agent.values())  # one id per agent across team moves
    assert len({ids for pairs in by_agent.values() for ids in pairs}) == len(by_agent)


def test_freshdesk_agrees_with_zendesk(landings: dict[str, Path]) -> None:
    truth = zendesk_truth(landings["zendesk"])
    helpdesk = landings["freshdesk"] / "helpdesk"
    pages = sorted(helpdesk.glob("freshdesk_tickets_*.json"))
    assert pages and all(len(json.loads(page.read_text())) <= 100 for page in pages)
    tickets = _latest([t for page in pages for t in json.loads(page.read_text())])
    conversations = [
        c for page in sorted(helpdesk.glob("freshdesk_conversations_*")) for c in json.loads(page.read_text())
    ]
    ratings = [
        r for page in sorted(helpdesk.glob("freshdesk_satisfaction_ratings_*")) for r in json.loads(page.read_text())
    ]
    roster = _roster(landings["freshdesk"])
    freshdesk_agent = {int(row["zendesk_user_id"]): int(row["freshdesk_agent_id"]) for row in roster}
    assert set(tickets) == set(truth)

    agent_ids = set(freshdesk_agent.values())
    replies: dict[int, list[int]] = {}
    for conversation in sorted(conversations, key=lambda c: (c["created_at"], c["id"])):
        if not conversation["incoming"] and not conversation["private"] and conversation["user_id"] in agent_ids:
            replies.setdefault(conversation["ticket_id"], []).append(_epoch(conversation["created_at"]))
    assert len({c["id"] for c in conversations}) == len(conversations)

    for ticket_id, facts in truth.items():
        ticket, stats = tickets[ticket_id], tickets[ticket_id]["stats"]
        assert ticket["status"] == FRESHDESK_STATUS[facts["status"]], ticket_id
        assert ticket["responder_id"] == (None if facts["assignee"] is None else freshdesk_agent[facts["assignee"]])
        assert _epoch(stats["first_responded_at"]) == facts["first_reply"], ticket_id
        assert replies.get(ticket_id, []) == facts["replies"], ticket_id
        assert _epoch(stats["resolved_at"]) == (facts["solves"][-1] if facts["solves"] else None), ticket_id
        assert _epoch(stats["closed_at"]) == (facts["closes"][-1] if facts["closes"] else None), ticket_id
        final = _epoch(stats["resolved_at"]) or _epoch(stats["closed_at"])
        assert final == facts["final_solve"], ticket_id
        assert (stats["reopened_at"] is not None) == (facts["reopens"] > 0), ticket_id
        assert ticket["updated_at"].endswith("Z") and ticket["created_at"].endswith("Z")
        assert isinstance(ticket["custom_fields"], dict) and ticket["priority"] in (1, 2, 3, 4)
    assert sum(facts["reopens"] > 0 for facts in truth.values()) > 0
    assert sum(facts["final_solve"] is not None for facts in truth.values()) > 0

    rated = {ticket_id: facts["rating"] for ticket_id, facts in truth.items() if facts["rating"]}
    latest_rating = {}
    for rating in sorted(ratings, key=lambda r: r["created_at"]):
        latest_rating[rating["ticket_id"]] = "good" if rating["ratings"]["default_question"] > 100 else "bad"
    assert rated and latest_rating == rated
    assert all(rating["agent_id"] in agent_ids for rating in ratings)


def test_freshdesk_ui_export_agrees_with_zendesk(landings: dict[str, Path]) -> None:
    truth = zendesk_truth(landings["zendesk"])
    path = landings["freshdesk-csv"] / "helpdesk/freshdesk_ticket_export.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {int(row["Ticket ID"]): row for row in csv.DictReader(handle)}
    names = {int(row["zendesk_user_id"]): row["agent_name"] for row in _roster(landings["freshdesk-csv"])}
    statuses = {"new": "Open", "open": "Open", "pending": "Pending", "hold": "Waiting on Third Party"}
    statuses |= {"solved": "Resolved", "closed": "Closed"}

    def naive(text: str) -> int | None:
        return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()) if text else None

    assert set(rows) == set(truth)
    for ticket_id, facts in truth.items():
        row = rows[ticket_id]
        assert row["Status"] == statuses[facts["status"]]
        assert row["Agent"] == ("" if facts["assignee"] is None else names[facts["assignee"]])
        assert naive(row["Initial response time"]) == facts["first_reply"], ticket_id
        assert (naive(row["Resolved time"]) or naive(row["Closed time"])) == facts["final_solve"], ticket_id
        assert int(row["Agent interactions"]) == len(facts["replies"]), ticket_id


def test_intercom_agrees_with_zendesk(landings: dict[str, Path]) -> None:
    truth = zendesk_truth(landings["zendesk"])
    helpdesk = landings["intercom"] / "helpdesk"
    pages = [json.loads(page.read_text()) for page in sorted(helpdesk.glob("intercom_conversations_*.json"))]
    assert pages and all(page["type"] == "conversation.list" and len(page["conversations"]) <= 150 for page in pages)
    conversations = _latest([c for page in pages for c in page["conversations"]])
    roster = _roster(landings["intercom"])
    admin_of = {int(row["zendesk_user_id"]): row["intercom_admin_id"] for row in roster}
    admins = json.loads((helpdesk / "intercom_admins.json").read_text())
    assert admins["type"] == "admin.list"
    assert set(admin_of.values()) <= {admin["id"] for admin in admins["admins"]}
    assert set(conversations) == {str(ticket_id) for ticket_id in truth}

    for ticket_id, facts in truth.items():
        conversation = conversations[str(ticket_id)]
        statistics = conversation["statistics"]
        state = INTERCOM_STATE.get(facts["status"], "closed")
        assert conversation["state"] == state and conversation["open"] == (state != "closed")
        assigned = conversation["admin_assignee_id"]
        assert (None if assigned is None else str(assigned)) == admin_of.get(facts["assignee"]), ticket_id
        assert statistics["first_admin_reply_at"] == facts["first_reply"], ticket_id
        if state == "closed":
            assert statistics["last_close_at"] == facts["final_solve"], ticket_id
        assert statistics["count_reopens"] == facts["reopens"], ticket_id
        assert statistics["count_assignments"] == facts["assignments"], ticket_id
        rating = conversation["conversation_rating"]
        if facts["rating"] is None:
            assert rating is None, ticket_id
        else:
            assert rating["rating"] in ((4, 5) if facts["rating"] == "good" else (1, 2)), ticket_id
            assert rating["created_at"] <= conversation["updated_at"]
        source = conversation["source"]
        assert source["type"] in ("conversation", "email")
        if source["author"]["type"] == "user":
            assert source["author"]["id"] == conversation["contacts"]["contacts"][0]["id"]


def _qualtrics_responses(landing: Path) -> Counter[tuple[Any, ...]]:
    with (landing / "surveys/qualtrics_export.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[2:]  # the question text and ImportId rows
    seen, counted = set(), Counter()
    for row in rows:
        if row["Status"] not in ("0", "4") or row["Finished"] != "True" or row["ResponseId"] in seen:
            continue
        seen.add(row["ResponseId"])
        nps = None if row["Q_NPS"] in ("", "11") else int(row["Q_NPS"])  # 11: this export's injected defect
        when = int(datetime.fromisoformat(row["RecordedDate"]).replace(tzinfo=UTC).timestamp())
        counted[(when, row["ticket_id"], row["call_id"], nps, row["Q_CSAT"], row["Q_COMMENT"])] += 1
    return counted


def _without_injected(responses: Counter[tuple[Any, ...]], qualtrics: Counter[tuple[Any, ...]]) -> Counter:
    """Blank the NPS of the response the Qualtrics export carries as 11, so the two can be compared."""
    blanked = Counter()
    for key, count in responses.items():
        without = (*key[:3], None, *key[4:])
        blanked[key if key in qualtrics or without not in qualtrics else without] += count
    return blanked


def test_surveymonkey_csv_has_the_qualtrics_responses(landings: dict[str, Path]) -> None:
    qualtrics = _qualtrics_responses(landings["zendesk"])
    path = landings["freshdesk"] / "surveys/surveymonkey_export.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        headings, subheadings, *rows = list(csv.reader(handle))
    assert headings[:9] == [
        "Respondent ID",
        "Collector ID",
        "Start Date",
        "End Date",
        "IP Address",
        "Email Address",
        "First Name",
        "Last Name",
        "Custom Data 1",
    ]
    nps, csat, comment = (headings.index(h) for h in (NPS_HEADING, CSAT_HEADING, COMMENT_HEADING))
    assert (subheadings[nps], subheadings[csat], subheadings[comment]) == (
        "Response",
        "Response",
        "Open-Ended Response",
    )
    ticket, call = headings.index("ticket_id"), headings.index("call_id")
    responses = Counter()
    for row in rows:
        when = int(datetime.strptime(row[3], "%m/%d/%Y %I:%M:%S %p").replace(tzinfo=UTC).timestamp())
        score = str(CSAT_LABELS.index(row[csat]) + 1) if row[csat] else ""
        responses[(when, row[ticket], row[call], int(row[nps]) if row[nps] else None, score, row[comment])] += 1
    assert len({row[0] for row in rows}) == len(rows)
    assert qualtrics and _without_injected(responses, qualtrics) == qualtrics

    with (landings["freshdesk"] / "reference/surveys.csv").open(encoding="utf-8", newline="") as handle:
        (mapping,) = list(csv.DictReader(handle))
    assert mapping["source"] == "surveymonkey"
    assert (mapping["nps_question"], mapping["csat_question"], mapping["comment_question"]) == (
        NPS_HEADING,
        CSAT_HEADING,
        COMMENT_HEADING,
    )
    assert (mapping["ticket_id_field"], mapping["call_id_field"], mapping["csat_scale_max"]) == (
        "ticket_id",
        "call_id",
        "5",
    )
    assert Path("surveymonkey_export.csv").match(mapping["file_pattern"])


def test_surveymonkey_api_has_the_qualtrics_responses(landings: dict[str, Path]) -> None:
    qualtrics = _qualtrics_responses(landings["zendesk"])
    surveys = landings["intercom"] / "surveys"
    (details_path,) = surveys.glob("surveymonkey_survey_*_details.json")
    details = json.loads(details_path.read_text())
    questions = {q["id"]: q for page in details["pages"] for q in page["questions"]}
    question_by_heading = {q["headings"][0]["heading"]: q["id"] for q in questions.values()}
    weight = {
        choice["id"]: choice.get("weight")
        for q in questions.values()
        for choice in q.get("answers", {}).get("choices", [])
    }
    pages = [json.loads(path.read_text()) for path in sorted(surveys.glob("surveymonkey_responses_*.json"))]
    assert pages and all({"data", "per_page", "page", "total", "links"} <= set(page) for page in pages)
    responses = Counter()
    for response in (r for page in pages for r in page["data"]):
        assert response["survey_id"] == details["id"]
        if response["response_status"] != "completed":
            continue
        answers = {q["id"]: q["answers"] for page in response["pages"] for q in page["questions"]}

        def score(heading: str, answers: dict[str, Any] = answers) -> Any:
            found = answers.get(question_by_heading[heading])
            return None if not found else weight[found[0]["choice_id"]]

        comment = answers.get(question_by_heading[COMMENT_HEADING])
        csat = score(CSAT_HEADING)
        key = (
            _epoch(response["date_modified"]),
            response["custom_variables"].get("ticket_id", ""),
            response["custom_variables"].get("call_id", ""),
            score(NPS_HEADING),
            "" if csat is None else str(csat),
            comment[0]["text"] if comment else "",
        )
        responses[key] += 1
    assert _without_injected(responses, qualtrics) == qualtrics
