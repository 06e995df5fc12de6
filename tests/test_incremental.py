"""Late data: a ticket update that arrives in a later export changes the past periods it belongs to."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from .conftest import PROJECT_ROOT, run_cli


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


def restatements(home: Path, where: str = "true") -> list[tuple]:
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute(
            f"""
            select metric, period_grain, period_start::varchar, scope_type, scope_id, old_value, new_value,
                old_version, new_version
            from marts.kpi_restatements where {where} order by all
            """
        ).fetchall()


def test_the_second_export_restates_the_published_values_it_changed(small_baseline, small_second_run) -> None:
    assert restatements(small_baseline[0]) == []  # a first publish restates nothing
    home = small_second_run.home
    # Ticket 104 (team T2, agent A003; created 03-03 23:30) solved on 03-05 after 36.5 h; ticket 900 created 03-10
    # 09:00, never replied to, unassigned. The values of version 1 that this changes, version 1 -> 2:
    assert restatements(home, "metric not in ('backlog_open_tickets', 'overdue_open_tickets')") == [
        # 3 of 5 tickets replied to within 1 h, now 3 of 6
        ("first_reply_within_1h_rate", "month", "2026-03-01", "org", "all", 0.6, 0.5, 1, 2),
        # median of 3 and 1 h, now of 3, 1 and 36.5 h; T2: 1 h (ticket 106), now the median of 1 and 36.5 h
        ("resolution_hours_median", "month", "2026-03-01", "org", "all", 2.0, 3.0, 1, 2),
        ("resolution_hours_median", "month", "2026-03-01", "team", "T2", 1.0, 18.75, 1, 2),
        ("resolution_hours_median", "week", "2026-03-02", "org", "all", 3.0, 19.75, 1, 2),
        ("tickets_created", "month", "2026-03-01", "org", "all", 5.0, 6.0, 1, 2),
        ("tickets_solved", "month", "2026-03-01", "org", "all", 2.0, 3.0, 1, 2),
        ("tickets_solved", "month", "2026-03-01", "team", "T2", 1.0, 2.0, 1, 2),
        ("tickets_solved", "week", "2026-03-02", "org", "all", 1.0, 2.0, 1, 2),
    ]  # the day 03-05 and week 03-09 values first appear: no restatement
    # 104 leaves the open backlog on 03-05 (until 03-09, when 900 arrives, the org backlog is one less); 900 is
    # overdue (72 h without a reply) from 03-13 on.
    assert restatements(home, "scope_type = 'org' and metric in ('backlog_open_tickets', 'overdue_open_tickets')") == [
        *[("backlog_open_tickets", "day", f"2026-03-0{day}", "org", "all", 3.0, 2.0, 1, 2) for day in range(5, 10)],
        ("backlog_open_tickets", "week", "2026-03-02", "org", "all", 3.0, 2.0, 1, 2),
        *[("overdue_open_tickets", "day", f"2026-03-{day}", "org", "all", 2.0, 3.0, 1, 2) for day in range(13, 21)],
        ("overdue_open_tickets", "month", "2026-03-01", "org", "all", 2.0, 3.0, 1, 2),
        ("overdue_open_tickets", "week", "2026-03-09", "org", "all", 2.0, 3.0, 1, 2),
        ("overdue_open_tickets", "week", "2026-03-16", "org", "all", 2.0, 3.0, 1, 2),
    ]
    # Agent A003 had only 104 open: its backlog rows from 03-05 on are gone (16 days, 3 weeks, the month), twice.
    assert restatements(home, "scope_type = 'agent'") == [
        (metric, grain, start, "agent", "A003", value, None, 1, 2)
        for metric, value in (("backlog_open_tickets", 1.0), ("overdue_open_tickets", 0.0))
        for grain, start in [("day", f"2026-03-{day:02}") for day in range(5, 21)] + [("month", "2026-03-01")]
        + [("week", f"2026-03-{day:02}") for day in (2, 9, 16)]
    ]  # fmt: skip
    assert len(restatements(home)) == 96

    manifest = json.loads((home / "published" / "manifest.json").read_text())
    assert manifest["restatements"]["count"] == 96 and manifest["restatements"]["old_version"] == 1
    listed = manifest["restatements"]["listed"]
    columns = ("metric", "period_grain", "period_start", "scope_type", "scope_id", "old_value", "new_value",
               "old_version", "new_version")  # fmt: skip
    assert len(listed) == 96  # at most 100 are listed: all of them
    assert {tuple(row[column] for column in columns) for row in listed} == set(restatements(home))
    assert listed[0] == {
        "metric": "first_reply_within_1h_rate",
        "period_grain": "month",
        "period_start": "2026-03-01",
        "scope_type": "org",
        "scope_id": "all",
        "old_value": 0.6,
        "new_value": 0.5,
        "old_version": 1,
        "new_version": 2,
    }  # fmt: skip  (org before team before agent, month before week before day)

    stdout = small_second_run.completed.stdout
    assert (
        "Restatements: 96 published values changed since version 1 (marts.kpi_restatements where new_version = "
        "2):" in stdout
    )
    lines = stdout.split("Restatements: 96", 1)[1].splitlines()[1:7]
    assert [line.split() for line in lines] == [
        ["first_reply_within_1h_rate", "month", "2026-03-01", "org", "all", "60.0%", "->", "50.0%"],
        ["overdue_open_tickets", "month", "2026-03-01", "org", "all", "2", "->", "3"],
        ["resolution_hours_median", "month", "2026-03-01", "org", "all", "2.0", "->", "3.0"],
        ["tickets_created", "month", "2026-03-01", "org", "all", "5", "->", "6"],
        ["tickets_solved", "month", "2026-03-01", "org", "all", "2", "->", "3"],
        ["...", "and", "91", "more"],
    ]


def test_the_dashboard_shows_the_restatements_of_its_version(small_second_run, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    completed = run_cli("report", "--out", str(output), home=small_second_run.home, landing=small_second_run.landing)
    assert completed.returncode == 0, completed.stderr
    section = output.read_text().split("<section id='restatements'>", 1)[1].split("</section>", 1)[0]
    assert "96 published values of version 1 changed in version 2" in section
    for row in (
        ["First reply within 1 h", "March 2026", "Organisation", "60.0 %", "50.0 %", "-10.0 pp"],
        ["Median resolution (h)", "March 2026", "Team Tech", "1.0 h", "18.8 h", "+17.8 h"],
        ["Tickets solved", "Week of 2026-03-02", "Organisation", "1", "2", "+1"],
        ["Open backlog", "2026-03-05", "Agent Carol Diaz", "1", "no longer published", "–"],
    ):
        assert "<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" in section
    assert "backlog_open_tickets" not in section  # labels, never raw metric ids


INCREMENTAL_MODELS = ("stg_zendesk__ticket_events", "stg_zendesk__tickets", "stg_asterisk__queue_log")


def test_the_second_build_was_incremental_and_equals_a_full_refresh(small_second_run, tmp_path: Path) -> None:
    """The second run found only new loads: its dbt build was incremental, and the incremental models hold what a
    `--full-refresh` build of the same raw data holds, row for row (the late audit and the late version of ticket 104
    included)."""
    home = small_second_run.home
    with duckdb.connect(str(home / "build" / "warehouse.duckdb"), read_only=True) as connection:
        builds = connection.execute(
            "select build_number, full_refresh, reason from ops.dbt_builds order by 1"
        ).fetchall()
        incremental = {
            model: connection.execute(f"select * from staging.{model} order by all").fetchall()
            for model in INCREMENTAL_MODELS
        }
    assert builds == [(1, True, "no earlier build"), (2, False, "new loads only since the last build")]

    rebuilt = tmp_path / "home"
    (rebuilt / "build").mkdir(parents=True)
    shutil.copy2(home / "build" / "warehouse.duckdb", rebuilt / "build" / "warehouse.duckdb")
    dbt = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"), "run", "--full-refresh", "--select", *INCREMENTAL_MODELS,
            "--project-dir", str(PROJECT_ROOT / "dbt_project"), "--profiles-dir", str(PROJECT_ROOT / "dbt_project"),
            "--target-path", str(rebuilt / "target"), "--log-path", str(rebuilt / "logs"),
            "--vars", '{"reporting_timezone": "UTC"}',
        ],
        env={**os.environ, "SUPPORT_KPI_HOME": str(rebuilt)}, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert dbt.returncode == 0, dbt.stdout[-3000:]
    with duckdb.connect(str(rebuilt / "build" / "warehouse.duckdb"), read_only=True) as connection:
        full = {
            model: connection.execute(f"select * from staging.{model} order by all").fetchall()
            for model in INCREMENTAL_MODELS
        }
        late_page_load = connection.execute(
            "select load_id from raw.ingested_files where path like '%ticket_events_0003.json'"
        ).fetchall()
        ticket_104_loads = connection.execute(
            "select distinct source_load_id from staging.stg_zendesk__ticket_events where ticket_id = 104"
        ).fetchall()
        ticket_104 = connection.execute(
            "select status, source_load_id from staging.stg_zendesk__tickets where ticket_id = 104"
        ).fetchall()
        grown_log = connection.execute(
            "select first_byte > 0, records_read, staged from raw.ingested_files where path like '%/queue_log' "
            "order by load_id"
        ).fetchall()
        grown_lines = connection.execute(
            "select event, source_line_number from staging.stg_asterisk__queue_log where source_load_id = "
            "(select max(load_id) from raw.ingested_files where path like '%/queue_log')"
        ).fetchall()
    assert incremental == full
    assert all(incremental[model] for model in INCREMENTAL_MODELS)
    assert len(late_page_load) == 1 and late_page_load[0] in ticket_104_loads  # the late audit is in both
    assert ticket_104[0][0] == "solved"  # tests/scenarios.py LATE_TICKET: 104 solved in the second export
    # The grown queue_log (tests/scenarios.py GROWN_QUEUE_LOG): only its two new lines read, the repeated one not kept
    # again; the fixture's 20 lines (one quarantined) were read by the first run.
    assert grown_log == [(False, 20, 19), (True, 2, 2)]
    assert grown_lines == [("ADDMEMBER", 22)]
