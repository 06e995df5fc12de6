"""`supportkpi report`: a static HTML report read from the published warehouse (never the build database).

Every label, unit and direction comes from marts.metric_definitions (the registry), so the report cannot drift
from the dictionary. Speed is shown next to quality, agents next to their team, small samples flagged.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

SPEED_WITH_QUALITY = ("first_reply_minutes_median", "first_reply_within_1h_rate", "csat_rate", "reopen_rate",
                      "qa_score_mean", "abandon_rate", "service_level_rate", "nps")  # fmt: skip


def _frame(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> pd.DataFrame:
    return connection.execute(sql, parameters or []).df()


def _format(value: object, unit: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    number = float(value)  # type: ignore[arg-type]
    if unit == "ratio":
        return f"{number:.1%}"
    if unit in ("minutes", "seconds", "hours", "score", "handoffs"):
        return f"{number:,.1f}"
    return f"{number:,.0f}"


def _table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p><em>No data.</em></p>"
    return frame.to_html(index=False, escape=True, border=0, classes="kpi", na_rep="")


def _latest_complete_month(connection: duckdb.DuckDBPyConnection) -> object:
    row = connection.execute(
        """
        select max(period_start) from marts.kpi_metrics
        where period_grain = 'month' and scope_type = 'org' and is_complete_period
        """
    ).fetchone()
    return row[0] if row else None


def _org_section(connection: duckdb.DuckDBPyConnection, month: object) -> str:
    frame = _frame(
        connection,
        """
        select d.metric, d.unit, d.direction, m.value, m.sample_size, t.target, t.met
        from marts.metric_definitions d
        left join marts.kpi_metrics m
            on m.metric = d.metric and m.period_grain = 'month' and m.scope_type = 'org' and m.period_start = ?
        left join marts.kpi_target_attainment t
            on t.metric = d.metric and t.period_grain = 'month' and t.scope_type = 'org' and t.period_start = ?
        order by d.source_system, d.metric
        """,
        [month, month],
    )
    frame["value"] = [_format(value, unit) for value, unit in zip(frame["value"], frame["unit"], strict=True)]
    frame["target"] = [_format(value, unit) for value, unit in zip(frame["target"], frame["unit"], strict=True)]
    frame["met"] = frame["met"].map({True: "met", False: "missed"}).fillna("")
    return _table(frame.drop(columns=["unit"]))


def _team_section(connection: duckdb.DuckDBPyConnection, month: object) -> str:
    listed = ", ".join(f"'{metric}'" for metric in SPEED_WITH_QUALITY)
    frame = _frame(
        connection,
        f"""
        select scope_name as team, metric, value
        from marts.kpi_metrics
        where period_grain = 'month' and scope_type = 'team' and period_start = ? and metric in ({listed})
        """,
        [month],
    )
    if frame.empty:
        return _table(frame)
    pivot = frame.pivot_table(index="team", columns="metric", values="value", aggfunc="first").reset_index()
    ordered = ["team", *[metric for metric in SPEED_WITH_QUALITY if metric in pivot.columns]]
    return _table(pivot[ordered].round(3))


def _agent_section(connection: duckdb.DuckDBPyConnection, month: object) -> str:
    frame = _frame(
        connection,
        """
        select agent_id, team_id, metric, round(agent_value, 3) as agent_value, agent_n,
               round(team_value_without_agent, 3) as team_without_agent, low_sample, signal,
               round(agent_csat_rate, 3) as csat_rate, round(agent_reopen_rate, 3) as reopen_rate,
               round(agent_qa_score_mean, 3) as qa_score_mean
        from marts.kpi_agent_vs_team
        where period_grain = 'month' and period_start = ?
            and metric in ('first_reply_minutes_median', 'first_reply_within_1h_rate', 'asa_seconds')
        order by team_id, agent_id, metric
        """,
        [month],
    )
    return _table(frame)


def _reasons_section(connection: duckdb.DuckDBPyConnection, month: object) -> str:
    frame = _frame(
        connection,
        """
        select rank, channel, contact_reason, contacts, round(share, 3) as share, change_vs_previous_month
        from marts.top_contact_reasons where month_start = ? and rank <= 10 order by rank, contact_reason
        """,
        [month],
    )
    return _table(frame)


def _dictionary_section(connection: duckdb.DuckDBPyConnection) -> str:
    frame = _frame(
        connection,
        "select metric, unit, direction, kind, array_to_string(scopes, ', ') as scopes, description "
        "from marts.metric_definitions order by metric",
    )
    return _table(frame)


STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table.kpi { border-collapse: collapse; margin-bottom: 2rem; font-size: 0.9rem; }
table.kpi th, table.kpi td { padding: 0.25rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left; }
table.kpi th { background: #f4f4f4; }
"""


def build_report(published: Path, output: Path) -> Path:
    with duckdb.connect(str(published), read_only=True) as connection:
        month = _latest_complete_month(connection)
        title = f"Support KPIs — {month:%B %Y}" if month else "Support KPIs"
        sections = [("Metric dictionary", _dictionary_section(connection))]
        if month:
            sections = [
                ("Organisation, last complete month, against targets", _org_section(connection, month)),
                ("Teams: speed next to quality", _team_section(connection, month)),
                ("Agents next to their team (leave-one-out; small samples flagged)", _agent_section(connection, month)),
                ("Top contact reasons (FAQ / knowledge-base candidates)", _reasons_section(connection, month)),
                *sections,
            ]
    body = "\n".join(f"<h2>{html.escape(heading)}</h2>\n{content}" for heading, content in sections)
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        f"<!doctype html>\n<html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head>\n<body><h1>{html.escape(title)}</h1>\n"
        f"<p>From {html.escape(str(published))}, generated {generated}.</p>\n{body}\n</body></html>\n"
    )
    return output
