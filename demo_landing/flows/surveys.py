"""Survey responses after tickets and calls, and the previews and spam the survey tool also exports."""

from __future__ import annotations

import random

from ..feedback import SurveyResponse
from ..people import Customers
from ..randomness import clamp
from ..sinks import TimeOrderedSink
from ..texts import SURVEY_COMMENTS
from ..times import HOUR

RESPONSE_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
IP_PREFIXES = ("203.0.113", "198.51.100", "192.0.2")  # documentation ranges
LANGUAGES = ("EN", "EN", "EN", "FR")


class SurveyFlow:
    def __init__(self, rng: random.Random, customers: Customers, sink: TimeOrderedSink[SurveyResponse]) -> None:
        self._rng = rng
        self._customers = customers
        self._sink = sink

    def push_response(
        self,
        recorded: int,
        quality: float,
        penalty: float,
        channel: str,
        customer: int,
        ticket_id: str = "",
        call_id: str = "",
    ) -> None:
        """A customer's answer about the agent of quality `quality`, lowered by `penalty` points (of 10)."""
        rng = self._rng
        latent = 10 * quality + rng.gauss(0.3, 1.8) - penalty
        nps = str(int(clamp(round(latent), 0, 10)))
        csat = str(int(clamp(round((latent + rng.gauss(0.0, 0.8)) / 2), 1, 5)))
        comment = rng.choice(SURVEY_COMMENTS) if rng.random() < 0.3 else ""
        finished, progress = True, 100
        if rng.random() < 0.05:
            finished, progress = False, rng.randint(10, 80)
            nps = nps if rng.random() < 0.5 else ""
            csat, comment = "", ""
        status = "4" if rng.random() < 0.03 else "0"
        response = self._response(
            recorded,
            status,
            finished,
            progress,
            nps,
            csat,
            comment,
            email=self._customers.emails[customer],
            external=str(self._customers.ids[customer]),
            channel=channel,
            ticket_id=ticket_id,
            call_id=call_id,
        )
        self._sink.push(recorded, response)

    def schedule_noise(self, day_start: int) -> None:
        """Survey previews (status 1) and spam (status 8), which the ingestion must exclude."""
        rng = self._rng
        for status, chance, channel in (("1", 0.12, "preview"), ("8", 0.04, "anonymous")):
            if rng.random() < chance:
                recorded = day_start + rng.randint(8 * HOUR, 17 * HOUR)
                nps, csat = str(rng.randint(0, 10)), str(rng.randint(1, 5))
                response = self._response(recorded, status, True, 100, nps, csat, "", channel=channel)
                self._sink.push(recorded, response)

    def _response(
        self,
        recorded: int,
        status: str,
        finished: bool,
        progress: int,
        nps: str,
        csat: str,
        comment: str,
        email: str = "",
        external: str = "",
        channel: str = "email",
        ticket_id: str = "",
        call_id: str = "",
    ) -> SurveyResponse:
        rng = self._rng
        duration = rng.randint(15, 400)
        address = ""
        if status != "4":  # imported responses carry no IP address
            address = f"{rng.choice(IP_PREFIXES)}.{rng.randint(1, 254)}"
        response_id = "R_" + "".join(rng.choice(RESPONSE_ID_ALPHABET) for _ in range(15))
        return SurveyResponse(
            recorded=recorded,
            duration=duration,
            status=status,
            ip_address=address,
            progress=progress,
            finished=finished,
            response_id=response_id,
            email=email,
            external_reference=external,
            channel=channel,
            language=rng.choice(LANGUAGES),
            nps=nps,
            csat=csat,
            comment=comment,
            ticket_id=ticket_id,
            call_id=call_id,
        )
