"""Late data: a ticket update that arrives in a later export changes the past periods it belongs to."""

from __future__ import annotations

from pathlib import Path

import duckdb


def month_values(home: Path, metric: str) -> list[tuple]:
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute(
            """
            select period_grain, period_start::varchar, scope_type, scope_id, value, sample_size
            from marts.kpi_metrics where metric = ? and scope_type = 'org' order by all
            """,
            [metric],
        ).fetchall()


def test_late_ticket_update_changes_the_past_period(small_baseline: tuple[Path, Path], small_second_run) -> None:
    # Before: tickets 101 (solved 03-02, 3 h) and 106 (solved 03-20, 1 h).
    assert ("month", "2026-03-01", "org", "all", 2.0, 2) in month_values(small_baseline[0], "tickets_solved")
    assert ("month", "2026-03-01", "org", "all", 2.0, 2) in month_values(small_baseline[0], "resolution_hours_median")

    # A later export (tests/scenarios.py LATE_TICKET): ticket 104 was solved on 03-05 12:00, 36.5 h after its
    # creation (03-03 23:30).
    home = small_second_run.home
    solved = month_values(home, "tickets_solved")
    assert ("month", "2026-03-01", "org", "all", 3.0, 3) in solved
    assert ("day", "2026-03-05", "org", "all", 1.0, 1) in solved  # a past day that had no solve before
    assert ("week", "2026-03-02", "org", "all", 2.0, 2) in solved  # 101 on 03-02 and 104 on 03-05
    # Median of 3, 1 and 36.5 hours.
    assert ("month", "2026-03-01", "org", "all", 3.0, 3) in month_values(home, "resolution_hours_median")
