"""Never a quiet success: a file rejected whole, or one with most of its records quarantined, blocks publication
(exit 1, the previous version byte-identical, each file named with its remedy) until it is fixed or listed in
landing/.supportkpi-ignore; a missing landing folder is a configuration error (exit 2, one line, nothing written);
the default output of `supportkpi run` is a few lines per stage and source, not dbt's log."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .conftest import run_cli

# 2026-03-10 10:00:00 UTC: a call that entered a queue and never ended (in progress: no KPI counts it).
FIRST_GOOD_LINE = "1773136800|junk-1|support|NONE|ENTERQUEUE||5550100|1\n"
# One good line, then 21 lines a queue_log reader cannot use: 21 of 22 records quarantined (95 % > 5 %).
MOSTLY_BROKEN_QUEUE_LOG = FIRST_GOOD_LINE + "".join(f"garbage line {n}|no fields\n" for n in range(21))
TRUNCATED_PAGE = '{"tickets": [{"id": 7001, "created_at": "2026-03-10T09:00:00Z", "status": "op'


def _published(home: Path) -> tuple[bytes, bytes]:
    return (home / "published" / "warehouse.duckdb").read_bytes(), (home / "published" / "manifest.json").read_bytes()


def _kpi_rows(home: Path) -> list[tuple]:
    with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute("select * from marts.kpi_metrics order by all").fetchall()


def test_rejected_and_mostly_quarantined_files_block_until_ignored(small_copy) -> None:
    home, landing = small_copy
    before, kpis_before = _published(home), _kpi_rows(home)
    (landing / "helpdesk" / "exports").mkdir()
    (landing / "helpdesk" / "exports" / "tickets_0099.json").write_text(TRUNCATED_PAGE)
    (landing / "telephony" / "queue_log-20260311").write_text(MOSTLY_BROKEN_QUEUE_LOG)

    blocked = run_cli("run", home=home, landing=landing)

    assert blocked.returncode == 1, blocked.stdout[-3000:]
    assert _published(home) == before
    assert "nothing was published" in blocked.stderr
    assert "failed check: raw_helpdesk: no_rejected_files" in blocked.stderr
    assert "helpdesk/exports/tickets_0099.json: rejected whole: unparseable JSON document" in blocked.stderr
    assert "failed check: raw_telephony: no_rejected_files" in blocked.stderr
    assert "telephony/queue_log-20260311: 21 of 22 records quarantined (95%" in blocked.stderr
    assert "queue_log line with fewer than 5 fields (21)" in blocked.stderr
    assert blocked.stderr.count("list it in landing/.supportkpi-ignore") == 2
    assert "  publish             not run" in blocked.stdout

    (landing / ".supportkpi-ignore").write_text(
        "# re-exporting these (ticket 7001's page was cut off by the download)\nhelpdesk/exports/tickets_0099.json\n"
        "telephony/queue_log-2026031?\n"
    )
    passed = run_cli("run", home=home, landing=landing)

    assert passed.returncode == 0, passed.stderr[-3000:]
    # The one good line staged from the ignored queue_log is gone again: the KPIs are the baseline's.
    assert _kpi_rows(home) == kpis_before
    assert '"version": 2' in (home / "published" / "manifest.json").read_text()
    assert "Restatements: none (no published value changed; version 2)" in passed.stdout
    with duckdb.connect(str(home / "build" / "warehouse.duckdb"), read_only=True) as connection:
        raw_calls = connection.execute(
            "select count(*) from raw.asterisk_queue_log where payload->>'callid' = 'junk-1'"
        ).fetchall()
    assert raw_calls == [(0,)]
    _assert_default_output(passed.stdout)


def _assert_default_output(stdout: str) -> None:
    lines = stdout.splitlines()
    stages = [line.split()[0] for line in lines if line.startswith("  ") and line.rstrip().endswith(" ok")]
    assert stages == ["ingest", "build", "checks", "publish"]
    assert "Sources:" in lines
    # The small landing: 6 helpdesk files, 1 queue_log; the ignored files are listed as ignored, not seen.
    assert any(line.startswith("  helpdesk   files: 6 seen, 0 new, 6 skipped, 1 ignored, 0 rejected") for line in lines)
    assert any(line.startswith("  telephony  files: 1 seen, 0 new, 1 skipped, 1 ignored, 0 rejected") for line in lines)
    assert any("data window: 2026-03-02" in line for line in lines)
    assert "version 2" in stdout
    assert "START test" not in stdout and "PASS" not in stdout  # no dbt per-test lines
    assert "\x1b[" not in stdout  # no ANSI escape codes off a terminal
    assert len(lines) < 40


def test_missing_landing_folder_is_a_configuration_error(tmp_path: Path) -> None:
    home = tmp_path / "home"
    completed = run_cli("run", home=home, landing=tmp_path / "landnig")

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1
    assert "landing folder" in completed.stderr and "does not exist" in completed.stderr
    assert "Traceback" not in completed.stderr
    assert not home.exists()


def test_empty_landing_folder_is_a_configuration_error(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    (landing / "helpdesk").mkdir(parents=True)
    (landing / "helpdesk" / ".DS_Store").write_text("")
    completed = run_cli("run", home=tmp_path / "home", landing=landing)

    assert completed.returncode == 2
    assert "holds no export" in completed.stderr and completed.stderr.count("\n") == 1
    assert not (tmp_path / "home").exists()


def test_run_help_lists_environment_variables_and_version(tmp_path: Path) -> None:
    help_text = run_cli("run", "--help", home=tmp_path, landing=tmp_path).stdout
    for variable in ("SUPPORT_KPI_HOME", "SUPPORT_KPI_LANDING", "SUPPORT_KPI_TIMEZONE", "SUPPORT_KPI_PII_SALT"):
        assert variable in help_text
    assert "--verbose" in help_text and ".supportkpi-ignore" in help_text and "exit codes" in help_text
    version = run_cli("--version", home=tmp_path, landing=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("supportkpi 0.")
