"""Marts a dashboard uses as they are: kpi_scorecard (wide), names beside ids, labels and formats, and leading
partial periods, on the hand-made landing (tests/fixtures/small_landing, reporting zone UTC).

The fixture's first data: helpdesk 2026-03-02 09:00 (a Monday), telephony 2026-03-02 08:43, surveys 2026-03-03
10:00 (a Tuesday), quality reviews 2026-03-05 10:00 (a Thursday) to 2026-03-06 10:00; the rest ends on 2026-03-21.
"""

from __future__ import annotations

import pytest

from .conftest import Query

WEEK = "2026-03-02"
MARCH = "2026-03-01"


def completeness(query: Query, metric: str, grain: str, period: str) -> tuple:
    rows = query(
        f"""
        select is_complete_period, partial_reason from marts.kpi_metrics
        where metric = '{metric}' and scope_type = 'org' and period_grain = '{grain}' and period_start = '{period}'
        """
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("metric", "grain", "period", "expected"),
    [
        ("tickets_created", "week", WEEK, (True, None)),  # the helpdesk data starts on the week's Monday
        ("abandon_rate", "week", WEEK, (True, None)),  # so does the phone log
        ("nps", "week", WEEK, (False, "leading")),  # the first survey response is on Tuesday
        # reviews from Thursday to Friday 10:00 of that week: leading and trailing, trailing wins
        ("qa_score_mean", "week", WEEK, (False, "trailing")),
        ("qa_score_mean", "day", "2026-03-05", (True, None)),
        ("nps", "day", "2026-03-03", (True, None)),  # the first day of data is complete
        ("tickets_created", "month", MARCH, (False, "trailing")),  # both leading and trailing: trailing wins
        ("tickets_created", "week", "2026-03-16", (False, "trailing")),  # ends after the as-of time
    ],
)
def test_leading_and_trailing_partial_periods(published_small: Query, metric, grain, period, expected) -> None:
    assert completeness(published_small, metric, grain, period) == expected


def test_partial_reason_is_null_exactly_for_complete_periods(published_small: Query) -> None:
    disagreeing = published_small(
        "select count(*) from marts.kpi_metrics where is_complete_period = (partial_reason is not null)"
    )
    assert disagreeing == [(0,)]
    reasons = published_small(
        "select count(*) filter (where partial_reason = 'leading'), count(*) filter (where partial_reason = 'trailing')"
        " from marts.kpi_metrics"
    )[0]
    assert reasons[0] > 0 and reasons[1] > 0


def test_scorecard_has_one_row_per_period_scope_and_completeness_of_kpi_metrics(published_small: Query) -> None:
    scorecard = published_small(
        "select distinct period_grain, period_start, scope_type, scope_id, scope_name, is_complete_period "
        "from marts.kpi_scorecard"
    )
    metrics = published_small(
        "select distinct period_grain, period_start, scope_type, scope_id, scope_name, is_complete_period "
        "from marts.kpi_metrics"
    )
    assert len(metrics) > 50
    assert sorted(scorecard, key=str) == sorted(metrics, key=str)
    assert published_small("select count(*) from marts.kpi_scorecard") == [(len(metrics),)]


def test_scorecard_holds_every_value_of_kpi_metrics_and_nothing_else(published_small: Query) -> None:
    metric_names = [row[0] for row in published_small("select metric from marts.metric_definitions")]
    value_columns = ", ".join(metric_names)
    long_form = published_small(
        f"""
        select period_grain, period_start, scope_type, scope_id, is_complete_period, metric, value
        from (unpivot marts.kpi_scorecard on {value_columns} into name metric value value)
        """
    )  # unpivot drops nulls: a metric without a value in the period has no kpi_metrics row either
    expected = published_small(
        "select period_grain, period_start, scope_type, scope_id, is_complete_period, metric, value "
        "from marts.kpi_metrics"
    )
    assert len(expected) > 500
    assert sorted(long_form, key=str) == sorted(expected, key=str)


def test_scorecard_targets_agree_with_kpi_target_attainment(published_small: Query) -> None:
    metric_names = [row[0] for row in published_small("select metric from marts.metric_definitions")]
    targets = []
    for name in metric_names:
        targets += published_small(
            f"""
            select period_grain, period_start, scope_type, scope_id, '{name}', {name}_target, {name}_met
            from marts.kpi_scorecard where {name}_target is not null
            """
        )
    expected = published_small(
        "select period_grain, period_start, scope_type, scope_id, metric, target, met from marts.kpi_target_attainment"
    )
    assert len(expected) > 10
    assert sorted(targets, key=str) == sorted(expected, key=str)


def test_scorecard_values_worked_out_by_hand(published_small: Query) -> None:
    march = published_small(
        f"""
        select tickets_created, tickets_created_target, first_reply_within_1h_rate, first_reply_within_1h_rate_target,
            first_reply_within_1h_rate_met, nps, nps_target, nps_met
        from marts.kpi_scorecard
        where period_grain = 'month' and period_start = '{MARCH}' and scope_type = 'org' and scope_id = 'all'
        """
    )
    # 5 tickets, 3 of 5 first replies within the hour against 0.90; NPS (1 promoter of 4 responses) 25 against 70
    assert march == [(5, None, pytest.approx(0.6), 0.9, False, pytest.approx(25.0), 70.0, False)]
    billing_week = published_small(
        f"""
        select scope_name, abandon_rate, abandon_rate_target, abandon_rate_met from marts.kpi_scorecard
        where period_grain = 'week' and period_start = '{WEEK}' and scope_type = 'team' and scope_id = 'T1'
            and abandon_rate is not null
        """
    )
    assert billing_week == [("Billing", pytest.approx(0.5), 0.4, False)]  # 1 of 2 non-short calls abandoned


def test_people_facing_marts_carry_names_beside_ids(published_small: Query) -> None:
    # A002 moved from T1 (Billing) to T2 (Tech) on 2026-03-16; ticket 102 is A002's at the as-of time.
    assert published_small(
        "select agent_id, agent_name, team_id, team_name from marts.fct_tickets where ticket_id = '102'"
    ) == [("A002", "Bob Okafor", "T2", "Tech")]
    assert published_small(
        "select distinct agent_name, team_name from marts.kpi_agent_vs_team where agent_id = 'A003'"
    ) == [("Carol Diaz", "Tech")]
    assert published_small(
        "select distinct queue, queue_team_name from marts.fct_calls order by queue"
    ) == [("support-billing", "Billing"), ("support-tech", "Tech")]
    assert published_small(
        "select distinct agent_name, team_name from marts.fct_quality_reviews where agent_id = 'A001'"
    ) == [("Alice Martin", "Billing")]
    unnamed = published_small(
        """
        select (select count(*) from marts.fct_tickets where agent_id is not null and agent_name is null)
            + (select count(*) from marts.fct_calls where team_id is not null and team_name is null)
            + (select count(*) from marts.fct_survey_responses where agent_id is not null and agent_name is null)
            + (select count(*) from marts.fct_backlog_daily where team_id is not null and team_name is null)
            + (select count(*) from marts.kpi_agent_vs_team where agent_name is null or team_name is null)
        """
    )
    assert unnamed == [(0,)]


def test_metric_definitions_carry_labels_and_formats(published_small: Query) -> None:
    assert published_small(
        "select label, format from marts.metric_definitions where metric = 'first_reply_within_1h_rate'"
    ) == [("First reply within 1 h", "percent")]
    assert published_small(
        "select label, format from marts.metric_definitions where metric in ('nps', 'asa_seconds') order by metric"
    ) == [("Average speed of answer (s)", "seconds"), ("NPS", "nps")]
    rows = published_small("select count(*), count(distinct label), count(format) from marts.metric_definitions")
    assert rows == [(32, 32, 32)]
