"""Asterisk queue_log formats at ingestion (SPEC 4.3): Asterisk 12+ transfers, the realtime queue_log table dumped as
CSV, and how a queue_log is recognised (by its content, never its name).

Ingestion-level tests: hand-made files are landed in a temporary folder and ingested into an in-memory DuckDB (the
helpers are in conftest.py, `# ---- ingestion`); the raw GX suites are checked by `ingest` too. What the models make
of the lines (the end and talk time of a transferred call, a dump's local times read in telephony_timezone, a line
landed in two formats counted once) is in the dbt unit tests (_int_calls__unit_tests.yml,
_asterisk__unit_tests.yml). Epochs are worked out by hand: 2026-03-03 00:00 UTC is day 20515 since 1970
(56 years * 365 + 14 leap days + 31 + 28 + 2), so 10:00:00 UTC that day is 20515 * 86400 + 36000 = 1772532000;
2026-07-01 10:00:00 UTC is day 20635 (20515 - 61 + 181), 1782900000.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestration.ingestion import TELEPHONY, telephony
from orchestration.ingestion.core import RAW_SCHEMA

from .conftest import assert_file, ingest, keyed_hash, write

LINK_1 = "Local/2001@from-queue-00000001;1"
LINK_2 = "Local/2001@from-queue-00000001;2"
BRIDGE = "4c0a7d7e-7a4f-4b0b-9c47-2f0b6f1b6a2e"

# Three calls as a queue_log file: blind-transferred, attended-transferred by LINK, by BRIDGE, and a summer entry.
PIPE_FILE = (
    "1772532000|1772532000.1|support|NONE|ENTERQUEUE||15550100|1\n"  # 10:00:00 UTC
    "1772532015|1772532000.1|support|PJSIP/1001|CONNECT|15|1772532003.2|3\n"  # 10:00:15
    "1772532255|1772532000.1|support|PJSIP/1001|BLINDTRANSFER|2001|from-internal|15|240|1\n"  # 10:04:15
    "1772535600|1772535600.5|support|NONE|ENTERQUEUE||15550101|1\n"  # 11:00:00
    "1772535630|1772535600.5|support|PJSIP/1002|CONNECT|30|1772535610.7|2\n"  # 11:00:30
    f"1772536230|1772535600.5|support|PJSIP/1002|ATTENDEDTRANSFER|LINK|{LINK_1}|{LINK_2}|30|600|1\n"  # 11:10:30
    "1772539200|1772539200.9|support|NONE|ENTERQUEUE||15550102|1\n"  # 12:00:00
    "1772539208|1772539200.9|support|PJSIP/1003|CONNECT|8|1772539201.3|1\n"  # 12:00:08
    f"1772539328|1772539200.9|support|PJSIP/1003|ATTENDEDTRANSFER|BRIDGE|{BRIDGE}|8|120|1\n"  # 12:02:08
    "1782900000|1782900000.4|support|NONE|ENTERQUEUE||15550103|1\n"  # 2026-07-01 10:00:00 UTC
)
EPOCHS_AND_EVENTS = [
    (1, "1772532000", "ENTERQUEUE"),
    (2, "1772532015", "CONNECT"),
    (3, "1772532255", "BLINDTRANSFER"),
    (4, "1772535600", "ENTERQUEUE"),
    (5, "1772535630", "CONNECT"),
    (6, "1772536230", "ATTENDEDTRANSFER"),
    (7, "1772539200", "ENTERQUEUE"),
    (8, "1772539208", "CONNECT"),
    (9, "1772539328", "ATTENDEDTRANSFER"),
    (10, "1782900000", "ENTERQUEUE"),
]
EPOCH_AND_EVENT = "(payload->>'epoch') || ' ' || (payload->>'event')"

# The same lines as the realtime table of Asterisk 1.8+ (data1..data5, the last holding the rest pipe-joined), with
# extra columns, dumped comma-separated; times as epochs or datetimes with an offset (each the UTC time above).
COMMA_DUMP = (
    "id,partition,time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
    "1,p1,1772532000,1772532000.1,support,NONE,ENTERQUEUE,,15550100,1,,\n"
    "2,p1,2026-03-03 11:00:15+01:00,1772532000.1,support,PJSIP/1001,CONNECT,15,1772532003.2,3,,\n"
    "3,p1,2026-03-03T10:04:15Z,1772532000.1,support,PJSIP/1001,BLINDTRANSFER,2001,from-internal,15,240,1\n"
    "4,p1,1772535600,1772535600.5,support,NONE,ENTERQUEUE,,15550101,1,,\n"
    "5,p1,2026-03-03 06:00:30-05:00,1772535600.5,support,PJSIP/1002,CONNECT,30,1772535610.7,2,,\n"
    f"6,p1,2026-03-03 11:10:30.250000+00,1772535600.5,support,PJSIP/1002,ATTENDEDTRANSFER,LINK,{LINK_1},{LINK_2},"
    "30,600|1\n"
    "7,p1,1772539200,1772539200.9,support,NONE,ENTERQUEUE,,15550102,1,,\n"
    "8,p1,1772539208,1772539200.9,support,PJSIP/1003,CONNECT,8,1772539201.3,1,,\n"
    f"9,p1,1772539328,1772539200.9,support,PJSIP/1003,ATTENDEDTRANSFER,BRIDGE,{BRIDGE},8,120,1\n"
    "10,p1,2026-07-01 12:00:00+02:00,1782900000.4,support,NONE,ENTERQUEUE,,15550103,1,,\n"
)

# The same lines as `mysql --batch` prints a table with a packed `data` (data1..data5 NULL): tab-separated, naive
# local times of a PBX in Europe/Paris (UTC+1 in March, UTC+2 in July); the fraction of a second is dropped.
TAB_DUMP = (
    "id\ttime\tcallid\tqueuename\tagent\tevent\tdata\tdata1\tdata2\tdata3\tdata4\tdata5\n"
    "1\t2026-03-03 11:00:00\t1772532000.1\tsupport\tNONE\tENTERQUEUE\t|15550100|1\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    "2\t2026-03-03 11:00:15.500000\t1772532000.1\tsupport\tPJSIP/1001\tCONNECT\t15|1772532003.2|3"
    "\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    "3\t2026-03-03 11:04:15\t1772532000.1\tsupport\tPJSIP/1001\tBLINDTRANSFER\t2001|from-internal|15|240|1"
    "\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    "4\t2026-03-03 12:00:00\t1772535600.5\tsupport\tNONE\tENTERQUEUE\t|15550101|1\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    "5\t2026-03-03 12:00:30\t1772535600.5\tsupport\tPJSIP/1002\tCONNECT\t30|1772535610.7|2"
    "\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    f"6\t2026-03-03 12:10:30\t1772535600.5\tsupport\tPJSIP/1002\tATTENDEDTRANSFER\tLINK|{LINK_1}|{LINK_2}|30|600|1"
    "\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    "7\t2026-03-03 13:00:00\t1772539200.9\tsupport\tNONE\tENTERQUEUE\t|15550102|1\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    "8\t2026-03-03 13:00:08\t1772539200.9\tsupport\tPJSIP/1003\tCONNECT\t8|1772539201.3|1"
    "\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    f"9\t2026-03-03 13:02:08\t1772539200.9\tsupport\tPJSIP/1003\tATTENDEDTRANSFER\tBRIDGE|{BRIDGE}|8|120|1"
    "\tNULL\tNULL\tNULL\tNULL\tNULL\n"
    "10\t2026-07-01 12:00:00\t1782900000.4\tsupport\tNONE\tENTERQUEUE\t|15550103|1\tNULL\tNULL\tNULL\tNULL\tNULL\n"
)
TAB_LOCAL_TIMES = [
    "2026-03-03 11:00:00", "2026-03-03 11:00:15.500000", "2026-03-03 11:04:15", "2026-03-03 12:00:00",
    "2026-03-03 12:00:30", "2026-03-03 12:10:30", "2026-03-03 13:00:00", "2026-03-03 13:00:08",
    "2026-03-03 13:02:08", "2026-07-01 12:00:00",
]  # fmt: skip


@pytest.fixture
def paris(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dbt var telephony_timezone set to Europe/Paris, as the ingestion reads it."""
    real = telephony.dbt_var
    monkeypatch.setattr(
        telephony, "dbt_var", lambda name: "Europe/Paris" if name == "telephony_timezone" else real(name)
    )


def payloads(connection, path: Path) -> list[dict]:
    rows = connection.execute(
        f"""select payload from {RAW_SCHEMA}.asterisk_queue_log join {RAW_SCHEMA}.ingested_files f using (file_id)
        where f.path = ? order by record_number""",
        [str(path)],
    ).fetchall()
    return [json.loads(row[0]) for row in rows]


# ---- Asterisk 12+ transfers


def test_transfer_lines_are_staged_and_negative_times_quarantined(connection, tmp_path: Path) -> None:
    """BLINDTRANSFER and ATTENDEDTRANSFER carry durations and positions (checked: none negative) beside names
    (extension, context, method, bridge id, application, channels: never numbers, so never quarantined)."""
    path = write(
        tmp_path,
        "queue_log",
        "1772532255|1.1|support|PJSIP/1001|BLINDTRANSFER|2001|from-internal|15|240|1\n"
        f"1772539328|2.1|support|PJSIP/1003|ATTENDEDTRANSFER|BRIDGE|{BRIDGE}|8|120|1\n"
        "1772539400|3.1|support|PJSIP/1004|ATTENDEDTRANSFER|APP|VoiceMail|5|90|1\n"
        f"1772536230|4.1|support|PJSIP/1002|ATTENDEDTRANSFER|LINK|{LINK_1}|{LINK_2}|30|600|1\n"
        f"1772536231|5.1|support|PJSIP/1002|ATTENDEDTRANSFER|LINK|{LINK_1}|{LINK_2}|30|-600|1\n"
        "1772532256|6.1|support|PJSIP/1001|BLINDTRANSFER|2001|from-internal|-1|240|1\n"
        "1772532257|7.1|support|PJSIP/1001|TRANSFER|2001|from-internal|15|240|1\n",
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        path,
        fmt="asterisk_queue_log",
        table="asterisk_queue_log",
        key="payload->>'callid'",
        staged=[(1, "1.1"), (2, "2.1"), (3, "3.1"), (4, "4.1"), (7, "7.1")],
        quarantined=[(5, "negative duration or position"), (6, "negative duration or position")],
    )
    assert payloads(connection, path)[3]["data"] == ["LINK", LINK_1, LINK_2, "30", "600", "1"]


# ---- the realtime queue_log table dumped as CSV


def test_comma_dump_with_data1_to_data5_gives_the_pipe_files_lines(connection, tmp_path: Path) -> None:
    pipe = write(tmp_path / "telephony", "queue_log", PIPE_FILE)
    dump = write(tmp_path / "telephony", "export.csv", COMMA_DUMP)
    ingest(connection, TELEPHONY, tmp_path / "telephony")
    assert_file(
        connection, TELEPHONY, pipe, fmt="asterisk_queue_log", table="asterisk_queue_log", key=EPOCH_AND_EVENT,
        staged=[(number, f"{epoch} {event}") for number, epoch, event in EPOCHS_AND_EVENTS],
    )  # fmt: skip
    assert_file(
        connection, TELEPHONY, dump, fmt="asterisk_queue_log_table_csv", table="asterisk_queue_log",
        key=EPOCH_AND_EVENT, staged=[(number, f"{epoch} {event}") for number, epoch, event in EPOCHS_AND_EVENTS],
    )  # fmt: skip
    # Line for line the payload of the pipe parser: data5 `600|1` split, the extra columns dropped, the caller
    # hashed where it enters.
    assert payloads(connection, dump) == payloads(connection, pipe)
    assert payloads(connection, dump)[0] == {
        "epoch": "1772532000",
        "callid": "1772532000.1",
        "queuename": "support",
        "agent": "NONE",
        "event": "ENTERQUEUE",
        "data": ["", keyed_hash("15550100"), "1"],
    }
    assert payloads(connection, dump)[5]["data"] == ["LINK", LINK_1, LINK_2, "30", "600", "1"]


def test_tab_dump_with_packed_data_and_local_times(connection, tmp_path: Path, paris: None) -> None:
    pipe = write(tmp_path / "telephony", "queue_log", PIPE_FILE)
    dump = write(tmp_path / "telephony", "queue_log_table.tsv", TAB_DUMP)
    ingest(connection, TELEPHONY, tmp_path / "telephony")
    assert_file(
        connection, TELEPHONY, dump, fmt="asterisk_queue_log_table_csv", table="asterisk_queue_log",
        key=EPOCH_AND_EVENT, staged=[(number, f"{epoch} {event}") for number, epoch, event in EPOCHS_AND_EVENTS],
    )  # fmt: skip
    # The local time is kept beside the epoch it gives in telephony_timezone (staging reads it again in the var as
    # it is at build time); otherwise the payload is the pipe parser's, so staging counts the line once.
    dumped = payloads(connection, dump)
    assert [payload.pop("local_time") for payload in dumped] == TAB_LOCAL_TIMES
    assert dumped == payloads(connection, pipe)


def test_dump_local_times_default_to_utc(connection, tmp_path: Path) -> None:
    assert telephony.dbt_var("telephony_timezone") == "UTC"
    dump = write(
        tmp_path,
        "dump.csv",
        "time,callid,queuename,agent,event,data\n2026-03-03 10:00:00,1.1,support,NONE,ENTERQUEUE,|15550100|1\n",
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert payloads(connection, dump) == [
        {
            "epoch": "1772532000",
            "callid": "1.1",
            "queuename": "support",
            "agent": "NONE",
            "event": "ENTERQUEUE",
            "data": ["", keyed_hash("15550100"), "1"],
            "local_time": "2026-03-03 10:00:00",
        }
    ]


def test_dump_rows_that_cannot_be_used_are_quarantined(connection, tmp_path: Path) -> None:
    """Upper-case column names (the header is matched case-insensitively); every row staged or quarantined."""
    dump = write(
        tmp_path,
        "dump.csv",
        "TIME,CALLID,QUEUENAME,AGENT,EVENT,DATA1,DATA2,DATA3,DATA4,DATA5\n"
        "03/03/2026 10:00,1.1,support,NONE,ENTERQUEUE,,15550100,1,,\n"  # not a layout Asterisk writes
        ",2.1,support,NONE,ENTERQUEUE,,15550101,1,,\n"
        "1772532000,3.1,support,NONE,,,,,,\n"
        "2026-03-03 10:00:00,4.1,support,NONE,ENTERQUEUE,,15550102,1,,\n"
        "1772532030,4.1,support,NONE,ABANDON,1,1,-5,,\n"
        "2026-02-30 10:00:00,5.1,support,NONE,ENTERQUEUE,,15550103,1,,\n"  # no such day
        "1772532040,6.1,support,NONE,QUEUESTART,,,,,\n",  # no data at all
    )
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection,
        TELEPHONY,
        dump,
        fmt="asterisk_queue_log_table_csv",
        table="asterisk_queue_log",
        key="(payload->>'callid') || ' ' || (payload->'data')::varchar",
        staged=[(4, f'4.1 ["","{keyed_hash("15550102")}","1"]'), (7, "6.1 []")],
        quarantined=[
            (1, "unparseable time"),
            (2, "missing time"),
            (3, "missing event"),
            (5, "negative duration or position"),
            (6, "unparseable time"),
        ],
    )


# ---- recognised by content, never by name


def test_queue_log_recognised_by_its_first_non_blank_line(connection, tmp_path: Path) -> None:
    path = write(tmp_path, "pbx-export.txt", "\n  \n1772532000|1.1|support|NONE|ENTERQUEUE||15550100|1\n")
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection, TELEPHONY, path, fmt="asterisk_queue_log", table="asterisk_queue_log", staged=[(3, "ENTERQUEUE")]
    )


def test_a_file_named_queue_log_is_read_for_what_it_holds(connection, tmp_path: Path) -> None:
    calls = write(
        tmp_path,
        "queue_log",
        "call_id,queue,caller_number,entered_at,answered_at,ended_at,agent_id,outcome,talk_seconds,hold_seconds,"
        "wrap_seconds\n"
        "C1,sales,15550001,2026-03-02T09:00:00Z,2026-03-02T09:00:10Z,2026-03-02T09:05:00Z,A001,answered,290,0,0\n",
    )
    text = write(tmp_path, "queue_log.1", "these are not queue_log lines\nnor a CSV\n")
    ingest(connection, TELEPHONY, tmp_path)
    assert_file(
        connection, TELEPHONY, calls, fmt="generic_calls_csv", table="generic_calls", key="payload->>'call_id'",
        staged=[(1, "C1")],
    )  # fmt: skip
    reason = (
        "unknown layout: queue_log.1 is neither an Asterisk queue_log (file or realtime-table CSV dump) nor a calls CSV"
    )
    assert_file(
        connection, TELEPHONY, text, fmt=None, quarantined=[(None, f"unreadable file: {reason}")], file_error=reason
    )
