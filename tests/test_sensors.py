"""The landing sensor, evaluated with Dagster's test utilities."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from dagster import RunRequest, SkipReason, build_sensor_context

from orchestration.definitions import defs
from orchestration.defs.automation import SETTLE_SECONDS, landing_files_sensor


def land(landing: Path, relative: str, text: str, age_seconds: float) -> Path:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    stamp = time.time() - age_seconds
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "landing"
    monkeypatch.setenv("SUPPORT_KPI_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SUPPORT_KPI_LANDING", str(folder))
    return folder


def evaluate(cursor: str | None = None) -> tuple[object, str | None]:
    context = build_sensor_context(cursor=cursor, definitions=defs)
    result = landing_files_sensor(context)
    return result, context.cursor


def test_new_files_start_one_run_and_unchanged_files_none(landing: Path) -> None:
    land(landing, "telephony/queue_log", "1772442000|1.1|q|NONE|ENTERQUEUE||1|1\n", age_seconds=120)
    first, cursor = evaluate()
    assert isinstance(first, RunRequest)
    assert first.job_name is None or first.job_name == "support_kpi_pipeline"

    again, same_cursor = evaluate(cursor)
    assert isinstance(again, SkipReason)
    assert same_cursor == cursor

    land(landing, "surveys/responses.csv", "response_id,responded_at,nps_score,csat_score\n", age_seconds=120)
    third, new_cursor = evaluate(cursor)
    assert isinstance(third, RunRequest)
    assert new_cursor != cursor and third.run_key != first.run_key


def test_a_file_still_being_written_waits_for_the_next_tick(landing: Path) -> None:
    land(landing, "helpdesk/tickets_0001.json", '{"tickets": []}', age_seconds=120)
    land(landing, "helpdesk/tickets_0002.json", '{"tickets": [', age_seconds=SETTLE_SECONDS / 3)
    result, cursor = evaluate()
    assert isinstance(result, SkipReason)
    assert "settle" in str(result.skip_message)
    assert cursor is None


def test_partial_and_hidden_files_are_ignored(landing: Path) -> None:
    land(landing, "helpdesk/tickets_0001.json", '{"tickets": []}', age_seconds=120)
    _, cursor = evaluate()
    land(landing, "helpdesk/tickets_0002.json.part", '{"tick', age_seconds=1)
    land(landing, "helpdesk/.upload.tmp", "x", age_seconds=1)
    result, _ = evaluate(cursor)
    assert isinstance(result, SkipReason)


def test_sensor_is_registered_for_the_pipeline_job() -> None:
    sensor = defs.resolve_sensor_def("landing_files_sensor")
    assert sensor.job_name == "support_kpi_pipeline"
