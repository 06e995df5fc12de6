"""Ingestion assets: one asset per landing folder, materialized by one op so that only one process at a time
writes the DuckDB build database. New files are appended to raw tables; bad records are quarantined. Each raw
batch is then audited: the files balance (read = staged + quarantined) and pass their raw GX suites."""

from collections.abc import Iterator
from datetime import date

from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetSpec,
    Backoff,
    Config,
    Failure,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    multi_asset,
)
from pydantic import Field

from ..dbt_vars import dbt_var
from ..ingestion import ALL_SOURCES
from ..ingestion.core import export_quarantine
from ..ingestion.helpdesk import comment_event_warnings
from ..ingestion.landing import IGNORE_FILE, IgnoreRules, LandingError, check_landing
from ..ingestion.runner import BlockingFile, SourceSummary, blocking_files, ingest_source, unbalanced_files
from ..quality.raw_audit import audit_raw_batch, raw_suite
from ..quality.suites import check_result
from .resources import WarehouseResource

SOURCES_BY_ASSET = {f"raw_{source.name}": source for source in ALL_SOURCES}
# Per source: what its ingested files lack for some KPIs, though they were read (asset metadata `warnings`, printed
# by `supportkpi run` as warning lines), given the build database and the landing folder.
SOURCE_WARNINGS = {"helpdesk": comment_event_warnings}


class IngestionConfig(Config):
    """Leave empty for the nightly run. To backfill, set a range of landing days (files' modification dates, UTC):
    the files that landed then are ingested again under the current rules, replacing their earlier ingestion."""

    reprocess_from: str | None = Field(default=None, description="first landing day to reprocess, YYYY-MM-DD")
    reprocess_to: str | None = Field(default=None, description="last landing day to reprocess, YYYY-MM-DD")

    def reprocess_window(self) -> tuple[date, date] | None:
        if not self.reprocess_from and not self.reprocess_to:
            return None
        first = date.fromisoformat(self.reprocess_from or self.reprocess_to or "")
        last = date.fromisoformat(self.reprocess_to or self.reprocess_from or "")
        if last < first:
            raise ValueError(f"reprocess_to {last} is before reprocess_from {first}")
        return first, last


def ingestion_metadata(summary: SourceSummary) -> dict[str, object]:
    return {
        "files_seen": len(summary.files),
        "files_ingested": len(summary.ingested),
        "files_skipped_already_ingested": len(summary.files) - len(summary.ingested),
        "files_reprocessed": summary.reprocessed,
        "files_ignored": MetadataValue.json(summary.ignored),
        "files_continued": MetadataValue.json(summary.continued_files),
        "lines_held_back": MetadataValue.json(summary.held_back),
        "records_read": summary.records_read,
        "records_staged": summary.staged,
        "records_quarantined": summary.quarantined,
        "quarantine_reasons": MetadataValue.json(summary.quarantine_reasons),
        "unreadable_files": MetadataValue.json(summary.unreadable_files),
        "raw_rows": MetadataValue.json(summary.raw_rows),
        "data_window_start": summary.window[0] or "",
        "data_window_end": summary.window[1] or "",
    }


@multi_asset(
    specs=[
        AssetSpec(
            key=asset_name,
            group_name="ingestion",
            kinds={"duckdb", "python"},
            description=f"New files of landing/{source.name} appended to raw tables "
            f"({', '.join(entity.table for entity in source.entities)}); bad records quarantined with a reason.",
            skippable=True,
        )
        for asset_name, source in SOURCES_BY_ASSET.items()
    ],
    check_specs=[
        *(
            AssetCheckSpec(
                name="raw_equals_staged_plus_quarantined",
                asset=asset_name,
                blocking=True,
                description="Every file's records read = staged + quarantined, and the raw tables hold exactly the "
                "staged records of the ingest manifest (nothing lost, nothing doubled).",
            )
            for asset_name in SOURCES_BY_ASSET
        ),
        *(
            AssetCheckSpec(
                name="no_rejected_files",
                asset=asset_name,
                blocking=True,
                description="No landed file is rejected whole, and none has more than max_quarantined_share of its "
                f"records quarantined (files of at least max_quarantined_share_min_records records): such a file "
                f"blocks publication until it is fixed, re-exported or listed in landing/{IGNORE_FILE}.",
            )
            for asset_name in SOURCES_BY_ASSET
        ),
        *(
            AssetCheckSpec(
                name=raw_suite(entity).check_name,
                asset=asset_name,
                blocking=True,
                description=f"Great Expectations suite raw.{entity.name} on the files of {entity.table} not yet "
                "validated under it (a failed file stays in the batch until fixed).",
            )
            for asset_name, source in SOURCES_BY_ASSET.items()
            for entity in source.entities
        ),
    ],
    can_subset=True,
    name="ingest_landing",
    # A file still being copied or a locked build database are passing troubles: try again before failing.
    retry_policy=RetryPolicy(max_retries=2, delay=15, backoff=Backoff.EXPONENTIAL),
)
def ingestion_assets(
    context: AssetExecutionContext, config: IngestionConfig, warehouse: WarehouseResource
) -> Iterator[MaterializeResult]:
    settings = warehouse.settings()
    pii_salt = settings.resolved_pii_salt()
    reprocess = config.reprocess_window()
    selected = {key.to_user_string() for key in context.selected_asset_keys}
    try:
        check_landing(settings.landing, tuple(source.name for source in ALL_SOURCES))
    except LandingError as error:
        raise Failure(str(error), allow_retries=False) from error
    ignore = IgnoreRules.load(settings.landing)
    max_uncompressed_bytes = int(dbt_var("max_uncompressed_bytes"))
    with warehouse.connect() as connection:
        settings.record_pii_key(pii_salt)
        for asset_name, source in SOURCES_BY_ASSET.items():
            if asset_name not in selected:
                continue
            summary = ingest_source(
                connection,
                source,
                settings.landing_folder(source.name),
                reprocess,
                pii_salt=pii_salt,
                ignore=ignore,
                max_uncompressed_bytes=max_uncompressed_bytes,
            )
            for problem in summary.unreadable_files:
                context.log.warning(f"{source.name}: quarantined whole file {problem}")
            context.log.info(
                f"{source.name}: {len(summary.ingested)} new files, {summary.records_read} records, "
                f"{summary.staged} staged, {summary.quarantined} quarantined"
            )
            metadata = ingestion_metadata(summary)
            if source.name in SOURCE_WARNINGS:
                warnings = SOURCE_WARNINGS[source.name](connection, settings.landing)
                for warning in warnings:
                    context.log.warning(f"{source.name}: {warning}")
                metadata["warnings"] = MetadataValue.json(warnings)
            yield MaterializeResult(asset_key=asset_name, metadata=metadata)
            problems = unbalanced_files(connection, source)
            yield AssetCheckResult(
                asset_key=asset_name,
                check_name="raw_equals_staged_plus_quarantined",
                passed=not problems,
                metadata={"problems": problems, "files": len(summary.files)},
            )
            yield _rejected_files_check(asset_name, blocking_files(
                connection,
                summary,
                float(dbt_var("max_quarantined_share")),
                int(dbt_var("max_quarantined_share_min_records")),
            ))  # fmt: skip
            for entity in source.entities:
                audit = audit_raw_batch(connection, entity)
                for failure in audit.outcome.failures:
                    context.log.error(f"{audit.suite.check_name} failed on files {audit.file_ids}: {failure}")
                yield check_result(
                    asset_name,
                    audit.suite,
                    audit.outcome,
                    {"files_validated": len(audit.file_ids), "rows_validated": audit.rows},
                )
        export_quarantine(connection, settings.quarantine_dir)


def _rejected_files_check(asset_name: str, blocking: list[BlockingFile]) -> AssetCheckResult:
    return AssetCheckResult(
        asset_key=asset_name,
        check_name="no_rejected_files",
        passed=not blocking,
        metadata={"problems": [file.message for file in blocking], "files_blocking": len(blocking)},
    )
