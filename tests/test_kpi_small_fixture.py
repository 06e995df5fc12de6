"""KPI values of the hand-made landing folder (tests/fixtures/small_landing), worked out by hand.

The fixture, in UTC (the reporting zone of these tests):
- Roster: A001 (T1), A002 (T1 until 2026-03-16, then T2), A003 (T2); Zendesk ids 9001-9003, admin 9100.
- Tickets: 101 (A001) reply +30 min, solved; 102 (A002) created by the agent (that comment is no reply),
  internal note, public reply +90 min; 103 unassigned, never replied (waited > 60 min); 104 (A003) reply by the
  admin +40 min; 105 deleted; 106 (A002, on 03-20 so team T2) reply +45 min, solved.
- Calls: C1 billing answered by A001 (wait 15); C2 billing short abandon (3 s); C3 billing abandoned (40 s);
  C4 tech answered by A003 (wait 30); C5 tech timeout (120 s); C6 tech answered by A002 on 03-20 (wait 10,
  older queue_log layout); C7 still in queue.
- Surveys: R1 NPS 10 CSAT 5 (ticket 101 -> A001); R2 NPS 6 CSAT 2 (call C4 -> A003); R3 NPS 7 CSAT 4 (no link);
  R4 preview and R5 unfinished (excluded); R6 Imported, NPS 9, no CSAT (ticket 106 -> A002, T2 on 03-21);
  R1 repeated (deduplicated); R7 NPS 11 (quarantined).
"""

from __future__ import annotations

import pytest

from .conftest import Query, keyed_hash

MARCH = "2026-03-01"


def metric_row(
    query: Query, metric: str, scope_type: str, scope_id: str, grain: str = "month", period: str = MARCH
) -> tuple:
    rows = query(
        f"""
        select value, numerator, denominator, sample_size, is_complete_period
        from marts.kpi_metrics
        where metric = '{metric}' and scope_type = '{scope_type}' and scope_id = '{scope_id}'
            and period_grain = '{grain}' and period_start = '{period}'
        """
    )
    assert len(rows) == 1, f"{metric} {scope_type}/{scope_id} {grain} {period}: {rows}"
    return rows[0]


@pytest.mark.parametrize(
    ("metric", "scope_type", "scope_id", "value", "numerator", "denominator", "sample_size"),
    [
        ("tickets_created", "org", "all", 5, 5, None, 5),
        ("tickets_created", "team", "T1", 2, 2, None, 2),
        ("tickets_created", "team", "T2", 2, 2, None, 2),
        ("tickets_created", "agent", "A002", 2, 2, None, 2),
        ("first_reply_minutes_median", "org", "all", 42.5, None, None, 4),
        ("first_reply_minutes_median", "team", "T1", 60.0, None, None, 2),
        ("first_reply_minutes_median", "team", "T2", 42.5, None, None, 2),
        ("first_reply_minutes_median", "agent", "A002", 67.5, None, None, 2),
        ("first_reply_within_1h_rate", "org", "all", 0.6, 3, 5, 5),
        ("first_reply_within_1h_rate", "team", "T1", 0.5, 1, 2, 2),
        ("first_reply_within_1h_rate", "team", "T2", 1.0, 2, 2, 2),
        ("abandon_rate", "org", "all", 0.2, 1, 5, 5),
        ("abandon_rate", "team", "T1", 0.5, 1, 2, 2),
        ("abandon_rate", "team", "T2", 0.0, 0, 3, 3),
        ("service_level_rate", "org", "all", 0.4, 2, 5, 5),
        ("service_level_rate", "team", "T1", 0.5, 1, 2, 2),
        ("service_level_rate", "team", "T2", 1 / 3, 1, 3, 3),
        ("asa_seconds", "org", "all", 55 / 3, None, None, 3),
        ("asa_seconds", "team", "T2", 20.0, None, None, 2),
        ("asa_seconds", "agent", "A002", 10.0, None, None, 1),
        ("nps", "org", "all", 25.0, 1, 4, 4),
        ("nps", "team", "T1", 100.0, 1, 1, 1),
        ("nps", "team", "T2", 0.0, 0, 2, 2),
        ("nps", "agent", "A003", -100.0, -1, 1, 1),
        ("csat_rate", "org", "all", 2 / 3, 2, 3, 3),
        ("csat_rate", "team", "T2", 0.0, 0, 1, 1),
        ("csat_rate", "agent", "A001", 1.0, 1, 1, 1),
    ],
)
def test_march_values(
    published_small: Query, metric, scope_type, scope_id, value, numerator, denominator, sample_size
) -> None:
    got_value, got_numerator, got_denominator, got_sample, complete = metric_row(
        published_small, metric, scope_type, scope_id
    )
    assert got_value == pytest.approx(value)
    assert got_numerator == (pytest.approx(numerator) if numerator is not None else None)
    assert got_denominator == (pytest.approx(denominator) if denominator is not None else None)
    assert got_sample == sample_size
    assert complete is False  # March ends after every source's as-of time


def test_call_outcome_metrics_have_no_agent_scope(published_small: Query) -> None:
    rows = published_small(
        """
        select distinct metric from marts.kpi_metrics
        where scope_type = 'agent' and metric in ('abandon_rate', 'service_level_rate')
        """
    )
    assert rows == []


def test_unassigned_ticket_counts_only_at_org_scope(published_small: Query) -> None:
    # Ticket 103 (no agent) was created on 2026-03-03 with ticket 104 (A003, team T2).
    assert metric_row(published_small, "tickets_created", "org", "all", "day", "2026-03-03")[0] == 2
    assert metric_row(published_small, "tickets_created", "team", "T2", "day", "2026-03-03")[0] == 1
    team_rows = published_small(
        """
        select scope_id from marts.kpi_metrics
        where metric = 'tickets_created' and period_grain = 'day' and period_start = '2026-03-03'
            and scope_type = 'team'
        """
    )
    assert team_rows == [("T2",)]


def test_weeks_start_on_monday_and_periods_complete_by_as_of(published_small: Query) -> None:
    assert metric_row(published_small, "tickets_created", "org", "all", "week", "2026-03-02")[0] == 4
    assert metric_row(published_small, "tickets_created", "org", "all", "week", "2026-03-16")[0] == 1
    # Helpdesk as-of is 2026-03-20 11:00 UTC (the latest timestamp in its data).
    assert metric_row(published_small, "tickets_created", "org", "all", "day", "2026-03-02")[4] is True
    assert metric_row(published_small, "tickets_created", "org", "all", "day", "2026-03-20")[4] is False
    assert metric_row(published_small, "tickets_created", "org", "all", "week", "2026-03-02")[4] is True


def test_period_without_data_has_no_row(published_small: Query) -> None:
    # No ticket was created on 2026-03-05, no call entered in the week of 2026-03-09.
    assert published_small(
        """
        select count(*) from marts.kpi_metrics
        where (metric = 'tickets_created' and period_grain = 'day' and period_start = '2026-03-05')
           or (metric = 'abandon_rate' and period_grain = 'week' and period_start = '2026-03-09')
        """
    ) == [(0,)]


def test_ticket_facts(published_small: Query) -> None:
    rows = published_small(
        """
        select ticket_id, agent_id, team_id, first_reply_minutes, is_solved, resolution_hours, contact_reason
        from marts.fct_tickets order by ticket_id
        """
    )
    assert rows == [
        ("101", "A001", "T1", 30.0, True, 3.0, "billing"),
        ("102", "A002", "T2", 90.0, False, None, "outage"),  # not solved: team of A002 at the as-of time
        ("103", None, None, None, False, None, "unspecified"),
        ("104", "A003", "T2", 40.0, False, None, "login"),
        ("106", "A002", "T2", 45.0, True, 1.0, "bug"),
    ]


def caller(digits: str) -> str:
    """The published form of a caller: HMAC-SHA-256 of the digits keyed with the salt."""
    return keyed_hash(digits)


def test_call_facts(published_small: Query) -> None:
    rows = published_small(
        """
        select call_id, queue, caller_hash, outcome, is_short_abandon, wait_seconds, talk_seconds, agent_id,
               team_id
        from marts.fct_calls order by entered_at
        """
    )
    assert rows == [
        ("1772442000.1", "support-billing", caller("15550100"), "answered", False, 15.0, 300.0, "A001", "T1"),
        ("1772442600.3", "support-billing", caller("15550200"), "abandoned", True, 3.0, None, None, "T1"),
        ("1772443200.4", "support-billing", None, "abandoned", False, 40.0, None, None, "T1"),
        ("1772443800.5", "support-tech", caller("15550300"), "answered", False, 30.0, 200.0, "A003", "T2"),
        ("1772444400.7", "support-tech", caller("15550400"), "timeout", False, 120.0, None, None, "T2"),
        ("1774000800.8", "support-tech", caller("15550100"), "answered", False, 10.0, 200.0, "A002", "T2"),
        ("1774008000.10", "support-tech", caller("15550500"), "in_progress", False, None, None, None, "T2"),
    ]


def test_target_attainment(published_small: Query) -> None:
    rows = published_small(
        """
        select scope_type, scope_id, period_start::varchar, round(value, 4), target, met, round(gap, 4)
        from marts.kpi_target_attainment
        where metric = 'abandon_rate' and period_grain = 'week'
        order by scope_type, scope_id, period_start
        """
    )
    assert rows == [
        ("org", "all", "2026-03-02", 0.25, 0.03, False, 0.22),  # C1-C5: 1 abandoned / (5 - 1 short)
        ("org", "all", "2026-03-16", 0.0, 0.03, True, -0.03),
        ("team", "T1", "2026-03-02", 0.5, 0.40, False, 0.1),
    ]


def test_published_marts_and_kpi_columns(published_small: Query) -> None:
    tables = {row[0] for row in published_small("select table_name from information_schema.tables")}
    assert {"kpi_metrics", "fct_tickets", "fct_calls", "fct_survey_responses", "dim_agent"} <= tables
    columns = [
        row[0]
        for row in published_small(
            "select column_name from information_schema.columns where table_name = 'kpi_metrics' "
            "order by ordinal_position"
        )
    ]
    assert columns == [
        "period_grain",
        "period_start",
        "scope_type",
        "scope_id",
        "scope_name",
        "metric",
        "value",
        "numerator",
        "denominator",
        "sample_size",
        "is_complete_period",
        "partial_reason",
    ]
