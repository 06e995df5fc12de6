"""Great Expectations suites on the marts, run as blocking Dagster asset checks.

Suites are plain JSON files under expectations/suites/ (one per mart, named after it) that a data engineer edits.
The marts are validated as pandas dataframes in an ephemeral GX context (GX's SQL path against DuckDB is not
reliable); a failed expectation fails the check, and a failed blocking check stops publication in the same run.
"""

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    multi_asset_check,
)

from .dbt_vars import dbt_var
from .resources import WarehouseResource
from .settings import EXPECTATIONS_DIR

SUITES_DIR = EXPECTATIONS_DIR / "suites"


@dataclass(frozen=True)
class SuiteOutcome:
    success: bool
    evaluated: int
    failures: list[dict[str, object]]


def ratio_metrics() -> list[str]:
    return sorted(metric["name"] for metric in dbt_var("metric_registry") if metric["unit"] == "ratio")


def load_suite_expectations(mart: str) -> list[dict]:
    expectations = list(json.loads((SUITES_DIR / f"{mart}.json").read_text())["expectations"])
    if mart == "kpi_metrics":
        # From the registry, so a new ratio metric is checked without editing the suite.
        expectations.append(
            {
                "type": "expect_column_values_to_be_between",
                "kwargs": {
                    "column": "value",
                    "min_value": 0,
                    "max_value": 1,
                    "row_condition": f"metric in {ratio_metrics()}",
                    "condition_parser": "pandas",
                },
            }
        )
    return expectations


def validate_dataframe(mart: str, frame: pd.DataFrame) -> SuiteOutcome:
    os.environ.setdefault("TQDM_DISABLE", "1")  # GX's per-expectation progress bars would flood the run logs
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    context = gx.get_context(mode="ephemeral")
    suite = gx.ExpectationSuite(name=mart)
    for expectation in load_suite_expectations(mart):
        suite.add_expectation_configuration(
            ExpectationConfiguration(type=expectation["type"], kwargs=expectation["kwargs"])
        )
    batch = (
        context.data_sources.add_pandas(mart)
        .add_dataframe_asset(mart)
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    result = batch.validate(suite, result_format="SUMMARY")
    failures = [
        {
            "expectation": item.expectation_config.type,
            "column": item.expectation_config.kwargs.get("column") or item.expectation_config.kwargs.get("column_list"),
            "condition": item.expectation_config.kwargs.get("row_condition"),
            "unexpected_count": item.result.get("unexpected_count"),
            "examples": [str(value) for value in (item.result.get("partial_unexpected_list") or [])[:5]],
        }
        for item in result.results
        if not item.success
    ]
    return SuiteOutcome(success=bool(result.success), evaluated=len(result.results), failures=failures)


def suite_marts() -> list[str]:
    return sorted(path.stem for path in SUITES_DIR.glob("*.json"))


ROW_COUNT_CHECK = "row_count_within_band_of_previous_publish"
FRESHNESS_CHECK = "newest_data_within_freshness_hours"
GAPS_CHECK = "no_week_without_contacts"


def freshness_result(newest: dict[str, object], now: datetime, hours: float) -> AssetCheckResult:
    """Warn when a source's newest record (its as-of time) is older than `hours` before now."""
    stale = {
        source: str(seen)
        for source, seen in newest.items()
        if seen is None or (now - seen).total_seconds() > hours * 3600  # type: ignore[operator]
    }
    return AssetCheckResult(
        asset_key="kpi_metrics",
        check_name=FRESHNESS_CHECK,
        passed=not stale,
        severity=AssetCheckSeverity.WARN,
        metadata={"freshness_hours": hours, "stale_sources": stale, "newest": {k: str(v) for k, v in newest.items()}},
    )


def weeks_without_contacts(connection) -> list[str]:
    """ISO weeks between the first and the last week with contacts (tickets created or calls offered) that
    have none: an export that went missing, most likely."""
    rows = connection.execute(
        """
        with weeks as (
            select distinct period_start from marts.kpi_metrics
            where period_grain = 'week' and scope_type = 'org' and metric in ('tickets_created', 'calls_offered')
        ),
        expected as (
            select unnest(range(min(period_start), max(period_start) + interval 7 day, interval 7 day))::date
                as period_start
            from weeks
        )
        select period_start::varchar from expected where period_start not in (select period_start from weeks)
        order by 1
        """
    ).fetchall()
    return [row[0] for row in rows]


def previous_row_count(manifest_path: Path, table: str) -> int | None:
    try:
        return int(json.loads(manifest_path.read_text())["row_counts"][table])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def row_count_result(rows: int, previous: int | None, band: float) -> AssetCheckResult:
    if previous is None:
        return AssetCheckResult(
            asset_key="kpi_metrics",
            check_name=ROW_COUNT_CHECK,
            passed=True,
            metadata={"rows": rows, "previous_rows": "none (first publish)"},
        )
    low, high = previous * (1 - band), previous * (1 + band)
    return AssetCheckResult(
        asset_key="kpi_metrics",
        check_name=ROW_COUNT_CHECK,
        passed=low <= rows <= high,
        severity=AssetCheckSeverity.ERROR,
        metadata={"rows": rows, "previous_rows": previous, "allowed_low": low, "allowed_high": high},
    )


@multi_asset_check(
    specs=[
        *(
            AssetCheckSpec(
                name=f"gx_{mart}",
                asset=mart,
                blocking=True,
                description=f"Great Expectations suite expectations/suites/{mart}.json on marts.{mart}.",
            )
            for mart in suite_marts()
        ),
        AssetCheckSpec(
            name=ROW_COUNT_CHECK,
            asset="kpi_metrics",
            blocking=True,
            description="kpi_metrics has between (1 - band) and (1 + band) times the rows of the previous publish "
            "(dbt var publish_row_count_band); passes on the first publish.",
        ),
        AssetCheckSpec(
            name=FRESHNESS_CHECK,
            asset="kpi_metrics",
            description="Warns when a source's newest record is older than the dbt var freshness_hours.",
        ),
        AssetCheckSpec(
            name=GAPS_CHECK,
            asset="kpi_metrics",
            description="Warns when an ISO week between the first and the last week with contacts has none.",
        ),
    ],
    name="mart_quality_gate",
    can_subset=True,
)
def mart_quality_gate(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> Iterator[AssetCheckResult]:
    """Every GX suite and the row-count band, in one step (GX is imported once)."""
    selected = {key.name for key in context.selected_asset_check_keys}
    settings = warehouse.settings()
    with warehouse.connect() as connection:
        frames = {
            mart: connection.execute(f"select * from marts.{mart}").df()
            for mart in suite_marts()
            if f"gx_{mart}" in selected
        }
        kpi_rows = int(connection.execute("select count(*) from marts.kpi_metrics").fetchone()[0])
        newest = dict(
            connection.execute(
                "select source_system, as_of_at from intermediate.int_source_as_of where source_system <> 'all'"
            ).fetchall()
        )
        empty_weeks = weeks_without_contacts(connection)
    for mart, frame in frames.items():
        outcome = validate_dataframe(mart, frame)
        for failure in outcome.failures:
            context.log.error(f"gx_{mart} failed: {failure}")
        yield AssetCheckResult(
            asset_key=mart,
            check_name=f"gx_{mart}",
            passed=outcome.success,
            severity=AssetCheckSeverity.ERROR,
            metadata={
                "rows": len(frame),
                "expectations": outcome.evaluated,
                "failed_expectations": len(outcome.failures),
                "failures": outcome.failures,
            },
        )
    if ROW_COUNT_CHECK in selected:
        band = float(dbt_var("publish_row_count_band"))
        yield row_count_result(kpi_rows, previous_row_count(settings.manifest_path, "kpi_metrics"), band)
    if FRESHNESS_CHECK in selected:
        yield freshness_result(newest, datetime.now(UTC), float(dbt_var("freshness_hours")))
    if GAPS_CHECK in selected:
        yield AssetCheckResult(
            asset_key="kpi_metrics",
            check_name=GAPS_CHECK,
            passed=not empty_weeks,
            severity=AssetCheckSeverity.WARN,
            metadata={"weeks_without_contacts": empty_weeks},
        )
