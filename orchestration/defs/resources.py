"""Dagster resources: the warehouse (paths, time zone, DuckDB build database) and dbt."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource, InitResourceContext
from dagster_dbt import DbtCliResource
from filelock import FileLock

from ..dbt_project import SupportKpiDbtCliResource, dbt_executable
from ..duckdb_connection import connect
from ..settings import DBT_PROJECT_DIR, RUN_UMASK, Settings, load_settings, validate_timezone


class WarehouseResource(ConfigurableResource):
    """Where data lives (SPEC section 3). Fields left unset come from the SUPPORT_KPI_* environment variables."""

    home: str | None = None
    landing: str | None = None
    timezone: str | None = None

    def settings(self) -> Settings:
        base = load_settings()
        home = Path(self.home).resolve() if self.home else base.home
        landing = (
            Path(self.landing).resolve() if self.landing else (base.landing if self.home is None else home / "landing")
        )
        timezone = validate_timezone(self.timezone) if self.timezone else base.timezone
        return Settings(
            home=home,
            landing=landing,
            timezone=timezone,
            pii_salt=base.pii_salt,
            keep_runs=base.keep_runs,
            memory_limit=base.memory_limit,
            threads=base.threads,
        )

    def setup_for_execution(self, context: InitResourceContext) -> None:
        # Every step process that touches the warehouse creates its files for owner and group only.
        os.umask(RUN_UMASK)

    @contextmanager
    def writer_lock(self, timeout_seconds: float = 3600) -> Iterator[None]:
        """One writer of the build database at a time, across runs and processes: a second run's step waits here
        (DuckDB itself would refuse the second writer)."""
        settings = self.settings()
        settings.ensure_dirs()
        with FileLock(str(settings.build_dir / ".writer.lock"), timeout=timeout_seconds):
            yield

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the build database (never the published one), under the writer lock."""
        settings = self.settings()
        with self.writer_lock():
            connection = connect(settings.build_database, settings)
            try:
                yield connection
            finally:
                connection.close()


def dbt_resource() -> DbtCliResource:
    return SupportKpiDbtCliResource(project_dir=os.fspath(DBT_PROJECT_DIR), dbt_executable=dbt_executable())
