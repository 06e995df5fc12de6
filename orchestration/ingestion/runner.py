"""Ingest every new file of a source's landing folder, and summarise what happened for asset metadata."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from .core import (
    DEFAULT_MAX_UNCOMPRESSED_BYTES,
    RAW_SCHEMA,
    FileBatch,
    FileResult,
    Source,
    create_raw_tables,
    ingest_landed_file,
    prepare_personal_data_hashing,
)
from .landing import IGNORE_FILE, IgnoreRules, landed_files


@dataclass
class SourceSummary:
    source: str
    files: list[FileResult] = field(default_factory=list)
    raw_rows: dict[str, int] = field(default_factory=dict)
    window: tuple[str | None, str | None] = (None, None)
    reprocessed: int = 0
    ignored: list[str] = field(default_factory=list)  # landed paths matched by .supportkpi-ignore

    @property
    def ingested(self) -> list[FileResult]:
        return [result for result in self.files if not result.skipped]

    @property
    def records_read(self) -> int:
        return sum(result.records_read for result in self.ingested)

    @property
    def staged(self) -> int:
        return sum(result.staged for result in self.ingested)

    @property
    def quarantined(self) -> int:
        return sum(result.quarantined for result in self.ingested)

    @property
    def quarantine_reasons(self) -> dict[str, int]:
        reasons: Counter[str] = Counter()
        for result in self.ingested:
            reasons.update(result.quarantine_reasons)
        return dict(sorted(reasons.items()))

    @property
    def continued_files(self) -> list[str]:
        """Grown logs of which only what followed their earlier version was read."""
        return [result.landed_name for result in self.ingested if result.portion and result.portion.start > 0]

    @property
    def held_back(self) -> list[str]:
        """Growing logs whose unterminated last line waits for a later version."""
        return [
            f"{result.landed_name}: an unterminated last line ({result.portion.held_back_bytes} bytes) is staged "
            "once it is complete"
            for result in self.ingested
            if result.portion and result.portion.held_back_bytes
        ]

    @property
    def unreadable_files(self) -> list[str]:
        return [f"{Path(result.path).name}: {result.file_error}" for result in self.ingested if result.file_error]


def landed_on(path: Path) -> date:
    """The day a file landed: its modification date (UTC)."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


def ingest_source(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    folder: Path,
    reprocess: tuple[date, date] | None = None,
    *,
    pii_salt: str,
    ignore: IgnoreRules | None = None,
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
) -> SourceSummary:
    """Ingest the folder's new files (sub-folders and archive members included), hashing personal data with
    `pii_salt`. Files that landed within `reprocess` (first and last day, inclusive) are ingested again under the
    current rules, replacing their earlier ingestion (a backfill of that range). Files matched by `ignore` are
    not ingested, and what an earlier run staged from them is removed."""
    create_raw_tables(connection, source.entities)
    prepare_personal_data_hashing(connection, source.entities, pii_salt)
    if source.prepare is not None:
        source.prepare(folder)
    summary = SourceSummary(source.name)
    ignore = ignore or IgnoreRules()
    batch = FileBatch(connection)
    for path in landed_files(folder):
        reprocessing = bool(reprocess and reprocess[0] <= landed_on(path) <= reprocess[1])
        for result in ingest_landed_file(
            connection,
            source,
            path,
            path.relative_to(folder).as_posix(),
            reprocess=reprocessing,
            max_uncompressed_bytes=max_uncompressed_bytes,
            is_ignored=lambda landed_name: ignore.matches(f"{source.name}/{landed_name}") is not None,
            batch=batch,
        ):
            if result.ignored:
                summary.ignored.append(f"{source.name}/{result.landed_name}")
            else:
                summary.reprocessed += result.reprocessed
                summary.files.append(result)
    batch.flush()
    for entity in source.entities:
        row = connection.execute(f"select count(*) from {entity.table}").fetchone()
        summary.raw_rows[entity.table] = int(row[0]) if row else 0
    summary.window = _data_window(connection, source)
    return summary


def _data_window(connection: duckdb.DuckDBPyConnection, source: Source) -> tuple[str | None, str | None]:
    parts = [
        f"select try_cast({entity.event_time} as timestamptz) as event_time from {entity.table}"
        for entity in source.entities
        if entity.event_time
    ]
    if not parts:
        return (None, None)
    row = connection.execute(
        f"select min(event_time)::varchar, max(event_time)::varchar from ({' union all '.join(parts)})"
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def unbalanced_files(connection: duckdb.DuckDBPyConnection, source: Source) -> list[str]:
    """The audit of a source's raw batch: files whose records read differ from staged + quarantined, and a raw
    row total that differs from the staged total of the manifest. Empty when everything adds up."""
    problems = [
        f"{path}: read {read} != staged {staged} + quarantined {quarantined}"
        for path, read, staged, quarantined in connection.execute(
            f"select path, records_read, staged, quarantined from {RAW_SCHEMA}.ingested_files "
            "where source = ? and records_read <> staged + quarantined",
            [source.name],
        ).fetchall()
    ]
    staged_total = connection.execute(
        f"select coalesce(sum(staged), 0) from {RAW_SCHEMA}.ingested_files where source = ?", [source.name]
    ).fetchone()[0]
    raw_total = sum(
        connection.execute(f"select count(*) from {entity.table}").fetchone()[0] for entity in source.entities
    )
    if raw_total != staged_total:
        problems.append(f"raw tables hold {raw_total} rows but the manifest staged {staged_total}")
    return problems


def file_manifest(connection: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """The ingest manifest: one row per file ever ingested, with raw = staged + quarantined counts."""
    cursor = connection.execute(f"select * exclude (file_id) from {RAW_SCHEMA}.ingested_files order by file_id")
    columns = [description[0] for description in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@dataclass(frozen=True)
class BlockingFile:
    """A landed file that stops publication (SPEC 4.10): rejected whole, or too many of its records quarantined."""

    landed_path: str  # relative to the landing folder
    reason: str

    @property
    def message(self) -> str:
        return (
            f"{self.landed_path}: {self.reason} -- fix or re-export the file, or list it in "
            f"landing/{IGNORE_FILE} to publish without it"
        )


def blocking_files(
    connection: duckdb.DuckDBPyConnection, summary: SourceSummary, max_share: float, min_records: int
) -> list[BlockingFile]:
    """The files of this run's landing (ingested now or earlier, not ignored) that block publication."""
    landed = {result.checksum: f"{summary.source}/{result.landed_name}" for result in summary.files}
    if not landed:
        return []
    rows = connection.execute(
        f"""
        select checksum, file_error, records_read, quarantined, quarantine_reasons
        from {RAW_SCHEMA}.ingested_files
        where source = ? and checksum in (select unnest(?::varchar[]))
        order by path
        """,
        [summary.source, list(landed)],
    ).fetchall()
    blocking = []
    for checksum, file_error, records_read, quarantined, reasons in rows:
        if file_error:
            blocking.append(BlockingFile(landed[checksum], f"rejected whole: {file_error}"))
        elif records_read >= min_records and quarantined > max_share * records_read:
            top = Counter(json.loads(reasons or "{}")).most_common(3)
            listed = "; ".join(f"{reason} ({count})" for reason, count in top)
            blocking.append(
                BlockingFile(
                    landed[checksum],
                    f"{quarantined} of {records_read} records quarantined ({quarantined / records_read:.0%}, more "
                    f"than max_quarantined_share {max_share:.0%}): {listed}",
                )
            )
    return blocking
