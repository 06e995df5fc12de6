"""Personal data and secrets (SPEC 3.2): customers' phone numbers and emails are hashed where they enter, the salt
is never written to any file, the quarantine masks personal data, and a run writes only under its home."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion import HELPDESK, SURVEYS, TELEPHONY
from orchestration.ingestion.core import RAW_SCHEMA, create_raw_tables, export_quarantine
from orchestration.ingestion.personal_data import (
    PersonalDataKeyMismatch,
    enable_hashing,
    hash_sql,
    mask_personal_data,
)
from orchestration.ingestion.runner import ingest_source
from orchestration.settings import PII_SALT_VARIABLE

from .conftest import PROJECT_ROOT, SMALL_LANDING, TEST_PII_SALT, Query, SecondRun, keyed_hash
from .scenarios import (
    QUARANTINED_EMAIL,
    QUARANTINED_PHONE,
    QUARANTINED_USER_PHONE,
    land_quarantined_personal_data,
)


def test_run_without_salt_fails_with_a_clear_message(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if key != PII_SALT_VARIABLE}
    env |= {"SUPPORT_KPI_HOME": str(tmp_path), "SUPPORT_KPI_LANDING": str(SMALL_LANDING)}
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert f"{PII_SALT_VARIABLE} is not set" in completed.stderr
    assert not (tmp_path / "published").exists()


def test_published_marts_hold_no_phone_number(published_small: Query) -> None:
    text_columns = published_small(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR'"
    )
    for table, column in text_columns:
        leaks = published_small(f"select count(*) from marts.{table} where {column} like '%5550%'")
        assert leaks == [(0,)], (table, column)


# ---- the keyed hash, SQL form against an independent HMAC


@pytest.mark.parametrize(
    ("value", "kind", "normalised"),
    [
        ("+1 (555) 010-0200", "phone", "15550100200"),
        ("15550100", "phone", "15550100"),
        ("  Jane.Doe@Example.COM ", "email", "jane.doe@example.com"),
        ("ünïcode@example.com", "email", "ünïcode@example.com"),
    ],
)
@pytest.mark.parametrize("salt", ["short salt", TEST_PII_SALT], ids=["short_salt", "long_salt"])
def test_sql_hash_is_hmac_sha256_of_the_normalised_value(value: str, kind: str, normalised: str, salt: str) -> None:
    with duckdb.connect() as connection:
        enable_hashing(connection, salt)
        got = connection.execute(f"select {hash_sql('?', kind)}", [value]).fetchall()[0][0]
    assert got == keyed_hash(normalised, salt)


@pytest.mark.parametrize("hidden", ["", "anonymous", " ANONYMOUS ", "Unknown", None])
def test_hidden_caller_ids_hash_to_null(hidden: str | None) -> None:
    with duckdb.connect() as connection:
        enable_hashing(connection, TEST_PII_SALT)
        assert connection.execute(f"select {hash_sql('?::varchar', 'phone')}", [hidden]).fetchall() == [(None,)]


# ---- masking in the quarantine


MASKING_CASES = [
    (
        "1772442000|17.1|billing|NONE|ENTERQUEUE||+15551234567|1",
        "1772442000|17.1|billing|NONE|ENTERQUEUE||+*********67|1",
    ),
    (
        '{"phone": "+1 (555) 010-1234", "created_at": "2026-03-01T10:00:00Z"}',
        '{"phone": "+* (***) ***-**34", "created_at": "2026-03-01T10:00:00Z"}',
    ),
    ('{"phone": "0100"}', '{"phone": "**00"}'),
    (
        "c9,q,jane@example.org,2026-03-01 10:00:00+02:00,5550101234",
        "c9,q,***@example.org,2026-03-01 10:00:00+02:00,********34",
    ),
    (
        '{"requester_id": 361898904439, "timestamp": 1700000000, "wait": 12.5}',
        '{"requester_id": 361898904439, "timestamp": 1700000000, "wait": 12.5}',
    ),
]


@pytest.mark.parametrize(("text", "masked"), MASKING_CASES)
def test_masking_keeps_the_last_two_digits_and_the_email_domain(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


def _clear_forms() -> list[str]:
    return [
        QUARANTINED_PHONE,
        "442079460958",
        QUARANTINED_EMAIL,
        "jane.doe.quarantined",
        QUARANTINED_USER_PHONE,
        "5558675309",
        "867-5309",
    ]


def test_quarantined_records_keep_no_personal_data_in_clear(tmp_path: Path) -> None:
    land_quarantined_personal_data(tmp_path)
    (tmp_path / "surveys").mkdir()
    (tmp_path / "surveys" / "responses.csv").write_text(
        "response_id,responded_at,channel,ticket_id,call_id,customer_email,nps_score,csat_score,comment\n"
        f"S1,2026-03-02T10:00:00Z,email,,,{QUARANTINED_EMAIL},11,5,call me on {QUARANTINED_PHONE}\n"
    )
    (tmp_path / "helpdesk" / "tickets_broken.json").write_text(
        f'{{"tickets": [{{"id": 1, "via": {{"source": {{"from": {{"address": "{QUARANTINED_EMAIL}"'
    )
    with duckdb.connect(str(tmp_path / "build.duckdb")) as connection:
        summaries = [
            ingest_source(connection, source, tmp_path / source.name, pii_salt=TEST_PII_SALT)
            for source in (TELEPHONY, HELPDESK, SURVEYS)
        ]
        assert sum(summary.quarantined for summary in summaries) == 4  # call X1, user 7002, S1, the broken page
        export_quarantine(connection, tmp_path / "quarantine")
        rows = connection.execute(
            f"select path, record_number, reason, raw_text from {RAW_SCHEMA}.quarantine order by path"
        ).fetchall()
        manifest = connection.execute(
            f"select file_error, quarantine_reasons::varchar from {RAW_SCHEMA}.ingested_files"
        ).fetchall()
    csv_text = (tmp_path / "quarantine" / "quarantine.csv").read_text()
    for clear in _clear_forms():
        assert clear not in csv_text
        assert all(clear not in str(row) for row in rows + manifest)
    # The record can still be found: its file, record number and reason, with the last two digits of the phone.
    by_file = {Path(path).name: (number, reason, raw) for path, number, reason, raw in rows}
    assert by_file["calls_extra.csv"][:2] == (1, "unknown outcome")
    assert "***@example.org" in by_file["responses.csv"][2] and "58" in by_file["responses.csv"][2]
    assert by_file["users_extra.jsonl"][:2] == (2, "unparseable JSON line")
    assert "+** ** **** **58" in by_file["calls_extra.csv"][2]
    assert '"phone":"(***) ***-**09"' in by_file["users_extra.jsonl"][2].replace(": ", ":")


def test_rows_staged_before_hashing_are_hashed_once_on_upgrade(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "old.duckdb")) as connection:
        create_raw_tables(connection, TELEPHONY.entities)
        connection.execute(f"drop table {RAW_SCHEMA}.personal_data_hashing")  # a build database of an older version
        connection.execute(
            f"insert into {RAW_SCHEMA}.generic_calls values (1, 1, ?::json)",
            [json.dumps({"call_id": "c1", "queue": "q", "caller_number": "+1 555 010 0999"})],
        )
        connection.execute(
            f"insert into {RAW_SCHEMA}.asterisk_queue_log values (1, 1, ?::json)",
            [json.dumps({"epoch": "1772442000", "event": "ENTERQUEUE", "data": ["", "15550100", "1"]})],
        )
        connection.execute(
            f"insert into {RAW_SCHEMA}.quarantine values (1, 'telephony', 'generic_calls', 'x.csv', 2, 'bad', ?)",
            ["c2,q,+1 555 010 0888,bad"],
        )
        for _ in range(2):  # the second ingestion must not hash the hashes again
            ingest_source(connection, TELEPHONY, tmp_path / "empty", pii_salt=TEST_PII_SALT)
        calls = connection.execute(f"select payload::varchar from {RAW_SCHEMA}.generic_calls").fetchall()
        queue_log = connection.execute(f"select payload->'data'->>1 from {RAW_SCHEMA}.asterisk_queue_log").fetchall()
        quarantined = connection.execute(f"select raw_text from {RAW_SCHEMA}.quarantine").fetchall()
        with pytest.raises(PersonalDataKeyMismatch):
            ingest_source(connection, TELEPHONY, tmp_path / "empty", pii_salt="another salt")
    assert json.loads(calls[0][0]) == {"call_id": "c1", "queue": "q", "caller_number_hash": keyed_hash("15550100999")}
    assert queue_log == [(keyed_hash("15550100"),)]
    assert quarantined == [("c2,q,+* *** *** **88,bad",)]


# ---- end to end: the salt is nowhere, the checkout is untouched, artifacts pruned, files private


def _salt_forms(salt: str) -> list[str]:
    raw = salt.encode("utf-8")
    return [
        salt,
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]


def _files_containing(folder: Path, needles: list[str]) -> list[str]:
    """grep every file under the folder (binary files too) for any of the strings."""
    arguments = ["grep", "-rlaF"]
    for needle in needles:
        arguments += ["-e", needle]
    completed = subprocess.run([*arguments, str(folder)], capture_output=True, text=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr
    return completed.stdout.split()


def test_dbt_docs_generate_works_without_the_salt(small_second_run: SecondRun) -> None:
    docs = small_second_run.docs
    assert docs.returncode == 0, docs.stdout[-3000:]
    catalog = json.loads((small_second_run.home / "dbt" / "target" / "catalog.json").read_text())
    assert "model.support_kpi.fct_calls" in catalog["nodes"]


def test_the_salt_is_in_no_file_a_run_writes(small_second_run: SecondRun) -> None:
    needles = _salt_forms(TEST_PII_SALT)
    home = small_second_run.home
    assert (home / "published" / "warehouse.duckdb").exists()
    for folder in (home, PROJECT_ROOT):
        assert _files_containing(folder, needles) == [], folder


def test_the_published_caller_hash_is_the_keyed_hash_of_the_digits(small_second_run: SecondRun) -> None:
    published = small_second_run.home / "published" / "warehouse.duckdb"
    with duckdb.connect(str(published), read_only=True) as connection:
        rows = connection.execute(
            "select caller_hash from marts.fct_calls where call_id = '1772442000.1' and queue = 'support-billing'"
        ).fetchall()
    # The fixture's ENTERQUEUE caller id of that call is 15550100.
    assert rows == [(keyed_hash("15550100"),)]


def test_quarantine_of_a_run_keeps_no_personal_data_in_clear(small_second_run: SecondRun) -> None:
    home = small_second_run.home
    csv_text = (home / "quarantine" / "quarantine.csv").read_text()
    assert "calls_extra.csv" in csv_text and "users_extra.jsonl" in csv_text
    with duckdb.connect(str(home / "build" / "warehouse.duckdb"), read_only=True) as connection:
        quarantine_text = str(connection.execute(f"select * from {RAW_SCHEMA}.quarantine").fetchall())
        raw_text = str(
            [
                connection.execute(f"select payload::varchar from {RAW_SCHEMA}.{table}").fetchall()
                for table in ("zendesk_users", "generic_calls", "asterisk_queue_log")
            ]
        )
    for clear in [*_clear_forms(), "ok@customer.test", "one@customer.test", "15550100", "(555) 0100"]:
        assert clear not in csv_text
        assert clear not in quarantine_text
        assert clear not in raw_text


def test_a_run_leaves_the_checkout_unchanged(small_second_run: SecondRun) -> None:
    before, after = small_second_run.checkout_before, small_second_run.checkout_after
    assert sorted(set(after) - set(before)) == []
    assert sorted(name for name in before if before[name] != after.get(name)) == []


def test_per_run_dbt_artifacts_are_pruned_to_keep_runs(small_second_run: SecondRun) -> None:
    runs = sorted(path.name for path in (small_second_run.home / "dbt" / "runs").iterdir())
    assert len(runs) == 1  # the baseline's run and the second run, SUPPORT_KPI_KEEP_RUNS=1
    assert (small_second_run.home / "dbt" / "runs" / runs[0] / "run_results.json").exists()
    assert (small_second_run.home / "dbt" / "runs" / runs[0] / "dbt.log").exists()


def test_files_a_run_creates_are_for_owner_and_group_only(small_second_run: SecondRun) -> None:
    home = small_second_run.home
    for path in [
        home / "published" / "warehouse.duckdb",
        home / "published" / "manifest.json",
        home / "build" / "warehouse.duckdb",
        home / "quarantine" / "quarantine.csv",
        home / "published",
        home / "build",
    ]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o007 == 0, (path, oct(path.stat().st_mode))


def test_another_salt_on_the_same_home_is_a_configuration_error(small_copy: tuple[Path, Path]) -> None:
    env = {
        **os.environ,
        "SUPPORT_KPI_HOME": str(small_copy[0]),
        "SUPPORT_KPI_LANDING": str(small_copy[1]),
        PII_SALT_VARIABLE: "a different salt",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "run"], env=env, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 2
    assert "is not the key the build database" in completed.stderr
