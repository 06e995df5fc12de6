"""SurveyMonkey (SPEC 4.8b): the CSV export (two header rows) and API v3 bulk responses read with the survey's
details (`GET /v3/surveys/{id}/details`), both landed in surveys/.

Questions are named in reference/surveys.csv rows with `source = surveymonkey` (by heading text, compared trimmed
and case-insensitive; API questions also by id). There are no default questions: an export that no such row maps
is rejected whole with a reason that says to add the row, and read again once it exists (its read_with changes).
API responses of a survey whose details have not landed are quarantined, and read again when the details arrive:
a file's read_with names the checksum of the details it was read with. As for Qualtrics, each staged response
carries under `_read_as` the scores and fields the mapping gave."""

from __future__ import annotations

import hashlib
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from .compression import compression_of
from .core import (
    FUTURE_TOLERANCE,
    Entity,
    FileFormat,
    FileRejected,
    Parser,
    Rule,
    current_landed_path,
    required,
    timestamps,
)
from .landing import IgnoreRules, landed_files
from .personal_data import email, hashing
from .readers import csv_records, first_line, json_document, json_document_keys, json_lines, sql_literal
from .survey_mappings import READ_AS, SurveyMapping, answer_score, answer_text, csat_labels, find_mapping, header_rows

SOURCE = "surveymonkey"
CSV_COLUMNS = ("Respondent ID", "Collector ID", "Start Date", "End Date")
# End Date is naive local time: `03/03/2026 10:15:42 AM` (the web export) or ISO `2026-03-03 10:15:42`.
END_DATE_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S")
REMEDY = (
    "add a row with source=surveymonkey to reference/surveys.csv naming its nps_question and csat_question by "
    "heading text (it is read again at the next run)"
)
DETAILS_MISSING = (
    "survey details not landed: land GET /v3/surveys/{id}/details in surveys/ (the responses are read again "
    "when they arrive)"
)
# A details document is small; larger JSON files are response pages, never opened to look for details.
MAX_DETAILS_BYTES = 8 << 20


def is_surveymonkey_csv(header: list[str]) -> bool:
    return tuple(header[: len(CSV_COLUMNS)]) == CSV_COLUMNS


def _same_heading(left: str, right: str) -> bool:
    return " ".join(left.split()).casefold() == " ".join(right.split()).casefold()


def _unmapped(match: str, read_with: str) -> FileRejected:
    return FileRejected(f"SurveyMonkey export not mapped ({match}): {REMEDY}", read_with=read_with)


def _missing_question(mapping: SurveyMapping, role: str, question: str, read_with: str) -> FileRejected:
    return FileRejected(
        f"{mapping.label} names {role} {question!r}, but the survey has no question with that heading"
        f"{' or id' if role in ('nps_question', 'csat_question') else ''}: fix reference/surveys.csv (headings "
        "are compared trimmed and case-insensitive)",
        read_with=read_with,
    )


def _read_as_sql(fields: dict[str, str]) -> str:
    return "json_object(" + ", ".join(f"'{name}', {expression}" for name, expression in fields.items()) + ")"


def _with_read_as(rows: Parser, read_as: str) -> Parser:
    def parse(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
        return f"""
            select record_number,
                   case when payload is not null
                        then json_merge_patch(payload, json_object('{READ_AS}', {read_as})) end as payload,
                   raw_text, parse_error
            from ({rows(connection, path)})
        """

    return parse


def _score_rules(nps: bool, csat: bool) -> tuple[Rule, ...]:
    """The score rules of a reading: an answer that is no score, a score off its scale (under `_read_as`)."""
    read_as = f"payload->'{READ_AS}'"
    rules = []
    if nps:
        rules += [
            Rule("nps_question answer is not a score on 0-10",
                 f"({read_as}->>'nps_given')::boolean and ({read_as}->>'nps_score') is null"),
            Rule("nps_question out of range [0, 10]",
                 f"try_cast({read_as}->>'nps_score' as integer) not between 0 and 10"),
        ]  # fmt: skip
    if csat:
        rules += [
            Rule("csat_question answer is not a score on the CSAT scale (1 to csat_scale_max)",
                 f"({read_as}->>'csat_given')::boolean and ({read_as}->>'csat_score') is null"),
            Rule("csat_question out of range [1, csat_scale_max]",
                 f"try_cast({read_as}->>'csat_score' as integer) not between 1 and "
                 f"try_cast({read_as}->>'csat_scale_max' as integer)"),
        ]  # fmt: skip
    return tuple(rules)


# ---- the CSV export


@dataclass(frozen=True)
class ExportColumn:
    name: str  # unique payload key: the heading, or `heading | label` for a column of a multi-column question
    heading: str  # the heading of the question the column belongs to (row 1, carried over its empty cells)
    label: str  # row 2: Response, Open-Ended Response or a choice / row label


def export_columns(headings: list[str], labels: list[str]) -> list[ExportColumn]:
    """The columns of an export: a multi-column question (matrix, several choices, "Other (please specify)") has
    its heading over its first column only; its columns are named `heading | label`."""
    spans: list[list[int]] = []
    for position, heading in enumerate(headings):
        if heading or not spans:
            spans.append([position])
        else:
            spans[-1].append(position)
    columns: dict[int, ExportColumn] = {}
    used: set[str] = set()
    for span in spans:
        heading = headings[span[0]] or f"column {span[0] + 1}"
        for position in span:
            label = labels[position] if position < len(labels) else ""
            name = heading if len(span) == 1 else f"{heading} | {label or position + 1}"
            unique, count = name, 1
            while unique in used:
                count += 1
                unique = f"{name} ({count})"
            used.add(unique)
            columns[position] = ExportColumn(unique, heading, label)
    return [columns[position] for position in sorted(columns)]


def _question_column(columns: list[ExportColumn], question: str, preferred: str) -> str | None:
    """The column answering a question named by its heading: its column labelled `preferred` (Response,
    Open-Ended Response), else its first column."""
    span = [column for column in columns if _same_heading(column.heading, question)]
    if not question or not span:
        return None
    return next((column.name for column in span if _same_heading(column.label, preferred)), span[0].name)


def _end_date_sql() -> str:
    value = answer_text("End Date")
    parsed = ", ".join(f"try_strptime({value}, '{format_}')" for format_ in END_DATE_FORMATS)
    return f"strftime(coalesce({parsed}, try_cast({value} as timestamp)), '%Y-%m-%d %H:%M:%S')"


def csv_entity(nps: bool = False, csat: bool = False) -> Entity:
    """The SurveyMonkey CSV responses table, with the score rules of one export's reading."""
    ended = f"try_cast(payload->'{READ_AS}'->>'ended_at_local' as timestamp)"
    return Entity(
        "surveymonkey_responses",
        (
            *required("Respondent ID", "End Date"),
            Rule("unparseable End Date (not MM/DD/YYYY hh:mm:ss AM/PM, nor YYYY-MM-DD HH:MM:SS)", f"{ended} is null"),
            # End Date is naive local time, read in surveymonkey_timezone by dbt.
            Rule("End Date in the future", f"{ended} > (now() + {FUTURE_TOLERANCE})::timestamp"),
            *_score_rules(nps, csat),
        ),
        event_time=ended,
        key="payload->>'Respondent ID'",
        hash_personal_data=hashing(email("Email Address")),
    )


def _csv_read_with(mapping: SurveyMapping | None) -> str:
    return json.dumps(
        {SOURCE: "csv", "mapping": mapping.as_read_with() if mapping else None, "csat_labels": csat_labels()},
        sort_keys=True,
    )


def surveymonkey_csv_format(path: Path) -> FileFormat:
    rows = header_rows(path, 2)
    if len(rows) < 2:
        raise FileRejected("SurveyMonkey export without its second header row (Response, Open-Ended Response, ...)")
    columns = export_columns(rows[0], rows[1])
    landed = current_landed_path()
    mapping = find_mapping(SOURCE, None, landed)
    read_with = _csv_read_with(mapping)
    if mapping is None:
        raise _unmapped(f"no surveymonkey row's file_pattern matches {landed!r}", read_with)

    def column(role: str, question: str, preferred: str) -> str | None:
        found = _question_column(columns, question, preferred)
        if question and found is None:
            raise _missing_question(mapping, role, question, read_with)
        return found

    nps = column("nps_question", mapping.nps_question, "Response")
    csat = column("csat_question", mapping.csat_question, "Response")
    read_as = _read_as_sql(
        {
            "survey": sql_literal(mapping.label),
            "ended_at_local": _end_date_sql(),
            "nps_question": sql_literal(mapping.nps_question),
            "nps_score": answer_score(nps),
            "nps_given": f"{answer_text(nps)} is not null",
            "csat_question": sql_literal(mapping.csat_question),
            "csat_score": answer_score(csat, csat_labels()),
            "csat_given": f"{answer_text(csat)} is not null",
            "csat_scale_max": str(mapping.csat_scale_max),
            "comment": answer_text(column("comment_question", mapping.comment_question, "Open-Ended Response")),
            "ticket_id": answer_text(column("ticket_id_field", mapping.ticket_id_field, "")),
            "call_id": answer_text(column("call_id_field", mapping.call_id_field, "")),
        }
    )
    parser = csv_records(skip_data_rows=2, column_names=[column.name for column in columns])
    entity = csv_entity(nps=bool(nps), csat=bool(csat))
    return FileFormat("surveymonkey_csv", entity, _with_read_as(parser, read_as), read_with=read_with)


# ---- API v3: survey details and bulk responses


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    weight: float | None
    is_na: bool

    def score(self, labels: dict[str, int] | None = None) -> int | None:
        """Its weight in the details, else the leading integer of its text (`10`, `9 - Very likely`), else (CSAT)
        the score of its label."""
        if self.weight is not None:
            return int(self.weight) if float(self.weight).is_integer() else None
        if match := re.match(r"^\s*(\d+)(\.0+)?\s*($|-)", self.text):
            return int(match.group(1))
        return (labels or {}).get(self.text.strip().lower())


@dataclass(frozen=True)
class Question:
    id: str
    heading: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class SurveyDetails:
    survey_id: str
    checksum: str
    questions: tuple[Question, ...]

    def question(self, named: str) -> Question | None:
        """A question by its id or its heading text (trimmed, case-insensitive)."""
        for question in self.questions:
            if named and (question.id == named.strip() or _same_heading(question.heading, named)):
                return question
        return None


def _weight(choice: dict[str, Any]) -> float | None:
    value = choice.get("weight")
    try:
        return float(value) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def parse_details(document: dict[str, Any], checksum: str) -> SurveyDetails:
    questions = []
    for page in document.get("pages") or []:
        for question in (page or {}).get("questions") or []:
            headings = question.get("headings") or [{}]
            answers = question.get("answers") or {}
            choices = tuple(
                Choice(str(choice.get("id", "")), str(choice.get("text") or ""), _weight(choice),
                       bool(choice.get("is_na")))
                for choice in answers.get("choices") or []
            )  # fmt: skip
            questions.append(Question(str(question.get("id", "")), str(headings[0].get("heading") or ""), choices))
    return SurveyDetails(str(document.get("id", "")), checksum, tuple(questions))


def is_details(keys: list[str] | set[str]) -> bool:
    """A survey's details (`GET /v3/surveys/{id}/details`): pages of questions, and no response fields."""
    return {"id", "pages"} <= set(keys) and not {"response_status", "survey_id", "data"} & set(keys)


# The details of every survey landed in surveys/ (SURVEYS.prepare loads them before the files are read).
_DETAILS: ContextVar[tuple[SurveyDetails, ...]] = ContextVar("surveymonkey_details", default=())


def _details_document(path: Path) -> dict[str, Any] | None:
    if path.stat().st_size > MAX_DETAILS_BYTES or compression_of(path) is not None:
        return None
    if first_line(path)[:1] != "{":
        return None
    with path.open("rb") as handle:
        if b'"response_status"' in handle.read(1 << 16):  # responses, not details: not parsed here
            return None
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    return document if isinstance(document, dict) and is_details(document.keys()) else None


def load_details(folder: Path) -> dict[str, SurveyDetails]:
    """The survey details landed in the folder (plain JSON files; not ignored), by survey id: where two files
    hold the same survey, the file changed last wins."""
    ignore = IgnoreRules.load(folder.parent)
    details: dict[str, SurveyDetails] = {}
    for path in sorted(landed_files(folder), key=lambda candidate: candidate.stat().st_mtime):
        if ignore.matches(f"{folder.name}/{path.relative_to(folder).as_posix()}") is not None:
            continue
        if (document := _details_document(path)) is not None:
            checksum = hashlib.sha256(path.read_bytes()).hexdigest()
            found = parse_details(document, checksum)
            details[found.survey_id] = found
    return details


def prepare_surveymonkey(folder: Path) -> None:
    _DETAILS.set(tuple(load_details(folder).values()))


DETAILS_ENTITY = Entity("surveymonkey_surveys", required("id"), key="payload->>'id'")


def _whole_document(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
    """One JSON document as one record (survey details, or a single response)."""
    return f"""
        select 1::bigint as record_number, ltrim(content, chr(65279))::json as payload,
               null::varchar as raw_text, null::varchar as parse_error
        from read_text({sql_literal(str(path))})
    """


def api_entity(nps: bool = False, csat: bool = False) -> Entity:
    """The SurveyMonkey API responses table, with the score rules of one file's reading."""
    return Entity(
        "surveymonkey_api_responses",
        (
            *required("id", "survey_id"),
            *timestamps("date_modified"),
            Rule(DETAILS_MISSING, f"payload->'{READ_AS}'->>'details' = 'missing'"),
            *_score_rules(nps, csat),
        ),
        event_time="try_cast(payload->>'date_modified' as timestamptz)",
        key="payload->>'id'",
        hash_personal_data=hashing(email("email_address")),
    )


@dataclass(frozen=True)
class SurveyReading:
    """How the responses of one survey are read: its mapping and details, and the questions they resolve to."""

    survey_id: str
    mapping: SurveyMapping | None
    details: SurveyDetails | None
    nps: Question | None = None
    csat: Question | None = None
    comment: Question | None = None

    def read_with(self) -> dict[str, Any]:
        return {
            "details": self.details.checksum if self.details else None,
            "mapping": self.mapping.as_read_with() if self.mapping else None,
        }


def _api_read_with(readings: list[SurveyReading]) -> str:
    surveys = {reading.survey_id: reading.read_with() for reading in readings}
    return json.dumps({SOURCE: "api", "surveys": surveys, "csat_labels": csat_labels()}, sort_keys=True)


def _readings(survey_ids: list[str], landed: str) -> list[SurveyReading]:
    details = {found.survey_id: found for found in _DETAILS.get()}
    return [
        SurveyReading(survey_id, find_mapping(SOURCE, survey_id, landed), details.get(survey_id))
        for survey_id in survey_ids
    ]


def _resolve(reading: SurveyReading, read_with: str) -> SurveyReading:
    """The reading with its questions found in the details; a survey not mapped, or a mapped question the details
    lack, rejects the file (with the details missing, its responses are quarantined instead)."""
    if reading.details is None:
        return reading
    mapping = reading.mapping
    if mapping is None:
        raise _unmapped(f"no surveymonkey row with survey_id={reading.survey_id} or a matching file_pattern", read_with)

    def question(role: str, named: str) -> Question | None:
        found = reading.details.question(named) if reading.details else None
        if named and found is None:
            raise _missing_question(mapping, role, named, read_with)
        return found

    return SurveyReading(
        reading.survey_id, mapping, reading.details,
        nps=question("nps_question", mapping.nps_question),
        csat=question("csat_question", mapping.csat_question),
        comment=question("comment_question", mapping.comment_question),
    )  # fmt: skip


def _values(rows: list[tuple[object, ...]], columns: str, empty: str) -> str:
    """SQL: a relation of literal rows (the few questions and choices of the surveys of one file)."""
    if not rows:
        return f"select * from (values ({empty})) as t({columns}) where false"
    rendered = ", ".join(
        "(" + ", ".join("null" if value is None else sql_literal(str(value)) for value in row) + ")" for row in rows
    )
    return f"select * from (values {rendered}) as t({columns})"


def _reference_sql(readings: list[SurveyReading]) -> tuple[str, str, str]:
    """SQL of the surveys (id, label, details landed, scale, ticket and call variables), the mapped questions
    (survey, role, question) and their choices (survey, question, choice, score, is_na)."""
    surveys, roles, choices = [], [], []
    labels = csat_labels()
    for reading in readings:
        mapping = reading.mapping
        surveys.append((
            reading.survey_id, mapping.label if mapping else None, "landed" if reading.details else "missing",
            mapping.csat_scale_max if mapping else 5, mapping.ticket_id_field if mapping else "",
            mapping.call_id_field if mapping else "",
        ))  # fmt: skip
        for role, question in (("nps", reading.nps), ("csat", reading.csat), ("comment", reading.comment)):
            if question is None:
                continue
            roles.append((reading.survey_id, role, question.id))
            for choice in question.choices:
                score = choice.score(labels if role == "csat" else None)
                choices.append((reading.survey_id, question.id, choice.id, score, str(choice.is_na).lower()))
    return (
        _values(surveys, "survey_id, label, details, csat_scale_max, ticket_field, call_field",
                "''::varchar, ''::varchar, ''::varchar, 5, ''::varchar, ''::varchar"),
        _values(roles, "survey_id, role, question_id", "''::varchar, ''::varchar, ''::varchar"),
        _values(choices, "survey_id, question_id, choice_id, score, is_na",
                "''::varchar, ''::varchar, ''::varchar, null::varchar, 'false'"),
    )  # fmt: skip


def _custom_variable(readings: list[SurveyReading], field: str) -> str:
    """SQL: the custom variable a survey's mapping names for the ticket (or call) id of a response."""
    cases = [
        f"when {sql_literal(reading.survey_id)} then "
        f"nullif(trim(payload->'custom_variables'->>{sql_literal(getattr(reading.mapping, field))}), '')"
        for reading in readings
        if reading.mapping and getattr(reading.mapping, field)
    ]
    return f"(case payload->>'survey_id' {' '.join(cases)} end)" if cases else "null::varchar"


def _api_parser(rows: Parser, readings: list[SurveyReading]) -> Parser:
    surveys, roles, choices = _reference_sql(readings)
    ticket_id, call_id = _custom_variable(readings, "ticket_id_field"), _custom_variable(readings, "call_id_field")

    def parse(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
        return f"""
            with records as ({rows(connection, path)}),
            surveys as ({surveys}),
            roles as ({roles}),
            choices as ({choices}),
            questions as (
                select record_number, survey_id, unnest(question_list) as question,
                       unnest(range(1, len(question_list) + 1)) as question_position
                from (
                    select record_number, payload->>'survey_id' as survey_id,
                           coalesce(json_extract(payload, '$.pages[*].questions[*]'), []) as question_list
                    from records where payload is not null
                )
            ),
            answers as (
                select record_number, survey_id, question_position, question->>'id' as question_id,
                       unnest(answer_list) as answer, unnest(range(1, len(answer_list) + 1)) as answer_position
                from (
                    select *, coalesce(json_extract(question, '$.answers[*]'), []) as answer_list from questions
                )
            ),
            answered as (
                select a.record_number, r.role, a.question_position * 100000 + a.answer_position as position,
                       nullif(a.answer->>'choice_id', '') as choice_id, nullif(trim(a.answer->>'text'), '') as text,
                       try_cast(c.score as integer) as score, coalesce(c.is_na = 'true', false) as is_na
                from answers a
                join roles r on r.survey_id = a.survey_id and r.question_id = a.question_id
                left join choices c
                    on c.survey_id = a.survey_id and c.question_id = a.question_id
                    and c.choice_id = a.answer->>'choice_id'
            ),
            scored as (
                select record_number,
                       list(score order by position) filter (where role = 'nps' and choice_id is not null
                           and not is_na) as nps_scores,
                       list(score order by position) filter (where role = 'csat' and choice_id is not null
                           and not is_na) as csat_scores,
                       string_agg(text, ' ' order by position) filter (where role = 'comment') as comment
                from answered
                group by record_number
            ),
            final as (
                select r.record_number,
                       case when r.payload is not null then json_merge_patch(r.payload, json_object('{READ_AS}',
                           json_object(
                               'survey', s.label, 'details', coalesce(s.details, 'missing'),
                               'nps_score', sc.nps_scores[1], 'nps_given', coalesce(len(sc.nps_scores) > 0, false),
                               'csat_score', sc.csat_scores[1],
                               'csat_given', coalesce(len(sc.csat_scores) > 0, false),
                               'csat_scale_max', coalesce(s.csat_scale_max::integer, 5), 'comment', sc.comment,
                               'ticket_id', {ticket_id},
                               'call_id', {call_id}
                           ))) end as payload,
                       r.raw_text, r.parse_error
                from records r
                left join surveys s on s.survey_id = r.payload->>'survey_id'
                left join scored sc using (record_number)
            )
            select * from final
        """

    return parse


def _survey_ids(connection: duckdb.DuckDBPyConnection, rows: Parser, path: Path) -> list[str]:
    found = connection.execute(
        f"""select distinct payload->>'survey_id' as survey_id from ({rows(connection, path)})
        where nullif(trim(payload->>'survey_id'), '') is not null order by survey_id"""
    ).fetchall()
    return [survey_id for (survey_id,) in found]


def _responses_format(connection: duckdb.DuckDBPyConnection, path: Path, rows: Parser, name: str) -> FileFormat:
    readings = _readings(_survey_ids(connection, rows, path), current_landed_path())
    read_with = _api_read_with(readings)
    resolved = [_resolve(reading, read_with) for reading in readings]
    entity = api_entity(nps=any(reading.nps for reading in resolved), csat=any(reading.csat for reading in resolved))
    return FileFormat(name, entity, _api_parser(rows, resolved), read_with=read_with)


def _first_line_keys(path: Path) -> set[str]:
    try:
        record = json.loads(first_line(path))
    except ValueError:
        return set()
    return set(record) if isinstance(record, dict) else set()


def surveymonkey_json_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    """A JSON file in surveys/: a page of bulk responses, a survey's details, one response, or JSON Lines of
    responses."""
    try:
        keys = set(json_document_keys(connection, path))
    except FileRejected:
        keys = set()
    if "data" in keys:
        return _responses_format(connection, path, json_document("data"), "surveymonkey_api_responses")
    if is_details(keys):
        return FileFormat("surveymonkey_survey_details", DETAILS_ENTITY, _whole_document)
    if {"id", "survey_id", "response_status"} <= keys:
        return _responses_format(connection, path, _whole_document, "surveymonkey_api_response")
    if not keys and {"id", "survey_id"} <= _first_line_keys(path):
        return _responses_format(connection, path, json_lines, "surveymonkey_api_responses_jsonl")
    raise FileRejected(
        f'unknown layout: {path.name} is JSON but neither SurveyMonkey API responses ({{"data": [...]}} or JSON '
        "Lines) nor survey details (GET /v3/surveys/{id}/details)"
    )


def surveymonkey_is_stale(landed_name: str, stored: dict[str, Any]) -> bool:
    """Whether the current mappings and details would read a SurveyMonkey file differently."""
    current: str
    if stored.get(SOURCE) == "csv":
        current = _csv_read_with(find_mapping(SOURCE, None, landed_name))
    else:
        current = _api_read_with(_readings(sorted(stored.get("surveys") or {}), landed_name))
    return current != json.dumps(stored, sort_keys=True)


CSV_RESPONSES = csv_entity()
API_RESPONSES = api_entity()
SURVEYMONKEY_ENTITIES = (CSV_RESPONSES, API_RESPONSES, DETAILS_ENTITY)
