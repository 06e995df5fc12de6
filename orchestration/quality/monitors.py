"""The quality gate's suites and the frames its monitor suites judge.

Two kinds of suites of the GX file data context under expectations/ (see expectations/README.md):
- marts.<mart> validate a mart itself (schemas, ids, ranges);
- monitors.<name> validate a small frame computed here about the whole publish: row counts against the previous
  publish, weeks without data where data was expected, freshness of each source.
Their thresholds are dbt vars, carried into the frames as columns, so the suites hold rules and dbt_project.yml
holds numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from ..dbt_vars import dbt_var, metric_registry
from ..publish import mart_tables
from ..settings import Settings
from .suites import Suite, suites_in

GATE_ASSET = "kpi_metrics"  # monitors are about the whole publish; they show on its main mart

def ratio_metrics() -> list[str]:
    return sorted(metric["name"] for metric in metric_registry() if metric["unit"] == "ratio")


def mart_suites() -> dict[str, Suite]:
    suites = suites_in("marts")
    if "kpi_metrics" in suites:
        # From the registry, so a new ratio metric is bounded to [0, 1] without editing the suite.
        suites["kpi_metrics"] = suites["kpi_metrics"].with_expectations(
            [
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {
                        "column": "value",
                        "min_value": 0,
                        "max_value": 1,
                        "row_condition": {
                            "type": "comparison",
                            "column": {"name": "metric"},
                            "operator": "IN",
                            "parameter": ratio_metrics(),
                        },
                    },
                    "meta": {"why": "metrics with unit ratio in the metric registry are rates in [0, 1]"},
                }
            ]
        )
    return suites


# ---- monitor frames: one row per thing the monitor suite judges


def previous_row_counts(manifest_path: Path) -> dict[str, int]:
    try:
        return {table: int(rows) for table, rows in json.loads(manifest_path.read_text())["row_counts"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def row_count_frame(rows: dict[str, int], previous: dict[str, int], band: float, min_rows: int) -> pd.DataFrame:
    """Each mart's rows and the band allowed around the previous publish's; no band (nulls) on the first publish
    or for a mart that had fewer than `min_rows` rows, where a few rows more or less is a large share."""
    records = []
    for table, count in sorted(rows.items()):
        before = previous.get(table)
        applies = before is not None and before >= min_rows
        records.append(
            {
                "mart": table,
                "rows": count,
                "previous_rows": before,
                "allowed_low": before * (1 - band) if applies else None,
                "allowed_high": before * (1 + band) if applies else None,
            }
        )
    return pd.DataFrame.from_records(
        records, columns=["mart", "rows", "previous_rows", "allowed_low", "allowed_high"]
    ).astype({"rows": "float64", "previous_rows": "float64", "allowed_low": "float64", "allowed_high": "float64"})


def publish_row_counts(connection: duckdb.DuckDBPyConnection, settings: Settings) -> pd.DataFrame:
    rows = {
        table: int(connection.execute(f"select count(*) from marts.{table}").fetchone()[0])
        for table in mart_tables(connection)
    }
    return row_count_frame(
        rows,
        previous_row_counts(settings.manifest_path),
        float(dbt_var("publish_row_count_band")),
        int(dbt_var("publish_row_count_min_rows")),
    )


def weekly_volume_frame(connection: duckdb.DuckDBPyConnection, settings: Settings) -> pd.DataFrame:
    """Org weekly counts of the metrics that measure incoming contacts (dbt var expected_weekly_data_metrics), one
    row per ISO week from a metric's first week to the last complete week before the newest data of any source,
    zero where the week has none. Data is expected in a week when the metric averages at least
    `expected_weekly_min_records` a week over that span: zero is then a missing export, not a quiet week."""
    return connection.execute(
        """
        with weekly as (
            select metric, period_start as week_start, sample_size as records
            from marts.kpi_metrics
            where period_grain = 'week' and scope_type = 'org' and metric in (select unnest(?::varchar[]))
        ),
        newest_week as (
            select date_trunc('week', timezone(?, as_of_at))::date as week_start
            from intermediate.int_source_as_of
            where source_system = 'all'
        ),
        spans as (
            select metric, min(week_start) as first_week,
                   greatest(max(week_start), (select week_start - 7 from newest_week)) as last_week,
                   sum(records) as total_records
            from weekly
            group by metric
        ),
        expected_weeks as (
            select metric, unnest(range(first_week, last_week + interval 7 day, interval 7 day))::date as week_start,
                   total_records / ((last_week - first_week) // 7 + 1) as mean_weekly_records
            from spans
        ),
        final as (
            select expected_weeks.metric, expected_weeks.week_start::varchar as week_start,
                   coalesce(weekly.records, 0) as records, mean_weekly_records,
                   mean_weekly_records >= ? as data_expected
            from expected_weeks
            left join weekly using (metric, week_start)
        )
        select * from final order by metric, week_start
        """,
        [
            list(dbt_var("expected_weekly_data_metrics")),
            settings.timezone,
            float(dbt_var("expected_weekly_min_records")),
        ],
    ).df()


def freshness_frame(newest: dict[str, datetime | None], now: datetime, hours: float) -> pd.DataFrame:
    """Hours from each source's newest record (its as-of time) to now, against the dbt var freshness_hours. A
    source that never delivered anything has no age (it is not in use)."""
    records = [
        {
            "source": source,
            "newest_at": None if seen is None else seen.isoformat(),
            "hours_since_newest": None if seen is None else (now - seen).total_seconds() / 3600,
            "freshness_hours": hours,
        }
        for source, seen in sorted(newest.items())
    ]
    return pd.DataFrame.from_records(
        records, columns=["source", "newest_at", "hours_since_newest", "freshness_hours"]
    ).astype({"hours_since_newest": "float64", "freshness_hours": "float64"})


def source_freshness(connection: duckdb.DuckDBPyConnection, settings: Settings) -> pd.DataFrame:
    newest = dict(
        connection.execute(
            "select source_system, as_of_at from intermediate.int_source_as_of where source_system <> 'all'"
        ).fetchall()
    )
    return freshness_frame(newest, datetime.now(UTC), float(dbt_var("freshness_hours")))


ROW_COUNT_MONITOR = "row_counts_within_band_of_previous_publish"


def without_band(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(allowed_low=float("nan"), allowed_high=float("nan"))


MonitorFrame = Callable[[duckdb.DuckDBPyConnection, Settings], pd.DataFrame]
MONITOR_FRAMES: dict[str, MonitorFrame] = {
    ROW_COUNT_MONITOR: publish_row_counts,
    "no_expected_week_without_data": weekly_volume_frame,
    "sources_fresh": source_freshness,
}


def monitor_suites() -> dict[str, Suite]:
    suites = suites_in("monitors")
    unknown = sorted(set(suites) - set(MONITOR_FRAMES))
    if unknown:
        raise ValueError(f"monitor suites without a frame in orchestration/quality/monitors.py: {unknown}")
    return suites
