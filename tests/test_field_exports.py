"""Field-shaped exports, end to end: one `supportkpi run` (in-process, in the run slot) over a copy of the small
landing folder (tests/fixtures/small_landing) with exports as they come off real systems added to it, then the
published warehouse is read. Every expected value is worked out by hand from the lines written below.

The small landing (checked in its files): roster A001 T1 (Zendesk 9001, PJSIP/1001), A002 T1 until 2026-03-16
then T2 (9002, PJSIP/1002), A003 T2 (9003, PJSIP/1003); queues support-billing -> T1, support-tech -> T2. Its
calls are on 2026-03-02 and 2026-03-20, its tickets created 03-02, 03-03 and 03-20 (solved 03-02 and 03-20), so
the windows used here are quiet in it: calls on 2026-02-28/03-01 (ISO week of 02-23, month 2026-02) and on
2026-03-10; tickets created 03-10, solved 03-10 and 03-11 (ISO week of 03-09).

Epochs by hand: 2026-03-02 00:00 UTC is day 20514 since 1970 (2026-03-03 is 20515, tests/test_asterisk_formats.py),
20514 * 86400 = 1772409600 (the fixture's first call, 1772442000, is 09:00 that day: + 32400). So
2026-02-28 00:00 = 1772409600 - 2 * 86400 = 1772236800, 2026-03-01 00:00 = 1772323200 and 2026-03-10 00:00 =
1772409600 + 8 * 86400 = 1773100800 (tests/test_never_quiet.py: 1773136800 is 03-10 10:00).
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from .conftest import SMALL_LANDING, Query, keyed_hash, page, published_run, ticket_event
from .test_zendesk_audits import audits_from_ticket_events, audits_page

# ---- 1. telephony: a queue_log split by logrotate

LINK_1 = "Local/2001@from-queue-00000007;1"
LINK_2 = "Local/2001@from-queue-00000007;2"
BRIDGE = "6d2f3c1a-0b7e-4a55-9a61-3f9e2c7d8b10"

# queue_log-20260301.gz: the older lines, up to the rotation at 2026-03-01 06:25:00 (1772323200 + 23100).
# R1 billing, answered by PJSIP/1001 (A001), COMPLETEAGENT; R2 tech, answered by PJSIP/1003 (A003), blind transfer;
# R3 billing, abandoned after 40 s; R4 tech, answered by PJSIP/1002 (A002, T1 on 03-01) before the rotation, its
# attended transfer after it (in the plain file).
ROTATED_LINES = (
    "1772236900|NONE|NONE|NONE|QUEUESTART|\n"
    "1772272800|1772272800.11|support-billing|NONE|ENTERQUEUE||15550601|1\n"  # 02-28 10:00:00 (+ 36000)
    "1772272812|1772272800.11|support-billing|PJSIP/1001|CONNECT|12|1772272801.12|3\n"  # 10:00:12
    "1772273112|1772272800.11|support-billing|PJSIP/1001|COMPLETEAGENT|12|300|1\n"  # 10:05:12 = 10:00:12 + 300
    "1772276400|1772276400.21|support-tech|NONE|ENTERQUEUE||15550602|1\n"  # 11:00:00 (+ 39600)
    "1772276425|1772276400.21|support-tech|PJSIP/1003|CONNECT|25|1772276401.22|4\n"  # 11:00:25
    "1772276845|1772276400.21|support-tech|PJSIP/1003|BLINDTRANSFER|2001|from-internal|25|420|1\n"  # 11:07:25
    "1772280000|1772280000.31|support-billing|NONE|ENTERQUEUE||15550603|1\n"  # 12:00:00 (+ 43200)
    "1772280040|1772280000.31|support-billing|NONE|ABANDON|1|1|40\n"  # 12:00:40
    "1772345700|1772345700.41|support-tech|NONE|ENTERQUEUE||15550604|1\n"  # 03-01 06:15:00 (1772323200 + 22500)
    "1772345720|1772345700.41|support-tech|PJSIP/1002|CONNECT|20|1772345701.42|2\n"  # 06:15:20
)
# Prepended to the fixture's queue_log (the plain, newest file: its lines start on 03-02): R4's CONNECT again (the
# rotation's overlap: a line in both files counts once), R4's transfer, then R5 billing answered by PJSIP/1001 and
# attended-transferred through a bridge.
NEWEST_LINES = (
    "1772345720|1772345700.41|support-tech|PJSIP/1002|CONNECT|20|1772345701.42|2\n"  # the same line as in the .gz
    f"1772346620|1772345700.41|support-tech|PJSIP/1002|ATTENDEDTRANSFER|LINK|{LINK_1}|{LINK_2}|20|900|1\n"
    # 06:30:20 = 06:15:20 + 900, after the rotation (06:25:00)
    "1772352000|1772352000.51|support-billing|NONE|ENTERQUEUE||15550605|1\n"  # 03-01 08:00:00 (+ 28800)
    "1772352005|1772352000.51|support-billing|PJSIP/1001|CONNECT|5|1772352001.52|1\n"  # 08:00:05
    f"1772352185|1772352000.51|support-billing|PJSIP/1001|ATTENDEDTRANSFER|BRIDGE|{BRIDGE}|5|180|1\n"  # 08:03:05
)
# (call_id, queue, outcome, entered, answered, ended (epochs), wait, talk, handle, agent_id, team_id): wait is the
# CONNECT holdtime (ABANDON waittime for R3), talk the calltime of COMPLETEAGENT (data2), BLINDTRANSFER (data4),
# ATTENDEDTRANSFER LINK (data5) or BRIDGE (data4); handle = talk (queue_log has no hold nor wrap); the team is the
# answering agent's at queue entry (A002 was in T1 until 03-16, though R4 came in on the tech queue), the queue's
# for the abandoned R3.
ROTATION_CALLS = [
    ("1772272800.11", "support-billing", "answered", 1772272800, 1772272812, 1772273112, 12, 300, 300, "A001", "T1"),
    ("1772276400.21", "support-tech", "answered", 1772276400, 1772276425, 1772276845, 25, 420, 420, "A003", "T2"),
    ("1772280000.31", "support-billing", "abandoned", 1772280000, None, 1772280040, 40, None, None, None, "T1"),
    ("1772345700.41", "support-tech", "answered", 1772345700, 1772345720, 1772346620, 20, 900, 900, "A002", "T1"),
    ("1772352000.51", "support-billing", "answered", 1772352000, 1772352005, 1772352185, 5, 180, 180, "A001", "T1"),
]

# ---- 2. telephony: the realtime queue_log table dumped as CSV (Asterisk 1.8+ data1..data5, extra `id` column)

# 2026-03-10, day start 1773100800. Times as epochs, with an offset, ISO with Z, or naive (read in
# telephony_timezone, UTC by default). D1 tech answered by PJSIP/1003, COMPLETECALLER; D2 billing answered by
# PJSIP/1002 (A002, T1 on 03-10), attended transfer by LINK (data5 holds the rest: `600|1`); D3 tech, anonymous
# caller, timeout after 120 s; D4 billing answered by PJSIP/1001, blind transfer.
TABLE_DUMP = (
    "id,time,callid,queuename,agent,event,data1,data2,data3,data4,data5\n"
    "101,1773136800,1773136800.61,support-tech,NONE,ENTERQUEUE,,15550701,1,,\n"  # 10:00:00 (+ 36000)
    "102,2026-03-10 11:00:09+01:00,1773136800.61,support-tech,PJSIP/1003,CONNECT,9,1773136801.62,1,,\n"  # 10:00:09Z
    "103,2026-03-10T10:04:09Z,1773136800.61,support-tech,PJSIP/1003,COMPLETECALLER,9,240,1,,\n"  # 10:00:09 + 240
    "104,2026-03-10 11:00:00,1773140400.71,support-billing,NONE,ENTERQUEUE,,15550702,1,,\n"  # 1773140400 (+ 39600)
    "105,1773140430,1773140400.71,support-billing,PJSIP/1002,CONNECT,30,1773140401.72,2,,\n"  # 11:00:30
    f"106,2026-03-10 11:10:30.250000+00,1773140400.71,support-billing,PJSIP/1002,ATTENDEDTRANSFER,LINK,{LINK_1},"
    f"{LINK_2},30,600|1\n"  # 11:10:30 = 11:00:30 + 600 -> 1773141030
    "107,1773144000,1773144000.81,support-tech,NONE,ENTERQUEUE,,anonymous,1,,\n"  # 12:00:00 (+ 43200)
    "108,1773144120,1773144000.81,support-tech,NONE,EXITWITHTIMEOUT,1,1,120,,\n"  # 12:02:00
    "109,2026-03-10 13:00:00,1773147600.91,support-billing,NONE,ENTERQUEUE,,15550704,1,,\n"  # 1773147600 (+ 46800)
    "110,2026-03-10 13:00:04,1773147600.91,support-billing,PJSIP/1001,CONNECT,4,1773147601.92,1,,\n"
    "111,2026-03-10 13:02:04,1773147600.91,support-billing,PJSIP/1001,BLINDTRANSFER,2001,from-internal,4,120,1\n"
)
# D1's lines as the same PBX also wrote them to its queue_log file (the equivalent pipe lines): counted once.
D1_PIPE_LINES = (
    "1773136800|1773136800.61|support-tech|NONE|ENTERQUEUE||15550701|1\n"
    "1773136809|1773136800.61|support-tech|PJSIP/1003|CONNECT|9|1773136801.62|1\n"
    "1773137049|1773136800.61|support-tech|PJSIP/1003|COMPLETECALLER|9|240|1\n"
)
DUMP_CALLS = [
    ("1773136800.61", "support-tech", "answered", 1773136800, 1773136809, 1773137049, 9, 240, 240, "A003", "T2"),
    ("1773140400.71", "support-billing", "answered", 1773140400, 1773140430, 1773141030, 30, 600, 600, "A002", "T1"),
    ("1773144000.81", "support-tech", "timeout", 1773144000, None, 1773144120, 120, None, None, None, "T2"),
    ("1773147600.91", "support-billing", "answered", 1773147600, 1773147604, 1773147724, 4, 120, 120, "A001", "T1"),
]

# ---- 3. Zendesk: one agent's tickets as Ticket Audits API pages, mirror tickets as incremental ticket events


def _ticket_audits(ticket_id: int, agent: int, requester: int) -> list[dict[str, object]]:
    """The audits of one ticket shape, as ticket events (event ids `ticket_id * 10000 + n`), agent `agent`.

    A ("+1"): created 03-10 09:00 by the customer, assigned to the agent; public reply and new -> open at 09:40;
    solved at 15:00. B ("+2"): created 10:00 assigned to A002 (9002); 10:20 reassigned to the agent with an internal
    note; public reply and new -> open at 12:30; the customer writes 03-11 10:00; reply and solved 03-11 11:00.
    C ("+3"): a proactive ticket created 11:00 by the agent with a public comment (in the creating audit: no
    reply), new -> open at 11:05, no reply since."""
    kind = ticket_id % 100
    created, change, comment = "Create", "Change", "Comment"

    def child(n: int, event_type: str, **fields: object) -> dict[str, object]:
        return {"id": ticket_id * 100000 + n, "event_type": event_type, **fields}

    def audit(n: int, at: str, updater: int, *children: dict[str, object]) -> dict[str, object]:
        return ticket_event(
            ticket_id * 10000 + n, ticket_id, created_at=at, updater_id=updater, child_events=list(children)
        )

    status = "status"
    if kind == 1:
        return [
            audit(1, "2026-03-10T09:00:00Z", requester,
                  child(11, created, field_name=status, value="new", previous_value=None),
                  child(12, created, field_name="assignee_id", value=str(agent), previous_value=None),
                  child(13, comment, public=True, author_id=requester, body="My invoice is wrong")),
            audit(2, "2026-03-10T09:40:00Z", agent,
                  child(21, comment, public=True, author_id=agent, body="Corrected, see attached."),
                  child(22, change, field_name=status, value="open", previous_value="new")),
            audit(3, "2026-03-10T15:00:00Z", agent,
                  child(31, change, field_name=status, value="solved", previous_value="open")),
        ]  # fmt: skip
    if kind == 2:
        return [
            audit(1, "2026-03-10T10:00:00Z", requester,
                  child(11, created, field_name=status, value="new", previous_value=None),
                  child(12, created, field_name="assignee_id", value="9002", previous_value=None),
                  child(13, comment, public=True, author_id=requester, body="The app crashes")),
            audit(2, "2026-03-10T10:20:00Z", agent,
                  child(21, change, field_name="assignee_id", value=str(agent), previous_value="9002"),
                  child(22, comment, public=False, author_id=agent, body="taking this one")),
            audit(3, "2026-03-10T12:30:00Z", agent,
                  child(31, comment, public=True, author_id=agent, body="Which version?"),
                  child(32, change, field_name=status, value="open", previous_value="new")),
            audit(4, "2026-03-11T10:00:00Z", requester,
                  child(41, comment, public=True, author_id=requester, body="4.2")),
            audit(5, "2026-03-11T11:00:00Z", agent,
                  child(51, comment, public=True, author_id=agent, body="Fixed in 4.3."),
                  child(52, change, field_name=status, value="solved", previous_value="open")),
        ]  # fmt: skip
    return [
        audit(1, "2026-03-10T11:00:00Z", agent,
              child(11, created, field_name=status, value="new", previous_value=None),
              child(12, created, field_name="assignee_id", value=str(agent), previous_value=None),
              child(13, comment, public=True, author_id=agent, body="Planned maintenance tonight")),
        audit(2, "2026-03-10T11:05:00Z", agent,
              child(21, change, field_name=status, value="open", previous_value="new")),
    ]  # fmt: skip


def _ticket(ticket_id: int, agent: int, requester: int) -> dict[str, object]:
    """The ticket as the incremental ticket export has it after its last audit."""
    kind = ticket_id % 100
    status, updated_at = {
        1: ("solved", "2026-03-10T15:00:00Z"),
        2: ("solved", "2026-03-11T11:00:00Z"),
        3: ("open", "2026-03-10T11:05:00Z"),
    }[kind]
    created_at = {1: "2026-03-10T09:00:00Z", 2: "2026-03-10T10:00:00Z", 3: "2026-03-10T11:00:00Z"}[kind]
    return {
        "id": ticket_id, "created_at": created_at, "updated_at": updated_at, "status": status,
        "priority": "normal", "type": "question", "subject": f"Shape {kind}", "requester_id": requester,
        "assignee_id": agent, "group_id": 2 if agent == 9003 else 1, "via": {"channel": "email"},
        "tags": [], "custom_fields": [], "satisfaction_rating": None,
    }  # fmt: skip


# Tickets 301-303 of A003 (9003), requesters 5301-5303, events as audits pages; 401-403 the same shapes for A001
# (9001), requesters 5401-5403, events in an incremental ticket_events page. The reply audit of 301 (3010002) is
# also in that page (the incremental export overlaps): it must count once, or 301 would have two replies.
AUDIT_TICKETS = {ticket_id: _ticket_audits(ticket_id, 9003, ticket_id + 5000) for ticket_id in (301, 302, 303)}
MIRROR_TICKETS = {ticket_id: _ticket_audits(ticket_id, 9001, ticket_id + 5000) for ticket_id in (401, 402, 403)}
DUPLICATED_AUDIT = 3010002

# Per shape, by hand: (first_reply_minutes, resolution_hours, agent_reply_count, handoff_count, is_one_touch,
# counts_for_first_reply_target, status).
# A: reply 09:40 - 09:00 = 40 min; solved 15:00 - 09:00 = 6 h; one reply; no reassignment; one-touch.
# B: first public agent comment 12:30 - 10:00 = 150 min (10:20 is internal); solved 03-11 11:00 - 03-10 10:00 =
#    25 h; replies at 12:30 and 03-11 11:00 = 2 (the customer's 03-11 10:00 comment is none); 9002 -> agent = 1.
# C: the agent's comment is in the creating audit: no reply; waited > 60 min by the helpdesk as-of time (the
#    fixture's 2026-03-20 events), so it counts for the 1 h target (missing it); not solved.
SHAPES = {
    1: (40.0, 6.0, 1, 0, True, True, "solved"),
    2: (150.0, 25.0, 2, 1, False, True, "solved"),
    3: (None, None, 0, 0, False, True, "open"),
}


def land_field_exports(landing: Path) -> None:
    telephony = landing / "telephony"
    fixture_log = (telephony / "queue_log").read_text()
    (telephony / "queue_log").write_text(NEWEST_LINES + fixture_log)
    (telephony / "queue_log-20260301.gz").write_bytes(gzip.compress(ROTATED_LINES.encode(), mtime=0))
    (telephony / "realtime").mkdir()
    (telephony / "realtime" / "queue_log_table.csv").write_text(TABLE_DUMP)
    (telephony / "archive").mkdir()
    (telephony / "archive" / "queue_log-20260311").write_text(D1_PIPE_LINES)

    helpdesk = landing / "helpdesk"
    tickets = [_ticket(ticket_id, 9003, ticket_id + 5000) for ticket_id in AUDIT_TICKETS]
    tickets += [_ticket(ticket_id, 9001, ticket_id + 5000) for ticket_id in MIRROR_TICKETS]
    (helpdesk / "tickets_0003.json").write_text(page("tickets", tickets))
    (helpdesk / "audits").mkdir()
    for (ticket_id, events), pagination in zip(
        AUDIT_TICKETS.items(), ("offset", "cursor", "standard_cursor"), strict=True
    ):
        audits = audits_from_ticket_events(events)
        for audit in audits:  # as the API gives them: each update also notifies the requester
            audit["events"].append(  # type: ignore[union-attr]
                {"id": int(audit["id"]) * 10 + 9, "type": "Notification", "subject": "Your ticket was updated",
                 "body": "...", "recipients": [int(ticket_id) + 5000]}
            )  # fmt: skip
        (helpdesk / "audits" / f"ticket_{ticket_id}_audits.json").write_text(audits_page(audits, pagination))
    overlap = [event for event in AUDIT_TICKETS[301] if event["id"] == DUPLICATED_AUDIT]
    mirror_events = [event for events in MIRROR_TICKETS.values() for event in events] + overlap
    mirror_events.sort(key=lambda event: (str(event["created_at"]), int(event["id"])))  # type: ignore[call-overload]
    (helpdesk / "ticket_events_0003.json").write_text(page("ticket_events", mirror_events))


# ---- the run


@pytest.fixture(scope="module")
def field_home(slot_parse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("field_exports_source") / "landing"
    shutil.copytree(SMALL_LANDING, source)
    land_field_exports(source)
    home, _ = published_run(slot_parse, tmp_path_factory.mktemp("field_exports"), source)
    return home


def _query(database: Path) -> Iterator[Query]:
    connection = duckdb.connect(str(database), read_only=True)

    def query(sql: str) -> list[tuple]:
        return connection.execute(sql).fetchall()

    yield query
    connection.close()


@pytest.fixture(scope="module")
def published(field_home: Path) -> Iterator[Query]:
    yield from _query(field_home / "published" / "warehouse.duckdb")


@pytest.fixture(scope="module")
def build(field_home: Path) -> Iterator[Query]:
    yield from _query(field_home / "build" / "warehouse.duckdb")


def kpi(query: Query, metric: str, grain: str, period: str, scope_type: str = "org", scope_id: str = "all") -> tuple:
    """(value, numerator, denominator, sample_size) of one kpi_metrics row, which must exist."""
    rows = query(
        f"""select value, numerator, denominator, sample_size from marts.kpi_metrics
        where metric = '{metric}' and period_grain = '{grain}' and period_start = '{period}'
            and scope_type = '{scope_type}' and scope_id = '{scope_id}'"""
    )
    assert len(rows) == 1, f"{metric} {grain} {period} {scope_type}/{scope_id}: {rows}"
    return rows[0]


def calls(query: Query, expected: list[tuple]) -> list[tuple]:
    ids = ", ".join(f"'{row[0]}'" for row in expected)
    return query(
        f"""select call_id, queue, outcome, epoch(entered_at)::bigint, epoch(answered_at)::bigint,
            epoch(ended_at)::bigint, wait_seconds, talk_seconds, handle_seconds, agent_id, team_id
        from marts.fct_calls where call_id in ({ids}) order by call_id, queue"""
    )


# ---- every landed file read for what it is, nothing quarantined but the fixture's own "garbage line"

# (path under the landing, format, records read, staged, quarantined): the .gz holds QUEUESTART + 10 call lines;
# the plain queue_log 5 lines + the fixture's 20 (its "garbage line" quarantined); the dump 11 rows; D1's 3 pipe
# lines; audits pages 3, 5 and 2 audits (shapes A, B, C); the ticket_events page 3 + 5 + 2 mirror events + the
# overlapping audit of 301; 6 tickets.
LANDED = [
    ("helpdesk/audits/ticket_301_audits.json", "zendesk_ticket_audits_page", 3, 3, 0),
    ("helpdesk/audits/ticket_302_audits.json", "zendesk_ticket_audits_page", 5, 5, 0),
    ("helpdesk/audits/ticket_303_audits.json", "zendesk_ticket_audits_page", 2, 2, 0),
    ("helpdesk/ticket_events_0003.json", "zendesk_ticket_events_page", 11, 11, 0),
    ("helpdesk/tickets_0003.json", "zendesk_tickets_page", 6, 6, 0),
    ("telephony/archive/queue_log-20260311", "asterisk_queue_log", 3, 3, 0),
    ("telephony/queue_log", "asterisk_queue_log", 25, 24, 1),
    ("telephony/queue_log-20260301.gz", "asterisk_queue_log", 11, 11, 0),
    ("telephony/realtime/queue_log_table.csv", "asterisk_queue_log_table_csv", 11, 11, 0),
]


def test_field_files_are_recognised_and_staged(build: Query) -> None:
    rows = build(
        """select regexp_extract(path, '/landing/(.*)$', 1), format, records_read, staged, quarantined
        from raw.ingested_files
        where path similar to '.*/landing/(helpdesk/(audits/.*|ticket_events_0003.json|tickets_0003.json)|telephony/.*)'
        order by 1"""
    )
    assert rows == LANDED


# ---- 1. rotation


def test_rotated_queue_log_calls_once_each_with_their_wait_and_talk(published: Query, build: Query) -> None:
    assert calls(published, ROTATION_CALLS) == ROTATION_CALLS
    # R4's CONNECT, in both files, is one staged line: R4 has its ENTERQUEUE, CONNECT and transfer lines.
    assert build(
        "select event, count(*) from staging.stg_asterisk__queue_log where call_id = '1772345700.41' "
        "group by event order by event"
    ) == [("ATTENDEDTRANSFER", 1), ("CONNECT", 1), ("ENTERQUEUE", 1)]
    assert published("select caller_hash from marts.fct_calls where call_id = '1772272800.11'") == [
        (keyed_hash("15550601"),)
    ]


@pytest.mark.parametrize(
    ("metric", "grain", "period", "scope_type", "scope_id", "expected"),
    [
        # 02-28: R1, R2 answered, R3 abandoned. AHT (300 + 420) / 2 = 360; ASA (12 + 25) / 2 = 18.5.
        ("aht_seconds", "day", "2026-02-28", "org", "all", (360.0, None, None, 2)),
        ("asa_seconds", "day", "2026-02-28", "org", "all", (18.5, None, None, 2)),
        ("calls_offered", "day", "2026-02-28", "org", "all", (3.0, 3.0, None, 3)),
        ("abandon_rate", "day", "2026-02-28", "org", "all", (1 / 3, 1.0, 3.0, 3)),
        # the blind-transferred R2 alone in T2 that day: 420
        ("aht_seconds", "day", "2026-02-28", "team", "T2", (420.0, None, None, 1)),
        # 03-01: R4 (LINK, 900) and R5 (BRIDGE, 180), both T1: (900 + 180) / 2 = 540
        ("aht_seconds", "day", "2026-03-01", "org", "all", (540.0, None, None, 2)),
        ("aht_seconds", "day", "2026-03-01", "team", "T1", (540.0, None, None, 2)),
        ("aht_seconds", "day", "2026-03-01", "agent", "A002", (900.0, None, None, 1)),
        # ISO week of 02-23 (02-23 .. 03-01): (300 + 420 + 900 + 180) / 4 = 450; A001: R1, R5 (300 + 180) / 2 = 240
        ("aht_seconds", "week", "2026-02-23", "org", "all", (450.0, None, None, 4)),
        ("aht_seconds", "week", "2026-02-23", "agent", "A001", (240.0, None, None, 2)),
        # February: the calls of 02-28 only (from the .gz alone)
        ("aht_seconds", "month", "2026-02-01", "org", "all", (360.0, None, None, 2)),
        ("calls_answered", "month", "2026-02-01", "org", "all", (2.0, 2.0, None, 2)),
    ],
)
def test_rotation_call_kpis(
    published: Query, metric: str, grain: str, period: str, scope_type: str, scope_id: str, expected: tuple
) -> None:
    assert kpi(published, metric, grain, period, scope_type, scope_id) == pytest.approx(expected, abs=1e-9)


# ---- 2. realtime table dump


def test_realtime_table_dump_gives_the_calls_of_the_equivalent_pipe_lines(published: Query, build: Query) -> None:
    assert calls(published, DUMP_CALLS) == DUMP_CALLS
    # D1, in the dump and as pipe lines, is three staged lines; the anonymous caller of D3 is unknown.
    assert build("select count(*) from staging.stg_asterisk__queue_log where call_id = '1773136800.61'") == [(3,)]
    assert published(
        "select call_id, caller_hash from marts.fct_calls where call_id in ('1773136800.61', '1773144000.81') "
        "order by call_id"
    ) == [("1773136800.61", keyed_hash("15550701")), ("1773144000.81", None)]


@pytest.mark.parametrize(
    ("metric", "scope_type", "scope_id", "expected"),
    [
        # 03-10: D1, D2, D4 answered, D3 timeout. AHT (240 + 600 + 120) / 3 = 320; ASA (9 + 30 + 4) / 3 = 43 / 3;
        # service level: waits 9 and 4 <= 20 of 4 offered (no short abandon) = 2 / 4.
        ("calls_offered", "org", "all", (4.0, 4.0, None, 4)),
        ("calls_timeout", "org", "all", (1.0, 1.0, None, 1)),
        ("aht_seconds", "org", "all", (320.0, None, None, 3)),
        ("asa_seconds", "org", "all", (43 / 3, None, None, 3)),
        ("service_level_rate", "org", "all", (0.5, 2.0, 4.0, 4)),
        # T1: D2 (A002, 600) and D4 (A001, 120) = 360; T2: D1 = 240
        ("aht_seconds", "team", "T1", (360.0, None, None, 2)),
        ("aht_seconds", "team", "T2", (240.0, None, None, 1)),
    ],
)
def test_realtime_dump_call_kpis(
    published: Query, metric: str, scope_type: str, scope_id: str, expected: tuple
) -> None:
    assert kpi(published, metric, "day", "2026-03-10", scope_type, scope_id) == pytest.approx(expected, abs=1e-9)


# ---- 3. Zendesk audits and ticket events


def test_audits_and_ticket_events_give_the_same_ticket_facts(published: Query) -> None:
    rows = published(
        """select ticket_id::bigint, first_reply_minutes, resolution_hours, agent_reply_count, handoff_count,
            is_one_touch, counts_for_first_reply_target, status, agent_id, team_id
        from marts.fct_tickets where ticket_id::bigint between 301 and 403 order by 1"""
    )
    expected = [
        (ticket_id, *SHAPES[ticket_id % 100], agent, team)
        for ticket_id, agent, team in [
            (301, "A003", "T2"), (302, "A003", "T2"), (303, "A003", "T2"),
            (401, "A001", "T1"), (402, "A001", "T1"), (403, "A001", "T1"),
        ]
    ]  # fmt: skip
    assert rows == expected


def test_an_audit_in_both_formats_counts_once(published: Query, build: Query) -> None:
    # staged twice (the audits page and the ticket_events page), one audit in staging
    assert build(f"select count(*) from raw.zendesk_ticket_events where payload->>'id' = '{DUPLICATED_AUDIT}'") == [
        (2,)
    ]
    assert build(f"select count(*) from staging.stg_zendesk__ticket_events where event_id = {DUPLICATED_AUDIT}") == [
        (1,)
    ]
    assert published("select agent_reply_count, is_one_touch from marts.fct_tickets where ticket_id::bigint = 301") == [
        (1, True)
    ]


@pytest.mark.parametrize(
    ("metric", "grain", "period", "expected"),
    [
        # created 03-10: A, B, C. Median first reply of (40, 150) = 95; within 1 h: A of A, B, C = 1 / 3.
        ("tickets_created", "day", "2026-03-10", (3.0, 3.0, None, 3)),
        ("first_reply_minutes_median", "day", "2026-03-10", (95.0, None, None, 2)),
        ("first_reply_within_1h_rate", "day", "2026-03-10", (1 / 3, 1.0, 3.0, 3)),
        # solved 03-10: A (6 h); 03-11: B (25 h); the week of 03-09: median (6 + 25) / 2 = 15.5, one-touch A of A, B
        # = 1 / 2, handoffs (0 + 1) / 2 = 0.5
        ("resolution_hours_median", "day", "2026-03-10", (6.0, None, None, 1)),
        ("resolution_hours_median", "day", "2026-03-11", (25.0, None, None, 1)),
        ("resolution_hours_median", "week", "2026-03-09", (15.5, None, None, 2)),
        ("one_touch_rate", "week", "2026-03-09", (0.5, 1.0, 2.0, 2)),
        ("handoffs_mean", "week", "2026-03-09", (0.5, None, None, 2)),
    ],
)
@pytest.mark.parametrize("agent", ["A003", "A001"])
def test_ticket_kpis_are_the_same_from_audits_and_ticket_events(
    published: Query, agent: str, metric: str, grain: str, period: str, expected: tuple
) -> None:
    """A003's tickets came as audits, A001's as ticket events (A001's other tickets are outside these periods)."""
    assert kpi(published, metric, grain, period, "agent", agent) == pytest.approx(expected, abs=1e-9)


def test_ticket_kpis_at_org_scope_count_both_formats(published: Query) -> None:
    # week of 03-09: only these six tickets. First reply median of (40, 150, 40, 150) = 95; resolution median of
    # (6, 25, 6, 25) = 15.5; one-touch 2 of 4 solved.
    assert kpi(published, "tickets_created", "week", "2026-03-09") == pytest.approx((6.0, 6.0, None, 6))
    assert kpi(published, "first_reply_minutes_median", "week", "2026-03-09") == pytest.approx((95.0, None, None, 4))
    assert kpi(published, "resolution_hours_median", "week", "2026-03-09") == pytest.approx((15.5, None, None, 4))
    assert kpi(published, "one_touch_rate", "week", "2026-03-09") == pytest.approx((0.5, 2.0, 4.0, 4))
