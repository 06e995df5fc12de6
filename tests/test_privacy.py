"""Personal data: published marts carry salted hashes of phone numbers, never the numbers; a real run needs a salt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import PII_SALT_VARIABLE

from .conftest import SMALL_LANDING, Query


def test_published_marts_hold_no_phone_number(published_small: Query) -> None:
    text_columns = published_small(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR'"
    )
    for table, column in text_columns:
        leaks = published_small(f"select count(*) from marts.{table} where {column} like '%5550%'")
        assert leaks == [(0,)], (table, column)


def test_run_without_salt_fails_with_a_clear_message(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != PII_SALT_VARIABLE}
    env |= {"SUPPORT_KPI_HOME": str(tmp_path), "SUPPORT_KPI_LANDING": str(SMALL_LANDING)}
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert f"{PII_SALT_VARIABLE} is not set" in completed.stderr
    assert not (tmp_path / "published").exists()
