"""Append-only raw ingestion: every record of a landed file is either staged in a raw table or quarantined.

A file is parsed by DuckDB into rows of (record_number, payload JSON, raw_text, parse_error). Each entity has a
list of validation rules (SQL conditions on the payload); the first rule a record breaks is its quarantine
reason. Files are identified by checksum, so a file landed twice (or renamed) is ingested once.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .appended import LogPortion, copy_portion, earlier_version, log_portion
from .compression import DecompressionError, compression_of, decompress_stream, extract_member, zip_members
from .encoding import is_utf8, transcode_to_utf8
from .personal_data import (
    HASH_SCHEME,
    PersonalDataKeyMismatch,
    enable_hashing,
    key_fingerprint,
    mask_personal_data,
    mask_sql,
)

RAW_SCHEMA = "raw"
# A timestamp later than the ingest clock plus this tolerance is quarantined as "in the future".
FUTURE_TOLERANCE = "interval 1 day"
# A compressed file or zip member may decompress to at most this (the dbt var max_uncompressed_bytes).
DEFAULT_MAX_UNCOMPRESSED_BYTES = 8 << 30
# An ISO-8601 timestamp ends with a time of day and its zone: Z or an offset such as +02:00 / -0500.
ZONE_SUFFIX = "'[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\\s*(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$'"


@dataclass(frozen=True)
class Rule:
    """A record breaking `condition` (SQL over `payload`) is quarantined with `reason`."""

    reason: str
    condition: str


@dataclass(frozen=True)
class Entity:
    """A raw table and the rules its records must pass."""

    name: str
    rules: tuple[Rule, ...] = ()
    # SQL over `payload` giving the record's event time, for the data window shown in asset metadata.
    event_time: str | None = None
    # SQL over `payload` identifying a record; a key repeated inside one file keeps its last row and
    # quarantines the earlier ones. None where repeats are versions (Zendesk tickets) or lines (queue_log).
    key: str | None = None
    # SQL over a payload giving it with customers' phone numbers and emails replaced by their hashes
    # (personal_data.hash_fields_sql); None where a record holds no personal data.
    hash_personal_data: Callable[[str], str] | None = None

    @property
    def table(self) -> str:
        return f"{RAW_SCHEMA}.{self.name}"

    def hashed_payload(self, payload: str = "payload") -> str:
        return self.hash_personal_data(payload) if self.hash_personal_data else payload


# A parser returns the SQL of a relation (record_number, payload, raw_text, parse_error) for one file.
Parser = Callable[[duckdb.DuckDBPyConnection, Path], str]
# A batch parser reads many files of one format in one DuckDB scan: the SQL of a relation (filename,
# record_number, payload, raw_text, parse_error) over the files it accepts, and the reason of each file it
# rejects whole (by its path as given).
BatchParser = Callable[[duckdb.DuckDBPyConnection, list[Path]], tuple[str, dict[str, str]]]


@dataclass(frozen=True)
class FileFormat:
    """One landing format: how to recognise it, which entity it fills and how to parse it."""

    name: str
    entity: Entity
    parser: Parser
    # The settings the file is read with (JSON), kept in the manifest where they are not fixed by the format alone
    # (a survey's question mapping): Source.is_stale tells when a later run must read the file again.
    read_with: str | None = None
    # Where set, new plain files of this format are staged together (FileBatch), one scan for many files.
    batch_parser: BatchParser | None = field(default=None, compare=False)
    # A growing log (appended.py): a grown version is read from where its earlier version's lines ended, and an
    # unterminated last line waits for its line terminator.
    appends: bool = False

    @property
    def batch_key(self) -> tuple[str, str, str | None]:
        return (self.name, self.entity.table, self.read_with)


@dataclass(frozen=True)
class Source:
    """A landing folder: the raw tables it fills and how to recognise the format of each of its files."""

    name: str
    entities: tuple[Entity, ...]
    detect_format: Callable[[duckdb.DuckDBPyConnection, Path], FileFormat]
    # Called with the source's landing folder before its files are ingested (to load settings the parsers use).
    prepare: Callable[[Path], None] | None = None
    # Given a file's landed name and the `read_with` it was ingested with: whether the current settings would read
    # it differently, so that it is read again (its earlier ingestion replaced).
    is_stale: Callable[[str, str | None], bool] | None = None


# The landed path (relative to its source folder, `archive.zip!member.csv` for a zip member) of the file being
# detected and parsed: a parser reads a readable copy, whose own path says nothing about where the file landed.
LANDED_PATH: ContextVar[str] = ContextVar("landed_path", default="")


def current_landed_path() -> str:
    """The landed path of the file being ingested, relative to its source folder (for file-name patterns)."""
    return LANDED_PATH.get()


class FileRejected(Exception):
    """The whole file cannot be read; it is quarantined as one record with this reason. `read_with`: the settings
    it was rejected under (FileFormat.read_with), where other settings could read it."""

    def __init__(self, reason: str, *, read_with: str | None = None) -> None:
        super().__init__(reason)
        self.read_with = read_with


@dataclass
class FileResult:
    source: str
    path: str
    checksum: str
    size_bytes: int
    format: str | None = None
    records_read: int = 0
    staged: int = 0
    quarantined: int = 0
    skipped: bool = False
    file_error: str | None = None
    encoding: str = "utf-8"
    compression: str | None = None
    read_with: str | None = None
    reprocessed: bool = False
    landed_name: str = ""  # relative to the source folder (`archive.zip!member.csv` for a zip member)
    ignored: bool = False  # matched by .supportkpi-ignore: not ingested, and an earlier ingestion removed
    portion: LogPortion | None = None  # the part of a growing log this load read (FileFormat.appends)
    quarantine_reasons: dict[str, int] = field(default_factory=dict)


def timestamps(*fields: str, optional: bool = False) -> tuple[Rule, ...]:
    """Rules for ISO-8601 timestamps with a zone: present (unless optional), parseable, not in the future."""
    rules: list[Rule] = []
    for name in fields:
        value = f"payload->>'{name}'"
        if not optional:
            rules.append(Rule(f"missing {name}", f"nullif(trim({value}), '') is null"))
        rules.append(
            Rule(
                f"unparseable timestamp in {name}",
                f"nullif(trim({value}), '') is not null and try_cast({value} as timestamptz) is null",
            )
        )
        rules.append(
            Rule(
                f"timestamp without zone in {name}",
                f"nullif(trim({value}), '') is not null and not regexp_matches(trim({value}), {ZONE_SUFFIX})",
            )
        )
        rules.append(
            Rule(
                f"{name} in the future",
                f"try_cast({value} as timestamptz) > now() + {FUTURE_TOLERANCE}",
            )
        )
    return tuple(rules)


def finite_number(expression: str) -> str:
    """SQL: the expression as a double, or null when it is not a finite number (DuckDB reads 'NaN' and 'inf')."""
    return f"(case when isfinite(try_cast({expression} as double)) then try_cast({expression} as double) end)"


def required(*fields: str) -> tuple[Rule, ...]:
    return tuple(Rule(f"missing {name}", f"nullif(trim(payload->>'{name}'), '') is null") for name in fields)


def in_range(name: str, low: float, high: float, *, integer: bool = False) -> Rule:
    value = f"nullif(trim(payload->>'{name}'), '')"
    number = finite_number(value)
    integer_check = f" or {number} <> floor({number})" if integer else ""
    return Rule(
        f"{name} out of range [{low:g}, {high:g}]",
        f"{value} is not null and ({number} is null or {number} < {low} or {number} > {high}{integer_check})",
    )


def non_negative(*fields: str) -> tuple[Rule, ...]:
    """Optional numbers (durations, counts) that must be numbers >= 0 when present."""
    rules = []
    for name in fields:
        value = f"nullif(trim(payload->>'{name}'), '')"
        rules.append(
            Rule(
                f"{name} not a non-negative number",
                f"{value} is not null and coalesce({finite_number(value)} < 0, true)",
            )
        )
    return tuple(rules)


def accepted_values(name: str, values: Iterable[str]) -> Rule:
    listed = ", ".join(f"'{value}'" for value in values)
    return Rule(f"unknown {name}", f"coalesce(payload->>'{name}', '') not in ({listed})")


def create_raw_tables(connection: duckdb.DuckDBPyConnection, entities: Iterable[Entity]) -> None:
    connection.execute(f"create schema if not exists {RAW_SCHEMA}")
    connection.execute(
        f"""
        create table if not exists {RAW_SCHEMA}.ingested_files (
            file_id integer primary key,
            source varchar not null,
            path varchar not null,
            checksum varchar not null,
            size_bytes bigint not null,
            format varchar,
            records_read bigint not null,
            staged bigint not null,
            quarantined bigint not null,
            quarantine_reasons json,
            file_error varchar,
            encoding varchar,
            ingested_at timestamptz not null default now()
        )
        """
    )
    connection.execute(f"alter table {RAW_SCHEMA}.ingested_files add column if not exists read_with varchar")
    # Each ingestion of a file is a load with an id that only grows (a re-read file keeps its file_id but is a new
    # load), and every load removed again is recorded: what incremental models need to see what changed since
    # their last build (docs/incremental-runs.md). Databases from before load ids number their loads by file_id.
    connection.execute(f"alter table {RAW_SCHEMA}.ingested_files add column if not exists load_id bigint")
    connection.execute(f"update {RAW_SCHEMA}.ingested_files set load_id = file_id where load_id is null")
    # The file's name relative to its source folder: the same when the landing folder moves.
    connection.execute(f"alter table {RAW_SCHEMA}.ingested_files add column if not exists landed_name varchar")
    # A growing log's loads (appended.py): the bytes read, the lines before their end, the checksum of the bytes
    # before their end, and the earlier load of the same file that a load continues.
    for column, column_type in LOG_PORTION_COLUMNS:
        connection.execute(
            f"alter table {RAW_SCHEMA}.ingested_files add column if not exists {column} {column_type}"
        )
    connection.execute(
        f"""
        create table if not exists {RAW_SCHEMA}.removed_loads (
            load_id bigint not null,
            file_id integer not null,
            source varchar not null,
            checksum varchar not null,
            reason varchar not null,
            removed_at timestamptz not null default now()
        )
        """
    )
    connection.execute(
        f"""
        create table if not exists {RAW_SCHEMA}.quarantine (
            file_id integer not null,
            source varchar not null,
            entity varchar,
            path varchar not null,
            record_number bigint,
            reason varchar not null,
            raw_text varchar
        )
        """
    )
    connection.execute(
        f"""
        create table if not exists {RAW_SCHEMA}.personal_data_hashing (
            raw_table varchar primary key,
            scheme varchar not null,
            key_fingerprint varchar not null,
            hashed_at timestamptz not null default now()
        )
        """
    )
    connection.execute(
        f"""
        create table if not exists {RAW_SCHEMA}.validated_files (
            entity varchar not null,
            file_id integer not null,
            suite_checksum varchar not null,
            validated_at timestamptz not null default now()
        )
        """
    )
    for entity in entities:
        connection.execute(
            f"""
            create table if not exists {entity.table} (
                file_id integer not null,
                record_number bigint not null,
                payload json not null
            )
            """
        )


LOG_PORTION_COLUMNS = (
    ("first_byte", "bigint"),
    ("end_byte", "bigint"),
    ("line_count", "bigint"),
    ("prefix_checksum", "varchar"),
    ("continues_file_id", "integer"),
)
MANIFEST_COLUMNS = (
    "file_id, source, path, checksum, size_bytes, format, records_read, staged, quarantined, quarantine_reasons, "
    "file_error, encoding, read_with, load_id, landed_name, " + ", ".join(column for column, _ in LOG_PORTION_COLUMNS)
)


def file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _already_ingested(connection: duckdb.DuckDBPyConnection, source: str, checksum: str) -> bool:
    row = connection.execute(
        f"select count(*) from {RAW_SCHEMA}.ingested_files where source = ? and checksum = ?",
        [source, checksum],
    ).fetchone()
    return bool(row and row[0])


def forget_file(
    connection: duckdb.DuckDBPyConnection, source: Source, checksum: str, reason: str = "re-read"
) -> int | None:
    """Remove an ingested file (its raw rows, quarantined records and manifest row) so it can be re-ingested
    under the current rules without doubling anything; the removed load is recorded in raw.removed_loads with
    `reason`. Returns its file_id (re-used, so that "the later file" keeps its meaning), or None when it had not
    been ingested."""
    # A growing log's load goes with the earlier loads it continues: together they hold the file's lines.
    rows = connection.execute(
        f"""
        with recursive chain(file_id, continues_file_id) as (
            select file_id, continues_file_id from {RAW_SCHEMA}.ingested_files where source = ? and checksum = ?
            union
            select earlier.file_id, earlier.continues_file_id
            from {RAW_SCHEMA}.ingested_files as earlier
            inner join chain on earlier.file_id = chain.continues_file_id
        )
        select distinct file_id from chain
        """,
        [source.name, checksum],
    ).fetchall()
    file_ids = [row[0] for row in rows]
    if not file_ids:
        return None
    connection.execute("begin transaction")
    try:
        connection.execute(
            f"""
            insert into {RAW_SCHEMA}.removed_loads (load_id, file_id, source, checksum, reason)
            select load_id, file_id, source, checksum, ? from {RAW_SCHEMA}.ingested_files
            where file_id in (select unnest(?))
            """,
            [reason, file_ids],
        )
        for entity in source.entities:
            connection.execute(f"delete from {entity.table} where file_id in (select unnest(?))", [file_ids])
        for table in ("quarantine", "validated_files", "ingested_files"):
            connection.execute(f"delete from {RAW_SCHEMA}.{table} where file_id in (select unnest(?))", [file_ids])
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    return min(file_ids)


def _next_load_id(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute(
        f"""
        select greatest(
            (select coalesce(max(load_id), 0) from {RAW_SCHEMA}.ingested_files),
            (select coalesce(max(load_id), 0) from {RAW_SCHEMA}.removed_loads)
        ) + 1
        """
    ).fetchone()
    return int(row[0]) if row else 1


def _next_file_id(connection: duckdb.DuckDBPyConnection) -> int:
    row = connection.execute(f"select coalesce(max(file_id), 0) + 1 from {RAW_SCHEMA}.ingested_files").fetchone()
    return int(row[0]) if row else 1


# `payload->>'name'` with a plain field name: the rules' usual form, each of which would parse the payload again.
_PAYLOAD_FIELD = re.compile(r"payload->>'([A-Za-z0-9_ ]+)'")


def _reasoned_records_sql(entity: Entity, columns: str, relation: str, per_file: bool = False) -> str:
    """SQL: `columns` of the parsed records and each one's quarantine reason (null: staged). The plain payload
    fields the rules read are extracted in one pass over each payload (json_extract_string of a list of paths)
    rather than once per mention."""
    reason = _reason_sql(entity, per_file)
    fields = sorted(set(_PAYLOAD_FIELD.findall(reason)))
    if not fields:
        return f"select {columns}, {reason} as reason from ({relation})"
    position = {name: index for index, name in enumerate(fields, start=1)}
    reason = _PAYLOAD_FIELD.sub(lambda match: f"payload_fields[{position[match.group(1)]}]", reason)
    paths = ", ".join(f"""'$."{name}"'""" for name in fields)
    return f"""
        select {columns}, {reason} as reason
        from (select *, json_extract_string(payload, [{paths}]) as payload_fields from ({relation}))
    """


def _reason_sql(entity: Entity, per_file: bool = False) -> str:
    cases = [f"when {rule.condition} then '{rule.reason}'" for rule in entity.rules]
    if entity.key:
        partition = f"file_id, {entity.key}" if per_file else entity.key
        cases.append(
            f"when payload is not null and row_number() over (partition by {partition} order by record_number desc)"
            " > 1 then 'duplicate id in file: a later record supersedes it'"
        )
    if not cases:
        return "parse_error"
    return f"coalesce(parse_error, case {' '.join(cases)} end)"


def _stage_parsed(
    connection: duckdb.DuckDBPyConnection,
    file_id: int,
    source: str,
    display_path: str,
    readable: Path,
    fmt: FileFormat,
    result: FileResult,
    lines_before: int = 0,
) -> None:
    relation_sql = fmt.parser(connection, readable)
    if lines_before:
        relation_sql = f"""
            select record_number + {int(lines_before)} as record_number, payload, raw_text, parse_error
            from ({relation_sql})
        """
    connection.execute(
        f"""
        create or replace temp table parsed_records as
        {_reasoned_records_sql(fmt.entity, "record_number, payload, raw_text", relation_sql)}
        """
    )
    # Personal data is hashed before a record is staged, and masked before it is quarantined.
    connection.execute(
        f"""
        insert into {fmt.entity.table}
        select ?, record_number, {fmt.entity.hashed_payload()}
        from parsed_records where reason is null order by record_number
        """,
        [file_id],
    )
    connection.execute(
        f"""
        insert into {RAW_SCHEMA}.quarantine
        select ?, ?, ?, ?, record_number, {mask_sql("reason")},
               {mask_sql("coalesce(raw_text, payload::varchar)")}
        from parsed_records where reason is not null order by record_number
        """,
        [file_id, source, fmt.entity.name, display_path],
    )
    counts = connection.execute(
        "select reason, count(*) from parsed_records group by all order by reason nulls first"
    ).fetchall()
    for reason, count in counts:
        _count_record(result, reason, count)
    connection.execute("drop table parsed_records")


@dataclass(frozen=True)
class LandedUnit:
    """One file to ingest: a landed file, or one member of a landed zip archive."""

    path: Path  # the landed file on disk
    landed_name: str  # relative to the source folder; `archive.zip!member.csv` for a member
    member: str | None = None

    @property
    def display_path(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)


def ingest_landed_file(
    connection: duckdb.DuckDBPyConnection,
    source: Source,
    path: Path,
    landed_name: str,
    *,
    reprocess: bool = False,
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
    is_ignored: Callable[[str], bool] = lambda landed_name: False,
    batch: FileBatch | None = None,
) -> list[FileResult]:
    """Ingest a landed file, or each member of a zip archive as a file of its own. With `reprocess`, an earlier
    ingestion of the same content is replaced (a backfill under the current rules). A file or member whose landed
    name `is_ignored` is not ingested, and an earlier ingestion of it is removed. With a `batch`, a plain file of
    a batchable format joins it (its result is complete once the batch is flushed); any other file is ingested
    on its own, after the batch's files (so file ids keep the landing order)."""
    if is_ignored(landed_name):
        return [_ignored(connection, source, LandedUnit(path, landed_name), file_checksum(path))]
    units = [LandedUnit(path, landed_name)]
    archive_error = None
    try:
        if compression_of(path) == "zip":
            members = zip_members(path)
            units = [LandedUnit(path, f"{landed_name}!{member}", member) for member in members]
            if not members:
                archive_error = "empty zip archive"
                units = [LandedUnit(path, landed_name)]
    except DecompressionError as error:
        archive_error = str(error)
    results = []
    for unit in units:
        checksum = _unit_checksum(unit)
        if unit.member is not None and is_ignored(unit.landed_name):
            results.append(_ignored(connection, source, unit, checksum))
            continue
        stale = not reprocess and _read_with_stale_settings(connection, source, unit, checksum)
        file_id = (
            forget_file(connection, source, checksum, reason="reprocessed" if reprocess else "read with new settings")
            if reprocess or stale
            else None
        )
        result = None
        detect_format = source.detect_format
        if batch is not None and archive_error is None:
            result = batch.add(source, unit, checksum, file_id)
            if result is None:
                batch.flush()
                detect_format = batch.detector(source)
        if result is None:
            result = ingest_file(
                connection, source.name, unit, detect_format, file_id, checksum=checksum,
                max_uncompressed_bytes=max_uncompressed_bytes, archive_error=archive_error,
            )  # fmt: skip
        result.reprocessed = file_id is not None
        results.append(result)
    return results


def _read_with_stale_settings(
    connection: duckdb.DuckDBPyConnection, source: Source, unit: LandedUnit, checksum: str
) -> bool:
    if source.is_stale is None:
        return False
    rows = connection.execute(
        f"select read_with from {RAW_SCHEMA}.ingested_files where source = ? and checksum = ?",
        [source.name, checksum],
    ).fetchall()
    return any(source.is_stale(unit.landed_name, read_with) for (read_with,) in rows)


def _ignored(connection: duckdb.DuckDBPyConnection, source: Source, unit: LandedUnit, checksum: str) -> FileResult:
    """An ignored file's loads are removed, and so are those of its earlier versions at the same path (a log that
    grew since, a re-exported file)."""
    earlier = connection.execute(
        f"""
        select distinct checksum from {RAW_SCHEMA}.ingested_files
        where source = ? and (path = ? or landed_name = ?) and checksum <> ?
        """,
        [source.name, unit.display_path, unit.landed_name, checksum],
    ).fetchall()
    for (version,) in earlier:
        forget_file(connection, source, version, reason="ignored")
    forget_file(connection, source, checksum, reason="ignored")
    return FileResult(
        source=source.name,
        path=unit.display_path,
        checksum=checksum,
        size_bytes=unit.path.stat().st_size,
        landed_name=unit.landed_name,
        skipped=True,
        ignored=True,
    )


def _unit_checksum(unit: LandedUnit) -> str:
    checksum = file_checksum(unit.path)
    if unit.member is None:
        return checksum
    return hashlib.sha256(f"{checksum}!{unit.member}".encode()).hexdigest()


def ingest_file(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    unit: LandedUnit | Path,
    detect_format: Callable[[duckdb.DuckDBPyConnection, Path], FileFormat],
    file_id: int | None = None,
    *,
    checksum: str | None = None,
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
    archive_error: str | None = None,
) -> FileResult:
    """Ingest one file in its own transaction: it is staged and quarantined whole, or not at all."""
    if isinstance(unit, Path):
        unit = LandedUnit(unit, unit.name)
    result = FileResult(
        source=source,
        path=unit.display_path,
        checksum=checksum or _unit_checksum(unit),
        size_bytes=unit.path.stat().st_size,
        landed_name=unit.landed_name,
    )
    if _already_ingested(connection, source, result.checksum):
        result.skipped = True
        return result
    landed_path_token = LANDED_PATH.set(unit.landed_name)
    connection.execute("begin transaction")
    try:
        file_id = file_id or _next_file_id(connection)
        with tempfile.TemporaryDirectory(prefix="supportkpi-") as scratch:
            readable: Path | None = None
            try:
                if archive_error:
                    raise FileRejected(archive_error)
                readable = _readable_copy(unit, Path(scratch), result, max_uncompressed_bytes)
                fmt = detect_format(connection, readable)
                result.format = fmt.name
                result.read_with = fmt.read_with
                lines_before = 0
                if fmt.appends and readable == unit.path:
                    readable, lines_before = _log_portion_to_read(connection, source, unit, fmt, result, scratch)
                if readable is not None:
                    _stage_parsed(
                        connection, file_id, source, unit.display_path, readable, fmt, result, lines_before
                    )
            except (FileRejected, DecompressionError, duckdb.Error, UnicodeDecodeError) as error:
                # The file as a whole is unreadable: quarantine it as one record and let the other files go on.
                connection.execute("rollback")
                connection.execute("begin transaction")
                result.read_with = getattr(error, "read_with", None)
                _reject_whole_file(connection, file_id, source, unit, readable, _short_reason(error), result)
        row = _manifest_row(file_id, result, _next_load_id(connection))
        connection.execute(
            f"insert into {RAW_SCHEMA}.ingested_files ({MANIFEST_COLUMNS}) values ({', '.join('?' for _ in row)})",
            row,
        )
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise
    finally:
        LANDED_PATH.reset(landed_path_token)
    return result


@dataclass
class _BatchedFile:
    unit: LandedUnit
    result: FileResult
    file_id: int | None  # the id of an earlier ingestion being replaced, else a new one when staged
    fmt: FileFormat


class FileBatch:
    """New plain files of one batchable format (FileFormat.batch_parser), staged together in one transaction: one
    DuckDB scan parses them all and each statement runs once for the batch, not once a file. The outcome per file
    is the same as ingesting each on its own: a file the batch parser rejects, or every file of a batch whose
    staging fails, is ingested on its own (and quarantined whole where it cannot be read)."""

    def __init__(
        self, connection: duckdb.DuckDBPyConnection, *, max_files: int = 256, max_bytes: int = 32 << 20
    ) -> None:
        self.connection = connection
        self.max_files = max_files
        self.max_bytes = max_bytes
        self.source: Source | None = None
        self.files: list[_BatchedFile] = []
        # The file add() last recognised but left to be read alone, and its format: not detected twice.
        self.recognised: tuple[Path, FileFormat] | None = None

    def add(self, source: Source, unit: LandedUnit, checksum: str, file_id: int | None) -> FileResult | None:
        """The file's result if it joined the batch (or was ingested before: skipped), None where it must be
        ingested on its own: a zip member, a compressed, empty or non-UTF-8 file, a format read file by file, a
        content already in the batch, or a file whose format cannot be told (its own ingestion says why)."""
        path = unit.path
        self.recognised = None
        result = FileResult(
            source=source.name, path=unit.display_path, checksum=checksum, size_bytes=path.stat().st_size,
            landed_name=unit.landed_name,
        )  # fmt: skip
        if any(batched.result.checksum == checksum for batched in self.files):
            return None
        if _already_ingested(self.connection, source.name, checksum):
            result.skipped = True
            return result
        if unit.member is not None or result.size_bytes == 0 or compression_of(path) is not None:
            return None
        token = LANDED_PATH.set(unit.landed_name)
        try:
            if not is_utf8(path):
                return None
            fmt = source.detect_format(self.connection, path)
        except (FileRejected, DecompressionError, duckdb.Error, UnicodeDecodeError, OSError):
            return None
        finally:
            LANDED_PATH.reset(token)
        if fmt.batch_parser is None:
            self.recognised = (path, fmt)
            return None
        if self.files and (self.source is not source or self.files[0].fmt.batch_key != fmt.batch_key):
            self.flush()
        self.source = source
        result.format = fmt.name
        result.read_with = fmt.read_with
        self.files.append(_BatchedFile(unit, result, file_id, fmt))
        if len(self.files) >= self.max_files or sum(f.result.size_bytes for f in self.files) >= self.max_bytes:
            self.flush()
        return result

    def flush(self) -> None:
        """Stage the batch's files; afterwards each result holds its file's counts."""
        files, source, self.files = self.files, self.source, []
        if not files or source is None:
            return
        fmt = files[0].fmt
        assert fmt.batch_parser is not None
        try:
            relation, rejected = fmt.batch_parser(self.connection, [batched.unit.path for batched in files])
        except duckdb.Error:
            relation, rejected = None, {str(batched.unit.path): "" for batched in files}
        accepted = [batched for batched in files if str(batched.unit.path) not in rejected]
        if accepted and relation is not None and not self._stage(source, fmt, accepted, relation):
            rejected.update({str(batched.unit.path): "" for batched in accepted})
        for batched in files:
            if str(batched.unit.path) in rejected:
                self._ingest_alone(source, batched)

    def detector(self, source: Source) -> Callable[[duckdb.DuckDBPyConnection, Path], FileFormat]:
        """The source's format detection, but the format add() recognised for the file it last left alone."""
        recognised = self.recognised

        def detect(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
            if recognised is not None and recognised[0] == path:
                return recognised[1]
            return source.detect_format(connection, path)

        return detect

    def _ingest_alone(self, source: Source, batched: _BatchedFile) -> None:
        alone = ingest_file(
            self.connection, source.name, batched.unit, lambda connection, path: batched.fmt, batched.file_id,
            checksum=batched.result.checksum,
        )  # fmt: skip
        reprocessed = batched.result.reprocessed
        vars(batched.result).update(vars(alone))
        batched.result.reprocessed = reprocessed

    def _stage(self, source: Source, fmt: FileFormat, files: list[_BatchedFile], relation: str) -> bool:
        connection = self.connection
        connection.execute("begin transaction")
        try:
            next_id = _next_file_id(connection)
            file_ids: list[int] = []
            for batched in files:
                if batched.file_id is None:
                    next_id += 1
                file_ids.append(batched.file_id or next_id - 1)
            connection.execute(
                "create or replace temp table batch_files (filename varchar, file_id integer, display_path varchar)"
            )
            _insert_rows(
                connection,
                "batch_files",
                [[str(b.unit.path), file_id, b.unit.display_path] for b, file_id in zip(files, file_ids, strict=True)],
            )
            connection.execute(
                f"""
                create or replace temp table parsed_records as
                {_reasoned_records_sql(
                    fmt.entity,
                    "file_id, display_path, record_number, payload, raw_text",
                    f"select * from ({relation}) as parsed inner join batch_files using (filename)",
                    per_file=True,
                )}
                """
            )
            connection.execute(
                f"""
                insert into {fmt.entity.table}
                select file_id, record_number, {fmt.entity.hashed_payload()}
                from parsed_records where reason is null order by file_id, record_number
                """
            )
            connection.execute(
                f"""
                insert into {RAW_SCHEMA}.quarantine
                select file_id, ?, ?, display_path, record_number, {mask_sql("reason")},
                       {mask_sql("coalesce(raw_text, payload::varchar)")}
                from parsed_records where reason is not null order by file_id, record_number
                """,
                [source.name, fmt.entity.name],
            )
            counts = connection.execute(
                "select file_id, reason, count(*) from parsed_records group by all order by file_id, reason nulls first"
            ).fetchall()
            by_id = {file_id: batched.result for batched, file_id in zip(files, file_ids, strict=True)}
            for file_id, reason, count in counts:
                _count_record(by_id[file_id], reason, count)
            load_id = _next_load_id(connection)
            _insert_rows(
                connection,
                f"{RAW_SCHEMA}.ingested_files ({MANIFEST_COLUMNS})",
                [
                    _manifest_row(file_id, batched.result, load_id + n)
                    for n, (batched, file_id) in enumerate(zip(files, file_ids, strict=True))
                ],
            )
            connection.execute("drop table parsed_records")
            connection.execute("drop table batch_files")
            connection.execute("commit")
            return True
        except duckdb.Error:
            connection.execute("rollback")
            for batched in files:
                batched.result.records_read = batched.result.staged = batched.result.quarantined = 0
                batched.result.quarantine_reasons = {}
            return False


def _insert_rows(connection: duckdb.DuckDBPyConnection, table: str, rows: list[list[object]]) -> None:
    """Insert rows in one statement (executemany runs one statement a row): each column bound as a list."""
    columns = list(zip(*rows, strict=True))
    selected = ", ".join("unnest(?)" for _ in columns)
    connection.execute(f"insert into {table} select {selected}", [list(column) for column in columns])


def _count_record(result: FileResult, reason: str | None, count: int) -> None:
    result.records_read += count
    if reason is None:
        result.staged += count
    else:
        result.quarantined += count
        masked = mask_personal_data(reason) or reason
        result.quarantine_reasons[masked] = result.quarantine_reasons.get(masked, 0) + count


def _manifest_row(file_id: int | None, result: FileResult, load_id: int) -> list[object]:
    """The values of a file's raw.ingested_files row (MANIFEST_COLUMNS)."""
    portion = result.portion
    return [
        file_id, result.source, result.path, result.checksum, result.size_bytes, result.format,
        result.records_read, result.staged, result.quarantined, json.dumps(result.quarantine_reasons, sort_keys=True),
        result.file_error, result.encoding, result.read_with, load_id,
        result.landed_name or None,
        *(
            (portion.start, portion.end, portion.line_count, portion.prefix_checksum, portion.continues_file_id)
            if portion is not None else (None,) * len(LOG_PORTION_COLUMNS)
        ),
    ]  # fmt: skip


def _log_portion_to_read(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    unit: LandedUnit,
    fmt: FileFormat,
    result: FileResult,
    scratch: str,
) -> tuple[Path | None, int]:
    """The file holding the part of a growing log to stage now (None: no new complete line) and the lines before
    it: the whole file, or what follows its earlier version's lines, less an unterminated last line."""
    earlier = earlier_version(connection, f"{RAW_SCHEMA}.ingested_files", source, unit.landed_name, fmt.name)
    portion = result.portion = log_portion(unit.path, earlier)
    if portion.whole_file:
        return unit.path, 0
    if portion.end <= portion.start:
        return None, portion.lines_before
    tail = copy_portion(unit.path, portion, _scratch_file(Path(scratch), "portion", unit.path.name))
    return tail, portion.lines_before


def _readable_copy(unit: LandedUnit, scratch: Path, result: FileResult, max_uncompressed_bytes: int) -> Path:
    """The file as plain UTF-8 text: a zip member or a gzip / bzip2 / xz file decompressed (recognised by its
    first bytes), empty files rejected, legacy encodings (Windows-1252) transcoded. A copy keeps the landed name
    (less a compression suffix) for the messages that name it."""
    path = unit.path
    if unit.member is not None:
        path = extract_member(
            unit.path, unit.member, _scratch_file(scratch, "member", unit.member), max_uncompressed_bytes
        )
        result.compression = "zip"
    elif result.size_bytes and (compression := compression_of(path)) is not None:
        if compression == "zip":
            raise FileRejected("a zip archive inside a zip archive is not read: land its members")
        inner_name = _without_compression_suffix(path.name)
        path = decompress_stream(
            path, compression, _scratch_file(scratch, "decompressed", inner_name), max_uncompressed_bytes
        )
        result.compression = compression
    if path.stat().st_size == 0:
        raise FileRejected("empty file")
    if result.compression and compression_of(path) is not None:
        raise FileRejected(f"{result.compression} file holding another compressed file: land it decompressed once")
    if is_utf8(path):
        return path
    result.encoding = "cp1252"
    return transcode_to_utf8(path, _scratch_file(scratch, "transcoded", path.name))


COMPRESSION_SUFFIXES = (".gz", ".gzip", ".bz2", ".xz")


def _without_compression_suffix(name: str) -> str:
    for suffix in COMPRESSION_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _scratch_file(scratch: Path, purpose: str, name: str) -> Path:
    folder = scratch / purpose
    folder.mkdir(exist_ok=True)
    return folder / (Path(name).name or purpose)


def _short_reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:300]


def _reject_whole_file(
    connection: duckdb.DuckDBPyConnection,
    file_id: int,
    source: str,
    unit: LandedUnit,
    readable: Path | None,
    reason: str,
    result: FileResult,
) -> None:
    reason = mask_personal_data(reason) or reason
    result.file_error = reason
    result.records_read = 1
    result.staged = 0
    result.quarantined = 1
    result.quarantine_reasons = {f"unreadable file: {reason}": 1}
    text_source = readable if readable is not None and unit.member is None else None
    if text_source is None and unit.member is None and result.compression is None:
        text_source = unit.path
    raw_text = ""
    if text_source is not None and text_source.exists():
        with text_source.open("rb") as handle:
            raw_text = mask_personal_data(handle.read(10_000).decode("utf-8", errors="replace")) or ""
    connection.execute(
        f"insert into {RAW_SCHEMA}.quarantine values (?, ?, null, ?, null, ?, ?)",
        [file_id, source, unit.display_path, f"unreadable file: {reason}", raw_text],
    )


def prepare_personal_data_hashing(connection: duckdb.DuckDBPyConnection, entities: Iterable[Entity], salt: str) -> None:
    """Hash personal data with this salt from now on. A raw table used before with another salt is refused
    (its customers' hashes would no longer match); one staged before ingestion hashed personal data (an
    upgrade) is hashed in place once, and the quarantine masked, so no clear value stays in the build database."""
    enable_hashing(connection, salt)
    fingerprint = key_fingerprint(salt)
    for table, rewrite in [(entity.table, entity.hashed_payload()) for entity in entities] + [
        (f"{RAW_SCHEMA}.quarantine", None)
    ]:
        row = connection.execute(
            f"select key_fingerprint from {RAW_SCHEMA}.personal_data_hashing where raw_table = ?", [table]
        ).fetchall()
        if row and row[0][0] != fingerprint:
            raise PersonalDataKeyMismatch(
                f"{table} was hashed with another SUPPORT_KPI_PII_SALT: restore the salt it was built with, or "
                "start a new SUPPORT_KPI_HOME (delete its build folder) to re-ingest everything with the new one"
            )
        if row:
            continue
        connection.execute("begin transaction")
        try:
            if rewrite is None:
                _mask_existing_quarantine(connection)
            elif rewrite != "payload":
                connection.execute(f"update {table} set payload = {rewrite}")
            connection.execute(
                f"insert into {RAW_SCHEMA}.personal_data_hashing (raw_table, scheme, key_fingerprint) values (?, ?, ?)",
                [table, HASH_SCHEME, fingerprint],
            )
            connection.execute("commit")
        except BaseException:
            connection.execute("rollback")
            raise


def _mask_existing_quarantine(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(
        f"update {RAW_SCHEMA}.quarantine set raw_text = {mask_sql('raw_text')}, reason = {mask_sql('reason')}"
    )
    connection.execute(
        f"update {RAW_SCHEMA}.ingested_files set file_error = {mask_sql('file_error')}, "
        f"quarantine_reasons = {mask_sql('quarantine_reasons::varchar')}::json"
    )


def export_quarantine(connection: duckdb.DuckDBPyConnection, quarantine_dir: Path) -> Path:
    """Write the whole quarantine table as CSV, so rejected records can be read without DuckDB."""
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    target = quarantine_dir / "quarantine.csv"
    tmp = target.with_suffix(".csv.tmp")
    connection.execute(
        f"""
        copy (
            select f.source, q.path as source_file, q.record_number, q.reason, q.raw_text, f.ingested_at
            from {RAW_SCHEMA}.quarantine q join {RAW_SCHEMA}.ingested_files f using (file_id)
            order by q.file_id, q.record_number
        ) to '{tmp}' (header, delimiter ',')
        """
    )
    tmp.replace(target)
    return target
