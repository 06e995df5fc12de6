"""Quality review exports: one CSV row per scorecard criterion."""

from __future__ import annotations

from pathlib import Path

import duckdb

from .core import Entity, FileFormat, FileRejected, Rule, Source, finite_number, required, timestamps
from .readers import csv_header, csv_records

QA_COLUMNS = (
    "review_id",
    "reviewed_at",
    "reviewer_id",
    "agent_id",
    "interaction_type",
    "interaction_id",
    "criterion",
    "score",
    "max_score",
)

SCORE = finite_number("payload->>'score'")
MAX_SCORE = finite_number("payload->>'max_score'")
QA_REVIEWS = Entity(
    "qa_reviews",
    (
        *required("review_id", "agent_id", "criterion", "score", "max_score"),
        *timestamps("reviewed_at"),
        Rule("max_score not a positive number", f"coalesce({MAX_SCORE}, 0) <= 0"),
        Rule("score out of range [0, max_score]", f"{SCORE} is null or {SCORE} < 0 or {SCORE} > {MAX_SCORE}"),
    ),
    event_time="(payload->>'reviewed_at')::timestamptz",
    key="payload->>'review_id', payload->>'criterion'",
)


def detect_format(connection: duckdb.DuckDBPyConnection, path: Path) -> FileFormat:
    header = csv_header(path)
    missing = [column for column in QA_COLUMNS if column not in header]
    if path.suffix.lower() == ".csv" and not missing:
        return FileFormat("qa_reviews_csv", QA_REVIEWS, csv_records())
    raise FileRejected(f"unknown layout: {path.name} lacks QA review columns {missing}")


QUALITY = Source("quality", (QA_REVIEWS,), detect_format)
