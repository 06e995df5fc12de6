"""The quality gate judges the rows of a mart that the published (already audited) version lacks, in chunks; every
row when that version's gate did not pass the same suite (orchestration/quality/audited.py)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from orchestration.quality import audited
from orchestration.quality.audited import attached_audited_version, frames, rows_to_validate, suite_fingerprint
from orchestration.quality.monitors import mart_suites
from orchestration.quality.suites import merge_outcomes, validate_dataframe

CALLS = "call_id varchar, wait_seconds double, talk_seconds double"


@pytest.fixture
def calls_suite():
    return mart_suites()["fct_calls"]


def write_published(folder: Path, rows: str, fingerprints: dict[str, str], columns: str = CALLS) -> None:
    with duckdb.connect(str(folder / "published.duckdb")) as published:
        published.execute(f"create schema marts; create table marts.fct_calls ({columns})")
        published.execute(f"insert into marts.fct_calls values {rows}")
    manifest = {"version": 4, "check_summary": {"gx_suite_fingerprints": fingerprints}}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def build_connection(rows: str) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(f"create schema marts; create table marts.fct_calls ({CALLS})")
    connection.execute(f"insert into marts.fct_calls values {rows}")
    return connection


def validated(connection, folder: Path, suite) -> tuple[str, list[str]]:
    with attached_audited_version(connection, folder / "published.duckdb", folder / "manifest.json") as version:
        rows = rows_to_validate(connection, "fct_calls", suite, version)
        ids = sorted(call_id for frame in frames(connection, rows.query) for call_id in frame["call_id"])
    return rows.scope, ids


def test_only_the_rows_the_published_version_lacks_are_validated(tmp_path: Path, calls_suite) -> None:
    # c1 unchanged, c2 changed (talk 30 -> 31), c3 new: c2 and c3 are validated, c1 passed this suite before.
    write_published(tmp_path, "('c1', 5, 20), ('c2', 8, 30)", {"gx_fct_calls": suite_fingerprint(calls_suite)})
    connection = build_connection("('c1', 5, 20), ('c2', 8, 31), ('c3', -2, 10)")

    assert validated(connection, tmp_path, calls_suite) == ("rows not in published version 4", ["c2", "c3"])
    # and the attached file is gone again: the rest of the gate sees one `marts` schema
    assert connection.execute("select count(*) from duckdb_databases() where database_name = 'audited'").fetchone() == (
        0,
    )


def test_a_changed_suite_or_other_columns_or_no_record_validate_every_row(tmp_path: Path, calls_suite) -> None:
    every_row = ("all rows", ["c1", "c2"])
    build = "('c1', 5, 20), ('c2', 8, 31)"
    changed = replace(calls_suite, expectations=(*calls_suite.expectations, calls_suite.expectations[0]))
    write_published(tmp_path, "('c1', 5, 20)", {"gx_fct_calls": suite_fingerprint(calls_suite)})
    assert validated(build_connection(build), tmp_path, changed) == every_row

    other = tmp_path / "other"
    other.mkdir()
    write_published(other, "('c1', 5, 20, 1)", {"gx_fct_calls": suite_fingerprint(calls_suite)}, CALLS + ", x int")
    assert validated(build_connection(build), other, calls_suite) == every_row

    warned = tmp_path / "warned"  # the check did not pass on the published version: no fingerprint kept
    warned.mkdir()
    write_published(warned, "('c1', 5, 20)", {})
    assert validated(build_connection(build), warned, calls_suite) == every_row

    assert validated(build_connection(build), tmp_path / "none", calls_suite) == every_row


def test_a_suite_about_the_whole_table_validates_every_row(tmp_path: Path, calls_suite) -> None:
    unique = {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "call_id"}}
    suite = replace(calls_suite, expectations=(*calls_suite.expectations, unique))
    write_published(tmp_path, "('c1', 5, 20)", {"gx_fct_calls": suite_fingerprint(suite)})
    assert validated(build_connection("('c1', 5, 20), ('c2', 8, 31)"), tmp_path, suite) == ("all rows", ["c1", "c2"])


def test_chunks_are_judged_together(monkeypatch, calls_suite) -> None:
    monkeypatch.setattr(audited, "CHUNK_VECTORS", 1)  # 2,048 rows a frame: 5,000 rows are three frames
    connection = duckdb.connect()
    connection.execute(
        "create table calls as select 'c' || i as call_id, "
        "case when i in (7, 2500, 4999) then -1 else 3 end as wait_seconds, 10.0 as talk_seconds "
        "from range(5000) as t(i) order by i"
    )
    chunks = list(frames(connection, "select * from calls order by cast(substr(call_id, 2) as int)"))
    assert [len(frame) for frame in chunks] == [2048, 2048, 904]

    outcome = merge_outcomes(validate_dataframe(calls_suite, frame) for frame in chunks)

    assert not outcome.success and outcome.blocks
    [failure] = outcome.failures
    assert (failure["column"], failure["unexpected_count"]) == ("wait_seconds", 3)
    assert sorted(example["call_id"] for example in failure["examples"]) == ["c2500", "c4999", "c7"]


def test_no_rows_to_validate_is_one_empty_frame_that_passes(calls_suite) -> None:
    connection = build_connection("('c1', 5, 20)")
    [frame] = list(frames(connection, "select * from marts.fct_calls where false"))
    assert frame.empty and list(frame.columns) == ["call_id", "wait_seconds", "talk_seconds"]
    assert validate_dataframe(calls_suite, frame).success
