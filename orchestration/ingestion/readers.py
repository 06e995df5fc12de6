"""DuckDB readers for the landing formats. Each returns the SQL of a relation
(record_number, payload JSON, raw_text, parse_error) so that parsing stays inside DuckDB."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

from .core import BatchParser, FileRejected, Parser


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def text_lines_sql(path: Path) -> str:
    """Lines of a text file with their 1-based line numbers; a CR before the LF is dropped, blank lines are kept."""
    return f"""
        select line_number, rtrim(line, chr(13)) as line
        from (
            select unnest(range(1, len(lines) + 1)) as line_number, unnest(lines) as line
            from (
                select string_split(regexp_replace(ltrim(content, chr(65279)), '\\r?\\n$', ''), chr(10)) as lines
                from read_text({sql_literal(str(path))})
            )
        )
    """


def json_document(key: str) -> Parser:
    """One JSON document holding an array of records under `key` (a page of a Zendesk export)."""

    def parse(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
        document = f"(select ltrim(content, chr(65279)) as content from read_text({sql_literal(str(path))}))"
        row = connection.execute(
            f"select json_valid(content), json_type(try_cast(content as json)->'{key}') from {document}"
        ).fetchone()
        if not row or not row[0]:
            raise FileRejected("unparseable JSON document (truncated or malformed)")
        if row[1] != "ARRAY":
            raise FileRejected(f"JSON document has no '{key}' array")
        return f"""
            select unnest(range(1, len(records) + 1)) as record_number, unnest(records) as payload,
                   null::varchar as raw_text, null::varchar as parse_error
            from (select from_json(content::json->'{key}', '["json"]') as records from {document})
        """

    return parse


def json_documents(key: str) -> BatchParser:
    """Many pages of one export in one scan (as json_document reads one): a file that is not a JSON document with
    a `key` array is handed back as rejected, to be read (and quarantined whole) on its own."""

    def parse(connection: duckdb.DuckDBPyConnection, paths: list[Path]) -> tuple[str, dict[str, str]]:
        listing = "[" + ", ".join(sql_literal(str(path)) for path in paths) + "]"
        documents = f"(select filename, ltrim(content, chr(65279)) as content from read_text({listing}))"
        rows = connection.execute(
            f"""
            select filename, json_valid(content) and json_type(try_cast(content as json)->'{key}') = 'ARRAY'
            from {documents}
            """
        ).fetchall()
        reason = "not a JSON document with its records array"
        rejected = {filename: reason for filename, readable in rows if not readable}
        relation = f"""
            select filename, unnest(range(1, len(records) + 1)) as record_number, unnest(records) as payload,
                   null::varchar as raw_text, null::varchar as parse_error
            from (
                select filename, from_json(content::json->'{key}', '["json"]') as records
                from {documents}
                where json_valid(content) and json_type(try_cast(content as json)->'{key}') = 'ARRAY'
            )
        """
        return relation, rejected

    return parse


def json_single_record(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
    """One JSON document that is itself the record (a single object an API returns), as record 1."""
    document = f"(select ltrim(content, chr(65279)) as content from read_text({sql_literal(str(path))}))"
    rows = connection.execute(
        f"select json_valid(content), json_type(try_cast(content as json)) from {document}"
    ).fetchall()
    if not rows or not rows[0][0]:
        raise FileRejected("unparseable JSON document (truncated or malformed)")
    if rows[0][1] != "OBJECT":
        raise FileRejected("JSON document is not an object")
    return f"""
        select 1::bigint as record_number, content::json as payload,
               null::varchar as raw_text, null::varchar as parse_error
        from {document}
    """


def json_lines(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
    """JSON Lines: one record per non-blank line; an unparseable line is quarantined on its own."""
    return f"""
        select line_number as record_number,
               case when json_valid(line) and json_type(line::json) = 'OBJECT' then line::json end as payload,
               line as raw_text,
               case when not json_valid(line) then 'unparseable JSON line'
                    when json_type(line::json) <> 'OBJECT' then 'JSON line is not an object' end as parse_error
        from ({text_lines_sql(path)})
        where trim(line) <> ''
    """


QUEUE_LOG_FIELDS = ("epoch", "callid", "queuename", "agent", "event")


def queue_log(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
    """Asterisk queue_log: `epoch|callid|queuename|agent|event|data1|...`, any number of data fields."""
    named = ", ".join(f"'{name}', fields[{index}]" for index, name in enumerate(QUEUE_LOG_FIELDS, start=1))
    return f"""
        select line_number as record_number,
               case when parse_error is null
                    then json_object({named}, 'data', fields[6:]) end as payload,
               line as raw_text,
               parse_error
        from (
            select line_number, line, fields,
                   case when len(fields) < 5 then 'queue_log line with fewer than 5 fields'
                        when try_cast(fields[1] as bigint) is null then 'unparseable epoch'
                        when trim(fields[5]) = '' then 'missing event' end as parse_error
            from (select line_number, line, string_split(line, '|') as fields from ({text_lines_sql(path)}))
            where trim(line) <> ''
        )
    """


CSV_DELIMITERS = (",", ";", "\t", "|")


def csv_delimiter(path: Path) -> str:
    """The delimiter of a CSV export, from its header line (a bad data line cannot mislead it)."""
    header = first_line(path)
    unquoted = "".join(part for index, part in enumerate(header.split('"')) if index % 2 == 0)
    return max(CSV_DELIMITERS, key=unquoted.count)


def _csv_options(path: Path, column_names: list[str] | None = None) -> str:
    header = "true"
    if column_names is not None:
        header = "false, names = [" + ", ".join(sql_literal(name) for name in column_names) + "]"
    return f"""{sql_literal(str(path))}, header = {header}, all_varchar = true, auto_detect = true,
               delim = {sql_literal(csv_delimiter(path))},
               strict_mode = true, max_line_size = {HEADER_LIMIT_BYTES},
               store_rejects = true, rejects_table = 'csv_reject_errors',
               rejects_scan = 'csv_reject_scans'"""


def csv_records(skip_data_rows: int = 0, column_names: list[str] | None = None) -> Parser:
    """A CSV file with a header row; malformed lines are quarantined with DuckDB's own reject reasons.

    Records are numbered by their position among the file's data rows, rejected ones included, so a bad line
    takes its own number and the good rows around it keep theirs. `skip_data_rows` drops extra header rows that
    follow the first one (Qualtrics has two). With `column_names` the file's first line is not a header: every
    line is a data row, its fields named by position (a SurveyMonkey export, whose headings the caller reads)."""
    header_lines = 0 if column_names is not None else 1

    def parse(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
        connection.execute("drop table if exists csv_reject_errors")
        connection.execute("drop table if exists csv_reject_scans")
        connection.execute(
            f"""
            create or replace temp table csv_rows as
            select row_number() over () as kept_row, to_json(t) as payload
            from read_csv({_csv_options(path, column_names)}) t
            """
        )
        connection.execute(
            f"""
            create or replace temp table csv_rejects as
            select line - {header_lines} as data_row, csv_line as raw_text,
                   'malformed CSV line: ' || lower(error_type) || ' (' || error_message || ')' as parse_error
            from csv_reject_errors
            """
        )
        # The rows DuckDB kept fill, in order, the data-row positions the rejected lines do not take.
        connection.execute(
            """
            create or replace temp table csv_slots as
            select row_number() over (order by position) as kept_row, position as data_row
            from range(
                1,
                greatest(
                    (select count(*) from csv_rows) + (select count(*) from csv_rejects),
                    (select coalesce(max(data_row), 0) from csv_rejects)
                )::bigint + 1
            ) as slots(position)
            where position not in (select data_row from csv_rejects)
            """
        )
        return f"""
            select csv_slots.data_row - {skip_data_rows} as record_number, csv_rows.payload,
                   null::varchar as raw_text, null::varchar as parse_error
            from csv_rows inner join csv_slots using (kept_row)
            where csv_slots.data_row > {skip_data_rows}
            union all
            select data_row - {skip_data_rows}, null::json, raw_text, parse_error from csv_rejects
        """

    return parse


# A header line may be long: a Qualtrics export of thousands of columns (the max_record_bytes default).
HEADER_LIMIT_BYTES = 16 << 20


def first_line(path: Path, limit: int = HEADER_LIMIT_BYTES) -> str:
    with path.open("rb") as handle:
        return handle.readline(limit).decode("utf-8", errors="replace").lstrip("\ufeff").strip()


def csv_header(path: Path) -> list[str]:
    """Column names from the header line, split on the export's delimiter (quotes and a UTF-8 BOM handled)."""
    line = first_line(path)
    if not line:
        return []
    return [column.strip() for column in next(csv.reader([line], delimiter=csv_delimiter(path)))]


def json_document_keys(connection: duckdb.DuckDBPyConnection, path: Path) -> list[str]:
    """Top-level keys of a JSON document; raises FileRejected when it is not a JSON object."""
    row = connection.execute(
        f"select json_keys(try_cast(ltrim(content, chr(65279)) as json)) from read_text({sql_literal(str(path))})"
    ).fetchone()
    if not row or row[0] is None:
        raise FileRejected("unparseable JSON document (truncated or malformed)")
    return list(row[0])
