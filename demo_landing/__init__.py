"""Deterministic demo landing folder for the Support KPI warehouse (`supportkpi generate`).

Writes realistic helpdesk (Zendesk), telephony (Asterisk queue_log), survey (Qualtrics), QA and reference exports
in the primary formats of SPEC section 4, with the quirks real exports have: overlapping pages, records repeated
across pages, an older log layout, a few malformed records.

Not needed at run time: the pipeline (`orchestration`) only reads what this package wrote. Layout: `simulation`
(the clock and event loop) composes the `flows` (tickets, calls, surveys, reviews), which draw from `profiles`,
`texts` and `people` and push records into sinks drained by one writer per landing format (`writers`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from orchestration.settings import DEMO_MARKER

from .outputs import HELPDESK_FORMATS, SURVEY_FORMATS
from .simulation import Simulation

__all__ = ["DEFAULT_END_DATE", "HELPDESK_FORMATS", "SURVEY_FORMATS", "generate"]

DEFAULT_END_DATE = date(2026, 11, 20)


def generate(
    out_dir: Path,
    days: int = 90,
    agents: int = 12,
    seed: int = 7,
    end_date: date = DEFAULT_END_DATE,
    helpdesk: str = "zendesk",
    surveys: str = "qualtrics",
) -> dict[str, int]:
    """Write a realistic landing folder under out_dir; return counts of what was written.

    Data covers the `days` days before `end_date`, i.e. [end_date - days, end_date) in UTC. The same
    arguments always give byte-identical files. Counts: tickets, ticket_versions (ticket objects,
    one per day with updates), ticket_records (objects written, page overlaps included), ticket_events,
    ticket_event_records, calls (queue calls entered), queue_log_lines, survey_responses (CSV rows),
    qa_reviews, qa_review_rows, users, agents, customers, roster_rows, malformed_records (unparseable
    lines and records injected on purpose), out_of_range_records and duplicated_records_in_file (the same id
    twice in one file).

    `helpdesk` (zendesk; freshdesk = API v2 pages; freshdesk-csv = the UI ticket export; intercom) and `surveys`
    (qualtrics; surveymonkey = the CSV export; surveymonkey-api = API v3 bulk responses and survey details) choose
    the formats the same simulated tickets and survey responses are written in; they change no random draw. The
    defaults write today's Zendesk and Qualtrics files.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if agents < 4:
        raise ValueError("agents must be at least 4 (three teams and one team move)")
    if helpdesk not in HELPDESK_FORMATS:
        raise ValueError(f"helpdesk must be one of {', '.join(HELPDESK_FORMATS)}")
    if surveys not in SURVEY_FORMATS:
        raise ValueError(f"surveys must be one of {', '.join(SURVEY_FORMATS)}")
    counts = Simulation(Path(out_dir), days, agents, seed, end_date, helpdesk, surveys).run()
    # Marks the folder as demo data: the only landing allowed to run without a secret PII salt.
    (Path(out_dir) / DEMO_MARKER).write_text("written by supportkpi generate; demo data, not real customers\n")
    return counts
