"""What the pipeline scenarios land on top of the hand-made small landing folder (tests/fixtures/small_landing).

The shared second run (conftest `small_second_run`) lands all of these at once; the tests that check each effect
import the data from here, never from another test module."""

from __future__ import annotations

import json
from pathlib import Path

# A later export: ticket 104 (created 03-03 23:30) was solved on 03-05 12:00, 36.5 h after its creation.
LATE_TICKET = {
    "id": 104, "created_at": "2026-03-03T23:30:00Z", "updated_at": "2026-03-05T12:00:00Z", "status": "solved",
    "priority": "low", "type": "question", "subject": "Late night", "requester_id": 5002, "assignee_id": 9003,
    "group_id": 2, "via": {"channel": "chat"}, "tags": ["reason_login"], "custom_fields": [],
    "satisfaction_rating": None,
}  # fmt: skip
LATE_EVENT = {
    "id": 14, "ticket_id": 104, "created_at": "2026-03-05T12:00:00Z", "updater_id": 9003, "event_type": "Audit",
    "child_events": [{"id": 141, "event_type": "Change", "field_name": "status", "value": "solved",
                      "previous_value": "pending"}],
}  # fmt: skip

# A new, unassigned ticket: fct_tickets grows from 5 to 6 rows.
EXTRA_TICKET = {
    "id": 900, "created_at": "2026-03-10T09:00:00Z", "updated_at": "2026-03-10T09:00:00Z", "status": "new",
    "requester_id": 5003, "assignee_id": None, "via": {"channel": "web"}, "tags": [],
}  # fmt: skip

# Personal data in records that the ingestion rules quarantine, in the form they are written in the files.
QUARANTINED_PHONE = "+44 20 7946 0958"
QUARANTINED_EMAIL = "jane.doe.quarantined@example.org"
QUARANTINED_USER_PHONE = "(555) 867-5309"

# Holds the published file open from before a publish until told to stop; prints fct_tickets' rows each time.
READER = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1], read_only=True)
print(connection.execute("select count(*) from marts.fct_tickets").fetchone()[0], flush=True)
while not __import__("pathlib").Path(sys.argv[2]).exists():
    time.sleep(0.1)
print(connection.execute("select count(*) from marts.fct_tickets").fetchone()[0], flush=True)
"""


def land_quarantined_personal_data(landing: Path) -> None:
    """Records with customers' phone numbers and emails that the ingestion rules reject (call X1's outcome is
    unknown, user 7002's line is cut); user 7001 is a valid end user."""
    (landing / "telephony").mkdir(parents=True, exist_ok=True)
    (landing / "helpdesk").mkdir(parents=True, exist_ok=True)
    (landing / "telephony" / "calls_extra.csv").write_text(
        "call_id,queue,caller_number,entered_at,answered_at,ended_at,agent_id,outcome,talk_seconds,hold_seconds,"
        "wrap_seconds\n"
        f"X1,support-billing,{QUARANTINED_PHONE},2026-03-02T09:00:00Z,,,,exploded,,,\n"
    )
    (landing / "helpdesk" / "users_extra.jsonl").write_text(
        '{"id": 7001, "name": "Ok User", "email": "ok@customer.test", "phone": null, "role": "end-user"}\n'
        f'{{"id": 7002, "name": "Broken", "email": "{QUARANTINED_EMAIL}", "phone": "{QUARANTINED_USER_PHONE}", \n'
    )


# The queue_log grew (SPEC 4.9): its last line again (an overlap, kept once) and an agent joining a queue, a line
# of no call (no KPI changes).
GROWN_QUEUE_LOG = (
    "1774008000|1774008000.10|support-tech|NONE|ENTERQUEUE||15550500|1\n"
    "1774008000||support-tech|PJSIP/1002|ADDMEMBER|\n"
)


def land_second_export(landing: Path) -> None:
    """Everything the shared second run lands: the late ticket update, a new ticket, quarantined personal data."""
    (landing / "helpdesk" / "tickets_0003.json").write_text(json.dumps({"tickets": [LATE_TICKET, EXTRA_TICKET]}))
    (landing / "helpdesk" / "ticket_events_0003.json").write_text(json.dumps({"ticket_events": [LATE_EVENT]}))
    with (landing / "telephony" / "queue_log").open("a") as queue_log:
        queue_log.write(GROWN_QUEUE_LOG)
    land_quarantined_personal_data(landing)
