"""Customer survey responses and quality reviews, as the flows record them (no export layout)."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class SurveyResponse:
    recorded: int
    duration: int  # seconds spent answering
    status: str  # survey-tool response type: 0 real, 1 preview, 4 imported, 8 spam
    ip_address: str
    progress: int  # percent
    finished: bool
    response_id: str
    email: str
    external_reference: str  # the customer's helpdesk id
    channel: str
    language: str
    nps: str  # "" when not answered
    csat: str
    comment: str
    ticket_id: str
    call_id: str

    @property
    def is_real_and_finished(self) -> bool:
        return self.status == "0" and self.finished

    def with_nps(self, nps: str) -> SurveyResponse:
        return replace(self, nps=nps)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    criterion: str
    score: int
    max_score: int


@dataclass(frozen=True, slots=True)
class QualityReview:
    reviewer: str
    agent_id: str
    interaction_type: str  # "ticket" or "call"
    interaction_id: str
    scores: tuple[CriterionScore, ...]
