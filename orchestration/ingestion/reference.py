"""User-edited reference data: roster, queues, targets and survey mappings. The latest ingested version of each
file wins."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .core import Entity, FileFormat, FileRejected, Rule, Source, accepted_values, finite_number, required
from .readers import csv_header, csv_records


def _dates(*fields: str, optional: bool = False) -> tuple[Rule, ...]:
    rules = []
    for name in fields:
        value = f"nullif(trim(payload->>'{name}'), '')"
        condition = f"try_cast({value} as date) is null"
        if optional:
            condition = f"{value} is not null and {condition}"
        rules.append(Rule(f"unparseable date in {name}", condition))
    return tuple(rules)


ROSTER = Entity(
    "roster",
    (*required("agent_id", "team_id"), *_dates("valid_from"), *_dates("valid_to", optional=True)),
    key="payload->>'agent_id', payload->>'valid_from'",
)
QUEUES = Entity("queues", required("queue", "team_id"), key="payload->>'queue'")
TARGETS = Entity(
    "targets",
    (
        *required("metric", "scope_type", "grain", "target", "direction"),
        accepted_values("scope_type", ("org", "team", "agent")),
        accepted_values("grain", ("day", "week", "month")),
        accepted_values("direction", ("higher_is_better", "lower_is_better")),
        Rule("target not a number", finite_number("payload->>'target'") + " is null"),
        *_dates("valid_from", "valid_to", optional=True),
    ),
    key="payload->>'metric', payload->>'scope_type', payload->>'scope_id', payload->>'grain', payload->>'valid_from'",
)

# reference/surveys.csv: the questions of each survey (read by the surveys ingestion, kept here as reference data).
SURVEY_MAPPINGS = Entity(
    "survey_mappings",
    (
        Rule(
            "missing survey_id and file_pattern",
            "coalesce(trim(payload->>'survey_id'), '') = '' and coalesce(trim(payload->>'file_pattern'), '') = ''",
        ),
    ),  # fmt: skip
    key="payload->>'source', payload->>'survey_id', payload->>'file_pattern'",
)

REFERENCE_FILES = {
    "roster": (ROSTER, ("agent_id", "team_id", "valid_from")),
    "queues": (QUEUES, ("queue", "team_id")),
    "targets": (TARGETS, ("metric", "scope_type", "grain", "target")),
    "surveys": (SURVEY_MAPPINGS, ("survey_id", "file_pattern", "nps_question")),
}


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    """By the columns of its header; a file named like a reference file but lacking its columns is reported."""
    header = csv_header(path)
    for name, (entity, columns) in REFERENCE_FILES.items():
        if all(column in header for column in columns):
            return FileFormat(f"{name}_csv", entity, csv_records())
    for name, (_, columns) in REFERENCE_FILES.items():
        if path.name.startswith(name):
            missing = [column for column in columns if column not in header]
            raise FileRejected(f"unknown layout: {path.name} lacks columns {missing}")
    raise FileRejected(f"unknown layout: {path.name} has the columns of neither roster, queues, targets nor surveys")


REFERENCE = Source("reference", tuple(entity for entity, _ in REFERENCE_FILES.values()), detect_format)
