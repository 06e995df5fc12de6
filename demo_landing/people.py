"""The people in the exports: agents (with their roster history), who is on shift, and customers."""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import NamedTuple

from .business_calendar import BusinessCalendar
from .profiles import TEAMS
from .randomness import clamp
from .texts import CUSTOMER_DOMAINS, FIRST_NAMES, LAST_NAMES
from .times import DAY

AGENT_ID_BASE = 372000001000
CUSTOMER_ID_BASE = 381000000000


# --------------------------------------------------------------------------------------------
# Agents
# --------------------------------------------------------------------------------------------


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
        return clamp(0.03 + 0.3 * (0.95 - self.quality), 0.01, 0.2)


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum())


def team_sizes(agent_count: int) -> list[int]:
    """Agents per team, in the order of TEAMS."""
    billing = max(1, round(agent_count * TEAMS[0].agent_share))
    general = max(1, round(agent_count * TEAMS[2].agent_share))
    return [billing, agent_count - billing - general, general]


def build_agents(rng: random.Random, agent_count: int, start: date, days: int) -> list[Agent]:
    name_pairs = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    picks = rng.sample(range(len(name_pairs)), min(agent_count, len(name_pairs)))
    width = max(3, len(str(agent_count)))
    agents: list[Agent] = []
    for team, size in zip(TEAMS, team_sizes(agent_count), strict=True):
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
                    email=f"{ascii_slug(first)}.{ascii_slug(last)}{suffix}@acme-support.example",
                    zendesk_id=AGENT_ID_BASE + index + 1,
                    asterisk=f"PJSIP/{1001 + index}",
                    hired=hired,
                    speed=speed,
                    # Slower agents tend to be more thorough: speed is shown next to quality for a reason.
                    quality=clamp(0.86 + 0.07 * math.log(speed) + rng.gauss(0.0, 0.04), 0.62, 0.97),
                    handle=math.exp(rng.gauss(0.0, 0.25)),
                    capacity=1.0,
                    # Every third agent of a team covers weekends and is off mid-week instead.
                    off_weekdays=(2, 3) if position % 3 == 0 else (5, 6),
                    vacation=vacation,
                    review_rate=rng.uniform(0.02, 0.05),
                    memberships=[Membership(team.team_id, hired, None)],
                )
            )
    move_one_agent(agents, start + timedelta(days=max(1, days // 2)))
    if agent_count >= 8:
        make_new_hire(agents, start + timedelta(days=max(1, days // 3)))
    return agents


def move_one_agent(agents: list[Agent], move_date: date) -> None:
    """The last technical agent joins billing mid-period (slowly changing roster)."""
    mover = [agent for agent in agents if agent.memberships[0].team_id == "T-TECH"][-1]
    hired = mover.memberships[0].valid_from
    mover.memberships = [Membership("T-TECH", hired, move_date), Membership("T-BILLING", move_date, None)]


def make_new_hire(agents: list[Agent], hire_date: date) -> None:
    """The last general agent joins during the window: slower, a little less accurate, on reduced load."""
    hire = [agent for agent in agents if agent.memberships[0].team_id == "T-GENERAL"][-1]
    hire.hired = hire_date
    hire.memberships = [Membership("T-GENERAL", hire_date, None)]
    hire.speed *= 1.5
    hire.quality = clamp(hire.quality - 0.06, 0.6, 0.95)
    hire.capacity = 0.6


class Staffing:
    """Who can take work for a team on a local day (roster history, days off, vacations)."""

    def __init__(self, agents: list[Agent], calendar: BusinessCalendar) -> None:
        self._agents = agents
        self._calendar = calendar
        self._cache: dict[tuple[str, date], tuple[list[Agent], list[float], int]] = {}
        self.nominal = {team.team_id: 0 for team in TEAMS}
        for agent in agents:
            self.nominal[agent.memberships[0].team_id] += 1

    def _pool(self, team_id: str, day: date) -> tuple[list[Agent], list[float], int]:
        """The agents who may pick up the team's work, their cumulative capacities, how many are working."""
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


# --------------------------------------------------------------------------------------------
# Customers and callers
# --------------------------------------------------------------------------------------------


class Caller(NamedTuple):
    number: str  # digits, or what the line shows for a withheld number ("anonymous", "")
    customer: int | None  # index into Customers, when the number is a known customer's


@dataclass(slots=True)
class Customers:
    """Columns of the customer list; a customer is an index into them."""

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


def format_phone(rng: random.Random, index: int) -> tuple[str, str]:
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


def build_customers(rng: random.Random, count: int, start_epoch: int) -> Customers:
    ids, names, emails, phones, digits, created = [], [], [], [], [], []
    for index in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        ids.append(CUSTOMER_ID_BASE + index + 1)
        names.append(f"{first} {last}")
        emails.append(f"{ascii_slug(first)}.{ascii_slug(last)}{index + 1}@{rng.choice(CUSTOMER_DOMAINS)}")
        if rng.random() < 0.65:
            shown, number = format_phone(rng, index)
        else:
            shown, number = None, None
        phones.append(shown)
        digits.append(number)
        created.append(start_epoch - rng.randint(DAY, 900 * DAY))
    # Heavy-tailed activity: a few customers write and call a lot, most only once or twice.
    weights = [1.0 / (rank + 5) ** 0.6 for rank in range(count)]
    with_phone = [index for index in range(count) if digits[index] is not None]
    return Customers(
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


def build_unknown_numbers(rng: random.Random, count: int) -> list[str]:
    """Numbers of callers who are not customers (distinct from every customer number: 556, not 555)."""
    return [f"1{rng.randint(201, 989)}556{rng.randrange(10000):04d}" for _ in range(count)]
