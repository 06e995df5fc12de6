"""Shared fixtures: a published warehouse built from the hand-made landing folder, queried by the tests."""

from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import PII_SALT_VARIABLE

# Code imported by the tests themselves (the Dagster definitions parse the dbt project) writes under a home of its
# own, never into the checkout or a developer's real SUPPORT_KPI_HOME.
os.environ["SUPPORT_KPI_HOME"] = tempfile.mkdtemp(prefix="supportkpi-tests-")

FIXTURES = Path(__file__).parent / "fixtures"
TEST_PII_SALT = "test-salt"
SMALL_LANDING = FIXTURES / "small_landing"


def keyed_hash(normalised: str, salt: str = TEST_PII_SALT) -> str:
    """The published form of a personal value (SPEC 3.2), computed here independently of the product: lower-case
    hex HMAC-SHA-256 keyed with the salt's UTF-8 bytes, of the value already normalised by the test."""
    return hmac.new(salt.encode("utf-8"), normalised.encode("utf-8"), hashlib.sha256).hexdigest()


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


# Fixtures that run the whole pipeline: a test using one is a `pipeline` test (`make test-fast` skips them).
PIPELINE_FIXTURES = {
    "small_baseline", "small_home", "small_copy", "published_small", "build_small",
    "generic_home", "dictionary", "generated_run", "private_run",
}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PIPELINE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.pipeline)


@pytest.fixture(scope="session")
def small_baseline(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One published run of the hand-made landing folder (a copy of it), shared: (home, landing)."""
    base = tmp_path_factory.mktemp("small_baseline")
    landing, home = base / "landing", base / "home"
    shutil.copytree(SMALL_LANDING, landing)
    completed = run_cli("run", home=home, landing=landing)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    return home, landing


@pytest.fixture(scope="session")
def small_home(small_baseline: tuple[Path, Path]) -> Path:
    return small_baseline[0]


@pytest.fixture
def small_copy(small_baseline: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """A private copy of the published baseline (home and landing), for a scenario that lands more files and runs
    again: the next run starts from version 1 without paying for the first run."""
    home, landing = small_baseline
    shutil.copytree(home, tmp_path / "home", symlinks=True)
    shutil.copytree(landing, tmp_path / "landing")
    return tmp_path / "home", tmp_path / "landing"


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
