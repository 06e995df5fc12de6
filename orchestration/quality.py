"""The quality gate on the marts: Great Expectations suites run as blocking Dagster asset checks.

Two kinds of suites of the GX file data context under expectations/, plain JSON files a data engineer edits (see
expectations/README.md):
- marts.<mart> (expectations/gx/expectations/marts/<mart>.json) validate a mart itself (schemas, ids, ranges);
- monitors.<name> validate a small frame computed here about the whole publish: row counts against the previous
  publish, weeks without data where data was expected, freshness of each source.
Their thresholds are dbt vars, carried into the frames as columns, so the suites hold rules and dbt_project.yml
holds numbers. A critical expectation that fails blocks publication in the same run; a warning one is shown only.
"""

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSpec,
    Config,
    MetadataValue,
    multi_asset_check,
)
from pydantic import Field

from .dbt_vars import dbt_var
from .gx_suites import Suite, check_result, suites_in, validate_dataframe
from .publication import mart_tables
from .resources import WarehouseResource
from .settings import Settings

GATE_ASSET = "kpi_metrics"  # monitors are about the whole publish; they show on its main mart


def ratio_metrics() -> list[str]:
    return sorted(metric["name"] for metric in dbt_var("metric_registry") if metric["unit"] == "ratio")


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
        raise ValueError(f"monitor suites without a frame in orchestration/quality.py: {unknown}")
    return suites


# ---- the gate


def _check_specs() -> list[AssetCheckSpec]:
    specs = [
        AssetCheckSpec(
            name=suite.check_name,
            asset=mart,
            blocking=True,
            description=f"Great Expectations suite {suite.gx_name} on marts.{mart}.",
        )
        for mart, suite in mart_suites().items()
    ]
    specs += [
        AssetCheckSpec(
            name=suite.check_name,
            asset=GATE_ASSET,
            blocking=True,
            description=f"Great Expectations suite {suite.gx_name}: {suite.meta.get('about', '')}",
        )
        for suite in monitor_suites().values()
    ]
    return specs


class QualityGateConfig(Config):
    """Leave empty for the nightly run."""

    accept_row_count_change: bool = Field(
        default=False,
        description="Publish this run whatever its row counts against the previous publish: for a legitimate large "
        "change (a first backfill of history, a reprocessed month). Every other check still applies.",
    )


@multi_asset_check(specs=_check_specs(), name="mart_quality_gate", can_subset=True)
def mart_quality_gate(
    context: AssetCheckExecutionContext, config: QualityGateConfig, warehouse: WarehouseResource
) -> Iterator[AssetCheckResult]:
    """Every mart and monitor suite, in one step (GX is imported once). Critical failures block publication."""
    selected = {key.name for key in context.selected_asset_check_keys}
    settings = warehouse.settings()
    marts = {mart: suite for mart, suite in mart_suites().items() if suite.check_name in selected}
    monitors = {name: suite for name, suite in monitor_suites().items() if suite.check_name in selected}
    with warehouse.connect() as connection:
        mart_frames = {mart: connection.execute(f"select * from marts.{mart}").df() for mart in marts}
        monitor_frames = {name: MONITOR_FRAMES[name](connection, settings) for name in monitors}
    if config.accept_row_count_change and ROW_COUNT_MONITOR in monitor_frames:
        context.log.warning("row counts accepted for this run (accept_row_count_change): no band applied")
        monitor_frames[ROW_COUNT_MONITOR] = without_band(monitor_frames[ROW_COUNT_MONITOR])
    checks = [(mart, suite, mart_frames[mart]) for mart, suite in marts.items()]
    checks += [(GATE_ASSET, suite, monitor_frames[name]) for name, suite in monitors.items()]
    for asset, suite, frame in checks:
        outcome = validate_dataframe(suite, frame)
        for failure in outcome.failures:
            log = context.log.error if outcome.blocks else context.log.warning
            log(f"{suite.check_name} failed: {failure}")
        metadata: dict[str, object] = {"rows": len(frame)}
        if suite.name == ROW_COUNT_MONITOR:
            metadata["accepted_row_count_change"] = config.accept_row_count_change
        if asset == GATE_ASSET and suite.name in monitors:
            metadata["frame"] = MetadataValue.json(frame.astype(str).to_dict(orient="records")[:200])
        yield check_result(asset, suite, outcome, metadata)
