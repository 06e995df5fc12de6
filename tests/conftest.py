"""Shared fixtures: a published warehouse built from the hand-made landing folder, queried by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PII_SALT_VARIABLE

FIXTURES = Path(__file__).parent / "fixtures"
TEST_PII_SALT = "test-salt"
SMALL_LANDING = FIXTURES / "small_landing"


def run_cli(*arguments: str, home: Path, landing: Path, timezone: str = "UTC") -> subprocess.CompletedProcess[str]:
    """Run `supportkpi` in a fresh process, as a user or the scheduler would."""
    env = {
        **os.environ,
        "SUPPORT_KPI_HOME": str(home),
        "SUPPORT_KPI_LANDING": str(landing),
        "SUPPORT_KPI_TIMEZONE": timezone,
        PII_SALT_VARIABLE: TEST_PII_SALT,
    }
    env.pop("DAGSTER_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="session")
def small_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("small_home")
    completed = run_cli("run", home=home, landing=SMALL_LANDING)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return home


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
