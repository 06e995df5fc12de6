"""Every KPI of SPEC section 5, on a hand-made landing folder (tests/fixtures/dictionary_landing), worked out by hand.

Reporting zone Europe/Paris: in January and February 2026 that is UTC+1, so a local day D runs from D-1 23:00 UTC
to D 23:00 UTC. All times below are UTC unless marked "local". Weeks (ISO): Jan 19, Jan 26, Feb 2, Feb 9, Feb 16.

Roster: A001 Alice (T1 Billing), A002 Bob (T1 until 2026-02-16, then T2 Tech), A003 Carol (T2), A004 Dan (T2);
Zendesk ids 9001-9004, admin 9100 (not in the roster, role admin). Queues: support-billing -> T1, support-tech -> T2.
End-users 5001-5015; 5002 has phone "06 11 11 11 11", 5004 "+33 6 12 34 56 78".

Tickets (agent = assignee at final solve, or current assignee; reply = public agent comment outside creating audit):
  200 2025-11-18, U5012, A2, solved 12:00 -- 91 days before 311's solve (outside continuity_days)   billing
  199 2025-12-20, U5001, A3, solved 10:00                                                          login
  201 Jan 10 09:00, U5001, A1, reply +20 min, solved 11:00 (2 h); U5001's 199 was A3's (continuity: different)
                                                                                                   billing
  202 Jan 12 10:00, U5002, A3, reply +30, solved 14:00 (4 h), reassigned to A4 on Jan 13 (after the solve: its
      agent stays A3; the exported assignee_id is A4), closed Jan 16                               login
  300 Jan 31 23:40 (= Feb 1 00:40 local), U5007, A2 (T1), reply +45, solved Feb 2 11:40 (36 h)  billing
  301 Feb 2 08:00, U5001, A1, reply +10, solved 10:00, REOPENED Feb 3 09:00 (solved -> open), second reply,
      solved again Feb 3 12:00 (28 h, 2 replies), rated good; U5001's most recent earlier ticket is 201 (A1):
      continuity same (the older 199 was A3's)
  302 Feb 3 10:00, U5002, created for A3, handed to A4 at 10:20 (1 handoff), reply by A4 +45, solved 15:00 (5 h),
      closed Feb 5 (solved -> closed is no reopen), rated bad; U5002's 202 was A3's (continuity: different)  login
  303 Feb 4 09:00, U5003, unassigned; first assignment A1 09:30, A2 10:00, back to A1 11:00 (2 handoffs); replies
      by A2 at 10:30 (+90) and A1 at 11:30; solved 13:00 (4 h), agent A1, rating "offered"            refund
  304 Feb 6 10:00, U5004 (phone of call K1 the day before), A1, reply +30, solved 11:00 (1 h), good; a stale
      version (status open, unrated, older updated_at) comes in the latest tickets file          billing
  305 Feb 9 09:00, created by A3 with a public comment in the creating audit (no reply), admin reply +50, internal
      note, solved 12:00 (3 h), A3, bad                                                                outage
  306 Feb 10 13:00 (written 14:00+01:00), A4, reply +40, pending ever after                          login
  307 Feb 10 08:00, A4, never replied, new ever after (overdue from Feb 13 08:00)                     bug
  308 Feb 11 10:00, A1, reply +30 (pending), customer answers Feb 12 09:00 (open), A1 replies again Feb 16 09:00,
      open ever after (overdue at the ends of Feb 14, 15, 19 and at the as-of time)                  bug
  309 Feb 12 09:00, A3, reply +15 and hold, solved Feb 18 10:00 (145 h)                              refund
  310 Feb 19 15:00, unassigned, never replied, new; an earlier file holds a version with the same updated_at
      tagged reason_other (tie: the later file wins)                                               (no tag)
  311 Feb 17 09:00, A2 (now T2), reply +120, solved 13:00 (4 h), good                                billing
  312 deleted; U5004 created it Feb 6 12:00, 1 h after 304's solve (deleted: no repeat contact)     spam
  315 Feb 13 09:00, U5015, A4, reply +20, open -> closed at 15:00 without a solve (final solve = the close,
      6 h)                                                                                         outage
  313 Feb 20 11:45, A3, reply +15 at 12:00 (new -> open) = the helpdesk as-of time                    login
  314 Feb 20 11:30, A1, no reply, only 30 min old at the as-of time                                  shipping

Calls (queue_log; wait = CONNECT holdtime or exit waittime; K11 is still in queue):
  K0  Jan 20 10:00 billing 0677777777 answered A1 wait 10 talk 200
  K1  Feb 5 09:00 billing +33 6 12 34 56 78 (= U5004) answered A1 wait 12 talk 240, ends 09:04:12
  K2  Feb 5 10:00 tech 0611111111 (= U5002) answered A3 wait 25 talk 300, ends 10:05:25
  K3  Feb 6 10:00 billing 0611111111 (repeat of K2) answered A2 (T1) wait 8 talk 120, ends 10:02:08 (older layout)
  K4  Feb 9 11:00 tech 0611111111 abandoned 40 s (72 h 58 min after K3 ended: no repeat of K3)
  K5  Feb 10 08:00 billing short abandon 3 s        K6 Feb 10 09:00 tech anonymous timeout 120 s
  K7  Feb 12 14:00 tech answered A4 wait 18 talk 600 K8 Feb 12 15:00 billing EXITWITHKEY 30 s (timeout)
  K9  Feb 15 23:20 (= Mon Feb 16 00:20 local) tech answered A3 wait 20 talk 180
  K10 Feb 18 10:00 tech answered A2 (T2), CONNECT without holdtime (wait 30 s from the epochs), TRANSFER
      calltime 420
  K12 Feb 19 09:00 billing abandoned after exactly 5 s (not short)
  K13 Feb 19 10:00 tech EXITEMPTY (older layout, wait 45 s from the epochs)   K11 Feb 20 11:00 billing in queue

Surveys (RecordedDate in UTC): R_000 Jan 15 NPS 10 CSAT 5 (ticket 201, A1); R_001 Feb 3 NPS 10 CSAT 5 (301, A1);
R_002 Feb 5 NPS 3 CSAT 2 (call K2, A3); R_003 Feb 6 Offline, NPS 9 CSAT 4 (no link); R_004 preview, R_005
unfinished, R_007 spam (excluded); R_006 Feb 17 23:30 (= Feb 18 local) Imported NPS 9, no CSAT (311, A2 in T2);
R_008 Feb 10 NPS 7 CSAT 3 (303, A1); R_001 repeated.
QA: QA0 Jan 20 A1 9/10; QA1 Feb 4 A1 4/5 + 5/5 + 8/10 = 17/20; QA2 Feb 6 A3 6/10; QA3 Feb 18 A2 8/10. A4 is active
in February (ticket 302, call K7) and never reviewed.
As-of times: helpdesk Feb 20 12:00 (ticket 313), telephony Feb 20 11:00, surveys Feb 17 23:30, quality Feb 18 09:00.
First data: helpdesk 2025-11-18 (ticket 200), telephony Jan 20 (K0), surveys Jan 15 (R_000), quality Jan 20 (QA0):
January is a leading partial month for calls, surveys and reviews (partial_reason leading), complete for tickets.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from .conftest import FIXTURES, Query, run_cli, run_slot

DICTIONARY_LANDING = FIXTURES / "dictionary_landing"
TIMEZONE = "Europe/Paris"
JAN = "2026-01-01"
FEB = "2026-02-01"
Z95 = 1.96

SPEC_METRICS = {
    "tickets_created", "tickets_solved", "first_reply_minutes_median", "first_reply_minutes_p90",
    "first_reply_within_1h_rate", "resolution_hours_median", "reopen_rate", "one_touch_rate", "handoffs_mean",
    "overdue_open_tickets", "backlog_open_tickets", "agent_continuity_rate", "csat_good_rate_helpdesk",
    "calls_offered", "calls_answered", "calls_abandoned", "calls_short_abandoned", "calls_timeout", "abandon_rate",
    "service_level_rate", "asa_seconds", "aht_seconds", "repeat_call_72h_rate", "call_fcr_rate", "calls_per_agent",
    "nps", "csat_rate", "survey_responses", "qa_score_mean", "qa_pass_rate", "qa_coverage_rate",
    "contact_repeat_72h_rate",
}  # fmt: skip
# SPEC section 5: call outcome metrics, calls_per_agent and qa_coverage_rate have no agent scope.
NO_AGENT_SCOPE = {
    "calls_offered", "calls_abandoned", "calls_short_abandoned", "calls_timeout", "abandon_rate",
    "service_level_rate", "calls_per_agent", "qa_coverage_rate",
}  # fmt: skip


@pytest.fixture(scope="module")
def dictionary(slot_parse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Query]:
    """One pipeline run on the dictionary landing folder, reporting zone Europe/Paris."""
    home: Path = tmp_path_factory.mktemp("dictionary") / "home"
    with run_slot(slot_parse, home) as slot:
        completed = run_cli("run", home=slot, landing=DICTIONARY_LANDING, timezone=TIMEZONE)
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    connection = duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True)

    def query(sql: str) -> list[tuple]:
        return connection.execute(sql).fetchall()

    yield query
    connection.close()


def metric_rows(query: Query, metric: str, scope_type: str, scope_id: str, grain: str, period: str) -> list[tuple]:
    return query(
        f"""
        select value, numerator, denominator, sample_size, is_complete_period
        from marts.kpi_metrics
        where metric = '{metric}' and scope_type = '{scope_type}' and scope_id = '{scope_id}'
            and period_grain = '{grain}' and period_start = '{period}'
        """
    )


def approx_or_none(expected):
    return None if expected is None else pytest.approx(expected)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval: (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = successes / n
    centre = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - half) / (1 + z * z / n), (centre + half) / (1 + z * z / n)


# (metric, scope_type, scope_id, value, numerator, denominator, sample_size) for February 2026 (local month).
# Counts: numerator = value, no denominator, n = value. Means/medians: n values. Rates: n = denominator.
# Snapshots: numerator = the count, n = the backlog of the scope. nps: numerator = promoters - detractors.
FEBRUARY = [
    # --- tickets_created: created in local February: 300 (Jan 31 23:40 UTC = Feb 1 local) 301 302 303 304 305 306
    # 307 308 309 310 311 313 314 315 = 15 (312 deleted). Team of the agent at creation: T1 = 300 (A2 before the
    # move) 301 303 304 308 314; T2 = 302 305 306 307 309 311 313 315; 310 unassigned (org only).
    ("tickets_created", "org", "all", 15, 15, None, 15),
    ("tickets_created", "team", "T1", 6, 6, None, 6),
    ("tickets_created", "team", "T2", 8, 8, None, 8),
    ("tickets_created", "agent", "A001", 5, 5, None, 5),  # 301 303 (A1 at solve) 304 308 314
    ("tickets_created", "agent", "A002", 2, 2, None, 2),  # 300 311
    ("tickets_created", "agent", "A004", 4, 4, None, 4),  # 302 (A4 at solve) 306 307 315
    # --- tickets_solved: final solve in February: 300 301 302 (closed) 303 304 305 309 311 315 (closed, never
    # solved: final solve = the close) = 9. T1: 300 (A2 still T1 on Feb 2) 301 303 304; T2: 302 305 309 311
    # (A2 in T2 on Feb 17) 315.
    ("tickets_solved", "org", "all", 9, 9, None, 9),
    ("tickets_solved", "team", "T1", 4, 4, None, 4),
    ("tickets_solved", "team", "T2", 5, 5, None, 5),
    ("tickets_solved", "agent", "A002", 2, 2, None, 2),  # one in each team
    ("tickets_solved", "agent", "A003", 2, 2, None, 2),  # 305 309
    ("tickets_solved", "agent", "A004", 2, 2, None, 2),  # 302 315
    # --- first reply minutes (tickets created in Feb with a reply): 300 45, 301 10, 302 45, 303 90 (A2's reply),
    # 304 30, 305 50 (admin; the creating comment is no reply), 306 40, 308 30, 309 15, 311 120, 313 15, 315 20.
    # org sorted 10 15 15 20 30 30 40 45 45 50 90 120: median (30 + 40) / 2 = 35; p90 at (12-1)*0.9 = 9.9 ->
    # 50 + 0.9 * (90 - 50) = 86.
    ("first_reply_minutes_median", "org", "all", 35.0, None, None, 12),
    ("first_reply_minutes_p90", "org", "all", 86.0, None, None, 12),
    # T1: 10 30 30 45 90 -> median 30; p90 at 3.6 -> 45 + 0.6 * 45 = 72.
    ("first_reply_minutes_median", "team", "T1", 30.0, None, None, 5),
    ("first_reply_minutes_p90", "team", "T1", 72.0, None, None, 5),
    # T2: 15 15 20 40 45 50 120 -> median 40; p90 at 5.4 -> 50 + 0.4 * 70 = 78.
    ("first_reply_minutes_median", "team", "T2", 40.0, None, None, 7),
    ("first_reply_minutes_p90", "team", "T2", 78.0, None, None, 7),
    # A1: 10 30 30 90 -> median 30, p90 at 2.7 -> 30 + 0.7 * 60 = 72. A2: 45 120 -> 82.5, p90 45 + 0.9 * 75.
    ("first_reply_minutes_median", "agent", "A001", 30.0, None, None, 4),
    ("first_reply_minutes_p90", "agent", "A001", 72.0, None, None, 4),
    ("first_reply_minutes_median", "agent", "A002", 82.5, None, None, 2),
    ("first_reply_minutes_p90", "agent", "A002", 112.5, None, None, 2),
    # A3: 15 15 50 -> median 15, p90 at 1.8 -> 15 + 0.8 * 35 = 43.
    ("first_reply_minutes_median", "agent", "A003", 15.0, None, None, 3),
    ("first_reply_minutes_p90", "agent", "A003", 43.0, None, None, 3),
    # A4: 20 40 45 -> median 40, p90 at 1.8 -> 40 + 0.8 * 5 = 44.
    ("first_reply_minutes_median", "agent", "A004", 40.0, None, None, 3),
    ("first_reply_minutes_p90", "agent", "A004", 44.0, None, None, 3),
    # --- first_reply_within_1h_rate: the 12 replied tickets + 307 and 310 (no reply, waited > 60 min); 314 is only
    # 30 min old at the as-of time: out. Within 60: all but 90 and 120 -> 10 / 14.
    ("first_reply_within_1h_rate", "org", "all", 10 / 14, 10, 14, 14),
    ("first_reply_within_1h_rate", "team", "T1", 4 / 5, 4, 5, 5),  # 90 misses
    ("first_reply_within_1h_rate", "team", "T2", 6 / 8, 6, 8, 8),  # 120 misses, 307 unanswered
    ("first_reply_within_1h_rate", "agent", "A001", 3 / 4, 3, 4, 4),
    ("first_reply_within_1h_rate", "agent", "A004", 3 / 4, 3, 4, 4),  # 302 45, 306 40, 315 20, 307 none
    # --- resolution_hours_median (solved in Feb): 300 36, 301 28 (to the last solve), 302 5 (to the solve, not the
    # close), 303 4, 304 1, 305 3, 309 145, 311 4, 315 6 (to the close). org sorted 1 3 4 4 5 6 28 36 145 -> 5;
    # T1 1 4 28 36 -> 16; T2 3 4 5 6 145 -> 5; A1 1 4 28 -> 4; A4 5 6 -> 5.5.
    ("resolution_hours_median", "org", "all", 5.0, None, None, 9),
    ("resolution_hours_median", "team", "T1", 16.0, None, None, 4),
    ("resolution_hours_median", "team", "T2", 5.0, None, None, 5),
    ("resolution_hours_median", "agent", "A001", 4.0, None, None, 3),
    ("resolution_hours_median", "agent", "A003", 74.0, None, None, 2),  # 3 and 145
    ("resolution_hours_median", "agent", "A004", 5.5, None, None, 2),
    # --- reopen_rate: only 301 went solved -> open (302 solved -> closed is no reopen).
    ("reopen_rate", "org", "all", 1 / 9, 1, 9, 9),
    ("reopen_rate", "team", "T1", 1 / 4, 1, 4, 4),
    ("reopen_rate", "team", "T2", 0.0, 0, 5, 5),
    ("reopen_rate", "agent", "A001", 1 / 3, 1, 3, 3),
    # --- one_touch_rate: agent replies 300 1, 301 2, 302 1, 303 2, 304 1, 305 1, 309 1, 311 1, 315 1 -> 7 / 9.
    ("one_touch_rate", "org", "all", 7 / 9, 7, 9, 9),
    ("one_touch_rate", "team", "T1", 2 / 4, 2, 4, 4),  # 300 304
    ("one_touch_rate", "team", "T2", 1.0, 5, 5, 5),
    ("one_touch_rate", "agent", "A001", 1 / 3, 1, 3, 3),  # 304
    # --- handoffs_mean: 302 1 (A3 -> A4), 303 2 (A1 -> A2 -> A1 after the first assignment), others 0.
    ("handoffs_mean", "org", "all", 3 / 9, None, None, 9),
    ("handoffs_mean", "team", "T1", 2 / 4, None, None, 4),
    ("handoffs_mean", "team", "T2", 1 / 5, None, None, 5),
    ("handoffs_mean", "agent", "A001", 2 / 3, None, None, 3),
    ("handoffs_mean", "agent", "A004", 1 / 2, None, None, 2),  # 302 1, 315 0
    # --- snapshots, month of February (not complete): the snapshot of the as-of day, Feb 20 12:00 UTC.
    # Open then: 306 (pending, A4), 307 (new, A4, overdue: 244 h), 308 (open, A1, last reply Feb 16 09:00: 99 h,
    # overdue), 310 (new, unassigned, 21 h), 313 (open, A3), 314 (new, A1, 30 min).
    ("backlog_open_tickets", "org", "all", 6, 6, None, 6),
    ("backlog_open_tickets", "team", "T1", 2, 2, None, 2),  # 308 314
    ("backlog_open_tickets", "team", "T2", 3, 3, None, 3),  # 306 307 313
    ("backlog_open_tickets", "agent", "A004", 2, 2, None, 2),
    ("overdue_open_tickets", "org", "all", 2, 2, None, 6),
    ("overdue_open_tickets", "team", "T1", 1, 1, None, 2),
    ("overdue_open_tickets", "team", "T2", 1, 1, None, 3),
    ("overdue_open_tickets", "agent", "A004", 1, 1, None, 2),  # 307 yes, 306 pending: not waiting on the agent
    ("overdue_open_tickets", "agent", "A003", 0, 0, None, 1),  # 313 just answered
    # --- agent_continuity_rate: 301 (U5001: most recent earlier solve 201 Jan 10 by A1 -> same agent; 199 older),
    # 302 (U5002: 202 was A3's at its solve -> different from A4). 311 (U5012): 200 was solved 91 days before: out.
    ("agent_continuity_rate", "org", "all", 1 / 2, 1, 2, 2),
    ("agent_continuity_rate", "team", "T1", 1.0, 1, 1, 1),
    ("agent_continuity_rate", "team", "T2", 0.0, 0, 1, 1),
    ("agent_continuity_rate", "agent", "A001", 1.0, 1, 1, 1),
    ("agent_continuity_rate", "agent", "A004", 0.0, 0, 1, 1),
    # --- csat_good_rate_helpdesk (by solve date): 301 good, 302 bad, 304 good, 305 bad, 311 good; 303 "offered".
    ("csat_good_rate_helpdesk", "org", "all", 3 / 5, 3, 5, 5),
    ("csat_good_rate_helpdesk", "team", "T1", 1.0, 2, 2, 2),
    ("csat_good_rate_helpdesk", "team", "T2", 1 / 3, 1, 3, 3),
    ("csat_good_rate_helpdesk", "agent", "A001", 1.0, 2, 2, 2),
    ("csat_good_rate_helpdesk", "agent", "A003", 0.0, 0, 1, 1),
    # --- calls entered in local February (K11 in progress excluded): K1-K10, K12, K13 = 12.
    # T1 (answering agent's team, else queue): K1 (A1) K3 (A2 in T1) K5 K8 K12; T2: K2 K4 K6 K7 K9 K10 K13.
    ("calls_offered", "org", "all", 12, 12, None, 12),
    ("calls_offered", "team", "T1", 5, 5, None, 5),
    ("calls_offered", "team", "T2", 7, 7, None, 7),
    ("calls_answered", "org", "all", 6, 6, None, 6),  # K1 K2 K3 K7 K9 K10
    ("calls_answered", "team", "T1", 2, 2, None, 2),
    ("calls_answered", "team", "T2", 4, 4, None, 4),
    ("calls_answered", "agent", "A002", 2, 2, None, 2),  # K3 (T1) and K10 (T2)
    ("calls_answered", "agent", "A004", 1, 1, None, 1),
    ("calls_abandoned", "org", "all", 2, 2, None, 2),  # K4 (40 s), K12 (5 s is not < 5)
    ("calls_abandoned", "team", "T1", 1, 1, None, 1),
    ("calls_abandoned", "team", "T2", 1, 1, None, 1),
    ("calls_short_abandoned", "org", "all", 1, 1, None, 1),  # K5 (3 s)
    ("calls_short_abandoned", "team", "T1", 1, 1, None, 1),
    ("calls_timeout", "org", "all", 3, 3, None, 3),  # K6 timeout, K8 key, K13 empty
    ("calls_timeout", "team", "T1", 1, 1, None, 1),
    ("calls_timeout", "team", "T2", 2, 2, None, 2),
    ("abandon_rate", "org", "all", 2 / 11, 2, 11, 11),  # 2 / (12 - 1 short)
    ("abandon_rate", "team", "T1", 1 / 4, 1, 4, 4),
    ("abandon_rate", "team", "T2", 1 / 7, 1, 7, 7),
    # service level: answered with wait <= 20: K1 12, K3 8, K7 18, K9 20 (K2 25 and K10 30 miss).
    ("service_level_rate", "org", "all", 4 / 11, 4, 11, 11),
    ("service_level_rate", "team", "T1", 2 / 4, 2, 4, 4),
    ("service_level_rate", "team", "T2", 2 / 7, 2, 7, 7),
    # asa: waits 12 25 8 18 20 30 = 113 / 6. T1: 12 8; T2: 25 18 20 30.
    ("asa_seconds", "org", "all", 113 / 6, None, None, 6),
    ("asa_seconds", "team", "T1", 10.0, None, None, 2),
    ("asa_seconds", "team", "T2", 23.25, None, None, 4),
    ("asa_seconds", "agent", "A003", 22.5, None, None, 2),  # K2 25, K9 20
    ("asa_seconds", "agent", "A002", 19.0, None, None, 2),  # K3 8, K10 30
    # aht (talk only): 240 300 120 600 180 420 (TRANSFER calltime) = 1860 / 6.
    ("aht_seconds", "org", "all", 310.0, None, None, 6),
    ("aht_seconds", "team", "T1", 180.0, None, None, 2),
    ("aht_seconds", "team", "T2", 375.0, None, None, 4),
    ("aht_seconds", "agent", "A002", 270.0, None, None, 2),
    ("aht_seconds", "agent", "A004", 600.0, None, None, 1),
    # repeat calls: K2 ended Feb 5 10:05:25, K3 entered Feb 6 10:00 -> repeat. K3 ended Feb 6 10:02:08, K4 entered
    # Feb 9 11:00 (> 72 h) -> no. Other answered callers never call again. 1 / 6 answered with a known caller.
    ("repeat_call_72h_rate", "org", "all", 1 / 6, 1, 6, 6),
    ("repeat_call_72h_rate", "team", "T1", 0.0, 0, 2, 2),
    ("repeat_call_72h_rate", "team", "T2", 1 / 4, 1, 4, 4),
    ("repeat_call_72h_rate", "agent", "A003", 1 / 2, 1, 2, 2),
    ("call_fcr_rate", "org", "all", 5 / 6, 5, 6, 6),
    ("call_fcr_rate", "team", "T1", 1.0, 2, 2, 2),
    ("call_fcr_rate", "team", "T2", 3 / 4, 3, 4, 4),
    ("call_fcr_rate", "agent", "A003", 1 / 2, 1, 2, 2),
    # calls per agent: 6 answered / 4 agents (A1 A2 A3 A4); T1 2 / (A1 A2); T2 4 / (A2 A3 A4).
    ("calls_per_agent", "org", "all", 1.5, 6, 4, 4),
    ("calls_per_agent", "team", "T1", 1.0, 2, 2, 2),
    ("calls_per_agent", "team", "T2", 4 / 3, 4, 3, 3),
    # --- surveys counted in Feb: R_001 (10, 5, A1), R_002 (3, 2, A3), R_003 (9, 4, none), R_006 (9, -, A2 in T2,
    # Feb 18 local), R_008 (7, 3, A1). NPS: promoters 3, detractors 1 of 5 -> 100 * 2 / 5.
    ("nps", "org", "all", 40.0, 2, 5, 5),
    ("nps", "team", "T1", 50.0, 1, 2, 2),  # 10 and 7
    ("nps", "team", "T2", 0.0, 0, 2, 2),  # 3 and 9
    ("nps", "agent", "A001", 50.0, 1, 2, 2),
    ("nps", "agent", "A003", -100.0, -1, 1, 1),
    ("csat_rate", "org", "all", 0.5, 2, 4, 4),  # 5 2 4 3
    ("csat_rate", "team", "T1", 0.5, 1, 2, 2),  # 5 3
    ("csat_rate", "team", "T2", 0.0, 0, 1, 1),  # 2 (R_006 has no CSAT)
    ("csat_rate", "agent", "A001", 0.5, 1, 2, 2),
    ("survey_responses", "org", "all", 5, 5, None, 5),
    ("survey_responses", "team", "T1", 2, 2, None, 2),
    ("survey_responses", "team", "T2", 2, 2, None, 2),
    ("survey_responses", "agent", "A002", 1, 1, None, 1),
    # --- QA in Feb: QA1 17/20 = 0.85 (A1, T1), QA2 6/10 = 0.6 (A3, T2), QA3 8/10 = 0.8 (A2, T2 on Feb 18: pass, >=).
    ("qa_score_mean", "org", "all", 0.75, None, None, 3),
    ("qa_score_mean", "team", "T1", 0.85, None, None, 1),  # not the mean of criteria (0.8667)
    ("qa_score_mean", "team", "T2", 0.7, None, None, 2),
    ("qa_score_mean", "agent", "A003", 0.6, None, None, 1),
    ("qa_pass_rate", "org", "all", 2 / 3, 2, 3, 3),
    ("qa_pass_rate", "team", "T1", 1.0, 1, 1, 1),
    ("qa_pass_rate", "team", "T2", 1 / 2, 1, 2, 2),
    ("qa_pass_rate", "agent", "A002", 1.0, 1, 1, 1),
    # coverage: active in Feb A1 A2 A3 A4; reviewed A1 A2 A3. T1 members in Feb: A1, A2 (both reviewed);
    # T2 members: A2 (from Feb 16), A3, A4 (not reviewed).
    ("qa_coverage_rate", "org", "all", 3 / 4, 3, 4, 4),
    ("qa_coverage_rate", "team", "T1", 1.0, 2, 2, 2),
    ("qa_coverage_rate", "team", "T2", 2 / 3, 2, 3, 3),
    # --- contact_repeat_72h_rate. Contacts in Feb: tickets 300 301 302 303 304 305 309 311 315 (at final solve)
    # and calls K1 K2 K3 K7 K9 K10 (at call end) = 15. Repeated: 302 (U5002 solved Feb 3 15:00, calls K2 Feb 5
    # 10:00 as the phone's owner), K1 (U5004 opens 304 25 h later), K2 (K3 next day). K3 -> K4 is 72 h 58 min: no.
    # 304 -> deleted 312 one hour later: no.
    ("contact_repeat_72h_rate", "org", "all", 3 / 15, 3, 15, 15),
    ("contact_repeat_72h_rate", "team", "T1", 1 / 6, 1, 6, 6),  # 300 301 303 304 K1 K3
    ("contact_repeat_72h_rate", "team", "T2", 2 / 9, 2, 9, 9),  # 302 305 309 311 315 K2 K7 K9 K10
    ("contact_repeat_72h_rate", "agent", "A001", 1 / 4, 1, 4, 4),  # 301 303 304 K1
    ("contact_repeat_72h_rate", "agent", "A004", 1 / 3, 1, 3, 3),  # 302 repeated, 315 and K7 not
    ("contact_repeat_72h_rate", "agent", "A002", 0.0, 0, 4, 4),  # 300 K3 311 K10
]


@pytest.mark.parametrize(
    ("metric", "scope_type", "scope_id", "value", "numerator", "denominator", "sample_size"),
    FEBRUARY,
    ids=[f"{row[0]}-{row[2]}" for row in FEBRUARY],
)
def test_february_values(dictionary: Query, metric, scope_type, scope_id, value, numerator, denominator, sample_size):
    rows = metric_rows(dictionary, metric, scope_type, scope_id, "month", FEB)
    assert len(rows) == 1, rows
    got_value, got_numerator, got_denominator, got_sample, complete = rows[0]
    assert (got_value, got_numerator, got_denominator, got_sample) == (
        pytest.approx(value),
        approx_or_none(numerator),
        approx_or_none(denominator),
        sample_size,
    )
    assert complete is False  # February ends after every as-of time


def test_february_table_covers_every_metric_at_every_scope() -> None:
    covered = {(row[0], row[1]) for row in FEBRUARY}
    for metric in SPEC_METRICS:
        scopes = {"org", "team"} if metric in NO_AGENT_SCOPE else {"org", "team", "agent"}
        assert {scope for name, scope in covered if name == metric} == scopes, metric
    assert {row[0] for row in FEBRUARY} == SPEC_METRICS
    assert len(SPEC_METRICS) == 32


# (metric, scope_type, scope_id, grain, period_start, value, numerator, denominator, sample_size, is_complete)
# Completeness: a period is complete when its local end <= the source's as-of time (helpdesk Feb 20 12:00,
# telephony Feb 20 11:00, surveys Feb 17 23:30, quality Feb 18 09:00).
OTHER_PERIODS = [
    # Ticket 300, created Jan 31 23:40 UTC, is on Sunday Feb 1 local: its day, ISO week (Jan 26) and month.
    ("tickets_created", "org", "all", "day", "2026-02-01", 1, 1, None, 1, True),
    ("tickets_created", "team", "T1", "day", "2026-02-01", 1, 1, None, 1, True),  # A2 still in T1
    ("tickets_created", "org", "all", "week", "2026-01-26", 1, 1, None, 1, True),
    ("tickets_created", "org", "all", "month", JAN, 2, 2, None, 2, True),  # 201 202 only
    ("first_reply_within_1h_rate", "org", "all", "week", "2026-01-26", 1.0, 1, 1, 1, True),  # 300: 45 min
    ("tickets_created", "team", "T2", "day", "2026-02-17", 1, 1, None, 1, True),  # 311: A2 now in T2
    ("tickets_created", "org", "all", "day", "2026-02-19", 1, 1, None, 1, True),  # 310, unassigned
    ("tickets_created", "org", "all", "day", "2026-02-20", 2, 2, None, 2, False),  # 313 314; as-of day
    ("tickets_created", "org", "all", "day", "2026-02-13", 1, 1, None, 1, True),  # 315 (312 deleted)
    ("tickets_solved", "team", "T2", "day", "2026-02-13", 1, 1, None, 1, True),  # 315 closed without a solve
    # January tickets: 201 (20 min, 2 h), 202 (30 min, 4 h).
    ("tickets_solved", "org", "all", "month", JAN, 2, 2, None, 2, True),
    ("first_reply_minutes_median", "org", "all", "month", JAN, 25.0, None, None, 2, True),
    ("first_reply_minutes_p90", "org", "all", "month", JAN, 29.0, None, None, 2, True),  # 20 + 0.9 * 10
    ("resolution_hours_median", "org", "all", "month", JAN, 3.0, None, None, 2, True),
    ("reopen_rate", "org", "all", "day", "2026-02-03", 1 / 2, 1, 2, 2, True),  # solved Feb 3: 301 (reopened), 302
    ("handoffs_mean", "org", "all", "day", "2026-02-04", 2.0, None, None, 1, True),  # 303
    ("one_touch_rate", "agent", "A002", "week", "2026-02-02", 1.0, 1, 1, 1, True),  # 300 solved Mon Feb 2
    # Daily snapshots (end of the local day = 23:00 UTC): see fct_backlog_daily below.
    ("backlog_open_tickets", "org", "all", "day", "2026-02-01", 1, 1, None, 1, True),  # 300 (open)
    ("backlog_open_tickets", "agent", "A002", "day", "2026-02-01", 1, 1, None, 1, True),
    ("overdue_open_tickets", "org", "all", "day", "2026-02-01", 0, 0, None, 1, True),
    ("backlog_open_tickets", "org", "all", "day", "2026-02-12", 4, 4, None, 4, True),  # 306 307 308 309
    ("overdue_open_tickets", "org", "all", "day", "2026-02-12", 0, 0, None, 4, True),  # 307 is 63 h old
    ("overdue_open_tickets", "org", "all", "day", "2026-02-13", 1, 1, None, 4, True),  # 307 87 h
    ("overdue_open_tickets", "org", "all", "day", "2026-02-14", 2, 2, None, 4, True),  # + 308 84.5 h
    ("overdue_open_tickets", "org", "all", "day", "2026-02-16", 1, 1, None, 4, True),  # 308 answered at 09:00
    ("overdue_open_tickets", "team", "T1", "day", "2026-02-15", 1, 1, None, 1, True),  # 308
    ("overdue_open_tickets", "team", "T2", "day", "2026-02-15", 1, 1, None, 3, True),  # 307 of 306 307 309
    ("backlog_open_tickets", "org", "all", "week", "2026-02-09", 4, 4, None, 4, True),  # Sunday Feb 15 snapshot
    ("overdue_open_tickets", "org", "all", "week", "2026-02-09", 2, 2, None, 4, True),
    ("backlog_open_tickets", "org", "all", "week", "2026-01-26", 1, 1, None, 1, True),  # Sunday Feb 1 snapshot
    ("backlog_open_tickets", "org", "all", "week", "2026-02-16", 6, 6, None, 6, False),  # as-of day Feb 20
    ("overdue_open_tickets", "org", "all", "week", "2026-02-16", 2, 2, None, 6, False),
    # K9 entered Sunday Feb 15 23:20 UTC = Monday Feb 16 00:20 local.
    ("calls_offered", "org", "all", "day", "2026-02-16", 1, 1, None, 1, True),
    ("calls_answered", "agent", "A003", "day", "2026-02-16", 1, 1, None, 1, True),
    ("service_level_rate", "org", "all", "day", "2026-02-16", 1.0, 1, 1, 1, True),  # wait 20 <= 20
    ("contact_repeat_72h_rate", "org", "all", "day", "2026-02-16", 0.0, 0, 1, 1, True),  # K9 ended 23:23 UTC
    # Week Feb 16 (K9 K10 K12 K13; K11 in progress): 1 abandoned (K12), no short, SL K9 only.
    ("calls_offered", "org", "all", "week", "2026-02-16", 4, 4, None, 4, False),
    ("abandon_rate", "org", "all", "week", "2026-02-16", 1 / 4, 1, 4, 4, False),
    ("service_level_rate", "org", "all", "week", "2026-02-16", 1 / 4, 1, 4, 4, False),
    ("calls_timeout", "team", "T2", "week", "2026-02-16", 1, 1, None, 1, False),  # K13
    # Week Feb 9 (K4 K5 K6 K7 K8): 1 abandoned of 5 - 1 short; SL K7 (18 s).
    ("calls_offered", "org", "all", "week", "2026-02-09", 5, 5, None, 5, True),
    ("calls_short_abandoned", "org", "all", "week", "2026-02-09", 1, 1, None, 1, True),
    ("abandon_rate", "org", "all", "week", "2026-02-09", 1 / 4, 1, 4, 4, True),
    ("calls_per_agent", "org", "all", "week", "2026-02-02", 1.0, 3, 3, 3, True),  # K1 A1, K2 A3, K3 A2
    ("calls_answered", "org", "all", "month", JAN, 1, 1, None, 1, False),  # K0
    ("asa_seconds", "org", "all", "month", JAN, 10.0, None, None, 1, False),
    ("aht_seconds", "org", "all", "month", JAN, 200.0, None, None, 1, False),
    ("repeat_call_72h_rate", "org", "all", "week", "2026-02-02", 1 / 3, 1, 3, 3, True),  # K2 of K1 K2 K3
    # R_006 recorded Feb 17 23:30 UTC = Feb 18 00:30 local; it is the surveys as-of time, so Feb 18 is incomplete.
    ("survey_responses", "org", "all", "day", "2026-02-18", 1, 1, None, 1, False),
    ("nps", "agent", "A002", "day", "2026-02-18", 100.0, 1, 1, 1, False),
    ("nps", "org", "all", "month", JAN, 100.0, 1, 1, 1, False),
    ("csat_rate", "org", "all", "month", JAN, 1.0, 1, 1, 1, False),
    # QA and coverage. January: active A1 (201, K0) and A3 (202); reviewed A1 (QA0 9/10).
    ("qa_score_mean", "org", "all", "month", JAN, 0.9, None, None, 1, False),
    ("qa_pass_rate", "org", "all", "month", JAN, 1.0, 1, 1, 1, False),
    ("qa_coverage_rate", "org", "all", "month", JAN, 1 / 2, 1, 2, 2, True),
    ("qa_coverage_rate", "team", "T1", "month", JAN, 1.0, 1, 1, 1, True),
    ("qa_coverage_rate", "team", "T2", "month", JAN, 0.0, 0, 1, 1, True),
    # Week Feb 2: active A1 (301 303 304 K1), A2 (300 K3), A3 (K2), A4 (302); reviewed A1 (QA1), A3 (QA2).
    ("qa_coverage_rate", "org", "all", "week", "2026-02-02", 1 / 2, 2, 4, 4, True),
    ("qa_coverage_rate", "team", "T1", "week", "2026-02-02", 1 / 2, 1, 2, 2, True),  # A1 yes, A2 no
    ("qa_coverage_rate", "team", "T2", "week", "2026-02-02", 1 / 2, 1, 2, 2, True),  # A3 yes, A4 no
    # Week Feb 16: active A2 (311, K10) and A3 (K9, 309); reviewed A2 (QA3). A2 is no longer in T1.
    ("qa_coverage_rate", "org", "all", "week", "2026-02-16", 1 / 2, 1, 2, 2, False),
    ("qa_coverage_rate", "team", "T2", "week", "2026-02-16", 1 / 2, 1, 2, 2, False),
    ("contact_repeat_72h_rate", "org", "all", "month", JAN, 0.0, 0, 3, 3, True),  # 201 202 K0
    # January continuity: 201 (U5001's 199 solved Dec 20 by A3, A1 now) -> different; 202 has no earlier ticket.
    ("agent_continuity_rate", "org", "all", "month", JAN, 0.0, 0, 1, 1, True),
    ("agent_continuity_rate", "agent", "A001", "month", JAN, 0.0, 0, 1, 1, True),
    # 202's agent is A3 (assignee at its solve), not A4 (assigned afterwards)
    ("tickets_solved", "agent", "A003", "month", JAN, 1, 1, None, 1, True),
]



@pytest.mark.parametrize(
    ("metric", "grain", "period", "reason"),
    [
        ("tickets_created", "month", JAN, None),  # the helpdesk data starts in November 2025
        ("calls_answered", "month", JAN, "leading"),  # the phone log starts on Jan 20 (local Jan 20)
        ("nps", "month", JAN, "leading"),  # the first response is on Jan 15
        ("qa_score_mean", "month", JAN, "leading"),  # the first review is on Jan 20
        ("abandon_rate", "week", "2026-01-19", "leading"),  # the phone log starts on Tuesday Jan 20, 09:00 local
        ("qa_coverage_rate", "month", JAN, None),  # cross-channel: from the first data of any source
        ("calls_answered", "month", FEB, "trailing"),
    ],
)
def test_partial_reason_of_january_and_february(dictionary: Query, metric, grain, period, reason) -> None:
    rows = dictionary(
        f"""
        select distinct partial_reason, is_complete_period from marts.kpi_metrics
        where metric = '{metric}' and scope_type = 'org' and period_grain = '{grain}' and period_start = '{period}'
        """
    )
    assert rows == [(reason, reason is None)]


@pytest.mark.parametrize(
    ("metric", "scope_type", "scope_id", "grain", "period", "value", "numerator", "denominator", "sample_size",
     "complete"),
    OTHER_PERIODS,
    ids=[f"{row[0]}-{row[2]}-{row[3]}-{row[4]}" for row in OTHER_PERIODS],
)  # fmt: skip
def test_day_week_and_january_values(
    dictionary: Query, metric, scope_type, scope_id, grain, period, value, numerator, denominator, sample_size,
    complete,
) -> None:  # fmt: skip
    rows = metric_rows(dictionary, metric, scope_type, scope_id, grain, period)
    assert len(rows) == 1, rows
    assert rows[0] == (
        pytest.approx(value),
        approx_or_none(numerator),
        approx_or_none(denominator),
        sample_size,
        complete,
    )


@pytest.mark.parametrize(
    ("metric", "scope_type", "scope_id", "grain", "period"),
    [
        ("tickets_created", "org", "all", "day", "2026-01-31"),  # 300 is on Feb 1 local
        ("backlog_open_tickets", "org", "all", "day", "2026-02-05"),  # nothing open at the end of Feb 2..9
        ("backlog_open_tickets", "org", "all", "month", JAN),  # nothing open at the end of Jan 31 local
        ("calls_offered", "org", "all", "day", "2026-02-15"),  # K9 is on Feb 16 local
        ("survey_responses", "org", "all", "day", "2026-02-17"),  # R_006 is on Feb 18 local
        ("calls_short_abandoned", "team", "T2", "month", FEB),  # no short abandon on tech
        ("tickets_solved", "agent", "A004", "month", JAN),  # 202 was reassigned to A4 after its solve
        ("csat_good_rate_helpdesk", "org", "all", "month", JAN),  # 201 unoffered, 202 unrated
        ("qa_coverage_rate", "team", "T1", "week", "2026-02-16"),  # no T1 member active that week
        ("asa_seconds", "org", "all", "week", "2026-01-26"),  # no call that week
    ],
)
def test_period_without_qualifying_record_has_no_row(dictionary: Query, metric, scope_type, scope_id, grain, period):
    assert metric_rows(dictionary, metric, scope_type, scope_id, grain, period) == []


def test_no_agent_scope_for_call_outcomes_and_coverage(dictionary: Query) -> None:
    metrics = ", ".join(f"'{metric}'" for metric in sorted(NO_AGENT_SCOPE))
    assert (
        dictionary(
            f"select distinct metric from marts.kpi_metrics where scope_type = 'agent' and metric in ({metrics})"
        )
        == []
    )


def test_unassigned_ticket_counts_at_org_scope_only(dictionary: Query) -> None:
    # Feb 19 local: only ticket 310 (no assignee) was created; Feb 19 and 20 backlogs hold it without a team.
    assert dictionary(
        """
        select scope_type, scope_id from marts.kpi_metrics
        where metric = 'tickets_created' and period_grain = 'day' and period_start = '2026-02-19'
        """
    ) == [("org", "all")]


def test_daily_backlog_and_overdue_series(dictionary: Query) -> None:
    rows = dictionary(
        """
        select period_start::varchar, metric, value from marts.kpi_metrics
        where scope_type = 'org' and period_grain = 'day'
            and metric in ('backlog_open_tickets', 'overdue_open_tickets')
        order by period_start, metric
        """
    )
    series = {}
    for day, metric, value in rows:
        series.setdefault(day, {})[metric] = value
    # (backlog, overdue) at the end of each local day (Feb 20: at the as-of time 12:00 UTC).
    expected = {
        "2026-02-01": (1, 0),  # 300
        "2026-02-10": (2, 0),  # 306 pending, 307 new (15 h)
        "2026-02-11": (3, 0),  # + 308 pending
        "2026-02-12": (4, 0),  # 308 open again, + 309 hold
        "2026-02-13": (4, 1),  # 307 older than 72 h
        "2026-02-14": (4, 2),  # 308: last agent reply Feb 11 10:30, 84.5 h
        "2026-02-15": (4, 2),
        "2026-02-16": (4, 1),  # 308 answered Feb 16 09:00
        "2026-02-17": (4, 1),
        "2026-02-18": (3, 1),  # 309 solved
        "2026-02-19": (4, 2),  # + 310; 308 86 h
        "2026-02-20": (6, 2),  # + 313 314
    }
    assert {
        day: (values["backlog_open_tickets"], values["overdue_open_tickets"]) for day, values in series.items()
    } == {day: (float(backlog), float(overdue)) for day, (backlog, overdue) in expected.items()}


def test_fct_backlog_daily_by_team_and_status(dictionary: Query) -> None:
    rows = dictionary(
        """
        select snapshot_date::varchar, strftime(timezone('UTC', snapshot_at), '%Y-%m-%d %H:%M'), team_id,
               open_tickets, new_tickets, open_status_tickets, pending_tickets, hold_tickets, overdue_tickets
        from marts.fct_backlog_daily
        where snapshot_date in ('2026-02-01', '2026-02-15', '2026-02-20')
        order by snapshot_date, team_id nulls last
        """
    )
    assert rows == [
        # end of Feb 1 local = 23:00 UTC: 300 open (A2, T1)
        ("2026-02-01", "2026-02-01 23:00", "T1", 1, 0, 1, 0, 0, 0),
        # end of Feb 15: T1 308 open, overdue; T2 306 pending, 307 new (overdue), 309 hold
        ("2026-02-15", "2026-02-15 23:00", "T1", 1, 0, 1, 0, 0, 1),
        ("2026-02-15", "2026-02-15 23:00", "T2", 3, 1, 0, 1, 1, 1),
        # as-of time Feb 20 12:00: T1 308 open (overdue) + 314 new; T2 306 pending, 307 new (overdue), 313 open;
        # 310 new without an assignee
        ("2026-02-20", "2026-02-20 12:00", "T1", 2, 1, 1, 0, 0, 1),
        ("2026-02-20", "2026-02-20 12:00", "T2", 3, 1, 1, 1, 0, 1),
        ("2026-02-20", "2026-02-20 12:00", None, 1, 1, 0, 0, 0, 0),
    ]
    days = [
        row[0] for row in dictionary("select distinct snapshot_date::varchar from marts.fct_backlog_daily order by 1")
    ]
    assert days == ["2026-02-01"] + [f"2026-02-{day}" for day in range(10, 21)]


def agent_vs_team(query: Query, metric: str, agent: str, team: str) -> tuple:
    rows = query(
        f"""
        select agent_value, agent_n, team_value, team_value_without_agent, difference, interval_low,
               interval_high, low_sample, signal
        from marts.kpi_agent_vs_team
        where period_grain = 'month' and period_start = '{FEB}' and metric = '{metric}'
            and agent_id = '{agent}' and team_id = '{team}'
        """
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("metric", "agent", "team", "successes", "n", "team_value", "without_agent"),
    [
        # A1 3 of 4 within 1 h; T1 4 of 5; T1 without A1: ticket 300 (A2, 45 min) -> 1 of 1.
        ("first_reply_within_1h_rate", "A001", "T1", 3, 4, 4 / 5, 1.0),
        # A2 changed team in February: one row per team. T1: A2's 300 and K3 not repeated; T1 1 of 6
        # (K1); without A2 1 of 4. T2: A2's 311 and K10 not repeated; T2 2 of 9; without A2 2 of 7.
        ("contact_repeat_72h_rate", "A002", "T1", 0, 2, 1 / 6, 1 / 4),
        ("contact_repeat_72h_rate", "A002", "T2", 0, 2, 2 / 9, 2 / 7),
        # A4: 302 rated bad; T2 1 good of 3 (302 305 311); without A4: 305 bad, 311 good -> 1 of 2.
        ("csat_good_rate_helpdesk", "A004", "T2", 0, 1, 1 / 3, 1 / 2),
    ],
)
def test_agent_vs_team_rates_with_wilson_interval(
    dictionary: Query, metric, agent, team, successes, n, team_value, without_agent
) -> None:
    low, high = wilson(successes, n)
    assert agent_vs_team(dictionary, metric, agent, team) == (
        pytest.approx(successes / n),
        n,
        pytest.approx(team_value),
        pytest.approx(without_agent),
        pytest.approx(successes / n - without_agent),
        pytest.approx(low, abs=1e-9),
        pytest.approx(high),
        True,  # n < min_sample (20)
        None,  # no signal for a low sample
    )


def test_agent_vs_team_median_and_mean(dictionary: Query) -> None:
    # First reply median: A1 30 (10 30 30 90); T1 30 (10 30 30 45 90); T1 without A1: 45 (ticket 300).
    row = agent_vs_team(dictionary, "first_reply_minutes_median", "A001", "T1")
    assert row[:5] == (30.0, 4, 30.0, 45.0, -15.0)
    assert row[7:] == (True, None)
    # ASA: A3 22.5 (K2 25, K9 20); T2 23.25; T2 without A3: K7 18, K10 30 -> 24.
    row = agent_vs_team(dictionary, "asa_seconds", "A003", "T2")
    assert row[:5] == (22.5, 2, 23.25, 24.0, -1.5)
    assert row[7:] == (True, None)


@pytest.mark.parametrize(
    ("metric", "scope_type", "scope_id", "grain", "period", "value", "previous", "change", "change_pct"),
    [
        ("tickets_created", "org", "all", "month", FEB, 15, 2, 13, 6.5),
        ("tickets_created", "team", "T1", "month", FEB, 6, 1, 5, 5.0),  # January T1: 201
        ("tickets_created", "org", "all", "month", JAN, 2, 1, 1, 1.0),  # December: 199
        ("tickets_created", "org", "all", "month", "2025-12-01", 1, 1, 0, 0.0),  # 199 vs November's 200
        ("tickets_created", "org", "all", "month", "2025-11-01", 1, None, None, None),  # nothing in October
        ("nps", "org", "all", "month", FEB, 40.0, 100.0, -60.0, -0.6),
        ("qa_score_mean", "org", "all", "month", FEB, 0.75, 0.9, -0.15, -0.15 / 0.9),
        ("tickets_created", "org", "all", "day", "2026-02-10", 2, 1, 1, 1.0),  # 306 307 vs 305
        ("tickets_created", "org", "all", "day", "2026-02-09", 1, None, None, None),  # nothing on Feb 8
        ("calls_answered", "org", "all", "week", "2026-02-09", 1, 3, -2, -2 / 3),  # K7 vs K1 K2 K3
    ],
)
def test_trends_previous_period_and_change(
    dictionary: Query, metric, scope_type, scope_id, grain, period, value, previous, change, change_pct
) -> None:
    rows = dictionary(
        f"""
        select value, previous_value, change, change_pct from marts.kpi_trends
        where metric = '{metric}' and scope_type = '{scope_type}' and scope_id = '{scope_id}'
            and period_grain = '{grain}' and period_start = '{period}'
        """
    )
    assert rows == [
        (pytest.approx(value), approx_or_none(previous), approx_or_none(change), approx_or_none(change_pct))
    ]


def test_top_contact_reasons(dictionary: Query) -> None:
    rows = dictionary(
        f"""
        select channel, contact_reason, contacts, share, rank, previous_month_contacts, change_vs_previous_month
        from marts.top_contact_reasons where month_start = '{FEB}' order by rank, channel, contact_reason
        """
    )
    # February (local): 15 tickets (billing 300 301 304 311, login 302 306 313, refund 303 309, bug 307 308, outage
    # 305 315, unspecified 310, shipping 314; deleted 312 not counted) and 12 calls (billing K1 K3 K5 K8 K12, tech
    # K2 K4 K6 K7 K9 K10 K13; K11 in progress not counted) = 27. January: billing 201, login 202, billing queue K0.
    assert rows[:4] == [
        ("call", "queue:support-tech", 7, pytest.approx(7 / 27), 1, None, None),
        ("call", "queue:support-billing", 5, pytest.approx(5 / 27), 2, 1, 4),
        ("ticket", "billing", 4, pytest.approx(4 / 27), 3, 1, 3),
        ("ticket", "login", 3, pytest.approx(3 / 27), 4, 1, 2),
    ]
    assert sorted((row[1], row[2]) for row in rows[4:]) == [
        ("bug", 2), ("outage", 2), ("refund", 2), ("shipping", 1), ("unspecified", 1),
    ]  # fmt: skip
    assert sum(row[3] for row in rows) == pytest.approx(1.0)
    january = dictionary(
        f"""
        select channel, contact_reason, contacts, share from marts.top_contact_reasons
        where month_start = '{JAN}' order by channel, contact_reason
        """
    )
    assert january == [
        ("call", "queue:support-billing", 1, pytest.approx(1 / 3)),
        ("ticket", "billing", 1, pytest.approx(1 / 3)),  # 300 is February's in Paris
        ("ticket", "login", 1, pytest.approx(1 / 3)),
    ]


def test_target_attainment(dictionary: Query) -> None:
    rows = dictionary(
        """
        select metric, period_grain, period_start::varchar, scope_type, scope_id, value, target, met, gap
        from marts.kpi_target_attainment
        where period_start >= '2026-01-01' and (
            (metric, period_grain, scope_type) in (
                ('first_reply_within_1h_rate', 'month', 'org'), ('nps', 'month', 'org'),
                ('qa_score_mean', 'month', 'org'), ('abandon_rate', 'week', 'org'),
                ('service_level_rate', 'month', 'team'))
            or (metric = 'overdue_open_tickets' and period_grain = 'day' and scope_type = 'org'
                and period_start in ('2026-02-12', '2026-02-13', '2026-02-20')))
        order by metric, period_grain, period_start, scope_type, scope_id
        """
    )

    def row(metric, grain, period, scope_type, scope_id, value, target, met):
        return (metric, grain, period, scope_type, scope_id, pytest.approx(value), pytest.approx(target), met,
                pytest.approx(value - target, abs=1e-12))  # fmt: skip

    assert rows == [
        # week abandon rates: Jan 19 K0 0/1; Feb 2 0/3; Feb 9 1/4; Feb 16 1/4 (target <= 3%)
        row("abandon_rate", "week", "2026-01-19", "org", "all", 0.0, 0.03, True),
        row("abandon_rate", "week", "2026-02-02", "org", "all", 0.0, 0.03, True),
        row("abandon_rate", "week", "2026-02-09", "org", "all", 0.25, 0.03, False),
        row("abandon_rate", "week", "2026-02-16", "org", "all", 0.25, 0.03, False),
        row("first_reply_within_1h_rate", "month", JAN, "org", "all", 1.0, 0.9, True),
        row("first_reply_within_1h_rate", "month", FEB, "org", "all", 10 / 14, 0.9, False),
        # NPS target 70 valid until 2026-02-01, then 50
        row("nps", "month", JAN, "org", "all", 100.0, 70.0, True),
        row("nps", "month", FEB, "org", "all", 40.0, 50.0, False),
        row("overdue_open_tickets", "day", "2026-02-12", "org", "all", 0, 0, True),
        row("overdue_open_tickets", "day", "2026-02-13", "org", "all", 1, 0, False),
        row("overdue_open_tickets", "day", "2026-02-20", "org", "all", 2, 0, False),
        row("qa_score_mean", "month", JAN, "org", "all", 0.9, 0.8, True),
        row("qa_score_mean", "month", FEB, "org", "all", 0.75, 0.8, False),
        # team service level: every team 0.50, T2's own target 0.25 wins. Jan T1: K0 1/1.
        row("service_level_rate", "month", JAN, "team", "T1", 1.0, 0.5, True),
        row("service_level_rate", "month", FEB, "team", "T1", 0.5, 0.5, True),  # 2 / 4, met at equality
        row("service_level_rate", "month", FEB, "team", "T2", 2 / 7, 0.25, True),
    ]
