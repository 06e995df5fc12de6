"""`supportkpi report`: a self-contained HTML dashboard for support leads, read from the published warehouse.

It reads the published file (never the build database) and the manifest beside it. Every label and display
format comes from marts.metric_definitions (the registry), so the dashboard cannot drift from the dictionary.
Speed is always shown beside quality, agents beside their team with the 95 % interval and the low-sample flag,
listed by team and name, never ranked. The charts are Plotly figures; plotly.js is embedded once, so the file
works offline (no CDN, no network request).
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from plotly.subplots import make_subplots

from .duckdb_connection import connect
from .settings import Settings, load_settings

SCHEMA = "marts"
TREND_MONTHS = 13
TOP_REASONS = 10
# The org scorecard, speed next to quality; metrics with an org target are added after these.
SCORECARD = (
    "first_reply_within_1h_rate", "first_reply_minutes_median", "csat_rate", "reopen_rate", "qa_score_mean",
    "nps", "resolution_hours_median", "contact_repeat_72h_rate", "service_level_rate", "asa_seconds",
    "abandon_rate", "tickets_created",
)  # fmt: skip
TEAM_SPEED = ("first_reply_within_1h_rate", "first_reply_minutes_median")
TEAM_QUALITY = ("csat_rate", "reopen_rate", "qa_score_mean")
AGENT_METRICS = ("first_reply_within_1h_rate", "csat_rate", "reopen_rate", "qa_score_mean")
BACKLOG_METRICS = ("backlog_open_tickets", "overdue_open_tickets")
PLOT_CONFIG = {"displaylogo": False, "responsive": True}
FORMAT_NAMES = {"percent": "Percentage", "count": "Count", "minutes": "Minutes", "hours": "Hours",
                "seconds": "Seconds", "score": "Score", "nps": "NPS (-100 to +100)"}  # fmt: skip
SPEED_COLOUR, QUALITY_COLOUR, TEAM_COLOUR, LOW_SAMPLE_COLOUR = "#1f77b4", "#2ca02c", "#ff7f0e", "#9e9e9e"


@dataclass(frozen=True)
class Metric:
    """One row of marts.metric_definitions: what the dashboard shows of a metric."""

    metric: str
    label: str
    format: str
    direction: str
    description: str
    source_system: str
    scopes: tuple[str, ...]

    @property
    def better(self) -> str:
        return "Lower is better" if self.direction == "lower_is_better" else "Higher is better"


@dataclass
class Charts:
    """Renders Plotly figures into the page (without plotly.js, embedded once) and counts them."""

    count: int = 0
    ids: list[str] = field(default_factory=list)

    def render(self, figure: go.Figure, css_class: str = "chart") -> str:
        self.count += 1
        chart_id = f"chart-{self.count}"
        self.ids.append(chart_id)
        figure.update_layout(template="plotly_white", font={"family": "system-ui, sans-serif", "size": 12})
        body = figure.to_html(full_html=False, include_plotlyjs=False, div_id=chart_id, config=PLOT_CONFIG)
        return f"<div class='{css_class}'>{body}</div>"


# --- formatting --------------------------------------------------------------------------------------------------


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def format_value(value: object, fmt: str) -> str:
    """A metric value as a lead reads it: percentages as "57.0 %", durations with their unit."""
    if is_missing(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    if fmt == "percent":
        return f"{number * 100:.1f} %"
    if fmt == "minutes":
        return f"{number:,.1f} min"
    if fmt == "hours":
        return f"{number:,.1f} h"
    if fmt == "seconds":
        return f"{number:,.1f} s"
    if fmt == "nps":
        return f"{number:+.0f}"
    if fmt == "score":
        return f"{number:,.2f}"
    return f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"


def format_change(value: object, fmt: str) -> str:
    """A difference of two values of a metric: percentage points for percentages, signed otherwise."""
    if is_missing(value):
        return "–"
    number = float(value)  # type: ignore[arg-type]
    if fmt == "percent":
        return f"{number * 100:+.1f} pp"
    text = format_value(abs(number), fmt)
    return f"{'+' if number >= 0 else '−'}{text.lstrip('+')}"


def axis_format(fmt: str) -> str:
    """The d3 format of a Plotly axis (tickformat) for a metric format."""
    return {"percent": ".0%", "nps": "+.0f", "count": ",~r"}.get(fmt, ",.0f")


def hover_format(fmt: str) -> str:
    return {"percent": ".1%", "nps": "+.0f", "count": ",.2~f", "score": ",.2f"}.get(fmt, ",.1f")


def format_count(value: object) -> str:
    return "–" if is_missing(value) else f"{int(value):,}"  # type: ignore[call-overload]


def month_name(month: object) -> str:
    return pd.Timestamp(month).strftime("%B %Y")  # type: ignore[arg-type]


def escape(value: object) -> str:
    return html.escape(str(value))


def html_table(headers: list[str], rows: list[list[str]], css_class: str = "kpi", raw: bool = False) -> str:
    """A table of formatted cells (escaped unless `raw`: cells already HTML)."""
    if not rows:
        return "<p class='none'>No data for this period.</p>"
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell if raw else escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table class='{css_class}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --- reading the published file ----------------------------------------------------------------------------------


def frame(connection: duckdb.DuckDBPyConnection, sql: str, parameters: list | None = None) -> pd.DataFrame:
    return connection.execute(sql, parameters or []).df()


def table_columns(connection: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = connection.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [SCHEMA, table],
    ).fetchall()
    return {row[0] for row in rows}


def load_definitions(connection: duckdb.DuckDBPyConnection) -> dict[str, Metric]:
    columns = table_columns(connection, "metric_definitions")
    label = "label" if "label" in columns else "metric"
    fmt = "format" if "format" in columns else "case when unit = 'ratio' then 'percent' else 'count' end"
    rows = connection.execute(
        f"""
        select metric, {label}, {fmt}, direction, coalesce(description, ''), source_system, scopes
        from {SCHEMA}.metric_definitions order by source_system, metric
        """
    ).fetchall()
    return {
        row[0]: Metric(row[0], row[1] or row[0], row[2], row[3], row[4], row[5], tuple(row[6] or ()))
        for row in rows
    }


def load_manifest(published: Path) -> dict[str, object]:
    try:
        manifest = json.loads((published.parent / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def latest_month(connection: duckdb.DuckDBPyConnection) -> tuple[date | None, bool]:
    """The month the dashboard is about: the last complete month at org scope, else the latest month (to date)."""
    row = connection.execute(
        f"""
        select max(period_start) filter (where is_complete_period), max(period_start)
        from {SCHEMA}.kpi_metrics where period_grain = 'month' and scope_type = 'org'
        """
    ).fetchone()
    if not row or row[1] is None:
        return None, False
    return (row[0], True) if row[0] is not None else (row[1], False)


def names(connection: duckdb.DuckDBPyConnection, table: str, key: str, name: str) -> dict[str, str]:
    """Display names by id from a dimension (its latest row per id); empty where the dimension is absent."""
    columns = table_columns(connection, table)
    if not {key, name} <= columns:
        return {}
    order = "valid_from" if "valid_from" in columns else key
    rows = connection.execute(
        f"select {key}, arg_max({name}, {order}) from {SCHEMA}.{table} group by {key}"
    ).fetchall()
    return {row[0]: row[1] for row in rows if row[1]}


def named(data: pd.DataFrame, column: str, key: str, lookup: dict[str, str]) -> pd.Series:
    """The name column where the mart has it, else the dimension's name, else the id itself."""
    fallback = data[key].map(lambda value: lookup.get(value, value))
    return data[column].fillna(fallback) if column in data.columns else fallback


# --- sections ----------------------------------------------------------------------------------------------------


def header_section(manifest: dict[str, object], month: date | None, complete: bool, published: Path) -> str:
    window = manifest.get("data_window") or {}
    checks = manifest.get("check_summary") or {}
    assert isinstance(window, dict) and isinstance(checks, dict)
    facts = [
        ("Publish version", str(manifest.get("version", "unknown"))),
        ("Published at", str(manifest.get("published_at", "unknown"))),
        ("Data window", f"{window.get('first_day', '?')} to {window.get('last_day', '?')}"
                        f" ({manifest.get('reporting_timezone', 'UTC')})"),  # fmt: skip
    ]
    if month is not None:
        facts.append(("Month shown", month_name(month) + ("" if complete else " (month to date, not complete)")))
    if checks.get("checks_evaluated") is not None:
        facts.append(("Checks", f"{checks.get('checks_passed', '?')} of {checks['checks_evaluated']} passed"))
    items = "".join(f"<dt>{escape(name)}</dt><dd>{escape(value)}</dd>" for name, value in facts)
    as_of = window.get("as_of") or {}
    assert isinstance(as_of, dict)
    as_of_rows = [["All sources" if source == "all" else source.capitalize(), str(moment)]
                  for source, moment in sorted(as_of.items())]  # fmt: skip
    warnings = [str(warning) for warning in checks.get("warnings") or []]
    notes = []
    if not manifest:
        notes.append(f"No manifest.json beside {published}: version, window and checks are unknown.")
    if warnings:
        notes.append("Checks warned (the numbers are published, read them with care): " + ", ".join(warnings))
    warning_html = "".join(f"<p class='warning' role='alert'>{escape(note)}</p>" for note in notes)
    return (
        f"<section id='about'><dl class='facts'>{items}</dl>"
        f"<h3>Data as of, per source</h3>{html_table(['Source', 'As of'], as_of_rows, 'kpi as-of')}"
        f"{warning_html}</section>"
    )


def scorecard_metrics(connection: duckdb.DuckDBPyConnection, definitions: dict[str, Metric]) -> list[str]:
    targeted = [row[0] for row in connection.execute(
        f"select distinct metric from {SCHEMA}.kpi_target_attainment where scope_type = 'org' order by metric"
    ).fetchall()]  # fmt: skip
    ordered = [*SCORECARD, *[metric for metric in targeted if metric not in SCORECARD]]
    return [metric for metric in ordered if metric in definitions]


def org_months(connection: duckdb.DuckDBPyConnection, month: date, metrics: list[str]) -> pd.DataFrame:
    """Org values of the metrics for the 13 months up to the latest one, with targets and completeness."""
    partial = "m.partial_reason" if "partial_reason" in table_columns(connection, "kpi_metrics") else "null"
    return frame(
        connection,
        f"""
        select m.metric, m.period_start, m.value, m.sample_size, m.is_complete_period,
               {partial}::varchar as partial_reason, t.target, t.met, t.gap
        from {SCHEMA}.kpi_metrics m
        left join {SCHEMA}.kpi_target_attainment t
            on t.metric = m.metric and t.period_grain = m.period_grain and t.scope_type = m.scope_type
            and t.scope_id = m.scope_id and t.period_start = m.period_start
        where m.period_grain = 'month' and m.scope_type = 'org' and m.metric in (select unnest(?))
            and m.period_start > (select max(period_start) from {SCHEMA}.kpi_metrics where period_grain = 'month')
                - interval {TREND_MONTHS} month
        order by m.metric, m.period_start
        """,
        [metrics],
    )


def partial_text(row: pd.Series) -> str:
    if row["is_complete_period"] and is_missing(row["partial_reason"]):
        return "complete month"
    if row["partial_reason"] == "leading":
        return "partial month: the data starts in it"
    return "month to date"


def trend_figure(data: pd.DataFrame, metric: Metric) -> go.Figure:
    data = data.assign(status=[partial_text(row) for _, row in data.iterrows()])
    complete = data["status"] == "complete month"
    figure = go.Figure()
    figure.add_trace(go.Scatter(
        x=data["period_start"], y=data["value"], mode="lines+markers", name=metric.label,
        line={"color": SPEED_COLOUR}, customdata=data[["status", "sample_size"]], cliponaxis=False,
        marker={"symbol": ["circle" if done else "circle-open" for done in complete], "size": 8},
        hovertemplate=f"%{{x|%B %Y}}: %{{y:{hover_format(metric.format)}}}<br>%{{customdata[0]}}, "
                      "n = %{customdata[1]}<extra></extra>",
    ))  # fmt: skip
    if data["target"].notna().any():
        figure.add_trace(go.Scatter(
            x=data["period_start"], y=data["target"], mode="lines", name="Target",
            line={"dash": "dash", "color": "#d62728", "shape": "hv"},
            hovertemplate=f"Target %{{y:{hover_format(metric.format)}}}<extra></extra>",
        ))  # fmt: skip
    figure.update_layout(
        title={"text": f"{metric.label}<br><sup>{metric.better}; open marker: incomplete month</sup>"},
        height=260, margin={"l": 50, "r": 10, "t": 60, "b": 40}, showlegend=False,
    )
    figure.update_yaxes(tickformat=axis_format(metric.format), rangemode="tozero")
    figure.update_xaxes(tickformat="%b %Y", dtick="M2" if len(data) > 6 else "M1")
    return figure


def target_text(target: object, metric: Metric) -> str:
    if is_missing(target):
        return "No target"
    comparison = "≤" if metric.direction == "lower_is_better" else "≥"
    return f"{comparison} {format_value(target, metric.format)}"


def scorecard_section(
    connection: duckdb.DuckDBPyConnection, definitions: dict[str, Metric], month: date, charts: Charts
) -> str:
    metrics = scorecard_metrics(connection, definitions)
    data = org_months(connection, month, metrics)
    rows, figures = [], []
    for metric_id in metrics:
        metric = definitions[metric_id]
        history = data[data["metric"] == metric_id]
        if history.empty:
            continue
        current = history[history["period_start"] == pd.Timestamp(month)]
        previous = history[history["period_start"] == pd.Timestamp(month) - pd.DateOffset(months=1)]
        value = current["value"].iloc[0] if not current.empty else None
        change = value - previous["value"].iloc[0] if value is not None and not previous.empty else None
        met = current["met"].iloc[0] if not current.empty else None
        status = "–" if is_missing(met) else ("Met" if met else "Missed")
        rows.append([
            f"<span title='{escape(readable(metric.description, definitions))}'>{escape(metric.label)}</span>",
            escape(format_value(value, metric.format)),
            escape(target_text(current["target"].iloc[0] if not current.empty else None, metric)),
            f"<span class='status {status.lower()}'>{escape(status)}</span>",
            escape("–" if current.empty else format_change(current["gap"].iloc[0], metric.format)),
            escape(format_change(change, metric.format)),
            escape(metric.better),
            escape(format_count(current["sample_size"].iloc[0] if not current.empty else None)),
        ])  # fmt: skip
        figures.append(charts.render(trend_figure(history, metric), "chart trend"))
    table = html_table(
        ["KPI", month_name(month), "Target", "Status", "Gap to target", "vs previous month", "Better when", "Sample"],
        rows, raw=True,
    )  # fmt: skip
    return f"{table}<h3>{TREND_MONTHS}-month trend per KPI</h3><div class='grid'>{''.join(figures)}</div>"


def team_frame(connection: duckdb.DuckDBPyConnection, month: date, metrics: list[str]) -> pd.DataFrame:
    data = frame(
        connection,
        f"""
        select scope_id as team_id, scope_name as team_name, metric, value, sample_size
        from {SCHEMA}.kpi_metrics
        where period_grain = 'month' and scope_type = 'team' and period_start = ? and metric in (select unnest(?))
        """,
        [month, metrics],
    )
    data["team"] = named(data, "team_name", "team_id", names(connection, "dim_team", "team_id", "team_name"))
    return data


def team_section(
    connection: duckdb.DuckDBPyConnection, definitions: dict[str, Metric], month: date, charts: Charts
) -> str:
    metrics = [metric for metric in (*TEAM_SPEED, *TEAM_QUALITY) if metric in definitions]
    data = team_frame(connection, month, metrics)
    if data.empty:
        return "<p class='none'>No team figures for this month.</p>"
    values = data.pivot_table(index="team", columns="metric", values="value", aggfunc="first")
    samples = data.pivot_table(index="team", columns="metric", values="sample_size", aggfunc="first")
    teams = sorted(values.index)
    rows = [[team, *[format_value(values.at[team, metric] if metric in values else None, definitions[metric].format)
                     + (f" (n {format_count(samples.at[team, metric])})" if metric in samples else "")
                     for metric in metrics]] for team in teams]  # fmt: skip
    kinds = ["Speed" if metric in TEAM_SPEED else "Quality" for metric in metrics]
    headers = ["Team", *[f"{kind}: {definitions[metric].label}" for kind, metric in zip(kinds, metrics, strict=True)]]
    figure = make_subplots(rows=1, cols=len(metrics), shared_yaxes=True, horizontal_spacing=0.03,
                           subplot_titles=headers[1:])  # fmt: skip
    for column, (kind, metric) in enumerate(zip(kinds, metrics, strict=True), start=1):
        shown = [values.at[team, metric] if metric in values else None for team in teams]
        figure.add_trace(go.Bar(
            x=shown, y=teams, orientation="h", name=kind, showlegend=column in (1, len(TEAM_SPEED) + 1),
            marker_color=SPEED_COLOUR if kind == "Speed" else QUALITY_COLOUR, legendgroup=kind,
            hovertemplate=f"%{{y}}: %{{x:{hover_format(definitions[metric].format)}}}<extra>"
                          f"{escape(definitions[metric].label)}</extra>",
        ), row=1, col=column)  # fmt: skip
        figure.update_xaxes(tickformat=axis_format(definitions[metric].format), row=1, col=column)
    figure.update_yaxes(categoryorder="array", categoryarray=teams, autorange="reversed")
    figure.update_annotations(font_size=11)
    figure.update_layout(height=160 + 40 * len(teams), margin={"l": 10, "r": 10, "t": 70, "b": 30},
                         legend={"orientation": "h", "y": -0.2})  # fmt: skip
    return charts.render(figure) + html_table(headers, rows)


def agent_frame(connection: duckdb.DuckDBPyConnection, month: date, metrics: list[str]) -> pd.DataFrame:
    columns = table_columns(connection, "kpi_agent_vs_team")
    extra = ", ".join(column for column in ("agent_name", "team_name") if column in columns)
    data = frame(
        connection,
        f"""
        select agent_id, team_id, metric, direction, agent_value, agent_n, team_value_without_agent,
               interval_low, interval_high, low_sample, signal{', ' + extra if extra else ''}
        from {SCHEMA}.kpi_agent_vs_team
        where period_grain = 'month' and period_start = ? and metric in (select unnest(?))
        """,
        [month, metrics],
    )
    data["agent"] = named(data, "agent_name", "agent_id", names(connection, "dim_agent", "agent_id", "agent_name"))
    data["team"] = named(data, "team_name", "team_id", names(connection, "dim_team", "team_id", "team_name"))
    data["row_label"] = data["agent"] + " · " + data["team"]
    shared = data.groupby("row_label")["agent_id"].transform("nunique") > 1
    data.loc[shared, "row_label"] = data["row_label"] + " (" + data["agent_id"] + ")"
    return data


def agent_order(data: pd.DataFrame) -> list[str]:
    """Agents by team, then name: never ranked by a value."""
    listed = data[["team", "agent", "agent_id", "row_label"]].drop_duplicates()
    listed = listed.sort_values(["team", "agent", "agent_id", "row_label"])
    return list(dict.fromkeys(listed["row_label"]))


def error_bars(rows: pd.DataFrame) -> dict[str, object]:
    return {"type": "data", "symmetric": False, "color": "#777", "thickness": 1.2,
            "array": (rows["interval_high"] - rows["agent_value"]).clip(lower=0).fillna(0).tolist(),
            "arrayminus": (rows["agent_value"] - rows["interval_low"]).clip(lower=0).fillna(0).tolist()}  # fmt: skip


def agent_figure(data: pd.DataFrame, definitions: dict[str, Metric], metrics: list[str], order: list[str]) -> go.Figure:
    titles = [definitions[metric].label for metric in metrics]
    figure = make_subplots(rows=1, cols=len(metrics), shared_yaxes=True, horizontal_spacing=0.03,
                           subplot_titles=titles)  # fmt: skip
    for column, metric in enumerate(metrics, start=1):
        rows = data[data["metric"] == metric]
        fmt = hover_format(definitions[metric].format)
        for low, name, colour, symbol in ((False, "Agent (95 % interval)", SPEED_COLOUR, "circle"),
                                          (True, "Agent, low sample (95 % interval)", LOW_SAMPLE_COLOUR,
                                           "circle-open")):  # fmt: skip
            shown = rows[rows["low_sample"].fillna(False).astype(bool) == low]
            figure.add_trace(go.Scatter(
                x=shown["agent_value"], y=shown["row_label"], mode="markers", name=name, legendgroup=name,
                showlegend=column == 1, marker={"color": colour, "symbol": symbol, "size": 9},
                error_x=error_bars(shown), customdata=shown[["agent_n"]],
                hovertemplate=f"%{{y}}: %{{x:{fmt}}} (n = %{{customdata[0]}})"
                              f"<extra>{escape(titles[column - 1])}</extra>",
            ), row=1, col=column)  # fmt: skip
        figure.add_trace(go.Scatter(
            x=rows["team_value_without_agent"], y=rows["row_label"], mode="markers", name="Team average (others)",
            legendgroup="team", showlegend=column == 1, marker={"color": TEAM_COLOUR, "symbol": "line-ns-open",
            "size": 14, "line": {"width": 2}}, hovertemplate=f"Team without the agent: %{{x:{fmt}}}<extra></extra>",
        ), row=1, col=column)  # fmt: skip
        figure.update_xaxes(tickformat=axis_format(definitions[metric].format), row=1, col=column)
    figure.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed")
    figure.update_annotations(font_size=11)
    figure.update_layout(height=170 + 26 * len(order), margin={"l": 10, "r": 10, "t": 50, "b": 30},
                         legend={"orientation": "h", "y": -0.08, "yanchor": "top"})  # fmt: skip
    return figure


def signal_text(signal: object, direction: object) -> str:
    if is_missing(signal):
        return ""
    if signal == "within":
        return "in line with team"
    better = (signal == "above") == (direction != "lower_is_better")
    return "better than team" if better else "worse than team"


def agent_cell(row: pd.Series | None, metric: Metric) -> str:
    if row is None:
        return "–"
    interval = ""
    if not is_missing(row["interval_low"]):
        interval = (f"95 % interval {format_value(row['interval_low'], metric.format)} to "
                    f"{format_value(row['interval_high'], metric.format)}, ")  # fmt: skip
    details = (f"team (others) {format_value(row['team_value_without_agent'], metric.format)}; "
               f"{interval}n {format_count(row['agent_n'])}")  # fmt: skip
    flags = " ".join(
        f"<span class='flag {css}'>{escape(text)}</span>"
        for css, text in (("low", "low sample" if row["low_sample"] else ""),
                          ("signal", signal_text(row["signal"], row["direction"])))
        if text
    )  # fmt: skip
    value = escape(format_value(row["agent_value"], metric.format))
    return f"<b>{value}</b> {flags}<br><small>{escape(details)}</small>"


def agent_section(
    connection: duckdb.DuckDBPyConnection, definitions: dict[str, Metric], month: date, charts: Charts
) -> str:
    metrics = [metric for metric in AGENT_METRICS if metric in definitions]
    data = agent_frame(connection, month, metrics)
    if data.empty:
        return "<p class='none'>No agent figures for this month.</p>"
    order = agent_order(data)
    indexed = {(row["row_label"], row["metric"]): row for _, row in data.iterrows()}
    rows = []
    for label in order:
        first = data[data["row_label"] == label].iloc[0]
        agent, team = first["agent"], first["team"]
        cells = [agent_cell(indexed.get((label, metric)), definitions[metric]) for metric in metrics]
        rows.append([escape(agent), escape(team), *cells])
    headers = ["Agent", "Team", *[definitions[metric].label for metric in metrics]]
    note = ("<p class='note'>Agents are listed by team and name, never ranked. Each value is drawn with its 95 % "
            "interval next to the average of the rest of the team; hollow grey points have too small a sample "
            "to compare. Read speed together with quality.</p>")  # fmt: skip
    return note + charts.render(agent_figure(data, definitions, metrics, order)) + html_table(
        headers, rows, "kpi agents", raw=True
    )


def backlog_section(connection: duckdb.DuckDBPyConnection, definitions: dict[str, Metric], charts: Charts) -> str:
    columns = table_columns(connection, "fct_backlog_daily")
    if not columns:
        return "<p class='none'>No backlog snapshots published.</p>"
    name = ", team_name" if "team_name" in columns else ""
    data = frame(
        connection,
        f"select snapshot_date, team_id{name}, open_tickets, overdue_tickets from {SCHEMA}.fct_backlog_daily "
        "order by snapshot_date, team_id",
    )
    if data.empty:
        return "<p class='none'>No backlog snapshots published.</p>"
    data["team"] = named(data, "team_name", "team_id", names(connection, "dim_team", "team_id", "team_name"))
    titles = [definitions[metric].label if metric in definitions else metric.replace("_", " ").capitalize()
              for metric in BACKLOG_METRICS]  # fmt: skip
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1, subplot_titles=titles)
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
    for index, (team, rows) in enumerate(data.groupby("team", sort=True)):
        colour = palette[index % len(palette)]
        for row_number, column in enumerate(("open_tickets", "overdue_tickets"), start=1):
            figure.add_trace(go.Scatter(
                x=rows["snapshot_date"], y=rows[column], mode="lines", name=str(team), legendgroup=str(team),
                showlegend=row_number == 1, line={"color": colour},
                hovertemplate=f"%{{x|%d %b %Y}}: %{{y:,}} tickets<extra>{escape(team)}</extra>",
            ), row=row_number, col=1)  # fmt: skip
    figure.update_yaxes(tickformat=",d", rangemode="tozero")
    figure.update_layout(height=480, margin={"l": 50, "r": 10, "t": 50, "b": 30})
    return charts.render(figure)


def reason_text(reason: object, channel: object) -> str:
    text = str(reason)
    if channel == "call" and text.startswith("queue:"):
        return f"Calls to queue {text.removeprefix('queue:')}"
    return text.replace("_", " ")


def reasons_section(connection: duckdb.DuckDBPyConnection, month: date, charts: Charts) -> str:
    data = frame(
        connection,
        f"""
        select rank, channel, contact_reason, contacts, share, previous_month_contacts, change_vs_previous_month
        from {SCHEMA}.top_contact_reasons where month_start = ? and rank <= ? order by rank, contact_reason
        """,
        [month, TOP_REASONS],
    )
    if data.empty:
        return "<p class='none'>No contact reasons for this month.</p>"
    data["reason"] = [reason_text(reason, channel) for reason, channel in zip(data["contact_reason"], data["channel"],
                                                                              strict=True)]  # fmt: skip
    rows = []
    for _, row in data.iterrows():
        change = row["change_vs_previous_month"]
        relative = ""
        if not is_missing(change) and not is_missing(row["previous_month_contacts"]) and row["previous_month_contacts"]:
            relative = f" ({change / row['previous_month_contacts'] * 100:+.1f} %)"
        change_text = "new this month" if is_missing(change) else f"{int(change):+,}{relative}"
        rows.append([str(int(row["rank"])), row["reason"], "Ticket" if row["channel"] == "ticket" else "Call",
                     format_count(row["contacts"]), format_value(row["share"], "percent"),
                     format_count(row["previous_month_contacts"]), change_text])  # fmt: skip
    figure = go.Figure()
    for column, name, colour in (("previous_month_contacts", "Previous month", "#c7c7c7"),
                                 ("contacts", month_name(month), SPEED_COLOUR)):  # fmt: skip
        figure.add_trace(go.Bar(x=data[column], y=data["reason"], orientation="h", name=name, marker_color=colour,
                                hovertemplate="%{y}: %{x:,} contacts<extra>" + escape(name) + "</extra>"))  # fmt: skip
    figure.update_yaxes(categoryorder="array", categoryarray=list(data["reason"]), autorange="reversed")
    figure.update_xaxes(tickformat=",d", title_text="Contacts")
    figure.update_layout(barmode="group", height=140 + 44 * len(data), margin={"l": 10, "r": 10, "t": 30, "b": 40},
                         legend={"orientation": "h", "y": 1.08})  # fmt: skip
    table = html_table(["Rank", "Contact reason", "Channel", "Contacts", "Share of contacts", "Previous month",
                        "Change vs previous month"], rows)  # fmt: skip
    return charts.render(figure) + table


def period_text(grain: str, start: object) -> str:
    """A period as a lead reads it: "March 2026", "Week of 2026-03-02", "2026-03-05"."""
    if grain == "month":
        return month_name(start)
    day = pd.Timestamp(start).date().isoformat()  # type: ignore[arg-type]
    return f"Week of {day}" if grain == "week" else day


def restatements_section(
    connection: duckdb.DuckDBPyConnection, definitions: dict[str, Metric], version: object = None
) -> str:
    """The values this published version restated (marts.kpi_restatements where new_version is the manifest's
    version, else the latest): KPI labels, periods, scopes by name, old and new value in the metric's format."""
    if not {"metric", "new_version", "old_value", "new_value"} <= table_columns(connection, "kpi_restatements"):
        return "<p class='none'>No restatements: this published version records none.</p>"
    if version is None:
        version = connection.execute(f"select max(new_version) from {SCHEMA}.kpi_restatements").fetchone()[0]
    data = frame(
        connection,
        f"""
        select metric, period_grain, period_start, scope_type, scope_id, old_value, new_value, old_version,
            published_at
        from {SCHEMA}.kpi_restatements where new_version = ?
        order by case scope_type when 'org' then 0 when 'team' then 1 else 2 end,
            case period_grain when 'month' then 0 when 'week' then 1 else 2 end, period_start, metric, scope_id
        """,
        [version],
    )
    if data.empty:
        return f"<p class='none'>No restatements: version {escape(version)} changed no published value.</p>"
    scopes = {"team": names(connection, "dim_team", "team_id", "team_name"),
              "agent": names(connection, "dim_agent", "agent_id", "agent_name")}  # fmt: skip
    rows = []
    for _, row in data.iterrows():
        metric = definitions.get(row["metric"])
        fmt = metric.format if metric else "count"
        scope_name = scopes.get(row["scope_type"], {}).get(row["scope_id"], row["scope_id"])
        scope = "Organisation" if row["scope_type"] == "org" else f"{row['scope_type'].capitalize()} {scope_name}"
        gone = is_missing(row["new_value"])
        rows.append([metric.label if metric else row["metric"], period_text(row["period_grain"], row["period_start"]),
                     scope, format_value(row["old_value"], fmt),
                     "no longer published" if gone else format_value(row["new_value"], fmt),
                     "–" if gone or is_missing(row["old_value"]) else format_change(row["new_value"] - row["old_value"],
                                                                                     fmt)])  # fmt: skip
    old_version = data["old_version"].iloc[0]
    note = (f"<p class='note'>{len(data):,} published value{'s' if len(data) != 1 else ''} of version"
            f" {escape(old_version)} changed in version {escape(version)} (late or re-exported data, a changed"
            " mapping); all versions' restatements are in marts.kpi_restatements.</p>")  # fmt: skip
    return note + html_table(["KPI", "Period", "Scope", "Old value", "New value", "Change"], rows)


def readable(text: str, definitions: dict[str, Metric]) -> str:
    """A registry text with the metric ids it cites replaced by their labels (leads never see raw ids)."""
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, definitions), key=len, reverse=True)) + r")\b")
    return pattern.sub(lambda match: definitions[match.group(1)].label, text) if definitions else text


def dictionary_section(definitions: dict[str, Metric]) -> str:
    scope_names = {"org": "organisation", "team": "team", "agent": "agent"}
    rows = [[metric.label, readable(metric.description, definitions),
             FORMAT_NAMES.get(metric.format, metric.format.capitalize()),
             metric.better, ", ".join(scope_names.get(scope, scope) for scope in metric.scopes),
             metric.source_system.capitalize()]
            for metric in sorted(definitions.values(), key=lambda metric: metric.label.lower())]  # fmt: skip
    return html_table(["KPI", "What it measures", "Shown as", "Better when", "Scopes", "Source"], rows,
                      "kpi dictionary")  # fmt: skip


STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem 2rem; color: #222; max-width: 1500px; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 2px solid #eee; padding-bottom: 0.3rem; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; margin: 0.5rem 0; }
dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
table.kpi { border-collapse: collapse; margin: 0.8rem 0 1.5rem; font-size: 0.88rem; }
table.kpi th, table.kpi td { padding: 0.3rem 0.6rem; border-bottom: 1px solid #ddd; text-align: left;
  vertical-align: top; }
table.kpi th { background: #f4f4f4; }
table.dictionary td:nth-child(2) { max-width: 45rem; }
.warning { background: #fff4e5; border-left: 4px solid #f0a020; padding: 0.5rem 0.8rem; }
.status.met { color: #1a7f37; font-weight: 600; } .status.missed { color: #c62828; font-weight: 600; }
.flag { font-size: 0.75rem; padding: 0 0.3rem; border-radius: 0.3rem; background: #eee; }
.flag.low { background: #ececec; color: #555; } .flag.signal { background: #e8f0fe; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 0.5rem; }
.chart { min-height: 200px; } .note, .none { color: #555; }
"""


def build_sections(
    connection: duckdb.DuckDBPyConnection, charts: Charts, version: object = None
) -> tuple[str, list[tuple[str, str, str]]]:
    """The title and the (anchor, heading, html) of every section after the header; `version`: the publish version
    of the file (manifest.json), whose restatements are shown."""
    definitions = load_definitions(connection)
    month, complete = latest_month(connection)
    sections: list[tuple[str, str, str]] = []
    if month is not None:
        when = month_name(month) + ("" if complete else " (to date)")
        sections += [
            ("scorecard", f"Organisation scorecard, {when}, against targets",
             scorecard_section(connection, definitions, month, charts)),
            ("teams", f"Teams, {when}: speed beside quality", team_section(connection, definitions, month, charts)),
            ("agents", f"Agents beside their team, {when}", agent_section(connection, definitions, month, charts)),
            ("backlog", "Backlog and overdue tickets over time", backlog_section(connection, definitions, charts)),
            ("reasons", f"Top contact reasons, {when}: FAQ candidates", reasons_section(connection, month, charts)),
        ]  # fmt: skip
    else:
        sections.append(("scorecard", "Organisation scorecard", "<p class='none'>No monthly figures yet.</p>"))
    sections += [
        ("restatements", "Restatements since the previous version",
         restatements_section(connection, definitions, version)),
        ("dictionary", "Metric dictionary", dictionary_section(definitions)),
    ]
    title = f"Support KPIs — {month_name(month)}" if month is not None else "Support KPIs"
    return title, sections


def build_report(published: Path, output: Path, settings: Settings | None = None) -> Path:
    """The dashboard of a published file; its connection has the settings' DuckDB limits (default: from the
    environment)."""
    manifest = load_manifest(published)
    charts = Charts()
    with connect(published, settings or load_settings(), read_only=True) as connection:
        title, sections = build_sections(connection, charts, manifest.get("version"))
        month, complete = latest_month(connection)
    header = header_section(manifest, month, complete, published)
    navigation = " · ".join(f"<a href='#{anchor}'>{escape(heading.split(',')[0])}</a>"
                            for anchor, heading, _ in sections)  # fmt: skip
    body = "\n".join(f"<section id='{anchor}'><h2>{escape(heading)}</h2>\n{content}</section>"
                     for anchor, heading, content in sections)  # fmt: skip
    generated = datetime.now(UTC).isoformat(timespec="seconds")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{escape(title)}</title>"
        f"<style>{STYLE}</style>\n<script>{get_plotlyjs()}</script></head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f"<p class='note'>Generated {generated} from {escape(published.name)} ·"
        f" <span id='chart-count' data-charts='{charts.count}'>{charts.count} charts</span> · {navigation}</p>\n"
        f"{header}\n{body}\n</body></html>\n",
        encoding="utf-8",
    )
    return output
