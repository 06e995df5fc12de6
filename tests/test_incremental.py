"""Late data: a ticket update that arrives in a later export changes the past periods it belongs to."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from .conftest import run_cli

LATE_TICKET = {
    "id": 104, "created_at": "2026-03-03T23:30:00Z", "updated_at": "2026-03-05T12:00:00Z", "status": "solved",
    "priority": "low", "type": "question", "subject": "Late night", "requester_id": 5002, "assignee_id": 9003,
    "group_id": 2, "via": {"channel": "chat"}, "tags": ["reason_login"], "custom_fields": [],
    "satisfaction_rating": None,
}  # fmt: skip
LATE_EVENT = {
    "id": 14, "ticket_id": 104, "created_at": "2026-03-05T12:00:00Z", "updater_id": 9003, "event_type": "Audit",
    "child_events": [{"id": 141, "event_type": "Change", "field_name": "status", "value": "solved",
                      "previous_value": "pending"}],
}  # fmt: skip


def month_values(home: Path, metric: str) -> list[tuple]:
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute(
            """
            select period_grain, period_start::varchar, scope_type, scope_id, value, sample_size
            from marts.kpi_metrics where metric = ? and scope_type = 'org' order by all
            """,
            [metric],
        ).fetchall()


def test_late_ticket_update_changes_the_past_period(small_copy: tuple[Path, Path]) -> None:
    home, landing = small_copy
    # Before: tickets 101 (solved 03-02, 3 h) and 106 (solved 03-20, 1 h).
    assert ("month", "2026-03-01", "org", "all", 2.0, 2) in month_values(home, "tickets_solved")
    assert ("month", "2026-03-01", "org", "all", 2.0, 2) in month_values(home, "resolution_hours_median")

    # A later export: ticket 104 was solved on 03-05 12:00, 36.5 h after its creation (03-03 23:30).
    (landing / "helpdesk" / "tickets_0003.json").write_text(json.dumps({"tickets": [LATE_TICKET]}))
    (landing / "helpdesk" / "ticket_events_0003.json").write_text(json.dumps({"ticket_events": [LATE_EVENT]}))
    completed = run_cli("run", home=home, landing=landing)
    assert completed.returncode == 0, completed.stderr[-3000:]

    solved = month_values(home, "tickets_solved")
    assert ("month", "2026-03-01", "org", "all", 3.0, 3) in solved
    assert ("day", "2026-03-05", "org", "all", 1.0, 1) in solved  # a past day that had no solve before
    assert ("week", "2026-03-02", "org", "all", 2.0, 2) in solved  # 101 on 03-02 and 104 on 03-05
    # Median of 3, 1 and 36.5 hours.
    assert ("month", "2026-03-01", "org", "all", 3.0, 3) in month_values(home, "resolution_hours_median")
