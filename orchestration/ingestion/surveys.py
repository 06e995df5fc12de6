"""Survey exports: Qualtrics CSV with three header rows, SurveyMonkey (surveymonkey.py), the generic survey CSV.

A Qualtrics export is read with the questions of its survey (reference/surveys.csv, else the dbt vars), found by
their ImportId or column id; what it was read with is kept in the manifest, so that a changed mapping reads the
files it affects again. Each staged response carries, under `_read_as`, the scores and fields that mapping gave."""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from .core import (
    FUTURE_TOLERANCE,
    Entity,
    FileFormat,
    FileRejected,
    Parser,
    Rule,
    Source,
    current_landed_path,
    in_range,
    required,
    timestamps,
)
from .personal_data import email, hashing
from .readers import csv_header, csv_records, first_line, sql_literal
from .survey_mappings import (
    _MAPPINGS,
    READ_AS,
    SurveyMapping,
    csat_labels,
    default_mapping,
    find_mapping,
    header_rows,
    load_survey_mappings,
    mapping_for,
)
from .survey_mappings import answer_score as _score
from .survey_mappings import answer_text as _text
from .surveymonkey import (
    SURVEYMONKEY_ENTITIES,
    is_surveymonkey_csv,
    prepare_surveymonkey,
    surveymonkey_csv_format,
    surveymonkey_is_stale,
    surveymonkey_json_format,
)

__all__ = ["SURVEYS", "SurveyMapping", "default_mapping", "find_mapping", "load_survey_mappings", "mapping_for"]

SURVEY_ID_COLUMNS = ("surveyid", "survey_id")
LEGACY_REMEDY = (
    "re-export it from Qualtrics in the current format (Data & Analysis > Export & Import > Export data > CSV, "
    "which writes three header rows: column ids, question texts and ImportIds)"
)
SPREADSHEET_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{2,4}")
QUALTRICS_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?")


def prepare_surveys(folder: Path) -> None:
    _MAPPINGS.set(load_survey_mappings(folder.parent))
    prepare_surveymonkey(folder)


def _read_with(survey_id: str | None, mapping: SurveyMapping) -> str:
    return json.dumps(
        {"survey_id_in_file": survey_id, "mapping": mapping.as_read_with(), "csat_labels": csat_labels()},
        sort_keys=True,
    )


def is_stale(landed_name: str, read_with: str | None) -> bool:
    """Whether the current mappings (and, for SurveyMonkey API responses, the survey details landed) would read a
    survey file differently from the way it was read."""
    if not read_with:
        return False
    stored = json.loads(read_with)
    if "surveymonkey" in stored:
        return surveymonkey_is_stale(landed_name, stored)
    return _read_with(stored.get("survey_id_in_file"), mapping_for(stored.get("survey_id_in_file"), landed_name)) != (
        read_with
    )


def _import_id(cell: str) -> dict[str, Any]:
    """An ImportId cell: JSON (`{"ImportId":"QID1"}`) or a Python-style dict with single quotes."""
    text = cell.strip()
    if not text.startswith("{"):
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return {}
    return value if isinstance(value, dict) and "ImportId" in value else {}


@dataclass(frozen=True)
class QualtricsHeader:
    columns: list[str]
    import_ids: list[dict[str, Any]]
    first_response: dict[str, str]

    def column(self, question: str) -> str | None:
        """The column of a question, by its ImportId (which survives renaming) or by its column id."""
        if not question:
            return None
        for column, import_id in zip(self.columns, self.import_ids, strict=False):
            if str(import_id.get("ImportId", "")) == question:
                return column
        return question if question in self.columns else None

    def time_zone(self) -> str | None:
        zones = {
            str(import_id.get("ImportId", "")): str(import_id["timeZone"])
            for import_id in self.import_ids
            if import_id.get("timeZone")
        }
        return zones.get("recordedDate") or next(iter(zones.values()), None)

    def survey_id(self) -> str | None:
        for column in self.columns:
            if column.lower() in SURVEY_ID_COLUMNS and self.first_response.get(column):
                return self.first_response[column]
        return None


def _is_legacy(header: list[str]) -> bool:
    return ("ResponseID" in header and "ResponseSet" in header) or header[:2] == ["V1", "V2"]


def _is_qualtrics(header: list[str], path: Path) -> QualtricsHeader | None:
    if "ResponseId" not in header:
        return None
    rows = header_rows(path, 4)
    if len(rows) < 3:
        return None
    import_ids = [_import_id(cell) for cell in rows[2]]
    if sum(bool(import_id) for import_id in import_ids) < max(1, len(rows[0]) // 2):
        return None
    first_response = dict(zip(rows[0], rows[3], strict=False)) if len(rows) > 3 else {}
    return QualtricsHeader(rows[0], import_ids, first_response)


def _nps_group(column: str | None) -> str:
    value = f"lower({_text(column)})"
    return f"""(case when {value} in ('1', 'detractor') then 'detractor' when {value} in ('2', 'passive') then 'passive'
                 when {value} in ('3', 'promoter') then 'promoter' end)"""


@dataclass(frozen=True)
class QualtricsReading:
    """The columns a Qualtrics export is read with."""

    mapping: SurveyMapping
    time_zone: str | None
    nps: str | None
    nps_group: str | None
    csat: str | None
    comment: str | None
    ticket_id: str | None
    call_id: str | None

    def read_as_sql(self) -> str:
        fields = {
            "survey": sql_literal(self.mapping.label),
            "time_zone": sql_literal(self.time_zone) if self.time_zone else "null::varchar",
            "nps_question": sql_literal(self.nps or ""),
            "nps_score": _score(self.nps),
            "nps_group": _nps_group(self.nps_group) if self.nps_group else "null::varchar",
            "csat_question": sql_literal(self.csat or ""),
            "csat_score": _score(self.csat, csat_labels()),
            "csat_scale_max": str(self.mapping.csat_scale_max),
            "comment": _text(self.comment),
            "ticket_id": _text(self.ticket_id),
            "call_id": _text(self.call_id),
        }
        return "json_object(" + ", ".join(f"'{name}', {expression}" for name, expression in fields.items()) + ")"

    def rules(self) -> tuple[Rule, ...]:
        scored = f"payload->'{READ_AS}'"
        rules: list[Rule] = []
        for question, score, low, high in (
            (self.nps, "nps_score", 0, 10),
            (self.csat, "csat_score", 1, self.mapping.csat_scale_max),
        ):
            if not question:
                continue
            rules.append(
                Rule(
                    f"{question} answer is not a score on {low}-{high}",
                    f"{_text(question)} is not null and ({scored}->>'{score}') is null",
                )
            )
            value = f"try_cast({scored}->>'{score}' as integer)"
            rules.append(Rule(f"{question} out of range [{low}, {high}]", f"{value} < {low} or {value} > {high}"))
        return tuple(rules)


def _resolve_reading(header: QualtricsHeader, mapping: SurveyMapping, read_with: str) -> QualtricsReading:
    def column(question: str, role: str, *, mapped: bool) -> str | None:
        found = header.column(question)
        if found is None and question and mapped:
            raise FileRejected(
                f"{mapping.label} names {role} {question!r}, but the export has no column or ImportId "
                f"{question!r}: fix reference/surveys.csv (questions are matched by ImportId, e.g. QID15, or "
                "column id, e.g. Q15)",
                read_with=read_with,
            )
        return found

    mapped = not mapping.is_default
    nps = column(mapping.nps_question, "nps_question", mapped=mapped)
    if nps is None:
        groups = [name for name in header.columns if name.endswith("_NPS_GROUP")]
        if len(groups) == 1 and groups[0].removesuffix("_NPS_GROUP") in header.columns:
            nps = groups[0].removesuffix("_NPS_GROUP")
    nps_group = f"{nps}_NPS_GROUP" if nps and f"{nps}_NPS_GROUP" in header.columns else None
    return QualtricsReading(
        mapping=mapping,
        time_zone=header.time_zone(),
        nps=nps,
        nps_group=nps_group,
        csat=column(mapping.csat_question, "csat_question", mapped=mapped),
        comment=column(mapping.comment_question, "comment_question", mapped=mapped),
        ticket_id=header.column(mapping.ticket_id_field),
        call_id=header.column(mapping.call_id_field),
    )


def _check_dates(header: QualtricsHeader, read_with: str) -> None:
    recorded = header.first_response.get("RecordedDate", "")
    if recorded and not QUALTRICS_DATE.match(recorded):
        resaved = " (the file was re-saved by a spreadsheet)" if SPREADSHEET_DATE.match(recorded) else ""
        raise FileRejected(
            f"RecordedDate {recorded!r} is not YYYY-MM-DD HH:MM:SS{resaved}: re-export the responses from Qualtrics "
            "as CSV and land that file unchanged",
            read_with=read_with,
        )


def _check_time_zone(zone: str | None, read_with: str) -> None:
    if not zone:
        return
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise FileRejected(f"unknown time zone {zone!r} in the ImportId row", read_with=read_with) from error


def _with_read_as(reading: QualtricsReading) -> Parser:
    rows = csv_records(skip_data_rows=2)

    def parse(connection: duckdb.DuckDBPyConnection, path: Path) -> str:
        return f"""
            select record_number,
                   case when payload is not null
                        then json_merge_patch(payload, json_object('{READ_AS}', {reading.read_as_sql()})) end
                       as payload,
                   raw_text, parse_error
            from ({rows(connection, path)})
        """

    return parse


def qualtrics_entity(reading: QualtricsReading | None = None) -> Entity:
    """The Qualtrics responses table, with the rules of one export's reading (without one: the generic rules)."""
    return Entity(
        "qualtrics_responses",
        (
            *required("ResponseId", "RecordedDate"),
            # RecordedDate carries no zone: it is read in the export's own zone, else qualtrics_timezone.
            Rule(
                "unparseable timestamp in RecordedDate",
                "try_cast(payload->>'RecordedDate' as timestamp) is null",
            ),
            Rule(
                "RecordedDate in the future",
                f"try_cast(payload->>'RecordedDate' as timestamp) > (now() + {FUTURE_TOLERANCE})::timestamp",
            ),
            *(reading.rules() if reading else ()),
        ),
        event_time="(payload->>'RecordedDate')::timestamp",
        key="payload->>'ResponseId'",
        hash_personal_data=hashing(email("RecipientEmail")),
    )


QUALTRICS_RESPONSES = qualtrics_entity()

GENERIC_SURVEY_COLUMNS = ("response_id", "responded_at", "nps_score", "csat_score")
GENERIC_SURVEY_RESPONSES = Entity(
    "generic_survey_responses",
    (
        *required("response_id"),
        *timestamps("responded_at"),
        in_range("nps_score", 0, 10, integer=True),
        in_range("csat_score", 1, 5, integer=True),
    ),
    event_time="(payload->>'responded_at')::timestamptz",
    key="payload->>'response_id'",
    hash_personal_data=hashing(email("customer_email")),
)


def qualtrics_format(header: QualtricsHeader) -> FileFormat:
    survey_id = header.survey_id()
    mapping = mapping_for(survey_id, current_landed_path())
    read_with = _read_with(survey_id, mapping)
    _check_dates(header, read_with)
    reading = _resolve_reading(header, mapping, read_with)
    _check_time_zone(reading.time_zone, read_with)
    return FileFormat("qualtrics_csv", qualtrics_entity(reading), _with_read_as(reading), read_with=read_with)


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    if first_line(path)[:1] in ("{", "["):
        return surveymonkey_json_format(connection, path)
    header = csv_header(path)
    if _is_legacy(header):
        raise FileRejected(f"legacy Qualtrics export (two header rows, columns {', '.join(header[:3])}, ...): "
                           f"{LEGACY_REMEDY}")  # fmt: skip
    if (qualtrics := _is_qualtrics(header, path)) is not None:
        return qualtrics_format(qualtrics)
    if is_surveymonkey_csv(header):
        return surveymonkey_csv_format(path)
    if all(column in header for column in GENERIC_SURVEY_COLUMNS):
        return FileFormat("generic_survey_csv", GENERIC_SURVEY_RESPONSES, csv_records())
    raise FileRejected(
        f"unknown layout: {path.name} is neither a Qualtrics CSV export with three header rows, a SurveyMonkey "
        "export (Respondent ID, Collector ID, ...) nor a survey CSV"
    )


SURVEYS = Source(
    "surveys",
    (QUALTRICS_RESPONSES, GENERIC_SURVEY_RESPONSES, *SURVEYMONKEY_ENTITIES),
    detect_format,
    prepare=prepare_surveys,
    is_stale=is_stale,
)
