"""Reference files the business maintains by hand (reference/ in the landing): roster, queues, targets."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from ..people import Agent
from ..profiles import TEAM_BY_ID, TEAMS
from ..vendor_ids import freshdesk_user_id, intercom_admin_id

ROSTER_COLUMNS = (
    "agent_id",
    "agent_name",
    "email",
    "team_id",
    "team_name",
    "valid_from",
    "valid_to",
    "zendesk_user_id",
    "asterisk_agent",
    "freshdesk_agent_id",
    "intercom_admin_id",
)
TARGET_COLUMNS = ("metric", "scope_type", "scope_id", "grain", "target", "direction", "valid_from", "valid_to")
TARGETS_SINCE = "2020-01-01"


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_reference(directory: Path, agents: list[Agent], targets_change_date: date) -> None:
    write_roster(directory / "roster.csv", agents)
    write_queues(directory / "queues.csv")
    write_targets(directory / "targets.csv", targets_change_date)


def write_roster(path: Path, agents: list[Agent]) -> None:
    """One row per agent and team membership (a team move is two rows, the first one closed)."""
    rows = (
        (
            agent.agent_id,
            agent.name,
            agent.email,
            membership.team_id,
            TEAM_BY_ID[membership.team_id].name,
            membership.valid_from.isoformat(),
            membership.valid_to.isoformat() if membership.valid_to else "",
            agent.zendesk_id,
            agent.asterisk,
            freshdesk_user_id(agent.zendesk_id),
            intercom_admin_id(agent.zendesk_id),
        )
        for agent in agents
        for membership in agent.memberships
    )
    _write_csv(path, ROSTER_COLUMNS, rows)


def write_queues(path: Path) -> None:
    rows = ((queue, team.team_id) for team in TEAMS for queue, _ in team.queues)
    _write_csv(path, ("queue", "team_id"), rows)


def write_targets(path: Path, change_date: date) -> None:
    change = change_date.replace(day=1).isoformat()
    since = TARGETS_SINCE
    rows = [
        ("first_reply_within_1h_rate", "org", "", "month", "0.90", "higher_is_better", since, ""),
        ("abandon_rate", "org", "", "week", "0.03", "lower_is_better", since, ""),
        ("nps", "org", "", "month", "70", "higher_is_better", since, ""),
        ("overdue_open_tickets", "org", "", "day", "0", "lower_is_better", since, ""),
        ("qa_score_mean", "org", "", "month", "0.80", "higher_is_better", since, ""),
        ("csat_rate", "org", "", "month", "0.85", "higher_is_better", since, ""),
        ("service_level_rate", "team", "", "week", "0.80", "higher_is_better", since, ""),
        # Technical support got a softer first-reply target, then a stricter one mid-period.
        ("first_reply_within_1h_rate", "team", "T-TECH", "month", "0.75", "higher_is_better", since, change),
        ("first_reply_within_1h_rate", "team", "T-TECH", "month", "0.80", "higher_is_better", change, ""),
        ("qa_pass_rate", "agent", "", "month", "0.75", "higher_is_better", since, ""),
    ]
    _write_csv(path, TARGET_COLUMNS, rows)
