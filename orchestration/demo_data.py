"""Deterministic demo landing folder for the Support KPI warehouse.

Writes realistic helpdesk (Zendesk), telephony (Asterisk queue_log), survey (Qualtrics), QA and
reference exports in the primary formats of SPEC section 4, with the quirks real exports have:
overlapping pages, records repeated across pages, an older log layout, a few malformed records.

The simulation walks the window day by day. Every output record is keyed by its timestamp and kept
in a time-ordered sink. A record is only ever created at or after the arrival being processed, so
when day D starts everything older than D is final and is streamed to disk: memory stays bounded by
the few days of activity in flight, not by the size of the window.
"""

from __future__ import annotations

import csv
import heapq
import json
import math
import random
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .settings import DEMO_MARKER

__all__ = ["DEFAULT_END_DATE", "LOCAL_TIMEZONE", "TEAMS", "generate"]

DEFAULT_END_DATE = date(2026, 11, 20)
LOCAL_TIMEZONE = ZoneInfo("Europe/Paris")

MINUTE = 60
HOUR = 3600
DAY = 86400

ZENDESK_API = "https://acme-support.zendesk.com/api/v2"
REASON_FIELD_ID = 360001
ADMIN_ID = 372000000001
AGENT_ID_BASE = 372000001000
CUSTOMER_ID_BASE = 381000000000
GROUP_ID_BASE = 360000100000
AUTOMATION_ID = -1
FIRST_TICKET_ID = 120001
FIRST_EVENT_ID = 5100000000001
FIRST_CHILD_EVENT_ID = 6100000000001

TICKET_PAGE_SIZE = 1000
EVENT_PAGE_SIZE = 1000
TICKET_PAGE_OVERLAP = 3
EVENT_PAGE_OVERLAP = 2
JSONL_PAGE_NUMBER = 2  # this completed page is written as JSON Lines instead of a JSON page

QUEUE_TIMEOUT_SECONDS = 300
SOLVED_TO_CLOSED = 4 * DAY
PENDING_AUTO_SOLVE = 4 * DAY


# --------------------------------------------------------------------------------------------
# Domain profiles
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamProfile:
    team_id: str
    name: str
    agent_share: float
    tickets_per_agent_day: float
    calls_per_agent_day: float
    queues: tuple[tuple[str, float], ...]
    reasons: tuple[tuple[str, float], ...]
    talk_median_seconds: float


TEAMS: tuple[TeamProfile, ...] = (
    TeamProfile(
        "T-BILLING",
        "Billing",
        0.35,
        4.6,
        6.0,
        (("support-billing", 1.0),),
        (("billing", 45), ("refund", 30), ("invoice", 15), ("cancellation", 10)),
        260,
    ),
    TeamProfile(
        "T-TECH",
        "Technical Support",
        0.40,
        3.4,
        4.0,
        (("support-tech", 0.8), ("support-tech-priority", 0.2)),
        (("login", 30), ("bug", 35), ("integration", 15), ("performance", 20)),
        420,
    ),
    TeamProfile(
        "T-GENERAL",
        "General Enquiries",
        0.25,
        4.0,
        8.5,
        (("support-general", 1.0),),
        (("shipping", 40), ("account", 25), ("order_status", 20), ("feedback", 15)),
        190,
    ),
)
TEAM_BY_ID = {team.team_id: team for team in TEAMS}
GROUP_ID_BY_TEAM = {team.team_id: GROUP_ID_BASE + i + 1 for i, team in enumerate(TEAMS)}


@dataclass(frozen=True, slots=True)
class ReasonProfile:
    one_touch: float  # chance the first reply also solves
    extra_rounds: float  # mean number of further back-and-forths otherwise
    hold: float  # chance of waiting on a third party
    urgent_bias: float  # multiplies the weight of high/urgent priorities
    subjects: tuple[str, ...]


REASONS: dict[str, ReasonProfile] = {
    "billing": ReasonProfile(
        0.45,
        0.8,
        0.02,
        1.0,
        ("Charged twice this month", "Question about my invoice amount", "Payment method declined"),
    ),
    "refund": ReasonProfile(
        0.30,
        1.2,
        0.05,
        1.0,
        ("Refund not received yet", "Requesting a refund for my order", "Partial refund missing"),
    ),
    "invoice": ReasonProfile(
        0.60,
        0.5,
        0.01,
        0.5,
        ("Need a copy of my invoice", "VAT number missing on invoice", "Invoice address is wrong"),
    ),
    "cancellation": ReasonProfile(
        0.40,
        1.0,
        0.01,
        0.8,
        ("Please cancel my subscription", "How do I stop auto-renewal?", "Cancel order before shipping"),
    ),
    "login": ReasonProfile(
        0.55,
        0.6,
        0.01,
        1.6,
        ("Cannot log in to my account", "Password reset email never arrives", "Two-factor code not accepted"),
    ),
    "bug": ReasonProfile(
        0.15,
        1.8,
        0.15,
        2.0,
        ("Error 500 when saving settings", "App crashes on export", "Dashboard shows wrong totals"),
    ),
    "integration": ReasonProfile(
        0.20,
        1.6,
        0.10,
        1.5,
        ("Webhook calls failing", "API returns 401 since yesterday", "Sync with CRM stopped"),
    ),
    "performance": ReasonProfile(
        0.20,
        1.5,
        0.12,
        1.8,
        ("Pages are very slow today", "Report takes minutes to load", "Timeouts on the mobile app"),
    ),
    "shipping": ReasonProfile(
        0.50,
        0.8,
        0.05,
        0.8,
        ("Where is my parcel?", "Parcel delivered to the wrong address", "Shipping costs seem wrong"),
    ),
    "account": ReasonProfile(
        0.55,
        0.6,
        0.01,
        0.6,
        ("Change the email on my account", "Update company details", "Merge two accounts"),
    ),
    "order_status": ReasonProfile(
        0.65,
        0.4,
        0.03,
        0.6,
        (
            "Order status still 'processing'",
            "When will my order ship?",
            "Order marked delivered, not received",
        ),
    ),
    "feedback": ReasonProfile(
        0.70,
        0.3,
        0.00,
        0.3,
        ("Suggestion: dark mode", "Great service, thank you", "Feedback on the new checkout"),
    ),
}

# Share of tickets taking an unusual path; the others follow the standard conversation.
TICKET_KINDS = (("deleted", 0.005), ("spam", 0.010), ("merged", 0.006), ("proactive", 0.020))
CHANNELS_WHILE_OPEN = (("email", 42), ("web", 30), ("chat", 18), ("api", 10))
CHANNELS_WHILE_CLOSED = (("email", 55), ("web", 35), ("api", 10))
CUSTOMER_VIA = {"email": "Mail", "web": "Web form", "chat": "Chat", "api": "API"}
TICKET_TYPES = (("question", 45), ("incident", 28), ("problem", 9), ("task", 6), (None, 12))
# Median business minutes to a first reply by priority, for an agent of average speed.
FIRST_REPLY_MINUTES = {"urgent": 12, "high": 25, "normal": 40, "low": 90, None: 45}

# Monday first. Tickets arrive around the clock (email, web forms), calls only while the line is open.
TICKET_DOW = (1.35, 1.15, 1.05, 1.0, 0.9, 0.35, 0.25)
TICKET_HOUR = (
    0.15,
    0.1,
    0.1,
    0.1,
    0.1,
    0.15,
    0.3,
    0.6,
    1.2,
    1.8,
    1.9,
    1.7,
    1.2,
    1.4,
    1.6,
    1.5,
    1.3,
    1.0,
    0.7,
    0.5,
    0.4,
    0.35,
    0.25,
    0.2,
)
CALL_DOW = (1.4, 1.15, 1.05, 1.0, 0.95, 0.3, 0.15)
CALL_HOUR = (0, 0, 0, 0, 0, 0, 0, 0, 0.6, 1.4, 1.6, 1.5, 1.0, 1.1, 1.4, 1.3, 1.2, 0.9, 0.5, 0, 0, 0, 0, 0)
AFTER_HOURS_CALL_WEIGHT = 0.03
TICKET_HOUR_SUM = sum(TICKET_HOUR)
CALL_HOUR_SUM = sum(w or AFTER_HOURS_CALL_WEIGHT for w in CALL_HOUR)
CALL_HOUR_OPEN_MEAN = sum(CALL_HOUR) / sum(1 for w in CALL_HOUR if w)
WEEKDAY_HOURS = (8, 19)
WEEKEND_HOURS = (9, 17)

QA_CRITERIA = (("greeting", 5), ("accuracy", 10), ("empathy", 5), ("resolution", 10), ("compliance", 5))

FIRST_NAMES = (
    "Alice",
    "Bruno",
    "Camille",
    "David",
    "Élodie",
    "Farid",
    "Grace",
    "Hugo",
    "Inès",
    "Jamal",
    "Karen",
    "Louis",
    "Maya",
    "Nathan",
    "Olivia",
    "Pierre",
    "Quentin",
    "Rosa",
    "Samir",
    "Tara",
    "Ugo",
    "Valérie",
    "William",
    "Yasmine",
    "Zoé",
    "Ahmed",
    "Beatriz",
    "Chen",
    "Diego",
    "Emma",
    "Fatou",
    "Georg",
    "Hannah",
    "Igor",
    "Julia",
    "Kenji",
    "Lena",
    "Marco",
    "Nina",
    "Oscar",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Smith",
    "Johnson",
    "Garcia",
    "Müller",
    "Rossi",
    "Nguyen",
    "Kowalski",
    "Lefèvre",
    "Moreau",
    "Brown",
    "Wilson",
    "Silva",
    "Khan",
    "Dupont",
    "Fontaine",
    "O'Brien",
    "Schmidt",
    "Lambert",
    "Novak",
    "Ivanova",
    "Haddad",
    "Costa",
    "Jensen",
    "Mercier",
    "Petit",
    "Roux",
    "Walker",
)
CUSTOMER_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

AGENT_REPLIES = (
    "Thanks for reaching out. I have checked your account and corrected it; you should see the change now.",
    "Thank you for the details. I have escalated this and will update you as soon as I hear back.",
    "Sorry for the trouble! Could you send a screenshot of the error so I can reproduce it?",
    "I have applied the fix on our side. Please let me know if everything works for you now.",
    "Good news: this is sorted. I have also added a note so it does not happen again.",
    "Thanks for your patience. Here are the steps to follow: log out, clear the cache and sign in again.",
)
CUSTOMER_REPLIES = (
    "Thanks, but it still does not work for me.",
    "Here is the screenshot you asked for.",
    "I tried that, same problem. Any other idea?",
    "Ok, thanks! Waiting for your update.",
    "Yes, that is the right order number.",
)
REOPEN_MESSAGES = (
    "Sorry, the problem is back again this morning.",
    "It worked for a day but now I see the same error.",
    "I did not get the refund after all, can you check again?",
)
INTERNAL_NOTES = (
    "Checked the logs: the request reached us twice.",
    "Asked engineering on Slack, waiting for an answer.",
    "Customer is on the legacy plan; refund needs approval.",
    "Known issue, linked to the incident from this week.",
)
HOLD_NOTES = (
    "On hold: waiting for the payment provider to confirm.",
    "On hold: waiting for the carrier investigation.",
    "On hold: bug reported to engineering.",
)
PROACTIVE_MESSAGES = (
    "Hello, we noticed your last payment failed. Could you update your card details?",
    "Hello, your parcel was returned to our warehouse. Can you confirm your delivery address?",
    "Hello, we detected an unusual sign-in on your account and have locked it as a precaution.",
)
FOLLOW_UP_SOLVE = "We have not heard back from you, so I am marking this as solved. Just reply to reopen it."
SATISFACTION_COMMENTS = (
    "Fast and friendly, thanks!",
    "Problem solved on the first try.",
    "Took too long to get an answer.",
    "The agent did not read my message.",
    "Great help, thank you!",
)
SURVEY_COMMENTS = (
    "Quick answer, thanks!",
    'The agent said "it is fixed" but it was not.',
    "Great help, very patient.\nWill recommend you to my colleagues.",
    "Waited 20 minutes on the phone, then got cut off.",
    "Friendly, competent, fast - what else?",
    "Refund arrived, finally; 3 weeks is too long though.",
    'I had to explain my problem three times, to three people. "Transfer" is not a solution.',
)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _iso(epoch: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _naive_utc(epoch: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(rng.gauss(0.0, sigma))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _weighted(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights)[0]


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _ticket_kind(roll: float, is_open: bool) -> str:
    threshold = 0.0
    for kind, share in TICKET_KINDS:
        threshold += share
        if roll < threshold:
            # Agents only write proactive tickets during opening hours.
            return "standard" if kind == "proactive" and not is_open else kind
    return "standard"


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def _dump(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------------------------
# Calendar, people and staffing
# --------------------------------------------------------------------------------------------


class _BusinessCalendar:
    """Opening hours of the contact centre in its local zone (weekdays 8-19, weekends 9-17)."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._windows: dict[date, tuple[int, int]] = {}

    def local(self, epoch: int) -> datetime:
        return datetime.fromtimestamp(epoch, self.zone)

    def local_date(self, epoch: int) -> date:
        return datetime.fromtimestamp(epoch, self.zone).date()

    def window(self, day: date) -> tuple[int, int]:
        hit = self._windows.get(day)
        if hit is None:
            open_hour, close_hour = WEEKDAY_HOURS if day.weekday() < 5 else WEEKEND_HOURS
            opens = datetime(day.year, day.month, day.day, open_hour, tzinfo=self.zone)
            closes = datetime(day.year, day.month, day.day, close_hour, tzinfo=self.zone)
            hit = (int(opens.timestamp()), int(closes.timestamp()))
            self._windows[day] = hit
        return hit

    def is_open(self, epoch: int) -> bool:
        opens, closes = self.window(self.local_date(epoch))
        return opens <= epoch < closes

    def next_open(self, epoch: int) -> int:
        day = self.local_date(epoch)
        opens, closes = self.window(day)
        if epoch < opens:
            return opens
        if epoch < closes:
            return epoch
        return self.window(day + timedelta(days=1))[0]

    def add_business(self, epoch: int, seconds: float) -> int:
        """epoch plus `seconds` of opening hours (work started out of hours waits for the opening)."""
        remaining = int(seconds)
        current = self.next_open(epoch)
        while True:
            closes = self.window(self.local_date(current))[1]
            if current + remaining < closes:
                return current + remaining
            remaining -= closes - current
            current = self.next_open(closes)


@dataclass(frozen=True, slots=True)
class Membership:
    team_id: str
    valid_from: date
    valid_to: date | None  # exclusive; None = current

    def contains(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


@dataclass(slots=True)
class Agent:
    agent_id: str
    name: str
    email: str
    zendesk_id: int
    asterisk: str
    hired: date
    speed: float  # multiplies reply delays: below 1 is faster than average
    quality: float  # 0..1: drives CSAT, NPS, QA scores and reopens
    handle: float  # multiplies talk time
    capacity: float  # share of the work picked up
    off_weekdays: tuple[int, ...]
    vacation: tuple[date, date] | None
    review_rate: float
    memberships: list[Membership] = field(default_factory=list)

    def team_on(self, day: date) -> str | None:
        for membership in self.memberships:
            if membership.contains(day):
                return membership.team_id
        return None

    def works_on(self, day: date) -> bool:
        if day.weekday() in self.off_weekdays:
            return False
        return self.vacation is None or not self.vacation[0] <= day < self.vacation[1]

    @property
    def reopen_rate(self) -> float:
        return _clamp(0.03 + 0.3 * (0.95 - self.quality), 0.01, 0.2)


def _team_sizes(agent_count: int) -> list[int]:
    billing = max(1, round(agent_count * TEAMS[0].agent_share))
    general = max(1, round(agent_count * TEAMS[2].agent_share))
    return [billing, agent_count - billing - general, general]


def _build_agents(rng: random.Random, agent_count: int, start: date, days: int) -> list[Agent]:
    name_pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    picks = rng.sample(range(len(name_pairs)), min(agent_count, len(name_pairs)))
    width = max(3, len(str(agent_count)))
    agents: list[Agent] = []
    for team, size in zip(TEAMS, _team_sizes(agent_count), strict=True):
        for position in range(size):
            index = len(agents)
            first, last = name_pairs[picks[index % len(picks)]]
            suffix = "" if index < len(picks) else str(index)
            speed = math.exp(rng.gauss(0.0, 0.35))
            vacation = None
            if days >= 28:
                vacation_start = start + timedelta(days=rng.randrange(days - 7))
                vacation = (vacation_start, vacation_start + timedelta(days=7))
            hired = start - timedelta(days=rng.randint(60, 2500))
            agents.append(
                Agent(
                    agent_id=f"A{index + 1:0{width}d}",
                    name=f"{first} {last}",
                    email=f"{_ascii_slug(first)}.{_ascii_slug(last)}{suffix}@acme-support.example",
                    zendesk_id=AGENT_ID_BASE + index + 1,
                    asterisk=f"PJSIP/{1001 + index}",
                    hired=hired,
                    speed=speed,
                    # Slower agents tend to be more thorough: speed is shown next to quality for a reason.
                    quality=_clamp(0.86 + 0.07 * math.log(speed) + rng.gauss(0.0, 0.04), 0.62, 0.97),
                    handle=math.exp(rng.gauss(0.0, 0.25)),
                    capacity=1.0,
                    # Every third agent of a team covers weekends and is off mid-week instead.
                    off_weekdays=(2, 3) if position % 3 == 0 else (5, 6),
                    vacation=vacation,
                    review_rate=rng.uniform(0.02, 0.05),
                    memberships=[Membership(team.team_id, hired, None)],
                )
            )
    _move_one_agent(agents, start + timedelta(days=max(1, days // 2)))
    if agent_count >= 8:
        _make_new_hire(agents, start + timedelta(days=max(1, days // 3)))
    return agents


def _move_one_agent(agents: list[Agent], move_date: date) -> None:
    """The last technical agent joins billing mid-period (slowly changing roster)."""
    mover = [agent for agent in agents if agent.memberships[0].team_id == "T-TECH"][-1]
    hired = mover.memberships[0].valid_from
    mover.memberships = [Membership("T-TECH", hired, move_date), Membership("T-BILLING", move_date, None)]


def _make_new_hire(agents: list[Agent], hire_date: date) -> None:
    hire = [agent for agent in agents if agent.memberships[0].team_id == "T-GENERAL"][-1]
    hire.hired = hire_date
    hire.memberships = [Membership("T-GENERAL", hire_date, None)]
    hire.speed *= 1.5
    hire.quality = _clamp(hire.quality - 0.06, 0.6, 0.95)
    hire.capacity = 0.6


class _Staffing:
    """Who can take work for a team on a local day (roster history, days off, vacations)."""

    def __init__(self, agents: list[Agent], calendar: _BusinessCalendar) -> None:
        self._agents = agents
        self._calendar = calendar
        self._cache: dict[tuple[str, date], tuple[list[Agent], list[float], int]] = {}
        self.nominal = {team.team_id: 0 for team in TEAMS}
        for agent in agents:
            self.nominal[agent.memberships[0].team_id] += 1

    def _pool(self, team_id: str, day: date) -> tuple[list[Agent], list[float], int]:
        key = (team_id, day)
        hit = self._cache.get(key)
        if hit is None:
            members = [agent for agent in self._agents if agent.team_on(day) == team_id]
            working = [agent for agent in members if agent.works_on(day)]
            # Somebody covers even when the whole team is off (weekends in small teams).
            pool = working or members or [a for a in self._agents if a.team_on(day)] or self._agents
            hit = (pool, list(accumulate(agent.capacity for agent in pool)), len(working))
            self._cache[key] = hit
        return hit

    def pick(self, rng: random.Random, team_id: str, epoch: int, exclude: Agent | None = None) -> Agent:
        pool, cumulative, _ = self._pool(team_id, self._calendar.local_date(epoch))
        agent = rng.choices(pool, cum_weights=cumulative)[0]
        for _ in range(4):
            if agent is not exclude or len(pool) == 1:
                break
            agent = rng.choices(pool, cum_weights=cumulative)[0]
        return agent

    def working_count(self, team_id: str, day: date) -> int:
        return self._pool(team_id, day)[2]


@dataclass(slots=True)
class _Customers:
    ids: list[int]
    names: list[str]
    emails: list[str]
    phones: list[str | None]
    digits: list[str | None]
    created: list[int]
    cumulative: list[float]
    with_phone: list[int]
    cumulative_with_phone: list[float]

    def pick(self, rng: random.Random) -> int:
        return rng.choices(range(len(self.ids)), cum_weights=self.cumulative)[0]

    def pick_with_phone(self, rng: random.Random) -> int:
        return rng.choices(self.with_phone, cum_weights=self.cumulative_with_phone)[0]


def _format_phone(rng: random.Random, index: int) -> tuple[str, str]:
    """A unique phone number in a random but realistic format, and its digits."""
    if rng.random() < 0.8:
        area, line = 201 + (index // 10000) % 790, index % 10000
        digits = f"1{area}555{line:04d}"
        shown = rng.choice(
            (
                f"+1 ({area}) 555-{line:04d}",
                f"+1-{area}-555-{line:04d}",
                f"+1{area}555{line:04d}",
                f"+1 {area} 555 {line:04d}",
            )
        )
    else:
        number = f"{6 + index % 2}{(index // 2) % 100_000_000:08d}"
        digits = f"33{number}"
        pairs = " ".join(number[i : i + 2] for i in range(1, 9, 2))
        shown = rng.choice((f"+33 {number[0]} {pairs}", f"+33{number}"))
    return shown, digits


def _build_customers(rng: random.Random, count: int, start_epoch: int) -> _Customers:
    ids, names, emails, phones, digits, created = [], [], [], [], [], []
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        ids.append(CUSTOMER_ID_BASE + index + 1)
        names.append(f"{first} {last}")
        emails.append(f"{_ascii_slug(first)}.{_ascii_slug(last)}{index + 1}@{rng.choice(CUSTOMER_DOMAINS)}")
        if rng.random() < 0.65:
            shown, number = _format_phone(rng, index)
        else:
            shown, number = None, None
        phones.append(shown)
        digits.append(number)
        created.append(start_epoch - rng.randint(DAY, 900 * DAY))
    # Heavy-tailed activity: a few customers write and call a lot, most only once or twice.
    weights = [1.0 / (rank + 5) ** 0.6 for rank in range(count)]
    with_phone = [index for index in range(count) if digits[index] is not None]
    return _Customers(
        ids,
        names,
        emails,
        phones,
        digits,
        created,
        list(accumulate(weights)),
        with_phone,
        list(accumulate(weights[index] for index in with_phone)),
    )


# --------------------------------------------------------------------------------------------
# Output writers
# --------------------------------------------------------------------------------------------


class _TimeOrderedSink:
    """Buffers records by timestamp; records before the window end are flushed in time order."""

    def __init__(self, end: int, write: Callable[[int, Any], None]) -> None:
        self._heap: list[tuple[int, int, Any]] = []
        self._sequence = 0
        self._end = end
        self._write = write

    def push(self, epoch: int, item: Any) -> bool:
        if epoch >= self._end:
            return False
        heapq.heappush(self._heap, (epoch, self._sequence, item))
        self._sequence += 1
        return True

    def flush_before(self, epoch: int) -> None:
        heap = self._heap
        while heap and heap[0][0] < epoch:
            stamp, _, item = heapq.heappop(heap)
            self._write(stamp, item)


class _PagedJsonWriter:
    """Zendesk incremental export pages, each repeating the tail of the previous one.

    One page is written as JSON Lines with an extra truncated line, as a cut-off download looks.
    """

    def __init__(
        self,
        directory: Path,
        stem: str,
        key: str,
        page_size: int,
        overlap: int,
        resource: str,
        assign_ids: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self._directory = directory
        self._stem = stem
        self._key = key
        self._page_size = page_size
        self._overlap = overlap
        self._resource = resource
        self._assign_ids = assign_ids
        self._page: list[tuple[int, dict[str, Any]]] = []
        self._fresh = 0
        self._pending: list[tuple[int, dict[str, Any]]] | None = None
        self._completed = 0
        self._jsonl_written = False
        self.json_pages = 0
        self.records = 0
        self.malformed = 0

    def write(self, epoch: int, record: dict[str, Any]) -> None:
        if self._assign_ids is not None:
            self._assign_ids(record)
        self._page.append((epoch, record))
        self._fresh += 1
        if len(self._page) >= self._page_size:
            self._complete_page()

    def _complete_page(self) -> None:
        page = self._page
        self._page = page[-self._overlap :] if self._overlap else []
        self._fresh = 0
        self._completed += 1
        if self._completed == JSONL_PAGE_NUMBER:
            self._write_jsonl(page)
            return
        if self._pending is not None:
            self._write_json(self._pending, last=False)
        self._pending = page

    def close(self) -> None:
        if self._fresh:
            if self._pending is not None:
                self._write_json(self._pending, last=False)
            self._pending = self._page
        if self._pending is not None:
            self._write_json(self._pending, last=True)
        elif not self._jsonl_written:
            self._write_json([], last=True)
        if not self._jsonl_written:
            # Too little data for a second page: the JSON Lines file repeats the last records.
            self._write_jsonl(self._page[-5:])

    def _write_json(self, page: list[tuple[int, dict[str, Any]]], last: bool) -> None:
        self.json_pages += 1
        end_time = page[-1][0] if page else 0
        body = {
            self._key: [record for _, record in page],
            "count": len(page),
            "end_of_stream": last,
            "end_time": end_time,
            "next_page": None if last else self._next_page_url(end_time),
        }
        path = self._directory / f"{self._stem}_{self.json_pages:04d}.json"
        path.write_text(_dump(body), encoding="utf-8")
        self.records += len(page)

    def _next_page_url(self, end_time: int) -> str:
        return f"{ZENDESK_API}/incremental/{self._resource}.json?start_time={end_time}"

    def _write_jsonl(self, page: list[tuple[int, dict[str, Any]]]) -> None:
        lines = [_dump(record) for _, record in page]
        if lines:
            broken = lines[len(lines) // 2]
            lines.insert(len(lines) // 2 + 1, broken[: max(1, len(broken) // 2)])
            self.malformed += 1
        path = self._directory / f"{self._stem}_jsonl_0001.jsonl"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        self.records += len(page)
        self._jsonl_written = True


class _QueueLogWriter:
    """queue_log rotated at `rotate_at`: queue_log.1 holds the older lines."""

    def __init__(self, directory: Path, start: int, rotate_at: int) -> None:
        self._rotate_at = rotate_at
        self._older = (directory / "queue_log.1").open("w", encoding="utf-8", newline="\n")
        self._current = (directory / "queue_log").open("w", encoding="utf-8", newline="\n")
        self._older.write(f"{start}|NONE|NONE|NONE|QUEUESTART|\n")
        self._current.write(f"{rotate_at}|NONE|NONE|NONE|QUEUESTART|\n")
        self.lines = 2

    def write(self, epoch: int, line: str) -> None:
        (self._older if epoch < self._rotate_at else self._current).write(line + "\n")
        self.lines += 1

    def close(self) -> None:
        self._older.close()
        self._current.close()


QUALTRICS_COLUMNS = (
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"UTC"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"UTC"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"UTC"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    ("Q_NPS", "How likely are you to recommend Acme to a friend or colleague?", '{"ImportId":"QID1"}'),
    ("Q_CSAT", "Overall, how satisfied are you with the support you received?", '{"ImportId":"QID2"}'),
    ("Q_COMMENT", "Is there anything else you would like to tell us?", '{"ImportId":"QID3_TEXT"}'),
    ("ticket_id", "ticket_id", '{"ImportId":"ticket_id"}'),
    ("call_id", "call_id", '{"ImportId":"call_id"}'),
)
RESPONSE_ID_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
DUPLICATED_SURVEY_ROW = 5  # this real response is exported twice
OUT_OF_RANGE_SURVEY_ROW = 7  # this real response carries NPS 11


class _SurveyWriter:
    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        for row_index in range(3):
            self._csv.writerow([column[row_index] for column in QUALTRICS_COLUMNS])
        self._real_rows = 0
        self._duplicate: list[str] | None = None
        self.rows = 0
        self.out_of_range = 0
        self.duplicated = 0

    def write(self, _epoch: int, row: list[str]) -> None:
        if row[2] == "0" and row[6] == "True":
            self._real_rows += 1
            if self._real_rows == OUT_OF_RANGE_SURVEY_ROW:
                row = row.copy()
                row[13] = "11"
                self.out_of_range += 1
            elif self._real_rows == DUPLICATED_SURVEY_ROW:
                self._duplicate = row
        self._csv.writerow(row)
        self.rows += 1

    def close(self) -> None:
        if self._duplicate is not None:
            self._csv.writerow(self._duplicate)
            self.rows += 1
            self.duplicated += 1
        self._file.close()


class _QualityWriter:
    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(
            [
                "review_id",
                "reviewed_at",
                "reviewer_id",
                "agent_id",
                "interaction_type",
                "interaction_id",
                "criterion",
                "score",
                "max_score",
            ]
        )
        self.reviews = 0
        self.rows = 0

    def write(self, epoch: int, review: tuple[str, str, str, str, list[tuple[str, int, int]]]) -> None:
        reviewer, agent_id, interaction_type, interaction_id, scores = review
        self.reviews += 1
        review_id = f"QA-{self.reviews:06d}"
        for criterion, score, max_score in scores:
            self._csv.writerow(
                [
                    review_id,
                    _iso(epoch),
                    reviewer,
                    agent_id,
                    interaction_type,
                    interaction_id,
                    criterion,
                    score,
                    max_score,
                ]
            )
            self.rows += 1

    def close(self) -> None:
        self._file.close()


# --------------------------------------------------------------------------------------------
# Tickets
# --------------------------------------------------------------------------------------------

TicketState = tuple[str, int | None, int, str | None, str, str | None]


@dataclass(slots=True)
class _Audit:
    epoch: int
    updater_id: int
    via: str
    children: list[dict[str, Any]]
    state: TicketState


class _Ticket:
    """A ticket's static fields and its audit trail, built forward in time."""

    def __init__(
        self,
        ticket_id: int,
        created: int,
        team: TeamProfile,
        reason: str,
        channel: str,
        priority: str | None,
        ticket_type: str | None,
        subject: str,
        requester: int,
        requester_id: int,
        group_id: int,
    ) -> None:
        self.ticket_id = ticket_id
        self.created = created
        self.team = team
        self.reason = reason
        self.channel = channel
        self.ticket_type = ticket_type
        self.subject = subject
        reference = ticket_id % 9973
        self.description = f"Hello,\n{subject}. Could you please look into it? Reference {reference:04d}."
        self.requester = requester
        self.requester_id = requester_id
        self.submitter_id = requester_id
        self.tags = [f"reason_{reason}"]
        self.state: dict[str, Any] = {
            "status": "new",
            "assignee_id": None,
            "group_id": group_id,
            "priority": priority,
            "satisfaction_score": "unoffered",
        }
        self.satisfaction_comment: str | None = None
        self.audits: list[_Audit] = []

    @property
    def status(self) -> str:
        return self.state["status"]

    @property
    def last_epoch(self) -> int:
        return self.audits[-1].epoch

    def _snapshot(self) -> TicketState:
        state = self.state
        return (
            state["status"],
            state["assignee_id"],
            state["group_id"],
            state["priority"],
            state["satisfaction_score"],
            self.satisfaction_comment,
        )

    def create(self, updater: int, via: str, body: str, status: str = "new", assignee: int | None = None) -> int:
        self.state["status"] = status
        self.state["assignee_id"] = assignee
        children = [_field_event("Create", "status", status, None)]
        if self.state["priority"] is not None:
            children.append(_field_event("Create", "priority", self.state["priority"], None))
        children.append(_field_event("Create", "group_id", self.state["group_id"], None))
        if assignee is not None:
            children.append(_field_event("Create", "assignee_id", assignee, None))
        children.append(_comment_event(updater, True, body))
        self.audits.append(_Audit(self.created, updater, via, children, self._snapshot()))
        return self.created

    def update(
        self,
        epoch: float,
        updater: int,
        via: str,
        changes: dict[str, Any] | None = None,
        comment: tuple[int, bool, str] | None = None,
    ) -> int:
        stamp = max(int(epoch), self.last_epoch + 1)
        children = []
        for name, value in (changes or {}).items():
            previous = self.state[name]
            if value != previous:
                children.append(_field_event("Change", name, value, previous))
                self.state[name] = value
        if comment is not None:
            children.append(_comment_event(*comment))
        self.audits.append(_Audit(stamp, updater, via, children, self._snapshot()))
        return stamp


def _field_event(kind: str, name: str, value: Any, previous: Any) -> dict[str, Any]:
    return {
        "id": None,
        "event_type": kind,
        "field_name": name,
        "value": None if value is None else str(value),
        "previous_value": None if previous is None else str(previous),
    }


def _comment_event(author: int, public: bool, body: str) -> dict[str, Any]:
    return {"id": None, "event_type": "Comment", "public": public, "author_id": author, "body": body}


def _ticket_record(ticket: _Ticket, audit: _Audit) -> dict[str, Any]:
    status, assignee, group, priority, score, comment = audit.state
    return {
        "id": ticket.ticket_id,
        "url": f"{ZENDESK_API}/tickets/{ticket.ticket_id}.json",
        "external_id": None,
        "created_at": _iso(ticket.created),
        "updated_at": _iso(audit.epoch),
        "generated_timestamp": audit.epoch,
        "type": ticket.ticket_type,
        "subject": ticket.subject,
        "raw_subject": ticket.subject,
        "description": ticket.description,
        "priority": priority,
        "status": status,
        "requester_id": ticket.requester_id,
        "submitter_id": ticket.submitter_id,
        "assignee_id": assignee,
        "organization_id": None,
        "group_id": group,
        "via": {"channel": ticket.channel},
        "tags": sorted(ticket.tags),
        "custom_fields": [{"id": REASON_FIELD_ID, "value": ticket.reason}],
        "satisfaction_rating": {"score": score, "comment": comment},
    }


def _event_record(ticket: _Ticket, audit: _Audit) -> dict[str, Any]:
    return {
        "id": None,
        "ticket_id": ticket.ticket_id,
        "timestamp": audit.epoch,
        "created_at": _iso(audit.epoch),
        "updater_id": audit.updater_id,
        "via": audit.via,
        "event_type": "Audit",
        "child_events": [dict(child) for child in audit.children],
    }


class _IdAllocator:
    """Event ids follow time order, as in Zendesk, so they are handed out when written."""

    def __init__(self) -> None:
        self._event = FIRST_EVENT_ID
        self._child = FIRST_CHILD_EVENT_ID

    def __call__(self, record: dict[str, Any]) -> None:
        record["id"] = self._event
        self._event += 1
        for child in record["child_events"]:
            child["id"] = self._child
            self._child += 1


# --------------------------------------------------------------------------------------------
# The simulation
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Outputs:
    tickets: _PagedJsonWriter
    events: _PagedJsonWriter
    queue_log: _QueueLogWriter
    surveys: _SurveyWriter
    quality: _QualityWriter
    sinks: dict[str, _TimeOrderedSink]

    def flush_before(self, epoch: int) -> None:
        for sink in self.sinks.values():
            sink.flush_before(epoch)

    def close(self) -> None:
        self.tickets.close()
        self.events.close()
        self.queue_log.close()
        self.surveys.close()
        self.quality.close()


class _Simulation:
    def __init__(self, out_dir: Path, days: int, agent_count: int, seed: int, end_date: date) -> None:
        self.out_dir = out_dir
        self.days = days
        self.start_day = end_date - timedelta(days=days)
        self.end_day = end_date
        self.start = _epoch(self.start_day)
        self.end = _epoch(end_date)
        # Asterisk was upgraded a quarter into the window: older calls use the older field layout.
        self.upgrade_at = self.start + (days // 4) * DAY
        self.calendar = _BusinessCalendar(LOCAL_TIMEZONE)
        self.rng_people = random.Random(f"{seed}:people")
        self.rng_arrivals = random.Random(f"{seed}:arrivals")
        self.rng_tickets = random.Random(f"{seed}:tickets")
        self.rng_calls = random.Random(f"{seed}:calls")
        self.rng_feedback = random.Random(f"{seed}:feedback")
        self.agents = _build_agents(self.rng_people, agent_count, self.start_day, days)
        self.agent_by_zendesk_id = {agent.zendesk_id: agent for agent in self.agents}
        self.staffing = _Staffing(self.agents, self.calendar)
        expected_tickets = (
            sum(self.staffing.nominal[team.team_id] * team.tickets_per_agent_day for team in TEAMS) * days * 0.86
        )
        self.customers = _build_customers(self.rng_people, max(200, int(expected_tickets * 0.45)), self.start)
        self.unknown_numbers = [
            f"1{self.rng_people.randint(201, 989)}556{self.rng_people.randrange(10000):04d}"
            for _ in range(max(50, len(self.customers.ids) // 4))
        ]
        self.reviewers = [f"QA-{i + 1:02d}" for i in range(max(2, agent_count // 15))]
        self.arrivals: list[tuple[int, int, str, tuple[Any, ...]]] = []
        self.arrival_sequence = 0
        self.next_ticket_id = FIRST_TICKET_ID
        self.call_sequence = 1
        self.counts = {"tickets": 0, "ticket_versions": 0, "ticket_events": 0, "calls": 0}
        self.malformed_log_lines = 0
        self.out: _Outputs | None = None

    # ---- driver -------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        directories = {
            name: self.out_dir / name for name in ("helpdesk", "telephony", "surveys", "quality", "reference")
        }
        for directory in directories.values():
            directory.mkdir(parents=True, exist_ok=True)
        self._write_reference(directories["reference"])
        out = self._open_outputs(directories)
        self.out = out
        try:
            for day_index in range(self.days):
                day_start = self.start + day_index * DAY
                out.flush_before(day_start)
                self._schedule_day(day_start)
                self._process_arrivals_until(day_start + DAY)
            out.flush_before(self.end)
        finally:
            out.close()
        self._write_users(directories["helpdesk"])
        self._write_groups(directories["helpdesk"])
        return self._summary(out)

    def _open_outputs(self, directories: dict[str, Path]) -> _Outputs:
        tickets = _PagedJsonWriter(
            directories["helpdesk"], "tickets", "tickets", TICKET_PAGE_SIZE, TICKET_PAGE_OVERLAP, "tickets"
        )
        events = _PagedJsonWriter(
            directories["helpdesk"],
            "ticket_events",
            "ticket_events",
            EVENT_PAGE_SIZE,
            EVENT_PAGE_OVERLAP,
            "ticket_events",
            assign_ids=_IdAllocator(),
        )
        rotate_at = self.start + (self.days // 2) * DAY
        queue_log = _QueueLogWriter(directories["telephony"], self.start, rotate_at)
        surveys = _SurveyWriter(directories["surveys"] / "qualtrics_export.csv")
        quality = _QualityWriter(directories["quality"] / "qa_reviews.csv")
        sinks = {
            "tickets": _TimeOrderedSink(self.end, tickets.write),
            "events": _TimeOrderedSink(self.end, events.write),
            "queue_log": _TimeOrderedSink(self.end, queue_log.write),
            "surveys": _TimeOrderedSink(self.end, surveys.write),
            "quality": _TimeOrderedSink(self.end, quality.write),
        }
        return _Outputs(tickets, events, queue_log, surveys, quality, sinks)

    def _sink(self, name: str) -> _TimeOrderedSink:
        assert self.out is not None
        return self.out.sinks[name]

    def _push_arrival(self, epoch: int, kind: str, payload: tuple[Any, ...]) -> None:
        if epoch < self.end:
            heapq.heappush(self.arrivals, (epoch, self.arrival_sequence, kind, payload))
            self.arrival_sequence += 1

    def _process_arrivals_until(self, limit: int) -> None:
        while self.arrivals and self.arrivals[0][0] < limit:
            epoch, _, kind, payload = heapq.heappop(self.arrivals)
            if kind == "ticket":
                self._new_ticket(epoch, *payload)
            else:
                self._new_call(epoch, *payload)

    def _schedule_day(self, day_start: int) -> None:
        rng = self.rng_arrivals
        for hour in range(24):
            hour_start = day_start + hour * HOUR
            local = self.calendar.local(hour_start)
            is_open = self.calendar.is_open(hour_start)
            weekday = local.weekday()
            call_weight = CALL_HOUR[local.hour] if is_open else AFTER_HOURS_CALL_WEIGHT
            for team in TEAMS:
                size = self.staffing.nominal[team.team_id]
                ticket_rate = size * team.tickets_per_agent_day * TICKET_DOW[weekday]
                for _ in range(_poisson(rng, ticket_rate * TICKET_HOUR[local.hour] / TICKET_HOUR_SUM)):
                    self._push_arrival(hour_start + rng.randrange(HOUR), "ticket", (team, None))
                call_rate = size * team.calls_per_agent_day * CALL_DOW[weekday]
                for _ in range(_poisson(rng, call_rate * call_weight / CALL_HOUR_SUM)):
                    queue = _weighted(rng, team.queues)
                    self._push_arrival(hour_start + rng.randrange(HOUR), "call", (team, queue, None, False))
        self._schedule_agent_sessions(self.calendar.local_date(day_start + 12 * HOUR))
        self._schedule_survey_noise(day_start)
        if day_start + DAY == self.end:
            self._schedule_calls_in_progress()
        if day_start <= self.start + int(self.days * 0.4 * DAY) < day_start + DAY:
            self._schedule_malformed_log_lines(day_start)

    # ---- tickets ------------------------------------------------------------------------

    def _new_ticket(self, epoch: int, team: TeamProfile, requester: int | None) -> None:
        rng = self.rng_tickets
        reason = _weighted(rng, team.reasons)
        profile = REASONS[reason]
        is_open = self.calendar.is_open(epoch)
        channel = _weighted(rng, CHANNELS_WHILE_OPEN if is_open else CHANNELS_WHILE_CLOSED)
        bias = profile.urgent_bias
        priority = _weighted(
            rng,
            (
                ("low", 18),
                ("normal", 55),
                ("high", 20 * bias),
                ("urgent", 5 * bias),
                (None, 2),
            ),
        )
        if requester is None:
            requester = self.customers.pick(rng)
        kind = _ticket_kind(rng.random(), is_open)
        if kind == "proactive":
            channel = "web"
        ticket = _Ticket(
            self.next_ticket_id,
            epoch,
            team,
            reason,
            channel,
            priority,
            _weighted(rng, TICKET_TYPES),
            rng.choice(profile.subjects),
            requester,
            self.customers.ids[requester],
            GROUP_ID_BY_TEAM[team.team_id],
        )
        self.next_ticket_id += 1
        if channel == "chat":
            ticket.tags.append("chat_widget")
        if requester < len(self.customers.ids) // 100:
            ticket.tags.append("vip")
        if kind == "deleted":
            self._flow_deleted(ticket, rng)
        elif kind == "spam":
            self._flow_spam(ticket, rng)
        elif kind == "merged":
            self._flow_merged(ticket, rng)
        elif kind == "proactive":
            self._finish_ticket(ticket, rng, self._flow_proactive(ticket, rng))
        else:
            self._finish_ticket(ticket, rng, self._flow_standard(ticket, rng))
        self._emit_ticket(ticket)

    def _customer_via(self, ticket: _Ticket) -> str:
        return CUSTOMER_VIA[ticket.channel]

    def _agent_via(self, ticket: _Ticket) -> str:
        return "Chat" if ticket.channel == "chat" else "Web form"

    def _flow_deleted(self, ticket: _Ticket, rng: random.Random) -> None:
        ticket.create(ticket.requester_id, self._customer_via(ticket), ticket.description)
        when = self.calendar.add_business(ticket.created, _lognormal(rng, HOUR, 0.8))
        ticket.update(when, ADMIN_ID, "Web form", {"status": "deleted"})

    def _flow_spam(self, ticket: _Ticket, rng: random.Random) -> None:
        """Auto-replies and spam: solved by the admin, never assigned, never replied to."""
        ticket.create(ticket.requester_id, self._customer_via(ticket), ticket.description)
        when = self.calendar.add_business(ticket.created, _lognormal(rng, 2 * HOUR, 0.8))
        ticket.update(
            when,
            ADMIN_ID,
            "Web form",
            {"status": "solved"},
            comment=(ADMIN_ID, False, "Out-of-office auto-reply, closing without response."),
        )
        self._finish_ticket(ticket, rng, None)

    def _flow_merged(self, ticket: _Ticket, rng: random.Random) -> None:
        """A duplicate merged into an earlier ticket: closed without ever being solved."""
        ticket.create(ticket.requester_id, self._customer_via(ticket), ticket.description)
        agent = self.staffing.pick(rng, ticket.team.team_id, self.calendar.next_open(ticket.created))
        target = max(FIRST_TICKET_ID, ticket.ticket_id - rng.randint(1, 60))
        ticket.tags.append("closed_by_merge")
        when = self.calendar.add_business(ticket.created, _lognormal(rng, 2 * HOUR * agent.speed, 0.8))
        ticket.update(
            when,
            agent.zendesk_id,
            "Web form",
            {"assignee_id": agent.zendesk_id, "status": "closed"},
            comment=(agent.zendesk_id, False, f"Merged into request #{target}."),
        )

    def _flow_proactive(self, ticket: _Ticket, rng: random.Random) -> Agent:
        """Agent-created outreach: the creating comment is the agent's, and is not a reply."""
        agent = self.staffing.pick(rng, ticket.team.team_id, ticket.created)
        ticket.submitter_id = agent.zendesk_id
        ticket.tags.append("proactive")
        ticket.description = rng.choice(PROACTIVE_MESSAGES)
        ticket.create(agent.zendesk_id, "Web form", ticket.description, status="pending", assignee=agent.zendesk_id)
        if rng.random() < 0.6:
            answer = ticket.update(
                ticket.created + _lognormal(rng, 6 * HOUR, 1.0),
                ticket.requester_id,
                "Mail",
                {"status": "open"},
                comment=(ticket.requester_id, True, rng.choice(CUSTOMER_REPLIES)),
            )
            ticket.update(
                self.calendar.add_business(answer, _lognormal(rng, HOUR * agent.speed, 0.9)),
                agent.zendesk_id,
                "Web form",
                {"status": "solved"},
                comment=(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
            )
        else:
            ticket.update(ticket.created + PENDING_AUTO_SOLVE, AUTOMATION_ID, "Rule", {"status": "solved"})
        return agent

    def _flow_standard(self, ticket: _Ticket, rng: random.Random) -> Agent:
        team_id = ticket.team.team_id
        chat = ticket.channel == "chat"
        customer_via, agent_via = self._customer_via(ticket), self._agent_via(ticket)
        misrouted = not chat and rng.random() < 0.04
        if misrouted:
            wrong_team = rng.choice([team for team in TEAMS if team.team_id != team_id])
            ticket.state["group_id"] = GROUP_ID_BY_TEAM[wrong_team.team_id]
        ticket.create(ticket.requester_id, customer_via, ticket.description)
        ready = ticket.created
        if misrouted:
            triaged = self.calendar.add_business(ready, _lognormal(rng, 25 * MINUTE, 0.8))
            ready = ticket.update(
                triaged,
                ADMIN_ID,
                "Web form",
                {"group_id": GROUP_ID_BY_TEAM[team_id]},
                comment=(ADMIN_ID, False, "Wrong queue, moving to the right team."),
            )
        if not chat and rng.random() < 0.006:
            ready += rng.randint(3, 7) * DAY  # forgotten in the unassigned view
        agent = self.staffing.pick(rng, team_id, ready if chat else self.calendar.next_open(ready))
        if chat:
            reply_at = ready + int(_lognormal(rng, 100, 0.7))
        else:
            median = FIRST_REPLY_MINUTES[ticket.state["priority"]] * MINUTE * agent.speed
            reply_at = self.calendar.add_business(ready, _lognormal(rng, median, 1.0))
            if rng.random() < 0.25:
                self._triage_before_reply(ticket, rng, ready, reply_at, agent)
        profile = REASONS[ticket.reason]
        one_touch_chance = 0.8 if chat else profile.one_touch * (0.75 + 0.4 * agent.quality)
        if rng.random() < one_touch_chance:
            ticket.update(
                reply_at,
                agent.zendesk_id,
                agent_via,
                {"status": "solved", "assignee_id": agent.zendesk_id},
                comment=(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
            )
            return agent
        status = "pending" if rng.random() < 0.85 else "open"
        now = ticket.update(
            reply_at,
            agent.zendesk_id,
            agent_via,
            {"status": status, "assignee_id": agent.zendesk_id},
            comment=(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
        )
        return self._conversation(ticket, rng, agent, now, 1 + _poisson(rng, profile.extra_rounds))

    def _triage_before_reply(
        self, ticket: _Ticket, rng: random.Random, ready: int, reply_at: int, agent: Agent
    ) -> None:
        """Assigned from the queue before the first reply; sometimes to a colleague who hands it over."""
        first = agent
        if rng.random() < 0.12:
            first = self.staffing.pick(rng, ticket.team.team_id, reply_at, exclude=agent)
        assign_at = self.calendar.next_open(ready) + max(60, (reply_at - self.calendar.next_open(ready)) // 3)
        note = (first.zendesk_id, False, rng.choice(INTERNAL_NOTES)) if rng.random() < 0.3 else None
        now = ticket.update(
            assign_at,
            first.zendesk_id,
            "Web form",
            {"assignee_id": first.zendesk_id, "status": "open"},
            comment=note,
        )
        if first is not agent:
            ticket.update(
                now + rng.randint(5 * MINUTE, 40 * MINUTE),
                first.zendesk_id,
                "Web form",
                {"assignee_id": agent.zendesk_id},
                comment=(first.zendesk_id, False, f"Passing this to {agent.name}."),
            )

    def _conversation(self, ticket: _Ticket, rng: random.Random, agent: Agent, now: int, rounds: int) -> Agent:
        chat = ticket.channel == "chat"
        customer_via, agent_via = self._customer_via(ticket), self._agent_via(ticket)
        profile = REASONS[ticket.reason]
        handoff_round = rng.randrange(rounds) if rng.random() < 0.08 else -1
        held = False
        for round_index in range(rounds):
            if ticket.status == "pending":
                if rng.random() < 0.2:
                    return self._solve_silent_customer(ticket, rng, agent, now)
                wait = _lognormal(rng, 3 * MINUTE if chat else 5 * HOUR, 1.0)
                now = ticket.update(
                    now + wait,
                    ticket.requester_id,
                    customer_via,
                    {"status": "open"},
                    comment=(ticket.requester_id, True, rng.choice(CUSTOMER_REPLIES)),
                )
            if round_index == handoff_round:
                agent = self._handoff(ticket, rng, agent, now)
                now = ticket.last_epoch
            if not held and rng.random() < profile.hold:
                held = True
                held_at = self.calendar.add_business(now, 20 * MINUTE * agent.speed)
                now = ticket.update(
                    held_at,
                    agent.zendesk_id,
                    "Web form",
                    {"status": "hold"},
                    comment=(agent.zendesk_id, False, rng.choice(HOLD_NOTES)),
                )
                now = ticket.update(
                    self.calendar.add_business(now + rng.randint(1, 3) * DAY, 30 * MINUTE),
                    agent.zendesk_id,
                    "Web form",
                    {"status": "open"},
                    comment=(agent.zendesk_id, False, "Third party answered, resuming."),
                )
            if rng.random() < 0.12:
                colleague = self.staffing.pick(rng, ticket.team.team_id, now)
                noted_at = self.calendar.add_business(now, 15 * MINUTE)
                now = ticket.update(
                    noted_at,
                    colleague.zendesk_id,
                    "Web form",
                    comment=(colleague.zendesk_id, False, rng.choice(INTERNAL_NOTES)),
                )
            if chat:
                reply_at = now + int(_lognormal(rng, 90, 0.7))
            else:
                work = _lognormal(rng, 90 * MINUTE * agent.speed, 1.0)
                if rng.random() < 0.02:
                    work += rng.randint(3, 5) * 11 * HOUR  # neglected: several business days
                reply_at = self.calendar.add_business(now, work)
            last = round_index == rounds - 1
            now = ticket.update(
                reply_at,
                agent.zendesk_id,
                agent_via,
                {"status": "solved" if last else "pending"},
                comment=(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
            )
        return agent

    def _solve_silent_customer(self, ticket: _Ticket, rng: random.Random, agent: Agent, now: int) -> Agent:
        if rng.random() < 0.5:
            when = self.calendar.add_business(now + 2 * DAY, _lognormal(rng, 30 * MINUTE * agent.speed, 0.8))
            ticket.update(
                when,
                agent.zendesk_id,
                "Web form",
                {"status": "solved"},
                comment=(agent.zendesk_id, True, FOLLOW_UP_SOLVE),
            )
        else:
            when = now + PENDING_AUTO_SOLVE + rng.randint(0, HOUR)
            ticket.update(when, AUTOMATION_ID, "Rule", {"status": "solved"})
        return agent

    def _handoff(self, ticket: _Ticket, rng: random.Random, agent: Agent, now: int) -> Agent:
        changes: dict[str, Any] = {}
        team_id = ticket.team.team_id
        if rng.random() < 0.35:
            team_id = rng.choice([team.team_id for team in TEAMS if team.team_id != team_id])
            changes["group_id"] = GROUP_ID_BY_TEAM[team_id]
        successor = self.staffing.pick(rng, team_id, now, exclude=agent)
        if successor is agent:
            return agent  # nobody else on shift to hand over to
        changes["assignee_id"] = successor.zendesk_id
        ticket.update(
            self.calendar.add_business(now, 10 * MINUTE),
            agent.zendesk_id,
            "Web form",
            changes,
            comment=(agent.zendesk_id, False, f"Handing over to {successor.name}."),
        )
        return successor

    def _finish_ticket(self, ticket: _Ticket, rng: random.Random, agent: Agent | None) -> None:
        """Reopen, satisfaction survey and automatic close after the (first) solve."""
        reopened = False
        if agent is not None and rng.random() < agent.reopen_rate:
            solved_at = ticket.last_epoch
            reopen_at = solved_at + min(int(_lognormal(rng, 18 * HOUR, 1.0)), 3 * DAY)
            now = ticket.update(
                reopen_at,
                ticket.requester_id,
                self._customer_via(ticket),
                {"status": "open"},
                comment=(ticket.requester_id, True, rng.choice(REOPEN_MESSAGES)),
            )
            ticket.update(
                self.calendar.add_business(now, _lognormal(rng, HOUR * agent.speed, 0.9)),
                agent.zendesk_id,
                self._agent_via(ticket),
                {"status": "solved"},
                comment=(agent.zendesk_id, True, rng.choice(AGENT_REPLIES)),
            )
            reopened = True
        final_solve = ticket.last_epoch
        if agent is not None and rng.random() < 0.6:
            offered = ticket.update(
                final_solve + DAY + rng.randint(0, HOUR),
                AUTOMATION_ID,
                "Rule",
                {"satisfaction_score": "offered"},
            )
            if rng.random() < 0.3:
                penalty = 0.25 * reopened + 0.1 * (final_solve - ticket.created > 3 * DAY)
                good = rng.random() < _clamp(agent.quality + 0.05 - penalty, 0.3, 0.99)
                if rng.random() < 0.4:
                    ticket.satisfaction_comment = rng.choice(SATISFACTION_COMMENTS)
                ticket.update(
                    offered + _lognormal(rng, 4 * HOUR, 1.2),
                    ticket.requester_id,
                    "Web form",
                    {"satisfaction_score": "good" if good else "bad"},
                )
        close_at = max(final_solve + SOLVED_TO_CLOSED + rng.randint(0, 2 * HOUR), ticket.last_epoch + 10 * MINUTE)
        ticket.update(close_at, AUTOMATION_ID, "Rule", {"status": "closed"})
        if agent is not None:
            assignee = self.agent_by_zendesk_id.get(ticket.audits[-1].state[1] or 0, agent)
            self._after_ticket_solved(ticket, rng, assignee, final_solve, reopened)

    def _after_ticket_solved(
        self, ticket: _Ticket, rng: random.Random, agent: Agent, solved_at: int, reopened: bool
    ) -> None:
        resolution_days = (solved_at - ticket.created) / DAY
        if rng.random() < 0.1:
            penalty = 2.0 * reopened + 1.0 * (resolution_days > 3)
            recorded = solved_at + HOUR + int(_lognormal(rng, 6 * HOUR, 1.0))
            self._push_survey(
                recorded, agent.quality, penalty, "email", ticket.requester, ticket_id=str(ticket.ticket_id)
            )
        if rng.random() < agent.review_rate:
            self._push_review(rng, solved_at, agent, "ticket", str(ticket.ticket_id))
        if rng.random() < 0.05:
            team = ticket.team if rng.random() < 0.7 else rng.choice(TEAMS)
            when = solved_at + int(_lognormal(rng, 30 * HOUR, 0.9))
            self._push_arrival(when, "ticket", (team, ticket.requester))
        digits = self.customers.digits[ticket.requester]
        if digits is not None and rng.random() < 0.025:
            when = self.calendar.next_open(solved_at + int(_lognormal(rng, 20 * HOUR, 1.0)))
            team = ticket.team
            self._push_arrival(when, "call", (team, team.queues[0][0], (digits, ticket.requester), False))

    def _emit_ticket(self, ticket: _Ticket) -> None:
        """Events for every audit; one ticket version per UTC day with updates (its state that evening)."""
        tickets, events = self._sink("tickets"), self._sink("events")
        last_day, last_audit = -1, None
        for audit in ticket.audits:
            if audit.epoch >= self.end:
                break
            events.push(audit.epoch, _event_record(ticket, audit))
            self.counts["ticket_events"] += 1
            day = audit.epoch // DAY
            if last_audit is not None and day != last_day:
                tickets.push(last_audit.epoch, _ticket_record(ticket, last_audit))
                self.counts["ticket_versions"] += 1
            last_day, last_audit = day, audit
        if last_audit is not None:
            tickets.push(last_audit.epoch, _ticket_record(ticket, last_audit))
            self.counts["ticket_versions"] += 1
            self.counts["tickets"] += 1

    # ---- calls --------------------------------------------------------------------------

    def _random_caller(self, rng: random.Random) -> tuple[str, int | None]:
        roll = rng.random()
        if roll < 0.72:
            customer = self.customers.pick_with_phone(rng)
            return self.customers.digits[customer] or "", customer
        if roll < 0.88:
            return rng.choice(self.unknown_numbers), None
        return rng.choice(("anonymous", "anonymous", "", "unknown")), None

    def _mean_wait(self, team: TeamProfile, epoch: int) -> float:
        local = self.calendar.local(epoch)
        demand = CALL_DOW[local.weekday()] * CALL_HOUR[local.hour] / CALL_HOUR_OPEN_MEAN
        working = self.staffing.working_count(team.team_id, local.date())
        understaffing = min(2.5, self.staffing.nominal[team.team_id] / max(1, working))
        return 10 * max(demand, 0.2) ** 1.6 * understaffing**1.2

    def _new_call(
        self, epoch: int, team: TeamProfile, queue: str, caller: tuple[str, int | None] | None, stuck: bool
    ) -> None:
        rng = self.rng_calls
        if caller is None:
            caller = self._random_caller(rng)
        callerid = caller[0]
        callid = f"{epoch}.{self.call_sequence}"
        self.call_sequence += 1
        old_layout = epoch < self.upgrade_at
        log = self._sink("queue_log")
        position = 1 + min(9, _poisson(rng, 0.6 if stuck else self._mean_wait(team, epoch) / 25))
        enter = f"||{callerid}" if old_layout else f"||{callerid}|{position}"
        log.push(epoch, f"{epoch}|{callid}|{queue}|NONE|ENTERQUEUE{enter}")
        self.counts["calls"] += 1
        if stuck:
            return  # still waiting when the export was taken
        if not self.calendar.is_open(epoch):
            wait = rng.randint(0, 2)
            log.push(epoch + wait, f"{epoch + wait}|{callid}|{queue}|NONE|EXITEMPTY|1|1|{wait}")
            return
        needed = rng.expovariate(1.0 / self._mean_wait(team, epoch))
        patience = _lognormal(rng, 120, 0.7)
        roll = rng.random()
        if roll < 0.025:
            self._call_left(rng, epoch, callid, queue, caller, "ABANDON", rng.randint(1, 4), position)
        elif roll < 0.031 and needed > 15:
            wait = int(min(needed, rng.uniform(15, 120)))
            data = f"1|{max(1, position - 1)}|{position}|{wait}"
            log.push(epoch + wait, f"{epoch + wait}|{callid}|{queue}|NONE|EXITWITHKEY|{data}")
            self._maybe_retry(rng, epoch + wait, team, queue, caller, 0.35, 30 * MINUTE)
        elif patience < min(needed, QUEUE_TIMEOUT_SECONDS):
            self._call_left(rng, epoch, callid, queue, caller, "ABANDON", max(1, int(patience)), position)
        elif needed >= QUEUE_TIMEOUT_SECONDS:
            self._call_left(rng, epoch, callid, queue, caller, "EXITWITHTIMEOUT", QUEUE_TIMEOUT_SECONDS, position)
        else:
            self._answer_call(rng, epoch, callid, team, queue, caller, int(needed), position, old_layout)

    def _call_left(
        self,
        rng: random.Random,
        epoch: int,
        callid: str,
        queue: str,
        caller: tuple[str, int | None],
        event: str,
        wait: int,
        position: int,
    ) -> None:
        now_position = max(1, position - wait // 40)
        if event == "EXITWITHTIMEOUT" and epoch < self.upgrade_at:
            data = f"{now_position}"
        else:
            data = f"{now_position}|{position}|{wait}"
        self._sink("queue_log").push(epoch + wait, f"{epoch + wait}|{callid}|{queue}|NONE|{event}|{data}")
        team = TEAM_BY_ID[self._queue_team(queue)]
        retry_chance = 0.25 if wait < 5 else (0.45 if event == "ABANDON" else 0.35)
        self._maybe_retry(rng, epoch + wait, team, queue, caller, retry_chance, 10 * MINUTE)

    def _maybe_retry(
        self,
        rng: random.Random,
        epoch: int,
        team: TeamProfile,
        queue: str,
        caller: tuple[str, int | None],
        chance: float,
        median_gap: int,
    ) -> None:
        if rng.random() < chance:
            when = self.calendar.next_open(epoch + int(_lognormal(rng, median_gap, 1.0)) + 1)
            self._push_arrival(when, "call", (team, queue, caller, False))

    def _queue_team(self, queue: str) -> str:
        for team in TEAMS:
            if any(name == queue for name, _ in team.queues):
                return team.team_id
        raise KeyError(queue)

    def _answer_call(
        self,
        rng: random.Random,
        epoch: int,
        callid: str,
        team: TeamProfile,
        queue: str,
        caller: tuple[str, int | None],
        needed: int,
        position: int,
        old_layout: bool,
    ) -> None:
        log = self._sink("queue_log")
        agent = self.staffing.pick(rng, team.team_id, epoch)
        ring = rng.randint(1, 6)
        hold = max(ring, needed)
        connected = epoch + hold
        if hold >= 20 and rng.random() < 0.3:
            missed_by = self.staffing.pick(rng, team.team_id, epoch, exclude=agent)
            if missed_by is not agent:
                at = max(epoch + 1, connected - ring - 15)
                log.push(at, f"{at}|{callid}|{queue}|{missed_by.asterisk}|RINGNOANSWER|15000")
        bridged = f"{connected}.{self.call_sequence}"
        self.call_sequence += 1
        connect = f"{hold}|{bridged}" if old_layout else f"{hold}|{bridged}|{ring}"
        log.push(connected, f"{connected}|{callid}|{queue}|{agent.asterisk}|CONNECT|{connect}")
        talk = int(_clamp(_lognormal(rng, team.talk_median_seconds * agent.handle, 0.6), 15, 5400))
        ended = connected + talk
        roll = rng.random()
        if roll < 0.07:
            extension = rng.choice(("2001", "2002", "8000"))
            data = f"TRANSFER|{extension}|from-internal|{hold}|{talk}|{position}"
        elif roll < 0.52:
            data = f"COMPLETEAGENT|{hold}|{talk}|{position}"
        else:
            data = f"COMPLETECALLER|{hold}|{talk}|{position}"
        log.push(ended, f"{ended}|{callid}|{queue}|{agent.asterisk}|{data}")
        self._after_call_answered(rng, ended, callid, team, queue, caller, agent)

    def _after_call_answered(
        self,
        rng: random.Random,
        ended: int,
        callid: str,
        team: TeamProfile,
        queue: str,
        caller: tuple[str, int | None],
        agent: Agent,
    ) -> None:
        callerid, customer = caller
        if callerid.isdigit():
            repeat_chance = 0.05 + 0.3 * (0.95 - agent.quality)
            if rng.random() < repeat_chance:
                when = self.calendar.next_open(ended + int(_lognormal(rng, 18 * HOUR, 1.0)))
                self._push_arrival(when, "call", (team, queue, caller, False))
            if customer is not None:
                if rng.random() < 0.03:
                    when = ended + int(_lognormal(rng, 20 * HOUR, 1.0))
                    self._push_arrival(when, "ticket", (team, customer))
                if rng.random() < 0.08:
                    recorded = ended + int(_lognormal(rng, 2 * HOUR, 1.0))
                    self._push_survey(recorded, agent.quality, 0.0, "sms", customer, call_id=callid)
        if rng.random() < agent.review_rate * 0.7:
            self._push_review(rng, ended, agent, "call", callid)

    def _schedule_calls_in_progress(self) -> None:
        rng = self.rng_arrivals
        team = TEAMS[2]
        for _ in range(3):
            epoch = self.end - rng.randint(30, 240)
            self._push_arrival(epoch, "call", (team, team.queues[0][0], None, True))

    def _schedule_agent_sessions(self, day: date) -> None:
        """Member and pause events, kept raw by the ingestion (not needed for KPIs)."""
        rng = self.rng_arrivals
        log = self._sink("queue_log")
        opens, closes = self.calendar.window(day)
        old_layout = opens < self.upgrade_at
        for agent in self.agents:
            team_id = agent.team_on(day)
            if team_id is None or not agent.works_on(day):
                continue
            queues = [name for name, _ in TEAM_BY_ID[team_id].queues]
            login = opens + rng.randint(-10 * MINUTE, 20 * MINUTE)
            logout = closes - rng.randint(0, 30 * MINUTE)
            lunch = opens + (closes - opens) // 2 - HOUR + rng.randint(0, 90 * MINUTE)
            back = lunch + rng.randint(40 * MINUTE, 65 * MINUTE)
            who = agent.asterisk
            if old_layout:
                log.push(login, f"{login}|NONE|NONE|{who}|AGENTLOGIN|{who}")
                log.push(logout, f"{logout}|NONE|NONE|{who}|AGENTLOGOFF|{who}|{logout - login}")
            for queue in queues:
                log.push(login, f"{login}|NONE|{queue}|{who}|ADDMEMBER|")
                log.push(lunch, f"{lunch}|NONE|{queue}|{who}|PAUSE|Lunch")
                log.push(back, f"{back}|NONE|{queue}|{who}|UNPAUSE|")
                log.push(logout, f"{logout}|NONE|{queue}|{who}|REMOVEMEMBER|")

    def _schedule_malformed_log_lines(self, day_start: int) -> None:
        log = self._sink("queue_log")
        at = self.calendar.window(self.calendar.local_date(day_start + 12 * HOUR))[0] + 2 * HOUR
        log.push(at, "garbage line")
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at + 1))
        log.push(at + 1, f"{stamp}|{at + 1}.99999|support-billing|NONE|ENTERQUEUE||15550100000|1")
        log.push(at + 2, f"{at + 2}|{at + 2}.99998|support-tech")
        self.malformed_log_lines = 3

    # ---- surveys and quality reviews ----------------------------------------------------

    def _push_survey(
        self,
        recorded: int,
        quality: float,
        penalty: float,
        channel: str,
        customer: int,
        ticket_id: str = "",
        call_id: str = "",
    ) -> None:
        rng = self.rng_feedback
        latent = 10 * quality + rng.gauss(0.3, 1.8) - penalty
        nps = str(int(_clamp(round(latent), 0, 10)))
        csat = str(int(_clamp(round((latent + rng.gauss(0.0, 0.8)) / 2), 1, 5)))
        comment = rng.choice(SURVEY_COMMENTS) if rng.random() < 0.3 else ""
        finished, progress = True, 100
        if rng.random() < 0.05:
            finished, progress = False, rng.randint(10, 80)
            nps = nps if rng.random() < 0.5 else ""
            csat, comment = "", ""
        status = "4" if rng.random() < 0.03 else "0"
        row = self._survey_row(
            rng,
            recorded,
            status,
            finished,
            progress,
            nps,
            csat,
            comment,
            email=self.customers.emails[customer],
            external=str(self.customers.ids[customer]),
            channel=channel,
            ticket_id=ticket_id,
            call_id=call_id,
        )
        self._sink("surveys").push(recorded, row)

    def _survey_row(
        self,
        rng: random.Random,
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
    ) -> list[str]:
        duration = rng.randint(15, 400)
        address = ""
        if status != "4":  # imported responses carry no IP address
            address = f"{rng.choice(('203.0.113', '198.51.100', '192.0.2'))}.{rng.randint(1, 254)}"
        response_id = "R_" + "".join(rng.choice(RESPONSE_ID_ALPHABET) for _ in range(15))
        return [
            _naive_utc(recorded - duration),
            _naive_utc(recorded),
            status,
            address,
            str(progress),
            str(duration),
            "True" if finished else "False",
            _naive_utc(recorded),
            response_id,
            email,
            external,
            channel,
            rng.choice(("EN", "EN", "EN", "FR")),
            nps,
            csat,
            comment,
            ticket_id,
            call_id,
        ]

    def _schedule_survey_noise(self, day_start: int) -> None:
        """Survey previews (status 1) and spam (status 8), which the ingestion must exclude."""
        rng = self.rng_feedback
        for status, chance, channel in (("1", 0.12, "preview"), ("8", 0.04, "anonymous")):
            if rng.random() < chance:
                recorded = day_start + rng.randint(8 * HOUR, 17 * HOUR)
                nps, csat = str(rng.randint(0, 10)), str(rng.randint(1, 5))
                row = self._survey_row(rng, recorded, status, True, 100, nps, csat, "", channel=channel)
                self._sink("surveys").push(recorded, row)

    def _push_review(
        self,
        rng: random.Random,
        interaction_end: int,
        agent: Agent,
        interaction_type: str,
        interaction_id: str,
    ) -> None:
        reviewed = self.calendar.add_business(interaction_end, rng.uniform(2 * HOUR, 30 * HOUR))
        feedback = self.rng_feedback
        scores = []
        for criterion, max_score in QA_CRITERIA:
            share = _clamp(agent.quality - 0.04 + feedback.gauss(0.0, 0.1), 0.2, 1.0)
            scores.append((criterion, round(max_score * share), max_score))
        review = (feedback.choice(self.reviewers), agent.agent_id, interaction_type, interaction_id, scores)
        self._sink("quality").push(reviewed, review)

    # ---- reference data and users -------------------------------------------------------

    def _write_reference(self, directory: Path) -> None:
        with (directory / "roster.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(
                [
                    "agent_id",
                    "agent_name",
                    "email",
                    "team_id",
                    "team_name",
                    "valid_from",
                    "valid_to",
                    "zendesk_user_id",
                    "asterisk_agent",
                ]
            )
            for agent in self.agents:
                for membership in agent.memberships:
                    writer.writerow(
                        [
                            agent.agent_id,
                            agent.name,
                            agent.email,
                            membership.team_id,
                            TEAM_BY_ID[membership.team_id].name,
                            membership.valid_from.isoformat(),
                            membership.valid_to.isoformat() if membership.valid_to else "",
                            agent.zendesk_id,
                            agent.asterisk,
                        ]
                    )
        with (directory / "queues.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["queue", "team_id"])
            for team in TEAMS:
                for queue, _ in team.queues:
                    writer.writerow([queue, team.team_id])
        _write_targets(directory / "targets.csv", self.start_day + timedelta(days=self.days // 2))

    def _write_users(self, directory: Path) -> None:
        users: list[dict[str, Any]] = [
            {
                "id": ADMIN_ID,
                "name": "Support Operations",
                "email": "support-ops@acme-support.example",
                "phone": None,
                "role": "admin",
                "created_at": "2019-03-01T09:00:00Z",
            }
        ]
        for agent in self.agents:
            users.append(
                {
                    "id": agent.zendesk_id,
                    "name": agent.name,
                    "email": agent.email,
                    "phone": None,
                    "role": "agent",
                    "created_at": _iso(_epoch(agent.hired) + 9 * HOUR),
                }
            )
        customers = self.customers
        for index, user_id in enumerate(customers.ids):
            users.append(
                {
                    "id": user_id,
                    "name": customers.names[index],
                    "email": customers.emails[index],
                    "phone": customers.phones[index],
                    "role": "end-user",
                    "created_at": _iso(customers.created[index]),
                }
            )
        (directory / "users.json").write_text(_dump({"users": users, "count": len(users)}), encoding="utf-8")

    def _write_groups(self, directory: Path) -> None:
        groups = [{"id": GROUP_ID_BY_TEAM[team.team_id], "name": team.name} for team in TEAMS]
        body = _dump({"groups": groups, "count": len(groups)})
        (directory / "groups.json").write_text(body, encoding="utf-8")

    def _summary(self, out: _Outputs) -> dict[str, int]:
        roster_rows = sum(len(agent.memberships) for agent in self.agents)
        malformed = out.tickets.malformed + out.events.malformed + self.malformed_log_lines
        return {
            "tickets": self.counts["tickets"],
            "ticket_versions": self.counts["ticket_versions"],
            "ticket_records": out.tickets.records,
            "ticket_pages": out.tickets.json_pages,
            "ticket_events": self.counts["ticket_events"],
            "ticket_event_records": out.events.records,
            "ticket_event_pages": out.events.json_pages,
            "users": 1 + len(self.agents) + len(self.customers.ids),
            "agents": len(self.agents),
            "customers": len(self.customers.ids),
            "groups": len(TEAMS),
            "roster_rows": roster_rows,
            "calls": self.counts["calls"],
            "queue_log_lines": out.queue_log.lines,
            "survey_responses": out.surveys.rows,
            "qa_reviews": out.quality.reviews,
            "qa_review_rows": out.quality.rows,
            "malformed_records": malformed,
            "out_of_range_records": out.surveys.out_of_range,
            "duplicated_records_in_file": out.surveys.duplicated,
        }


def _write_targets(path: Path, change_date: date) -> None:
    change = change_date.replace(day=1).isoformat()
    since = "2020-01-01"
    rows = [
        ("first_reply_within_1h_rate", "org", "", "month", "0.90", "higher_is_better", since, ""),
        ("abandon_rate", "org", "", "week", "0.03", "lower_is_better", since, ""),
        ("nps", "org", "", "month", "70", "higher_is_better", since, ""),
        ("overdue_open_tickets", "org", "", "day", "0", "lower_is_better", since, ""),
        ("qa_score_mean", "org", "", "month", "0.80", "higher_is_better", since, ""),
        ("csat_rate", "org", "", "month", "0.85", "higher_is_better", since, ""),
        ("service_level_rate", "team", "", "week", "0.80", "higher_is_better", since, ""),
        # Technical support got a softer first-reply target, then a stricter one mid-period.
        ("first_reply_within_1h_rate", "team", "T-TECH", "month", "0.75", "higher_is_better", since, change),
        ("first_reply_within_1h_rate", "team", "T-TECH", "month", "0.80", "higher_is_better", change, ""),
        ("qa_pass_rate", "agent", "", "month", "0.75", "higher_is_better", since, ""),
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["metric", "scope_type", "scope_id", "grain", "target", "direction", "valid_from", "valid_to"])
        writer.writerows(rows)


def generate(
    out_dir: Path,
    days: int = 90,
    agents: int = 12,
    seed: int = 7,
    end_date: date = DEFAULT_END_DATE,
) -> dict[str, int]:
    """Write a realistic landing folder under out_dir; return counts of what was written.

    Data covers the `days` days before `end_date`, i.e. [end_date - days, end_date) in UTC. The same
    arguments always give byte-identical files. Counts: tickets, ticket_versions (ticket objects,
    one per day with updates), ticket_records (objects written, page overlaps included), ticket_events,
    ticket_event_records, calls (queue calls entered), queue_log_lines, survey_responses (CSV rows),
    qa_reviews, qa_review_rows, users, agents, customers, roster_rows, malformed_records (unparseable
    lines and records injected on purpose), out_of_range_records and duplicated_records_in_file (the same id
    twice in one file).
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    if agents < 4:
        raise ValueError("agents must be at least 4 (three teams and one team move)")
    counts = _Simulation(Path(out_dir), days, agents, seed, end_date).run()
    # Marks the folder as demo data: the only landing allowed to run without a secret PII salt.
    (Path(out_dir) / DEMO_MARKER).write_text("written by supportkpi generate; demo data, not real customers\n")
    return counts
