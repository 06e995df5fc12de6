"""The pandas-notebook peer: the headline KPIs per month, computed from the raw files the way an analyst would.

`python -m benchmarks.pandas_peer LANDING` reads every Zendesk page (json_normalize of tickets and of audit
events), the queue_log files (split on '|') and the Qualtrics export, rebuilds everything from scratch, and prints
{"rows": ticket and event records parsed, "kpis": [{month, tickets_created, median_first_reply_minutes,
abandon_rate, nps}]}.
Simple but honest: duplicates across pages are dropped, a ticket keeps its latest version, the truncated JSON Lines
record is skipped; no business hours, no survey-question mapping, no quarantine.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

from .landings import page_records


def tickets_frame(records: list[dict]) -> pd.DataFrame:
    tickets = pd.json_normalize(records)
    tickets["updated_at"] = pd.to_datetime(tickets["updated_at"], utc=True)
    tickets["created_at"] = pd.to_datetime(tickets["created_at"], utc=True)
    return tickets.sort_values("updated_at").drop_duplicates("id", keep="last")


def first_reply_minutes(helpdesk: Path, records: list[dict], tickets: pd.DataFrame) -> pd.Series:
    """Minutes from a ticket's creation to the first public comment by an agent (a user with an agent role)."""
    events = pd.json_normalize(
        records,
        record_path="child_events",
        meta=["ticket_id", "created_at"],
        record_prefix="child.",
    )
    events = events.drop_duplicates("child.id")
    users = pd.json_normalize(json.loads((helpdesk / "users.json").read_text(encoding="utf-8"))["users"])
    agents = set(users.loc[users["role"].isin(["agent", "admin"]), "id"])
    replies = events[
        (events["child.event_type"] == "Comment")
        & events["child.public"].eq(True)
        & events["child.author_id"].isin(agents)  # noqa: E712
    ]
    first = pd.to_datetime(replies.groupby("ticket_id")["created_at"].min(), utc=True)
    created = tickets.set_index("id")["created_at"]
    return ((first - created.reindex(first.index)).dt.total_seconds() / 60).rename("first_reply_minutes")


def queue_log_frame(telephony: Path) -> pd.DataFrame:
    lines = pd.concat(
        [pd.Series(path.read_text(encoding="utf-8").splitlines()) for path in sorted(telephony.glob("queue_log*"))]
    ).drop_duplicates()
    fields = lines.str.split("|", expand=True)
    frame = pd.DataFrame({"epoch": pd.to_numeric(fields[0], errors="coerce"), "callid": fields[1], "event": fields[4]})
    return frame.dropna(subset=["epoch"])


def abandon_rate(telephony: Path) -> pd.Series:
    """Abandoned / offered calls per month of entering the queue (offered: a call id with ENTERQUEUE)."""
    log = queue_log_frame(telephony)
    entered = log[log["event"] == "ENTERQUEUE"].drop_duplicates("callid").set_index("callid")["epoch"]
    abandoned = set(log.loc[log["event"] == "ABANDON", "callid"])
    calls = pd.DataFrame({"month": pd.to_datetime(entered, unit="s", utc=True).dt.strftime("%Y-%m")})
    calls["abandoned"] = calls.index.isin(abandoned)
    return calls.groupby("month")["abandoned"].mean().rename("abandon_rate")


def nps(surveys: Path) -> pd.Series:
    """NPS per month of Qualtrics responses: % promoters (9-10) minus % detractors (0-6)."""
    frames = [pd.read_csv(path, skiprows=[1, 2]) for path in sorted(surveys.glob("qualtrics*.csv"))]
    responses = pd.concat(frames).drop_duplicates("ResponseId")
    score = pd.to_numeric(responses["Q_NPS"], errors="coerce")
    responses = responses[score.between(0, 10)].assign(score=score)
    responses["month"] = pd.to_datetime(responses["RecordedDate"]).dt.strftime("%Y-%m")
    by_month = responses.groupby("month")["score"]
    return (100 * (by_month.apply(lambda s: (s >= 9).mean() - (s <= 6).mean()))).rename("nps")


def headline_kpis(landing: Path) -> tuple[pd.DataFrame, int]:
    """The monthly KPI table and the number of raw records parsed for it."""
    helpdesk = landing / "helpdesk"
    ticket_records, event_records = page_records(helpdesk, "tickets"), page_records(helpdesk, "ticket_events")
    tickets = tickets_frame(ticket_records)
    month = tickets.set_index("id")["created_at"].dt.strftime("%Y-%m")
    created = month.value_counts().sort_index().rename("tickets_created")
    replies = first_reply_minutes(helpdesk, event_records, tickets)
    median_reply = replies.groupby(month.reindex(replies.index)).median().rename("median_first_reply_minutes")
    kpis = pd.concat(
        [created, median_reply, abandon_rate(landing / "telephony"), nps(landing / "surveys")], axis=1
    ).sort_index()
    rows = len(ticket_records) + len(event_records)
    return kpis.rename_axis("month").reset_index(), rows


def main(argv: list[str]) -> int:
    kpis, rows = headline_kpis(Path(argv[0]))
    print(json.dumps({"rows": rows, "kpis": json.loads(kpis.round(2).to_json(orient="records"))}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
