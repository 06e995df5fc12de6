"""Write-audit-publish: a defect that parses but breaks a mart check blocks publication, names the check and
alerts; readers holding the published file never block a run and keep a consistent version."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from .conftest import SecondRun, run_cli, run_slot
from .scenarios import EXTRA_TICKET

OVERLAPPING_ROSTER = """agent_id,agent_name,email,team_id,team_name,valid_from,valid_to,zendesk_user_id,asterisk_agent
A001,Alice Martin,alice@example.com,T1,Billing,2026-01-01,,9001,PJSIP/1001
A001,Alice Martin,alice@example.com,T2,Tech,2026-02-01,,9001,PJSIP/1001
A002,Bob Okafor,bob@example.com,T1,Billing,2026-01-01,2026-03-16,9002,PJSIP/1002
A002,Bob Okafor,bob@example.com,T2,Tech,2026-03-16,,9002,PJSIP/1002
A003,Carol Diaz,carol@example.com,T2,Tech,2026-01-01,,9003,PJSIP/1003
"""


def test_defect_blocks_publication_names_the_check_and_alerts(small_copy, monkeypatch, webhook) -> None:
    url, received = webhook
    home, landing = small_copy
    published = home / "published" / "warehouse.duckdb"
    before = (published.read_bytes(), (home / "published" / "manifest.json").read_bytes())

    # A roster edit that parses but puts A001 in two teams at once: every fact of A001 would double.
    (landing / "reference" / "roster_v2.csv").write_text(OVERLAPPING_ROSTER)
    monkeypatch.setenv("SUPPORT_KPI_ALERT_WEBHOOK_URL", url)
    completed = run_cli("run", home=home, landing=landing)

    assert completed.returncode == 1
    assert "nothing was published" in completed.stderr
    assert "assert_roster_memberships_do_not_overlap" in completed.stderr
    assert (published.read_bytes(), (home / "published" / "manifest.json").read_bytes()) == before
    assert len(received) == 1
    assert "assert_roster_memberships_do_not_overlap" in received[0]["text"]


def test_readers_never_block_a_publish_and_keep_their_version(small_second_run: SecondRun) -> None:
    # A reader held version 1 (5 tickets) open while the second run published version 2 (a new ticket 900).
    assert small_second_run.reader_lines == ("5", "5")  # the reader still sees its consistent old version
    assert small_second_run.reader_exit == 0
    with duckdb.connect(str(small_second_run.home / "published" / "warehouse.duckdb"), read_only=True) as fresh:
        assert fresh.execute("select count(*) from marts.fct_tickets").fetchone()[0] == 6
    manifest = json.loads((small_second_run.home / "published" / "manifest.json").read_text())
    assert manifest["version"] == 2


def test_a_large_change_in_row_counts_blocks_until_accepted(small_copy) -> None:
    home, landing = small_copy
    manifest_path = home / "published" / "manifest.json"
    before = ((home / "published" / "warehouse.duckdb").read_bytes(), manifest_path.read_bytes())
    first_rows = json.loads(manifest_path.read_text())["row_counts"]["kpi_metrics"]

    # Two more months of history (one ticket a day, April and May) arrive at once: kpi_metrics more than doubles.
    start = datetime(2026, 4, 1, 9, tzinfo=UTC)
    history = [
        {
            **EXTRA_TICKET,  # one ticket a day
            "id": 1000 + day,
            "created_at": (start + timedelta(days=day)).isoformat().replace("+00:00", "Z"),
            "updated_at": (start + timedelta(days=day, hours=2)).isoformat().replace("+00:00", "Z"),
            "status": "solved",
            "assignee_id": 9001,
        }
        for day in range(61)
    ]
    (landing / "helpdesk" / "tickets_history.jsonl").write_text("\n".join(json.dumps(t) for t in history) + "\n")
    blocked = run_cli("run", home=home, landing=landing)

    assert blocked.returncode == 1
    assert "failed check: kpi_metrics: gx_row_counts_within_band_of_previous_publish" in blocked.stderr
    assert "'mart': 'kpi_metrics'" in blocked.stderr
    assert ((home / "published" / "warehouse.duckdb").read_bytes(), manifest_path.read_bytes()) == before

    accepted = run_cli("run", "--accept-row-count-change", home=home, landing=landing)
    assert accepted.returncode == 0, accepted.stderr[-3000:]
    manifest = json.loads(manifest_path.read_text())
    assert manifest["version"] == 2
    assert manifest["row_counts"]["kpi_metrics"] > 1.5 * first_rows
    assert manifest["row_counts"]["fct_tickets"] == 5 + 61


# Parses (every timestamp valid, no negative field) but answered before it entered the queue: a negative wait.
IMPOSSIBLE_CALL = (
    "call_id,queue,caller_number,entered_at,answered_at,ended_at,agent_id,outcome,talk_seconds,hold_seconds,"
    "wrap_seconds\nG9,sales,15550999,2026-11-20T09:00:00Z,2026-11-20T08:59:00Z,2026-11-20T09:03:00Z,A001,answered,"
    "180,0,0\n"
)


def test_a_missing_week_and_an_impossible_call_each_block_publication(
    slot_parse: Path, tmp_path: Path, webhook, monkeypatch
) -> None:
    """Generated exports with two defects that parse: the telephony export of the week of 2026-11-02 never landed
    (no call where about 200 a week were expected: the monitor suite), and a calls CSV holds a call answered before
    it entered the queue (a negative wait in fct_calls: the mart suite). Each check names its defect."""
    url, received = webhook
    landing, home = tmp_path / "landing", tmp_path / "home"
    generated = run_cli("generate", "--out", str(landing), "--days", "35", "--agents", "6", "--seed", "3",
                        home=home, landing=landing)  # fmt: skip
    assert generated.returncode == 0, generated.stderr
    week_start = datetime(2026, 11, 2, tzinfo=UTC).timestamp()
    week_end = datetime(2026, 11, 9, tzinfo=UTC).timestamp()

    def in_the_missing_week(line: str) -> bool:
        epoch = line.split("|")[0]
        return epoch.isdigit() and week_start <= int(epoch) < week_end

    for path in (landing / "telephony").iterdir():
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(line for line in lines if not in_the_missing_week(line)))
    (landing / "telephony" / "calls_late.csv").write_text(IMPOSSIBLE_CALL)
    monkeypatch.setenv("SUPPORT_KPI_ALERT_WEBHOOK_URL", url)

    with run_slot(slot_parse, home) as slot:
        completed = run_cli("run", home=slot, landing=landing)

    assert completed.returncode == 1
    assert "failed check: kpi_metrics: gx_no_expected_week_without_data (1 failed expectations)" in completed.stderr
    assert "'metric': 'calls_offered', 'week_start': '2026-11-02', 'records': '0'" in completed.stderr
    assert "failed check: fct_calls: gx_fct_calls" in completed.stderr
    assert "'call_id': 'G9'" in completed.stderr
    assert not (home / "published" / "warehouse.duckdb").exists()
    assert len(received) == 1
    assert "gx_fct_calls" in received[0]["text"] and "gx_no_expected_week_without_data" in received[0]["text"]
