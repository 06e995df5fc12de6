"""QA tool export (quality/ in the landing): one CSV row per scored criterion of a review."""

from __future__ import annotations

import csv
from pathlib import Path

from ..feedback import QualityReview
from ..times import iso_utc

QA_REVIEW_COLUMNS = (
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


class QualityReviewWriter:
    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(QA_REVIEW_COLUMNS)
        self.reviews = 0
        self.rows = 0

    def write(self, epoch: int, review: QualityReview) -> None:
        self.reviews += 1
        review_id = f"QA-{self.reviews:06d}"  # numbered in time order, as the QA tool does
        reviewed_at = iso_utc(epoch)
        for score in review.scores:
            self._csv.writerow(
                [
                    review_id,
                    reviewed_at,
                    review.reviewer,
                    review.agent_id,
                    review.interaction_type,
                    review.interaction_id,
                    score.criterion,
                    score.score,
                    score.max_score,
                ]
            )
            self.rows += 1

    def close(self) -> None:
        self._file.close()
