"""What the simulated contact centre is made of: teams, contact reasons, demand curves, helpdesk identities.

The numbers here shape every generated export (and so every demo KPI): change one and the output changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .times import DAY

# Helpdesk identities the flows write into tickets (the admin account, automations, group ids).
ADMIN_ID = 372000000001
AUTOMATION_ID = -1
GROUP_ID_BASE = 360000100000

# Helpdesk automations.
SOLVED_TO_CLOSED = 4 * DAY
PENDING_AUTO_SOLVE = 4 * DAY


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

QA_CRITERIA = (("greeting", 5), ("accuracy", 10), ("empathy", 5), ("resolution", 10), ("compliance", 5))
