"""The generic calls CSV and survey CSV (SPEC 4.4, 4.6), end to end, with values worked out by hand.

tests/fixtures/generic_landing, reporting zone UTC, all in May 2026, one agent A001 in team T9 owning queue sales:
- G1 answered by A001 after 12 s (talk 280, hold 20, wrap 30), caller +44 20 7946 0001, ended 05-04 09:05:12;
  G2 abandoned after 40 s; G3 abandoned after 2 s (short); G4 answered after 30 s (talk 200, hold 0, wrap 40)
  by the same caller (442079460001) on 05-05 09:00, within 72 h of G1's end; G5 timeout; G6 no outcome yet
  (in progress); G7 has talk -5 seconds (quarantined).
- Surveys: S1 NPS 10 CSAT 5 (call G1), S2 NPS 5 CSAT 2 (call G4), S3 NPS 8 no CSAT (no link, +02:00 offset),
  S4 NPS 12 (quarantined).
- Helpdesk CSV (SPEC 4.2), helpdesk as-of 05-06 09:00 (INC-2's updated_at): INC-1 created 08:00, assigned to
  A001, internal note, public reply 08:45 (45 min), solved 10:00 (2 h); INC-2 created 09:00, assigned to A001,
  public reply 11:30 (150 min), open from 11:40; INC-3 created 05-05 09:00, unassigned, never replied (waited
  24 h by the as-of time, longer than 60 min), no status event (new).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from .conftest import Query


@pytest.fixture(scope="module")
def published(generic_home: Path) -> Iterator[Query]:
    with duckdb.connect(str(generic_home / "published" / "warehouse.duckdb"), read_only=True) as connection:
        yield lambda sql: connection.execute(sql).fetchall()


@pytest.mark.parametrize(
    ("metric", "value", "numerator", "denominator", "sample_size"),
    [
        ("calls_offered", 5, 5, None, 5),  # G1-G5 (G6 in progress, G7 quarantined)
        ("calls_short_abandoned", 1, 1, None, 1),  # G3
        ("abandon_rate", 0.25, 1, 4, 4),  # G2 / (5 - 1)
        ("service_level_rate", 0.25, 1, 4, 4),  # G1 answered within 20 s
        ("asa_seconds", 21.0, None, None, 2),  # (12 + 30) / 2
        ("aht_seconds", 285.0, None, None, 2),  # (280 + 20 + 30 + 200 + 0 + 40) / 2
        ("repeat_call_72h_rate", 0.5, 1, 2, 2),  # G1 repeated by G4
        ("calls_per_agent", 2.0, 2, 1, 1),
        ("nps", 0.0, 0, 3, 3),  # (1 promoter - 1 detractor) / 3
        ("csat_rate", 0.5, 1, 2, 2),
        ("survey_responses", 3, 3, None, 3),
        ("tickets_created", 3, 3, None, 3),
        ("first_reply_minutes_median", 97.5, None, None, 2),  # (45 + 150) / 2
        ("first_reply_within_1h_rate", 1 / 3, 1, 3, 3),  # INC-1 within; INC-2 late; INC-3 waited too long
        ("tickets_solved", 1, 1, None, 1),
        ("resolution_hours_median", 2.0, None, None, 1),
        ("one_touch_rate", 1.0, 1, 1, 1),  # the internal note is no touch
        ("reopen_rate", 0.0, 0, 1, 1),
        ("handoffs_mean", 0.0, None, None, 1),
        ("backlog_open_tickets", 2, 2, None, 2),  # at the as-of time: INC-2 open, INC-3 new
        ("overdue_open_tickets", 0, 0, None, 2),  # INC-2 replied 45.5 h before, INC-3 created 24 h before
    ],
)
def test_may_org_values(published: Query, metric, value, numerator, denominator, sample_size) -> None:
    rows = published(
        f"""
        select value, numerator, denominator, sample_size from marts.kpi_metrics
        where metric = '{metric}' and period_grain = 'month' and period_start = '2026-05-01' and scope_type = 'org'
        """
    )
    assert len(rows) == 1
    got_value, got_numerator, got_denominator, got_sample = rows[0]
    assert got_value == pytest.approx(value)
    assert got_numerator == (pytest.approx(numerator) if numerator is not None else None)
    assert got_denominator == (pytest.approx(denominator) if denominator is not None else None)
    assert got_sample == sample_size


def test_csv_calls_keep_their_agent_and_hold_and_wrap(published: Query) -> None:
    rows = published(
        """
        select call_id, call_source, outcome, agent_id, team_id, wait_seconds, handle_seconds
        from marts.fct_calls where outcome = 'answered' order by call_id
        """
    )
    assert rows == [
        ("G1", "csv", "answered", "A001", "T9", 12.0, 330.0),
        ("G4", "csv", "answered", "A001", "T9", 30.0, 240.0),
    ]


def test_surveys_link_to_csv_calls(published: Query) -> None:
    rows = published(
        "select response_id, survey_source, agent_id, is_promoter, is_detractor from marts.fct_survey_responses "
        "order by response_id"
    )
    assert rows == [
        ("S1", "csv", "A001", True, False),
        ("S2", "csv", "A001", False, True),
        ("S3", "csv", None, False, False),
    ]


def test_csv_tickets_take_their_agent_from_the_roster(published: Query) -> None:
    rows = published(
        "select ticket_id, helpdesk_source, agent_id, team_id, contact_reason, first_reply_minutes "
        "from marts.fct_tickets order by ticket_id"
    )
    assert rows == [
        ("INC-1", "csv", "A001", "T9", "pricing", 45.0),
        ("INC-2", "csv", "A001", "T9", "refund", 150.0),
        ("INC-3", "csv", None, None, "unspecified", None),
    ]


def test_bad_rows_of_generic_files_are_quarantined(generic_home: Path) -> None:
    with duckdb.connect(str(generic_home / "build" / "warehouse.duckdb"), read_only=True) as connection:
        rows = connection.execute("select record_number, reason from raw.quarantine order by all").fetchall()
    assert rows == [(4, "nps_score out of range [0, 10]"), (7, "talk_seconds not a non-negative number")]
