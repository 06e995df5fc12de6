"""Bad-input corpus for raw ingestion (SPEC 4.9), quality source: the QA reviews CSV.

A missing score column, duplicated (review, criterion) rows, reviewed_at timestamps, scores out of range and
malformed CSV lines. Cases about whole files of any source (empty, header-only, BOM, CRLF, encodings, delimiters,
re-ingest...) are in test_bad_inputs_files.py.

Every case lands hand-made files in a temporary folder, ingests the source into an in-memory DuckDB and checks,
per file: the exact quarantine reasons with their record numbers, the good records staged (record number and id),
and the ingest manifest (raw.ingested_files: records_read = staged + quarantined, quarantine_reasons JSON,
file_error, encoding). Expected values are written by hand from the inputs below; the helpers that land, ingest and
check a file are in conftest.py (`# ---- ingestion`).
"""

from __future__ import annotations

from pathlib import Path

from orchestration.ingestion import QUALITY
from orchestration.ingestion.core import RAW_SCHEMA

from .conftest import DUPLICATE, QA_COLUMNS, assert_file, days_ahead, ingest, iso, qa_csv, qa_row, write

# ---- layout


def test_qa_csv_without_score_column_is_quarantined_whole_and_the_next_file_staged(connection, tmp_path: Path) -> None:
    columns = [column for column in QA_COLUMNS if column != "score"]
    bad = write(
        tmp_path, "qa_reviews_0001.csv", qa_csv([qa_row("QA1", "accuracy"), qa_row("QA1", "empathy")], columns=columns)
    )
    good = write(tmp_path, "qa_reviews_0002.csv", qa_csv([qa_row("QA2", "accuracy")]))
    summary = ingest(connection, QUALITY, tmp_path)

    error = "unknown layout: qa_reviews_0001.csv lacks QA review columns ['score']"
    assert summary.unreadable_files == [f"qa_reviews_0001.csv: {error}"]
    assert_file(connection, QUALITY, bad, fmt=None, quarantined=[(None, f"unreadable file: {error}")], file_error=error)
    assert_file(connection, QUALITY, good, fmt="qa_reviews_csv", table="qa_reviews", staged=[(1, "QA2/accuracy")])


# ---- duplicates


def test_qa_duplicated_review_and_criterion_later_row_wins(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qa_reviews.csv",
        qa_csv(
            [
                qa_row("QA1", "accuracy", "3"),
                qa_row("QA1", "empathy", "4"),
                qa_row("QA1", "accuracy", "5"),
                qa_row("QA2", "accuracy", "2"),  # same criterion, another review: not a duplicate
            ]
        ),
    )
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        key="(payload->>'review_id') || '/' || (payload->>'criterion') || ' ' || (payload->>'score')",
        staged=[(2, "QA1/empathy 4"), (3, "QA1/accuracy 5"), (4, "QA2/accuracy 2")],
        quarantined=[(1, DUPLICATE)],
    )


# ---- timestamps


def test_qa_reviewed_at_timestamps(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qa_reviews.csv",
        qa_csv(
            [
                qa_row("QA1", "accuracy"),
                qa_row("QA2", "accuracy", reviewed_at="2026-03-05 10:00:00"),
                qa_row("QA3", "accuracy", reviewed_at=iso(days_ahead(5))),
                qa_row("QA4", "accuracy", reviewed_at="05/03/2026"),
                qa_row("QA5", "accuracy", reviewed_at=""),
            ]
        ),
    )
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        staged=[(1, "QA1/accuracy")],
        quarantined=[
            (2, "timestamp without zone in reviewed_at"),
            (3, "reviewed_at in the future"),
            (4, "unparseable timestamp in reviewed_at"),
            (5, "missing reviewed_at"),
        ],
    )


# ---- scores


def test_qa_scores_out_of_range(connection, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "qa_reviews.csv",
        qa_csv(
            [
                qa_row("QA1", "accuracy", "5", "5"),
                qa_row("QA1", "empathy", "6", "5"),
                qa_row("QA2", "accuracy", "-1", "5"),
                qa_row("QA2", "empathy", "0", "5"),
                qa_row("QA3", "accuracy", "3", "0"),
                qa_row("QA3", "empathy", "", "5"),
                qa_row("QA4", "accuracy", "4.5", "5"),
                qa_row("QA4", "empathy", "n/a", "5"),
                qa_row("QA5", "accuracy", "11", "10"),
            ]
        ),
    )
    ingest(connection, QUALITY, tmp_path)
    out_of_range = "score out of range [0, max_score]"
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        staged=[(1, "QA1/accuracy"), (4, "QA2/empathy"), (7, "QA4/accuracy")],
        quarantined=[
            (2, out_of_range),
            (3, out_of_range),
            (5, "max_score not a positive number"),
            (6, "missing score"),
            (8, out_of_range),
            (9, out_of_range),
        ],
    )


# ---- malformed CSV lines


def _qa_line(review_id: str) -> str:
    return f"{review_id},2026-03-05T10:00:00Z,LEAD1,A001,ticket,101,accuracy,4,5"


def test_qa_csv_line_with_an_extra_field_is_quarantined_alone(connection, tmp_path: Path) -> None:
    lines = [",".join(QA_COLUMNS), _qa_line("QA1"), _qa_line("QA2") + ",extra", _qa_line("QA3")]
    path = write(tmp_path, "qa_reviews.csv", "\n".join(lines) + "\n")
    ingest(connection, QUALITY, tmp_path)
    assert_file(
        connection,
        QUALITY,
        path,
        fmt="qa_reviews_csv",
        table="qa_reviews",
        staged=[(1, "QA1/accuracy"), (3, "QA3/accuracy")],
        quarantined=[(2, "malformed CSV line: too many columns (Expected Number of Columns: 9 Found: 10)")],
    )


def test_malformed_csv_line_far_into_a_file_keeps_record_numbers_unique(connection, tmp_path: Path) -> None:
    good_rows = 25_000  # beyond the sniffer's sample, so the delimiter is still found
    lines = [",".join(QA_COLUMNS), *(_qa_line(f"QA{n}") for n in range(1, good_rows + 1))]
    lines += [_qa_line("QAX") + ",extra", _qa_line("QAY"), _qa_line("QAZ")]
    path = write(tmp_path, "qa_reviews.csv", "\n".join(lines) + "\n")
    ingest(connection, QUALITY, tmp_path)
    assert connection.execute(
        f"select records_read, staged, quarantined from {RAW_SCHEMA}.ingested_files where path = ?", [str(path)]
    ).fetchone() == (good_rows + 3, good_rows + 2, 1)
    # record n is the n-th data row: the bad line is row 25001, the two good rows after it 25002 and 25003
    assert connection.execute(f"select record_number, reason from {RAW_SCHEMA}.quarantine").fetchall() == [
        (25_001, "malformed CSV line: too many columns (Expected Number of Columns: 9 Found: 10)")
    ]
    tail = connection.execute(
        f"select record_number, payload->>'review_id' from {RAW_SCHEMA}.qa_reviews where record_number > 24_999 "
        "order by record_number"
    ).fetchall()
    assert tail == [(25_000, "QA25000"), (25_002, "QAY"), (25_003, "QAZ")]
