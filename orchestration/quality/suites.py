"""Great Expectations suites as plain JSON files, validated against pandas dataframes.

Suites live in the GX file data context under expectations/ (expectations/gx/great_expectations.yml): the suite
named `<layer>.<name>` is the file expectations/gx/expectations/<layer>/<name>.json, in GX 1.x format (`name`,
`expectations` of `type`, `kwargs`, `meta`, `severity`; suite `meta`). They are validated in an ephemeral GX
context against dataframes (GX's SQL path against DuckDB is not reliable), so a run never writes into the context.

GX's own expectation `severity` decides what a failure does: "critical" (the default) fails the Dagster check with
ERROR severity, which blocks publication; "warning" or "info" fails it with WARN severity: shown, never blocking.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

from ..settings import EXPECTATIONS_DIR

GX_PROJECT_DIR = EXPECTATIONS_DIR / "gx"
SUITES_DIR = GX_PROJECT_DIR / "expectations"  # the expectations store of the file data context
BLOCKING_SEVERITY = "critical"


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    expectations: tuple[dict, ...]
    meta: Mapping[str, object]
    checksum: str

    @property
    def layer(self) -> str:
        return self.path.parent.name

    @property
    def gx_name(self) -> str:
        """The suite's name in the GX file data context."""
        return f"{self.layer}.{self.name}"

    @property
    def check_name(self) -> str:
        return f"gx_raw_{self.name}" if self.layer == "raw" else f"gx_{self.name}"

    def with_expectations(self, extra: Iterable[dict]) -> Suite:
        return Suite(self.name, self.path, (*self.expectations, *extra), self.meta, self.checksum)


def load_suite(path: Path) -> Suite:
    text = path.read_text()
    document = json.loads(text)
    return Suite(
        name=path.stem,
        path=path,
        expectations=tuple(document["expectations"]),
        meta=document.get("meta") or {},
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


def suites_in(layer: str) -> dict[str, Suite]:
    """The suites of one layer (marts, raw, monitors), by name."""
    return {path.stem: load_suite(path) for path in sorted((SUITES_DIR / layer).glob("*.json"))}


@dataclass(frozen=True)
class SuiteOutcome:
    success: bool
    evaluated: int
    failures: list[dict[str, object]]

    @property
    def blocks(self) -> bool:
        return any(failure["severity"] == BLOCKING_SEVERITY for failure in self.failures)

    @property
    def severity(self) -> AssetCheckSeverity:
        return AssetCheckSeverity.ERROR if self.blocks or self.success else AssetCheckSeverity.WARN


def _offending_rows(frame: pd.DataFrame, item, limit: int = 5) -> list[dict[str, str]]:
    """Up to `limit` rows of the frame that broke the expectation, as text: they name what failed (a source, a
    ticket id) where GX's own examples show only the offending values."""
    index = [position for position in item.result.get("partial_unexpected_index_list") or [] if position in frame.index]
    return [
        {column: str(value) for column, value in row.items()} for row in frame.loc[index[:limit]].to_dict("records")
    ]


def _error_message(exception_info: object) -> str | None:
    """Why GX could not evaluate an expectation (a missing column, a bad kwarg): its exception info is either one
    record or a record per metric."""
    if not isinstance(exception_info, dict):
        return None
    records = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    messages = [
        str(record.get("exception_message"))
        for record in records
        if isinstance(record, dict) and record.get("raised_exception")
    ]
    return "; ".join(messages)[:500] or None


def _failure(item, frame: pd.DataFrame) -> dict[str, object]:
    kwargs = item.expectation_config.kwargs
    meta = item.expectation_config.meta or {}
    return {
        "expectation": item.expectation_config.type,
        "column": kwargs.get("column") or kwargs.get("column_list") or [kwargs.get("column_A"), kwargs.get("column_B")],
        "condition": str(kwargs["row_condition"]) if kwargs.get("row_condition") else None,
        "severity": str(getattr(item.expectation_config.severity, "value", item.expectation_config.severity)),
        "unexpected_count": item.result.get("unexpected_count"),
        "examples": _offending_rows(frame, item),
        **({"why": meta["why"]} if "why" in meta else {}),
        **({"error": error} if (error := _error_message(item.exception_info)) else {}),
    }


@cache
def _context():
    """One ephemeral GX context per process (GX is slow to import and to set up)."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # they would flood the run logs
    return context


def validate_dataframe(suite: Suite, frame: pd.DataFrame) -> SuiteOutcome:
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    gx_suite = gx.ExpectationSuite(name=suite.name)
    for expectation in suite.expectations:
        gx_suite.add_expectation_configuration(
            ExpectationConfiguration(
                type=expectation["type"],
                kwargs=expectation["kwargs"],
                meta=expectation.get("meta") or {},
                severity=expectation.get("severity", BLOCKING_SEVERITY),
            )
        )
    batch = (
        _context()
        .data_sources.add_or_update_pandas(suite.name)
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    result = batch.validate(gx_suite, result_format="SUMMARY")
    failures = [_failure(item, frame) for item in result.results if not item.success]
    return SuiteOutcome(success=bool(result.success), evaluated=len(result.results), failures=failures)


def _same_expectation(failure: dict[str, object]) -> str:
    return json.dumps([failure["expectation"], failure["column"], failure["condition"]], default=str)


def merge_outcomes(outcomes: Iterable[SuiteOutcome], examples: int = 5) -> SuiteOutcome:
    """One suite's outcome over the chunks of one table: an expectation fails when it failed on any chunk, its
    unexpected rows summed and its examples taken from the first chunks that had some."""
    merged: dict[str, dict[str, object]] = {}
    success, evaluated = True, 0
    for outcome in outcomes:
        success, evaluated = success and outcome.success, max(evaluated, outcome.evaluated)
        for failure in outcome.failures:
            key = _same_expectation(failure)
            if key not in merged:
                merged[key] = dict(failure)
                continue
            kept = merged[key]
            if failure["unexpected_count"] is not None:  # None for an expectation about the columns
                kept["unexpected_count"] = int(kept["unexpected_count"] or 0) + int(failure["unexpected_count"])
            kept["examples"] = [*kept["examples"], *failure["examples"]][:examples]  # type: ignore[misc]
    return SuiteOutcome(success=success, evaluated=evaluated, failures=list(merged.values()))


def check_result(
    asset_key: str,
    suite: Suite,
    outcome: SuiteOutcome,
    metadata: Mapping[str, object] | None = None,
) -> AssetCheckResult:
    """The Dagster check result of one suite: failed with ERROR severity (blocking) when a critical expectation
    failed; failed with WARN severity when only warning or info expectations did."""
    return AssetCheckResult(
        asset_key=asset_key,
        check_name=suite.check_name,
        passed=outcome.success,
        severity=outcome.severity,
        metadata={
            "suite": suite.gx_name,
            "suite_file": str(suite.path.relative_to(EXPECTATIONS_DIR.parent)),
            "expectations": outcome.evaluated,
            "failed_expectations": len(outcome.failures),
            "failures": MetadataValue.json(outcome.failures),
            **(metadata or {}),
        },
    )
