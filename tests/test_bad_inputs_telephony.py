"""Bad-input corpus for raw ingestion (SPEC 4.9), telephony source: the Asterisk queue_log.

Epochs in the future, negative durations and positions, lines with missing or extra fields. A generic calls CSV with
non-finite durations is in test_bad_inputs_files.py (NaN and infinity, a case spanning sources), as are cases about
whole files of any source (empty, BOM, CRLF...).

Every case lands hand-made files in a temporary folder, ingests the source into an in-memory DuckDB and checks,
per file: the exact quarantine reasons with their record numbers, the good records staged (record number and id),
and the ingest manifest (raw.ingested_files: records_read = staged + quarantined, quarantine_reasons JSON,
file_error, encoding). Expected values are written by hand from the inputs below; the helpers that land, ingest and
check a file are in conftest.py (`# ---- ingestion`).
"""

from __future__ import annotations

from pathlib import Path

from orchestration.ingestion import TELEPHONY
from orchestration.ingestion.core import RAW_SCHEMA

from .conftest import assert_file, days_ahead, ingest, keyed_hash, write

# ---- timestamps


def test_queue_log_epoch_in_the_future(connection, tmp_path: Path) -> None:
    far = int(days_ahead(3).timestamp())
    near = int(days_ahead(1 / 24).timestamp())
    path = write(
        tmp_path,
        "queue_log",
        f"1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n{far}|2.1|q1|NONE|ENTERQUEUE||15550101|1\n"
        f"{near}|3.1|q1|NONE|ENTERQUEUE||15550102|1\n",
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="payload->>'callid'",
        staged=[(1, "1.1"), (3, "3.1")],
        quarantined=[(2, "epoch in the future")],
    )


# ---- queue_log lines


def test_queue_log_negative_durations_and_positions(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "queue_log",
        "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100|1\n"
        "1772442030|1.1|q1|NONE|ABANDON|1|1|-5\n"
        "1772442100|2.1|q1|NONE|ENTERQUEUE||15550101|1\n"
        "1772442110|2.1|q1|PJSIP/1001|CONNECT|-3|2.2|2\n"
        "1772442200|2.1|q1|PJSIP/1001|COMPLETECALLER|10|90|1\n"
        "1772442300|3.1|q1|NONE|EXITWITHTIMEOUT|-1\n"
        "1772442400|NONE|q1|PJSIP/1001|PAUSE|-1\n",  # not a queue-call event: its data is not checked
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        staged=[(1, "ENTERQUEUE"), (3, "ENTERQUEUE"), (5, "COMPLETECALLER"), (7, "PAUSE")],
        quarantined=[
            (2, "negative duration or position"),
            (4, "negative duration or position"),
            (6, "negative duration or position"),
        ],
    )


def test_queue_log_lines_with_missing_fields(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "queue_log",
        "1772442000|1.1|q1|NONE\n"  # 4 fields
        "1772442000|1.1|q1|NONE|ENTERQUEUE||15550100\n"  # older layout: no position
        "1772442030|1.1|q1|NONE|ABANDON|1|1\n"  # older layout: no waittime
        "1772442040|2.1|q1|NONE|EXITWITHTIMEOUT|1\n"  # older layout: position only
        "1772442050|NONE|NONE|PJSIP/1001|UNPAUSE\n"  # exactly 5 fields, no data
        "1772442060\n"
        "1772442070|3.1|q1|NONE|\n"  # 5 fields, empty event
        "|4.1|q1|NONE|ENTERQUEUE||15550100|1\n",
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="(payload->>'event') || ' ' || (payload->'data')::varchar",
        staged=[
            (2, f'ENTERQUEUE ["","{keyed_hash("15550100")}"]'),
            (3, 'ABANDON ["1","1"]'),
            (4, 'EXITWITHTIMEOUT ["1"]'),
            (5, "UNPAUSE []"),
        ],
        quarantined=[
            (1, "queue_log line with fewer than 5 fields"),
            (6, "queue_log line with fewer than 5 fields"),
            (7, "missing event"),
            (8, "unparseable epoch"),
        ],
    )
    raw_text = connection.execute(f"select raw_text from {RAW_SCHEMA}.quarantine order by record_number").fetchall()
    assert raw_text == [
        ("1772442000|1.1|q1|NONE",),
        ("1772442060",),
        ("1772442070|3.1|q1|NONE|",),
        ("|4.1|q1|NONE|ENTERQUEUE||******00|1",),  # the caller id masked but its last two digits
    ]


def test_queue_log_extra_data_fields_are_kept(connection, tmp_path: Path) -> None:
    path = write(tmp_path, "queue_log", "1772442010|1.1|q1|PJSIP/1001|CONNECT|10|1.2|3|x|\n")
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="(payload->>'event') || ' ' || (payload->'data')::varchar",
        staged=[(1, 'CONNECT ["10","1.2","3","x",""]')],
    )
