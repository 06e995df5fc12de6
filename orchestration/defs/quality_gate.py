"""The quality gate on the marts: Great Expectations suites run as blocking Dagster asset checks.

Every mart suite and monitor suite (orchestration/quality/monitors.py) in one step, GX imported once. A critical
expectation that fails blocks publication in the same run; a warning one is shown only. A mart suite judges the
mart's rows that the published (already audited) version lacks, in chunks (orchestration/quality/audited.py).
"""

from collections.abc import Iterator

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSpec,
    Config,
    MetadataValue,
    multi_asset_check,
)
from duckdb import DuckDBPyConnection
from pydantic import Field

from ..quality.audited import attached_audited_version, frames, rows_to_validate, suite_fingerprint
from ..quality.monitors import GATE_ASSET, MONITOR_FRAMES, ROW_COUNT_MONITOR, mart_suites, monitor_suites, without_band
from ..quality.suites import Suite, SuiteOutcome, check_result, merge_outcomes, validate_dataframe
from .resources import WarehouseResource

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


def _validate_in_chunks(suite: Suite, connection: DuckDBPyConnection, query: str) -> tuple[SuiteOutcome, int]:
    outcomes, validated = [], 0
    for frame in frames(connection, query):
        outcomes.append(validate_dataframe(suite, frame))
        validated += len(frame)
    return merge_outcomes(outcomes), validated


def _log_failures(context: AssetCheckExecutionContext, suite: Suite, outcome: SuiteOutcome) -> None:
    for failure in outcome.failures:
        log = context.log.error if outcome.blocks else context.log.warning
        log(f"{suite.check_name} failed: {failure}")


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
        with attached_audited_version(connection, settings.published_database, settings.manifest_path) as audited:
            for mart, suite in marts.items():
                rows = rows_to_validate(connection, mart, suite, audited)
                outcome, validated = _validate_in_chunks(suite, connection, rows.query)
                _log_failures(context, suite, outcome)
                metadata = {"rows": rows.total_rows, "rows_validated": validated, "validated": rows.scope}
                yield check_result(mart, suite, outcome, {**metadata, "suite_fingerprint": suite_fingerprint(suite)})
        monitor_frames = {name: MONITOR_FRAMES[name](connection, settings) for name in monitors}
    if config.accept_row_count_change and ROW_COUNT_MONITOR in monitor_frames:
        context.log.warning("row counts accepted for this run (accept_row_count_change): no band applied")
        monitor_frames[ROW_COUNT_MONITOR] = without_band(monitor_frames[ROW_COUNT_MONITOR])
    for name, suite in monitors.items():
        frame = monitor_frames[name]
        outcome = validate_dataframe(suite, frame)
        _log_failures(context, suite, outcome)
        metadata: dict[str, object] = {
            "rows": len(frame),
            "frame": MetadataValue.json(frame.astype(str).to_dict(orient="records")[:200]),
        }
        if suite.name == ROW_COUNT_MONITOR:
            metadata["accepted_row_count_change"] = config.accept_row_count_change
        yield check_result(GATE_ASSET, suite, outcome, metadata)
