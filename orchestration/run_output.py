"""What `supportkpi run` prints by default (a person at a terminal or a cron mail): one line per stage with its
elapsed time, a summary per source, the checks that warned or failed with their numbers and remedies. Everything
comes from the run's Dagster events; `--verbose` adds the full Dagster and dbt log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from dagster import DagsterEvent, DagsterEventType

from .alerts import failed_check_lines

# The steps of the pipeline job, by the stage a person knows them as.
STAGES = {
    "ingest_landing": "ingest",
    "support_kpi_dbt_models": "build",
    "mart_quality_gate": "checks",
    "published_warehouse": "publish",
}
STEP_OUTCOMES = {
    DagsterEventType.STEP_SUCCESS.value: "ok",
    DagsterEventType.STEP_FAILURE.value: "FAILED",
    DagsterEventType.STEP_SKIPPED.value: "skipped",
}


@dataclass
class Stage:
    name: str
    started: float | None = None
    ended: float | None = None
    outcome: str = "not run"

    def line(self) -> str:
        elapsed = f"{self.ended - self.started:7.1f} s" if self.started and self.ended else " " * 9
        return f"  {self.name:<8} {elapsed}  {self.outcome}"


def stage_lines(timed_events: Iterable[tuple[float, DagsterEvent]]) -> list[str]:
    """One line per stage: elapsed seconds and its outcome (ok, FAILED, skipped, not run)."""
    stages = {name: Stage(name) for name in STAGES.values()}
    for moment, event in timed_events:
        stage = stages.get(STAGES.get(event.step_key or "", ""))
        if stage is None:
            continue
        if event.event_type_value == DagsterEventType.STEP_START.value:
            stage.started = stage.started or moment
        elif event.event_type_value in STEP_OUTCOMES:
            stage.ended = moment
            stage.outcome = STEP_OUTCOMES[event.event_type_value]
    return [stage.line() for stage in stages.values()]


def _metadata_value(metadata: Mapping[str, Any], name: str, default: Any = None) -> Any:
    entry = metadata.get(name)
    return default if entry is None else entry.value


def source_summary_lines(events: Iterable[DagsterEvent]) -> list[str]:
    """Per source: files seen / new / skipped / ignored / rejected, records staged / quarantined with the three
    most frequent reasons, and the data window."""
    blocking: dict[str, int] = {}
    materialized: dict[str, Mapping[str, Any]] = {}
    for event in events:
        if event.event_type_value == DagsterEventType.ASSET_MATERIALIZATION.value:
            key = event.event_specific_data.materialization.asset_key.to_user_string()
            if key.startswith("raw_"):
                materialized[key.removeprefix("raw_")] = event.event_specific_data.materialization.metadata
        elif event.event_type_value == DagsterEventType.ASSET_CHECK_EVALUATION.value:
            evaluation = event.event_specific_data
            if evaluation.check_name == "no_rejected_files":
                source = evaluation.asset_key.to_user_string().removeprefix("raw_")
                blocking[source] = int(_metadata_value(evaluation.metadata, "files_blocking", 0))
    lines = []
    for source, metadata in materialized.items():
        lines.extend(_source_lines(source, metadata, blocking.get(source, 0)))
    return lines


def _source_lines(source: str, metadata: Mapping[str, Any], rejected: int) -> list[str]:
    def value(name: str, default: Any = 0) -> Any:
        return _metadata_value(metadata, name, default)

    ignored = value("files_ignored", [])
    lines = [
        f"  {source:<10} files: {value('files_seen')} seen, {value('files_ingested')} new, "
        f"{value('files_skipped_already_ingested')} skipped, {len(ignored)} ignored, "
        f"{rejected} rejected; records: {value('records_staged'):,} staged, "
        f"{value('records_quarantined'):,} quarantined"
    ]
    reasons = sorted((value("quarantine_reasons", {}) or {}).items(), key=lambda item: (-item[1], item[0]))
    for reason, count in reasons[:3]:
        lines.append(f"  {'':<10}   {count:>7,} x {reason}")
    for held_back in value("lines_held_back", []) or []:
        lines.append(f"  {'':<10} held back: {held_back}")
    start, end = value("data_window_start", ""), value("data_window_end", "")
    if start or end:
        lines.append(f"  {'':<10} data window: {start} .. {end}")
    return lines


# At most this many of a source's warnings are printed; the others are counted on one more line.
MAX_SOURCE_WARNINGS = 5


def warning_lines(events: Iterable[DagsterEvent]) -> list[str]:
    """The warnings of the ingestion assets (files read, but lacking what some KPIs need: metadata `warnings`),
    then the checks that did not pass but do not block (warning severity)."""
    lines = []
    events = list(events)
    for event in events:
        if event.event_type_value == DagsterEventType.ASSET_MATERIALIZATION.value:
            materialization = event.event_specific_data.materialization
            if materialization.asset_key.to_user_string().startswith("raw_"):
                lines.extend(_source_warning_lines(_metadata_value(materialization.metadata, "warnings", []) or []))
    for event in events:
        if event.event_type_value != DagsterEventType.ASSET_CHECK_EVALUATION.value:
            continue
        evaluation = event.event_specific_data
        if not evaluation.passed and evaluation.severity.value != "ERROR":
            lines.append(f"warning: {evaluation.asset_key.to_user_string()}: {evaluation.check_name}")
    return lines


def _source_warning_lines(warnings: list[str]) -> list[str]:
    lines = [f"warning: {warning}" for warning in warnings[:MAX_SOURCE_WARNINGS]]
    if len(warnings) > MAX_SOURCE_WARNINGS:
        lines.append(f"warning: ... and {len(warnings) - MAX_SOURCE_WARNINGS} more (see the run's log)")
    return lines


def failure_lines(events: list[DagsterEvent]) -> list[str]:
    """Each failed blocking check with its numbers (rejected files with their remedy), then each failed step."""
    lines = failed_check_lines(events)
    for event in events:
        if event.is_step_failure:
            error = event.step_failure_data.error if event.step_failure_data else None
            if error and "DagsterAssetCheckFailedError" in (error.cls_name or ""):
                continue  # already listed as its failed checks
            detail = error.message.strip().splitlines()[0][:300] if error and error.message else ""
            lines.append(f"failed step: {event.step_key} {detail}".rstrip())
    return lines or ["failed for an unknown reason"]
