"""dbt's unit tests (the `unit_tests:` next to the models) check the models' SQL on hand-made rows. A run builds
models and data tests only (dbt's advice: unit tests belong in development and CI), so CI runs them here, on a
copy of a built warehouse (dbt reads the input relations' column types from it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import PROJECT_ROOT


def test_every_dbt_unit_test_passes(small_copy: tuple[Path, Path], tmp_path: Path) -> None:
    home, _ = small_copy
    project = PROJECT_ROOT / "dbt_project"
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"), "test", "--select", "test_type:unit",
            "--project-dir", str(project), "--profiles-dir", str(project),
            # the home's own dbt target: dbt partial-parses from the run's parse
            "--target-path", str(home / "dbt" / "target"), "--log-path", str(tmp_path / "logs"),
            "--vars", json.dumps({"reporting_timezone": "UTC"}),
        ],
        env={**os.environ, "SUPPORT_KPI_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-4000:]
    results = json.loads((home / "dbt" / "target" / "run_results.json").read_text())["results"]
    unit_tests = [result for result in results if result["unique_id"].startswith("unit_test.")]
    declared = sum(text.count("\n  - name:") for text in _unit_test_files(project))
    assert len(unit_tests) == declared > 20
    assert {result["status"] for result in unit_tests} == {"pass"}


def _unit_test_files(project: Path) -> list[str]:
    return [path.read_text() for path in (project / "models").rglob("*unit_tests.yml")]
