"""Freshdesk exports (SPEC 4.8b): API v2 JSON (tickets with `stats`, conversations, satisfaction ratings; JSON
arrays as the API returns them, or JSON Lines) and the UI ticket export (CSV, or the `.xls` download, which is
SpreadsheetML 2003 XML). Each is recognised by its content."""

from __future__ import annotations

import csv
import os
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import duckdb

from .core import FUTURE_TOLERANCE, Entity, FileFormat, FileRejected, Rule, required, timestamps
from .personal_data import email, hashing
from .readers import csv_records, sql_literal

# Nested stamps of a ticket's `stats` (ISO-8601 with a zone, or null).
STATS_STAMPS = ("first_responded_at", "agent_responded_at", "resolved_at", "closed_at", "reopened_at")


def _stats_rules() -> tuple[Rule, ...]:
    rules = []
    for name in STATS_STAMPS:
        value = f"nullif(trim(payload->'stats'->>'{name}'), '')"
        rules.append(
            Rule(
                f"unparseable timestamp in stats.{name}",
                f"{value} is not null and try_cast({value} as timestamptz) is null",
            )
        )
        rules.append(
            Rule(f"stats.{name} in the future", f"try_cast({value} as timestamptz) > now() + {FUTURE_TOLERANCE}")
        )
    return tuple(rules)


def _integer_code(name: str) -> Rule:
    value = f"nullif(trim(payload->>'{name}'), '')"
    return Rule(f"{name} is not a Freshdesk code", f"{value} is null or try_cast({value} as integer) is null")


FRESHDESK_TICKETS = Entity(
    "freshdesk_tickets",
    (*required("id"), *timestamps("created_at", "updated_at"), _integer_code("status"), *_stats_rules()),
    event_time="(payload->>'updated_at')::timestamptz",
    hash_personal_data=hashing(email("email"), email("requester", "email")),
)
FRESHDESK_CONVERSATIONS = Entity(
    "freshdesk_conversations",
    (*required("id", "ticket_id"), *timestamps("created_at")),
    event_time="(payload->>'created_at')::timestamptz",
    key="payload->>'id'",
    hash_personal_data=hashing(email("from_email"), email("support_email")),
)
# Rating codes of the default question: 103/102/101 satisfied, 100 neutral, -101/-102/-103 dissatisfied.
RATING_CODES = ("103", "102", "101", "100", "-101", "-102", "-103")
FRESHDESK_SATISFACTION_RATINGS = Entity(
    "freshdesk_satisfaction_ratings",
    (
        *required("id", "ticket_id"),
        *timestamps("created_at"),
        Rule(
            "ratings.default_question is not a Freshdesk rating code",
            "coalesce(trim(payload->'ratings'->>'default_question'), '') not in ("
            + ", ".join(f"'{code}'" for code in RATING_CODES)
            + ")",
        ),
    ),
    event_time="(payload->>'created_at')::timestamptz",
    key="payload->>'id'",
)


# The UI export's dates: `YYYY-MM-DD HH:MM:SS` in the exporting agent's zone, no offset (freshdesk_timezone).
def _export_date_rules(*columns: str, optional: bool) -> tuple[Rule, ...]:
    rules = []
    for column in columns:
        value = f"nullif(trim(payload->>'{column}'), '')"
        if not optional:
            rules.append(Rule(f"missing {column}", f"{value} is null"))
        rules.append(
            Rule(
                f"unparseable date in {column} (YYYY-MM-DD HH:MM:SS)",
                f"{value} is not null and try_strptime({value}, ['%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M']) is null",
            )
        )
    return tuple(rules)


EXPORT_DATE_COLUMNS = ("Resolved time", "Closed time", "Last update time", "Initial response time")
FRESHDESK_TICKET_EXPORTS = Entity(
    "freshdesk_ticket_exports",
    (
        *required("Ticket ID", "Status"),
        *_export_date_rules("Created time", optional=False),
        *_export_date_rules(*EXPORT_DATE_COLUMNS, optional=True),
    ),
    event_time="try_strptime(payload->>'Created time', '%Y-%m-%d %H:%M:%S')",
    key="payload->>'Ticket ID'",
    hash_personal_data=hashing(email("Email"), email("Requester email")),
)

FRESHDESK_ENTITIES = (
    FRESHDESK_TICKETS,
    FRESHDESK_CONVERSATIONS,
    FRESHDESK_SATISFACTION_RATINGS,
    FRESHDESK_TICKET_EXPORTS,
)

# What tells a Freshdesk API record apart (checked before Zendesk's, whose tickets also have requester_id/status).
API_RECORD_FIELDS = (
    ("satisfaction_ratings", FRESHDESK_SATISFACTION_RATINGS, frozenset({"ratings", "ticket_id"})),
    ("conversations", FRESHDESK_CONVERSATIONS, frozenset({"incoming", "private", "ticket_id"})),
    ("tickets", FRESHDESK_TICKETS, frozenset({"responder_id", "requester_id", "status"})),
    ("tickets", FRESHDESK_TICKETS, frozenset({"stats", "requester_id", "status"})),
)


def api_export(fields: set[str]) -> tuple[str, Entity] | None:
    """The Freshdesk API export whose records have these fields, if any."""
    for name, entity, needed in API_RECORD_FIELDS:
        if needed <= fields:
            return name, entity
    return None


def json_array(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
    """One JSON document whose root is an array of records (a Freshdesk API page)."""
    document = f"(select ltrim(content, chr(65279)) as content from read_text({sql_literal(str(path))}))"
    rows = connection.execute(
        f"select json_valid(content), json_type(try_cast(content as json)) from {document}"
    ).fetchall()
    if not rows or not rows[0][0]:
        raise FileRejected("unparseable JSON document (truncated or malformed)")
    if rows[0][1] != "ARRAY":
        raise FileRejected("JSON document is not an array of records")
    return f"""
        select unnest(range(1, len(records) + 1)) as record_number, unnest(records) as payload,
               null::varchar as raw_text, null::varchar as parse_error
        from (select from_json(content::json, '["json"]') as records from {document})
    """


def single_record(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
    """One JSON object that is itself the record (`GET /api/v2/tickets/{id}?include=stats`), however laid out."""
    document = f"(select ltrim(content, chr(65279)) as content from read_text({sql_literal(str(path))}))"
    return f"""
        select 1::bigint as record_number, content::json as payload, null::varchar as raw_text,
               null::varchar as parse_error
        from {document}
    """


def object_format(fields: set[str]) -> FileFormat | None:
    """A JSON document that is one Freshdesk API record (a ticket, a conversation, a rating), if it is one."""
    found = api_export(fields)
    if found is None:
        return None
    name, entity = found
    return FileFormat(f"freshdesk_{name}_record", entity, single_record)


def array_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    """A file whose root is a JSON array: a Freshdesk API page, recognised by its first record's fields."""
    rows = connection.execute(
        f"""select json_array_length(try_cast(ltrim(content, chr(65279)) as json)),
                   json_keys(try_cast(ltrim(content, chr(65279)) as json)->0)
            from read_text({sql_literal(str(path))})"""
    ).fetchall()
    if not rows or rows[0][0] is None:
        raise FileRejected("unparseable JSON document (truncated or malformed)")
    length, keys = rows[0]
    if length == 0:  # an empty page: nothing to stage, whatever it would have held
        return FileFormat("freshdesk_tickets_page", FRESHDESK_TICKETS, json_array)
    found = api_export(set(keys or []))
    if found is None:
        raise FileRejected(
            "unknown layout: a JSON array, neither a page of a Zendesk export nor JSON Lines, nor a Freshdesk "
            f"tickets, conversations or satisfaction ratings page (records with fields {sorted(keys or [])[:8]})"
        )
    name, entity = found
    return FileFormat(f"freshdesk_{name}_page", entity, json_array)


# ---- the UI ticket export (CSV or SpreadsheetML .xls)

EXPORT_HEADER = ("Ticket ID", "Created time")
# "Ticket ID" as Freshdesk writes it in other languages: such an export cannot be read (its columns are named in
# the agent's language).
LOCALISED_TICKET_ID = (
    "ticket-id",
    "id du ticket",
    "id del ticket",
    "id do ticket",
    "id ticket",
    "ticket-nr.",
    "チケットid",
    "工单id",
    "идентификатор тикета",
)
ENGLISH_REMEDY = (
    "a Freshdesk ticket export with non-English headers: export it again with the agent's language set to English"
)


def is_ticket_export(header: list[str]) -> bool:
    return all(column in header for column in EXPORT_HEADER)


def check_language(header: list[str]) -> None:
    """Rejects a Freshdesk export whose headers are in another language (its first column names the ticket id)."""
    if header and header[0].strip().lower() in LOCALISED_TICKET_ID:
        raise FileRejected(ENGLISH_REMEDY)


def export_csv_format() -> FileFormat:
    return FileFormat("freshdesk_ticket_export_csv", FRESHDESK_TICKET_EXPORTS, csv_records())


SPREADSHEET_NAMESPACE = "urn:schemas-microsoft-com:office:spreadsheet"


def is_spreadsheet_xml(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096).decode("utf-8", errors="replace").lstrip("\ufeff").lstrip()
    return head.startswith("<") and SPREADSHEET_NAMESPACE in head


def _spreadsheet_rows(path: Path):
    """The rows of the first worksheet of a SpreadsheetML 2003 file, as lists of cell texts (ss:Index honoured)."""
    row_tag = f"{{{SPREADSHEET_NAMESPACE}}}Row"
    cell_tag = f"{{{SPREADSHEET_NAMESPACE}}}Cell"
    data_tag = f"{{{SPREADSHEET_NAMESPACE}}}Data"
    index_attribute = f"{{{SPREADSHEET_NAMESPACE}}}Index"
    worksheet_tag = f"{{{SPREADSHEET_NAMESPACE}}}Worksheet"
    for _, element in ElementTree.iterparse(path, events=("end",)):
        if element.tag == row_tag:
            cells: list[str] = []
            for cell in element.iter(cell_tag):
                index = cell.get(index_attribute)
                if index is not None and index.isdigit():
                    cells.extend([""] * (int(index) - 1 - len(cells)))
                data = cell.find(data_tag)
                cells.append("".join(data.itertext()) if data is not None else "")
            yield cells
            element.clear()
        elif element.tag == worksheet_tag:
            return  # one worksheet: the export's


def spreadsheet_header(path: Path) -> list[str]:
    try:
        return [cell.strip() for cell in next(_spreadsheet_rows(path), [])]
    except ElementTree.ParseError as error:
        raise FileRejected(f"unreadable SpreadsheetML (.xls) file: {error}") from error


def _spreadsheet_records(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
    """SpreadsheetML rows written to a scratch CSV (the XML has to be walked once), then read by DuckDB."""
    descriptor, scratch = tempfile.mkstemp(prefix="freshdesk-export-", suffix=".csv")
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            try:
                for row in _spreadsheet_rows(path):
                    writer.writerow(row)
            except ElementTree.ParseError as error:
                raise FileRejected(f"unreadable SpreadsheetML (.xls) file: {error}") from error
        return csv_records()(connection, Path(scratch))  # materialised into temp tables before it returns
    finally:
        os.unlink(scratch)


def export_spreadsheet_format() -> FileFormat:
    return FileFormat("freshdesk_ticket_export_xls", FRESHDESK_TICKET_EXPORTS, _spreadsheet_records)


def spreadsheet_format(path: Path) -> FileFormat:
    header = spreadsheet_header(path)
    check_language(header)
    if not is_ticket_export(header):
        raise FileRejected(f"unknown layout: a spreadsheet with columns {header[:8]}, not a Freshdesk ticket export")
    return export_spreadsheet_format()
