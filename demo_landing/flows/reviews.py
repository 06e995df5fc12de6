"""Quality reviews of a sample of tickets and calls."""

from __future__ import annotations

import random

from ..business_calendar import BusinessCalendar
from ..feedback import CriterionScore, QualityReview
from ..people import Agent
from ..profiles import QA_CRITERIA
from ..randomness import clamp
from ..sinks import TimeOrderedSink
from ..times import HOUR


class QualityReviewFlow:
    def __init__(
        self,
        rng: random.Random,
        calendar: BusinessCalendar,
        reviewers: list[str],
        sink: TimeOrderedSink[QualityReview],
    ) -> None:
        self._rng = rng
        self._calendar = calendar
        self._reviewers = reviewers
        self._sink = sink

    def push_review(
        self,
        interaction_rng: random.Random,
        interaction_end: int,
        agent: Agent,
        interaction_type: str,
        interaction_id: str,
    ) -> None:
        """Review an interaction a few business hours after it ended.

        When the review happens is drawn from the reviewed interaction's stream, its scores from the feedback one.
        """
        reviewed = self._calendar.add_business(interaction_end, interaction_rng.uniform(2 * HOUR, 30 * HOUR))
        rng = self._rng
        scores = []
        for criterion, max_score in QA_CRITERIA:
            share = clamp(agent.quality - 0.04 + rng.gauss(0.0, 0.1), 0.2, 1.0)
            scores.append(CriterionScore(criterion, round(max_score * share), max_score))
        reviewer = rng.choice(self._reviewers)
        review = QualityReview(reviewer, agent.agent_id, interaction_type, interaction_id, tuple(scores))
        self._sink.push(reviewed, review)
