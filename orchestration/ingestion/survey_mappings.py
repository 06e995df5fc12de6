"""Survey question mappings (reference/surveys.csv) and the SQL that scores an answer, shared by the survey
tools' readers (Qualtrics in surveys.py, SurveyMonkey in surveymonkey.py)."""

from __future__ import annotations

import csv
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..dbt_vars import dbt_var
from .encoding import is_utf8
from .landing import IgnoreRules, glob_matches, landed_files
from .readers import csv_delimiter, csv_header, sql_literal

# A wide export's header rows (thousands of columns, long question texts) are far beyond csv's default limit.
csv.field_size_limit(1 << 28)

# The payload key under which a survey reader keeps what it read with the survey's mapping (scores, fields).
READ_AS = "_read_as"


@dataclass(frozen=True)
class SurveyMapping:
    """The questions of one survey (a row of reference/surveys.csv), or the dbt vars' defaults."""

    survey_id: str = ""
    file_pattern: str = ""
    nps_question: str = ""
    csat_question: str = ""
    csat_scale_max: int = 5
    comment_question: str = ""
    ticket_id_field: str = "ticket_id"
    call_id_field: str = "call_id"
    is_default: bool = False
    source: str = "qualtrics"

    @property
    def label(self) -> str:
        if self.is_default:
            return "default questions (dbt vars)"
        return (
            f"reference/surveys.csv row source={self.source} survey_id={self.survey_id!r} "
            f"file_pattern={self.file_pattern!r}"
        ).replace("source=qualtrics ", "")

    def as_read_with(self) -> dict[str, Any]:
        """The mapping as kept in a file's read_with (a Qualtrics mapping as it always was: without its source)."""
        fields = asdict(self)
        if self.source == "qualtrics":
            fields.pop("source")
        return fields


def default_mapping() -> SurveyMapping:
    return SurveyMapping(
        nps_question=str(dbt_var("qualtrics_nps_question")),
        csat_question=str(dbt_var("qualtrics_csat_question")),
        comment_question=str(dbt_var("qualtrics_comment_question")),
        is_default=True,
    )


# The survey mappings of the landing being ingested (SURVEYS.prepare loads them from landing/reference).
_MAPPINGS: ContextVar[tuple[SurveyMapping, ...]] = ContextVar("survey_mappings", default=())

SURVEYS_CSV_COLUMNS = ("survey_id", "file_pattern", "nps_question")
SURVEY_SOURCES = ("qualtrics", "surveymonkey")


def _read_reference_csv(path: Path) -> list[dict[str, str]]:
    encoding = "utf-8-sig" if is_utf8(path) else "cp1252"
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=csv_delimiter(path))
        # a row with more cells than the header (an unquoted comma in a question's heading) keeps its named cells
        return [
            {key.strip(): (value or "").strip() for key, value in row.items() if isinstance(key, str)} for row in reader
        ]


def load_survey_mappings(landing: Path) -> tuple[SurveyMapping, ...]:
    """The rows of every surveys file in landing/reference (a CSV with survey_id, file_pattern and
    nps_question columns, whatever its name), merged by (source, survey_id, file_pattern): the file changed last
    wins. Files listed in .supportkpi-ignore do not count."""
    ignore = IgnoreRules.load(landing)
    folder = landing / "reference"
    candidates = [
        path
        for path in landed_files(folder)
        if path.suffix.lower() in (".csv", ".txt", ".tsv")
        and ignore.matches(f"reference/{path.relative_to(folder).as_posix()}") is None
        and all(column in csv_header(path) for column in SURVEYS_CSV_COLUMNS)
    ]
    merged: dict[tuple[str, str, str], SurveyMapping] = {}
    for path in sorted(candidates, key=lambda candidate: candidate.stat().st_mtime):
        for row in _read_reference_csv(path):
            source = row.get("source", "").lower() or "qualtrics"
            if source not in SURVEY_SOURCES or not (row.get("survey_id") or row.get("file_pattern")):
                continue
            scale = row.get("csat_scale_max", "")
            # Qualtrics embedded data defaults to ticket_id / call_id; SurveyMonkey has no such default column.
            field_default = "" if source == "surveymonkey" else "{}_id"
            mapping = SurveyMapping(
                survey_id=row.get("survey_id", ""),
                file_pattern=row.get("file_pattern", ""),
                nps_question=row.get("nps_question", ""),
                csat_question=row.get("csat_question", ""),
                csat_scale_max=int(scale) if scale.isdigit() and 2 <= int(scale) <= 10 else 5,
                comment_question=row.get("comment_question", ""),
                ticket_id_field=row.get("ticket_id_field", "") or field_default.format("ticket"),
                call_id_field=row.get("call_id_field", "") or field_default.format("call"),
                source=source,
            )
            key = (source, mapping.survey_id, mapping.file_pattern)
            merged.pop(key, None)
            merged[key] = mapping
    return tuple(merged.values())


def find_mapping(source: str, survey_id: str | None, landed_name: str) -> SurveyMapping | None:
    """The first row of `source` whose survey_id is the export's own or whose file_pattern matches its path under
    surveys/; None when no row of that source matches."""
    for mapping in _MAPPINGS.get():
        if mapping.source != source:
            continue
        if survey_id and mapping.survey_id == survey_id:
            return mapping
        if mapping.file_pattern and _pattern_matches(mapping.file_pattern, landed_name):
            return mapping
    return None


def mapping_for(survey_id: str | None, landed_name: str) -> SurveyMapping:
    """A Qualtrics export's mapping: its surveys.csv row, else the dbt vars' default questions."""
    return find_mapping("qualtrics", survey_id, landed_name) or default_mapping()


def _pattern_matches(pattern: str, landed_name: str) -> bool:
    pattern = pattern.removeprefix("surveys/")
    member = landed_name.split("!", 1)[-1]
    return glob_matches(pattern, landed_name) or glob_matches(pattern, member)


def csat_labels() -> dict[str, int]:
    return {str(label).strip().lower(): int(score) for label, score in dict(dbt_var("survey_csat_labels")).items()}


def header_rows(path: Path, count: int) -> list[list[str]]:
    """The first `count` CSV records (a question text may span lines), whatever the width of the export."""
    rows: list[list[str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle, delimiter=csv_delimiter(path)):
            rows.append([cell.strip() for cell in row])
            if len(rows) == count:
                break
    return rows


def answer_text(column: str | None) -> str:
    return f"nullif(trim(payload->>{sql_literal(column)}), '')" if column else "null::varchar"


def answer_score(column: str | None, labels: dict[str, int] | None = None) -> str:
    """SQL: the score of an answer: a recode value (`9`, `9.0`), a label's leading integer (`10 - Extremely
    likely`) or, for CSAT, a label of `labels`; null when the answer is none of these."""
    if not column:
        return "null::integer"
    value = answer_text(column)
    by_label = ""
    if labels:
        cases = " ".join(f"when {sql_literal(label)} then {score}" for label, score in labels.items())
        by_label = f"when true then (case lower({value}) {cases} end)"
    return f"""(case when regexp_matches({value}, '^[0-9]+(\\.0+)?$')
                      then try_cast(try_cast({value} as double) as integer)
                 when regexp_matches({value}, '^[0-9]+\\s*-')
                      then try_cast(regexp_extract({value}, '^[0-9]+') as integer)
                 {by_label} end)"""
