"""Shared fixtures: a published warehouse built from the hand-made landing folder, queried by the tests."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_project import prepare_dbt_project
from orchestration.ingestion.core import RAW_SCHEMA, Source
from orchestration.ingestion.runner import SourceSummary, ingest_source
from orchestration.quality.raw_audit import audit_raw_batch
from orchestration.settings import PII_SALT_VARIABLE

# The run slot: every pipeline run of the suite happens in this one home folder, then moves to its own place. dbt
# partial-parses when a run's profile (the build database path, under the home) and vars are those of the saved
# parse, as at a real deployment's stable home; a fresh path would cost every run a full parse of the project.
# It is also the home of the code the tests import (never the checkout or a developer's real SUPPORT_KPI_HOME):
# the Dagster definitions load the dbt manifest prepared here, as `supportkpi run` prepares it.
RUN_SLOT = Path(tempfile.mkdtemp(prefix="supportkpi-tests-")) / "home"
os.environ["SUPPORT_KPI_HOME"] = str(RUN_SLOT)
os.environ["SUPPORT_KPI_TIMEZONE"] = "UTC"
prepare_dbt_project()
PARSED_TARGET = RUN_SLOT.parent / "parsed-target"
shutil.copytree(RUN_SLOT / "dbt" / "target", PARSED_TARGET)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
# Random, so that it is written nowhere a run could copy it from (not even this file): the privacy tests grep every
# file a run writes for it. Multi-byte and longer than SHA-256's 64-byte block (such a key is hashed first).
TEST_PII_SALT = "ü-" + secrets.token_hex(40)
SMALL_LANDING = FIXTURES / "small_landing"
GENERIC_LANDING = FIXTURES / "generic_landing"


@dataclass(frozen=True)
class SecondRun:
    home: Path
    landing: Path
    completed: subprocess.CompletedProcess[str]
    reader_lines: tuple[str, str]  # what a reader holding version 1 saw before and after the publish
    reader_exit: int
    docs: subprocess.CompletedProcess[str]  # `dbt docs generate` without the salt
    checkout_before: dict[str, tuple[int, int]]
    checkout_after: dict[str, tuple[int, int]]


def checkout_snapshot() -> dict[str, tuple[int, int]]:
    """Every file of the checkout with its size and modification time (the venv, git, caches and test artifacts
    excluded)."""
    skipped = {".venv", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", "test-artifacts"}
    snapshot = {}
    for root, folders, files in os.walk(PROJECT_ROOT):
        folders[:] = [folder for folder in folders if folder not in skipped and not folder.endswith(".egg-info")]
        for name in files:
            path = Path(root) / name
            status = path.lstat()
            snapshot[str(path.relative_to(PROJECT_ROOT))] = (status.st_size, status.st_mtime_ns)
    return snapshot


def keyed_hash(normalised: str, salt: str = TEST_PII_SALT) -> str:
    """The published form of a personal value (SPEC 3.2), computed here independently of the product: lower-case
    hex HMAC-SHA-256 keyed with the salt's UTF-8 bytes, of the value already normalised by the test."""
    return hmac.new(salt.encode("utf-8"), normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def _cli_environment(home: Path, landing: Path, timezone: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SUPPORT_KPI_HOME": str(home),
        "SUPPORT_KPI_LANDING": str(landing),
        "SUPPORT_KPI_TIMEZONE": timezone,
        PII_SALT_VARIABLE: TEST_PII_SALT,
        "SUPPORT_KPI_KEEP_RUNS": "1",
    }
    env.pop("DAGSTER_HOME", None)
    return env


def run_cli(*arguments: str, home: Path, landing: Path, timezone: str = "UTC") -> subprocess.CompletedProcess[str]:
    """Run `supportkpi` with the environment a user sets, in this process: the suite's runs share one import of
    Dagster, dbt and Great Expectations (dbt itself runs in its own process, as always). The environment and umask
    are restored afterwards; `run_cli_process` starts a fresh process where that matters."""
    from orchestration import cli

    environment = _cli_environment(home, landing, timezone)
    saved_environment, saved_umask = dict(os.environ), os.umask(0o022)
    os.environ.clear()
    os.environ.update(environment)
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(stdout), redirect_stderr(stderr):
            try:
                returncode = cli.main(list(arguments))
            except SystemExit as exit_:  # argparse
                returncode = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        os.environ.clear()
        os.environ.update(saved_environment)
        os.umask(saved_umask)
    return subprocess.CompletedProcess(["supportkpi", *arguments], returncode, stdout.getvalue(), stderr.getvalue())


def run_cli_process(
    *arguments: str, home: Path, landing: Path, timezone: str = "UTC"
) -> subprocess.CompletedProcess[str]:
    """Run `supportkpi` in a fresh process, as a user or the scheduler would."""
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *arguments],
        env=_cli_environment(home, landing, timezone),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


# Fixtures that run the whole pipeline: a test using one is a `pipeline` test (`make test-fast` skips them).
PIPELINE_FIXTURES = {
    "small_baseline", "small_home", "small_copy", "published_small", "build_small",
    "generic_baseline", "generic_home", "dictionary", "generated_run", "small_second_run",
    "slot_parse",
}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PIPELINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pipeline)


# ---- pipeline runs in the run slot (RUN_SLOT above)


@pytest.fixture(scope="session")
def slot_parse() -> Path:
    """The dbt parse (dbt/target) of a home in the run slot, made once at the start of the session."""
    return PARSED_TARGET


def _idle_slot(parsed: Path) -> None:
    """The slot between runs: only the project's parse, which the imported Dagster definitions read."""
    if RUN_SLOT.exists():
        shutil.rmtree(RUN_SLOT)
    (RUN_SLOT / "dbt").mkdir(parents=True)
    shutil.copytree(parsed, RUN_SLOT / "dbt" / "target")


@contextmanager
def run_slot(parsed: Path, destination: Path, start_from: Path | None = None) -> Iterator[Path]:
    """The slot's home, a copy of `start_from` (a home of an earlier run) or a fresh one holding the project's
    parse; it moves to `destination` when the block ends."""
    assert set(RUN_SLOT.iterdir()) <= {RUN_SLOT / "dbt"}, "the run slot is in use: pipeline fixtures must not nest"
    _idle_slot(parsed)
    if start_from is not None:
        shutil.rmtree(RUN_SLOT)
        shutil.copytree(start_from, RUN_SLOT, symlinks=True)
    try:
        yield RUN_SLOT
    finally:
        if destination.is_dir() and not any(destination.iterdir()):
            destination.rmdir()
        shutil.move(RUN_SLOT, destination)
        _idle_slot(parsed)


def published_run(parsed: Path, base: Path, source_landing: Path) -> tuple[Path, Path]:
    """One published run of a copy of a landing folder: (home, landing) under `base`."""
    landing = base / "landing"
    shutil.copytree(source_landing, landing)
    with run_slot(parsed, base / "home") as home:
        completed = run_cli("run", home=home, landing=landing)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return base / "home", landing


@contextmanager
def copy_in_slot(parsed: Path, baseline: tuple[Path, Path], tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A private copy of a published baseline (home in the slot, landing), for a scenario that lands more files
    and runs again: the next run starts from version 1 without paying for the first run."""
    landing = tmp_path / "landing"
    shutil.copytree(baseline[1], landing)
    with run_slot(parsed, tmp_path / "home", start_from=baseline[0]) as home:
        yield home, landing


@pytest.fixture(scope="session")
def small_baseline(slot_parse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One published run of the hand-made landing folder (a copy of it), shared: (home, landing)."""
    return published_run(slot_parse, tmp_path_factory.mktemp("small_baseline"), SMALL_LANDING)


@pytest.fixture(scope="session")
def small_home(small_baseline: tuple[Path, Path]) -> Path:
    return small_baseline[0]


@pytest.fixture
def small_copy(slot_parse: Path, small_baseline: tuple[Path, Path], tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    with copy_in_slot(slot_parse, small_baseline, tmp_path) as copy:
        yield copy


@pytest.fixture(scope="session")
def generic_baseline(slot_parse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One published run of the generic-CSV landing folder (a copy of it), shared: (home, landing)."""
    return published_run(slot_parse, tmp_path_factory.mktemp("generic_baseline"), GENERIC_LANDING)


@pytest.fixture(scope="session")
def generic_home(generic_baseline: tuple[Path, Path]) -> Path:
    return generic_baseline[0]


@pytest.fixture(scope="session")
def small_second_run(
    slot_parse: Path, small_baseline: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> SecondRun:
    """The baseline's next run, in a copy of it, after the exports of tests/scenarios.py `land_second_export`
    landed, while a reader holds version 1 of the published file open; then dbt docs of that home, generated
    without the salt. The checkout is snapshotted before and after."""
    from .scenarios import READER, land_second_export

    base = tmp_path_factory.mktemp("small_second_run")
    checkout_before = checkout_snapshot()
    with copy_in_slot(slot_parse, small_baseline, base) as (home, landing):
        land_second_export(landing)
        release = base / "release-reader"
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(home / "published" / "warehouse.duckdb"), str(release)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert reader.stdout is not None
            reader_before = reader.stdout.readline().strip()
            completed = run_cli("run", home=home, landing=landing)
            release.touch()
            reader_after = reader.stdout.readline().strip()
            reader_exit = reader.wait(timeout=60)
        finally:
            reader.kill()
        assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
        # dbt docs of the home, generated without the salt, from the run's parse
        docs = subprocess.run(
            [
                str(Path(sys.executable).parent / "dbt"), "docs", "generate", "--no-compile",
                "--project-dir", str(PROJECT_ROOT / "dbt_project"), "--profiles-dir", str(PROJECT_ROOT / "dbt_project"),
                "--target-path", str(home / "dbt" / "target"), "--log-path", str(home / "dbt" / "docs"),
                "--vars", '{"reporting_timezone": "UTC"}',
            ],
            env={key: value for key, value in os.environ.items() if key != PII_SALT_VARIABLE}
            | {"SUPPORT_KPI_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )  # fmt: skip
    home = base / "home"
    return SecondRun(
        home=home,
        landing=landing,
        completed=completed,
        reader_lines=(reader_before, reader_after),
        reader_exit=reader_exit,
        docs=docs,
        checkout_before=checkout_before,
        checkout_after=checkout_snapshot(),
    )


Query = Callable[[str], list[tuple]]


@pytest.fixture(scope="session")
def published_small(small_home: Path) -> Iterator[Query]:
    connection = duckdb.connect(str(small_home / "published" / "warehouse.duckdb"), read_only=True)

    def query(sql: str) -> list[tuple]:
        return connection.execute(sql).fetchall()

    yield query
    connection.close()


@pytest.fixture(scope="session")
def build_small(small_home: Path) -> Iterator[Query]:
    connection = duckdb.connect(str(small_home / "build" / "warehouse.duckdb"), read_only=True)

    def query(sql: str) -> list[tuple]:
        return connection.execute(sql).fetchall()

    yield query
    connection.close()


# ---- an alert webhook that records what it receives


class _Webhook(BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        _Webhook.received.append(json.loads(self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[tuple[str, list[dict]]]:
    _Webhook.received = []
    server = HTTPServer(("127.0.0.1", 0), _Webhook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/alert", _Webhook.received
    server.shutdown()


# ---- ingestion: a raw database and helpers to land and ingest one file

DBT_PROJECT = PROJECT_ROOT / "dbt_project"

DUPLICATE = "duplicate id in file: a later record supersedes it"

# The id shown for a staged record of each raw table (SQL over `payload`).
KEYS = {
    "zendesk_tickets": "payload->>'id'",
    "zendesk_ticket_events": "payload->>'id'",
    "asterisk_queue_log": "payload->>'event'",
    "qualtrics_responses": "payload->>'ResponseId'",
    "qa_reviews": "(payload->>'review_id') || '/' || (payload->>'criterion')",
    "roster": "payload->>'agent_id'",
    "queues": "payload->>'queue'",
}


@pytest.fixture
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """An empty in-memory DuckDB for raw ingestion (the raw schema is created by the first ingest)."""
    with duckdb.connect() as con:
        yield con


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Land a file byte for byte (str is written as UTF-8, line ends untouched)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def ticket(ticket_id: int, **fields: object) -> dict[str, object]:
    return {
        "id": ticket_id,
        "created_at": "2026-03-02T09:00:00Z",
        "updated_at": "2026-03-02T10:00:00Z",
        "status": "open",
        "assignee_id": 9001,
        **fields,
    }


def ticket_event(event_id: int, ticket_id: int, **fields: object) -> dict[str, object]:
    return {
        "id": event_id,
        "ticket_id": ticket_id,
        "created_at": "2026-03-02T09:05:00Z",
        "updater_id": 9001,
        "event_type": "Audit",
        "child_events": [],
        **fields,
    }


def page(key: str, records: list[dict[str, object]]) -> str:
    """A pretty-printed page of a Zendesk incremental export (its first line is `{`)."""
    return json.dumps({key: records, "end_of_stream": True}, indent=2) + "\n"


def json_lines(records: list[dict[str, object]], newline: str = "\n") -> str:
    return "".join(json.dumps(record) + newline for record in records)


QA_COLUMNS = [
    "review_id",
    "reviewed_at",
    "reviewer_id",
    "agent_id",
    "interaction_type",
    "interaction_id",
    "criterion",
    "score",
    "max_score",
]


def qa_row(review_id: str, criterion: str, score: str = "4", max_score: str = "5", **fields: str) -> dict[str, str]:
    return {
        "review_id": review_id,
        "reviewed_at": "2026-03-05T10:00:00Z",
        "reviewer_id": "LEAD1",
        "agent_id": "A001",
        "interaction_type": "ticket",
        "interaction_id": "101",
        "criterion": criterion,
        "score": score,
        "max_score": max_score,
        **fields,
    }


def qa_csv(
    rows: list[dict[str, str]],
    *,
    columns: list[str] = QA_COLUMNS,
    delimiter: str = ",",
    newline: str = "\n",
) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns, delimiter=delimiter, lineterminator=newline, extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


QUALTRICS_COLUMNS = [
    "StartDate",
    "EndDate",
    "Status",
    "Progress",
    "Finished",
    "RecordedDate",
    "ResponseId",
    "Q_NPS",
    "Q_CSAT",
    "Q_COMMENT",
    "ticket_id",
]


def response(response_id: str, nps: str = "9", csat: str = "5", **fields: str) -> dict[str, str]:
    return {
        "StartDate": "2026-03-03 09:55:00",
        "EndDate": "2026-03-03 10:00:00",
        "Status": "0",
        "Progress": "100",
        "Finished": "True",
        "RecordedDate": "2026-03-03 10:00:00",
        "ResponseId": response_id,
        "Q_NPS": nps,
        "Q_CSAT": csat,
        "Q_COMMENT": "",
        "ticket_id": "101",
        **fields,
    }


def qualtrics_csv(
    responses: list[dict[str, str]], *, columns: list[str] = QUALTRICS_COLUMNS, newline: str = "\n"
) -> str:
    """A Qualtrics export: column ids, question texts, ImportId JSON, then one row per response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    writer.writerow(columns)
    writer.writerow([f"Question text of {column}" for column in columns])
    writer.writerow([json.dumps({"ImportId": column}) for column in columns])
    writer.writerows([[row.get(column, "") for column in columns] for row in responses])
    return buffer.getvalue()


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def days_ahead(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def ingest(connection: duckdb.DuckDBPyConnection, source: Source, folder: Path) -> SourceSummary:
    summary = ingest_source(connection, source, folder, pii_salt=TEST_PII_SALT)
    # The second line of defence agrees with the first: whatever the ingestion rules staged, the raw GX suites
    # accept (a record they rejected would block the whole pipeline).
    for entity in source.entities:
        assert audit_raw_batch(connection, entity).outcome.failures == [], entity.name
    return summary


def assert_file(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    path: Path,
    *,
    fmt: str | None,
    table: str | None = None,
    staged: list[tuple[int, str]] | None = None,
    quarantined: list[tuple[int | None, str]] | None = None,
    key: str | None = None,
    file_error: str | None = None,
    encoding: str = "utf-8",
) -> None:
    """One landed file: its manifest row, its quarantine rows and its staged rows are exactly as expected."""
    staged = staged or []
    quarantined = quarantined or []
    rows = connection.execute(
        f"""select file_id, format, records_read, staged, quarantined, quarantine_reasons, file_error, encoding
        from {RAW_SCHEMA}.ingested_files where path = ?""",
        [str(path)],
    ).fetchall()
    assert len(rows) == 1, f"{path.name} should be in the manifest once"
    file_id, actual_format, read, n_staged, n_quarantined, reasons, actual_error, actual_encoding = rows[0]
    assert actual_format == fmt
    assert (read, n_staged, n_quarantined) == (len(staged) + len(quarantined), len(staged), len(quarantined))
    assert read == n_staged + n_quarantined
    assert json.loads(reasons) == dict(Counter(reason for _, reason in quarantined))
    assert (actual_error, actual_encoding) == (file_error, encoding)

    assert (
        connection.execute(
            f"select record_number, reason from {RAW_SCHEMA}.quarantine where file_id = ? "
            "order by record_number nulls first, reason",
            [file_id],
        ).fetchall()
        == quarantined
    )
    # raw side: the staged rows of the file, in every raw table of the source, are exactly the expected ones
    for entity in source.entities:
        if entity.name == table:
            actual = connection.execute(
                f"select record_number, {key or KEYS[table]} from {entity.table} where file_id = ? "
                "order by record_number",
                [file_id],
            ).fetchall()
            assert actual == staged
        else:
            count = connection.execute(f"select count(*) from {entity.table} where file_id = ?", [file_id]).fetchone()
            assert count == (0,), f"{path.name} staged rows in {entity.table}"
    if table is None:
        assert staged == []


def payload_of(connection: duckdb.DuckDBPyConnection, table: str, path: Path, record_number: int) -> dict:
    row = connection.execute(
        f"""select payload from {RAW_SCHEMA}.{table} t join {RAW_SCHEMA}.ingested_files f using (file_id)
        where f.path = ? and t.record_number = ?""",
        [str(path), record_number],
    ).fetchone()
    assert row is not None
    return json.loads(row[0])
