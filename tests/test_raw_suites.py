"""The raw batches' Great Expectations suites: a second audit of what the ingestion rules staged.

Records are put into the raw tables behind the ingestion rules' back (as a rule regression would) and the audit must
catch them, keep the file in the next batch until it is fixed, and re-validate everything when a suite is edited.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion import ALL_SOURCES, QUALITY, REFERENCE, SURVEYS, TELEPHONY
from orchestration.ingestion.core import forget_file
from orchestration.ingestion.quality_reviews import QA_REVIEWS
from orchestration.ingestion.reference import ROSTER
from orchestration.ingestion.runner import ingest_source
from orchestration.ingestion.surveys import QUALTRICS_RESPONSES
from orchestration.ingestion.telephony import ASTERISK_QUEUE_LOG
from orchestration.quality.raw_audit import audit_raw_batch, suite_version
from orchestration.quality.suites import suites_in

from .conftest import SMALL_LANDING, TEST_PII_SALT


@pytest.fixture
def connection(connection: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The shared raw database of conftest.py, with small_landing's QA reviews ingested (file 1)."""
    ingest_source(connection, QUALITY, SMALL_LANDING / "quality", pii_salt=TEST_PII_SALT)
    return connection


def test_every_raw_table_has_a_suite_and_every_suite_a_raw_table() -> None:
    entities = {entity.name for source in ALL_SOURCES for entity in source.entities}
    assert set(suites_in("raw")) == entities


def test_a_staged_file_passes_once_and_is_not_validated_again(connection) -> None:
    first = audit_raw_batch(connection, QA_REVIEWS)
    # small_landing/quality/qa_reviews.csv: 4 criterion rows (reviews QA1 and QA2, two criteria each) in file 1.
    assert (first.outcome.success, first.file_ids, first.rows) == (True, [1], 4)
    second = audit_raw_batch(connection, QA_REVIEWS)
    assert (second.outcome.success, second.file_ids, second.rows, second.outcome.evaluated) == (True, [], 0, 0)


def sneak_qa_row(connection: duckdb.DuckDBPyConnection, **fields: object) -> None:
    """A record the ingestion rules would have quarantined, appended as file 1's record 99."""
    payload = {
        "review_id": "R9", "reviewed_at": "2026-03-03T10:00:00Z", "reviewer_id": "L1", "agent_id": "A001",
        "interaction_type": "ticket", "interaction_id": "101", "criterion": "tone", "score": "4", "max_score": "5",
        **fields,
    }  # fmt: skip
    connection.execute("insert into raw.qa_reviews values (1, 99, ?)", [json.dumps(payload)])


def test_a_score_above_its_maximum_fails_and_names_the_record(connection) -> None:
    sneak_qa_row(connection, score="7")
    audit = audit_raw_batch(connection, QA_REVIEWS)
    assert not audit.outcome.success and audit.outcome.blocks
    [failure] = audit.outcome.failures
    assert failure["expectation"] == "expect_column_pair_values_a_to_be_greater_than_b"
    assert failure["unexpected_count"] == 1
    assert (failure["examples"][0]["review_id"], failure["examples"][0]["record_number"]) == ("R9", "99")


def test_a_failed_file_stays_in_the_batch_until_fixed(connection) -> None:
    sneak_qa_row(connection, reviewed_at="next tuesday")
    assert not audit_raw_batch(connection, QA_REVIEWS).outcome.success
    again = audit_raw_batch(connection, QA_REVIEWS)
    assert (again.outcome.success, again.file_ids) == (False, [1])  # never marked validated
    connection.execute("delete from raw.qa_reviews where payload->>'reviewed_at' = 'next tuesday'")
    fixed = audit_raw_batch(connection, QA_REVIEWS)
    assert (fixed.outcome.success, fixed.file_ids) == (True, [1])


def test_doubled_raw_rows_fail_the_batch(connection) -> None:
    connection.execute("insert into raw.qa_reviews select * from raw.qa_reviews")  # the same file appended twice
    audit = audit_raw_batch(connection, QA_REVIEWS)
    expectations = {failure["expectation"]: failure["unexpected_count"] for failure in audit.outcome.failures}
    # 4 records doubled: 8 rows break (file_id, record_number) and (file_id, review_id, criterion) uniqueness.
    assert expectations == {"expect_compound_columns_to_be_unique": 8}
    assert len(audit.outcome.failures) == 2


def test_an_edited_suite_validates_every_file_again(connection, monkeypatch) -> None:
    assert audit_raw_batch(connection, QA_REVIEWS).file_ids == [1]
    edited = replace(suites_in("raw")["qa_reviews"], checksum="edited")
    monkeypatch.setattr("orchestration.quality.raw_audit.raw_suite", lambda entity: edited)
    assert audit_raw_batch(connection, QA_REVIEWS).file_ids == [1]
    assert audit_raw_batch(connection, QA_REVIEWS).file_ids == []
    rows = connection.execute("select suite_checksum from raw.validated_files").fetchall()
    assert rows == [(suite_version(edited),)]  # validations under the old version are dropped


def test_a_reprocessed_file_is_validated_again(tmp_path: Path) -> None:
    landing = tmp_path / "reference"
    landing.mkdir()
    (landing / "roster.csv").write_bytes((SMALL_LANDING / "reference" / "roster.csv").read_bytes())
    with duckdb.connect() as connection:
        ingest_source(connection, REFERENCE, landing, pii_salt=TEST_PII_SALT)
        assert audit_raw_batch(connection, ROSTER).file_ids == [1]
        checksum = connection.execute("select checksum from raw.ingested_files").fetchone()[0]
        assert forget_file(connection, REFERENCE, checksum) == 1
        assert connection.execute("select count(*) from raw.validated_files").fetchone()[0] == 0
        ingest_source(connection, REFERENCE, landing, pii_salt=TEST_PII_SALT)
        assert audit_raw_batch(connection, ROSTER).file_ids == [1]


def test_a_changed_dbt_var_read_by_a_suite_validates_every_file_again(monkeypatch) -> None:
    with duckdb.connect() as connection:
        ingest_source(connection, SURVEYS, SMALL_LANDING / "surveys", pii_salt=TEST_PII_SALT)
        assert audit_raw_batch(connection, QUALTRICS_RESPONSES).file_ids == [1]
        assert audit_raw_batch(connection, QUALTRICS_RESPONSES).file_ids == []
        # The NPS question is now another column of the export: the suite's nps_score column reads another field.
        monkeypatch.setattr(
            "orchestration.quality.raw_audit.dbt_var",
            lambda name: "Q_NPS_V2" if name == "qualtrics_nps_question" else name,
        )
        assert audit_raw_batch(connection, QUALTRICS_RESPONSES).file_ids == [1]


def test_queue_log_durations_are_checked_on_the_events_that_carry_them(tmp_path: Path) -> None:
    landing = tmp_path / "telephony"
    landing.mkdir()
    (landing / "queue_log").write_text("1772442000|1772442000.1|support|NONE|ENTERQUEUE||15550001|1\n")
    with duckdb.connect() as connection:
        ingest_source(connection, TELEPHONY, landing, pii_salt=TEST_PII_SALT)
        assert audit_raw_batch(connection, ASTERISK_QUEUE_LOG).outcome.success
        sneaked = [
            (2, {"epoch": "1772442010", "callid": "c1", "queuename": "support", "agent": "PJSIP/1001",
                 "event": "CONNECT", "data": ["-5", "c1b", "2"]}),
            (3, {"epoch": "1772442020", "callid": "NONE", "queuename": "support", "agent": "PJSIP/1001",
                 "event": "PAUSE", "data": ["-1"]}),  # not an event with durations: its fields are not checked
        ]  # fmt: skip
        for record_number, payload in sneaked:
            connection.execute(
                "insert into raw.asterisk_queue_log values (2, ?, ?)", [record_number, json.dumps(payload)]
            )
        audit = audit_raw_batch(connection, ASTERISK_QUEUE_LOG)
    [failure] = audit.outcome.failures
    assert failure["column"] == "smallest_duration_or_position"
    assert [row["record_number"] for row in failure["examples"]] == ["2"]
