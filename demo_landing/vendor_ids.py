"""The ids the other helpdesks give the same simulated people, teams and tags.

Derived from the simulation's own (Zendesk) ids by arithmetic, never drawn from a random stream, so that writing
another format leaves every random draw, and so every simulated ticket, call and response, unchanged.
"""

from __future__ import annotations

import zlib

from .people import AGENT_ID_BASE, CUSTOMER_ID_BASE
from .profiles import ADMIN_ID, GROUP_ID_BASE

# Freshdesk: agents and contacts are users of one id space; groups have ids of their own.
FRESHDESK_ADMIN_ID = 43000100000
FRESHDESK_AGENT_BASE = 43000100000  # + the agent's position (1, 2, ...)
FRESHDESK_CONTACT_BASE = 43020000000  # + the customer's position
FRESHDESK_GROUP_BASE = 43000200000  # + the group's position
# Intercom: admins (teammates) have numeric ids, written as strings; contacts 24-hex ids; teams numeric ids.
INTERCOM_ADMIN_BASE = 5390000
INTERCOM_TEAM_BASE = 7100000
INTERCOM_CONTACT_PREFIX = "65a1f0"


def _agent_position(zendesk_user_id: int) -> int | None:
    if AGENT_ID_BASE < zendesk_user_id < CUSTOMER_ID_BASE:
        return zendesk_user_id - AGENT_ID_BASE
    return None


def freshdesk_user_id(zendesk_user_id: int) -> int:
    """The Freshdesk agent or contact id of a simulated user (the admin account is agent 0)."""
    if zendesk_user_id == ADMIN_ID:
        return FRESHDESK_ADMIN_ID
    position = _agent_position(zendesk_user_id)
    if position is not None:
        return FRESHDESK_AGENT_BASE + position
    return FRESHDESK_CONTACT_BASE + (zendesk_user_id - CUSTOMER_ID_BASE)


def freshdesk_group_id(zendesk_group_id: int) -> int:
    return FRESHDESK_GROUP_BASE + (zendesk_group_id - GROUP_ID_BASE)


def intercom_admin_id(zendesk_user_id: int) -> int:
    """The Intercom admin id of an agent (the admin account is admin 0); numeric, shown as text in admin.list."""
    if zendesk_user_id == ADMIN_ID:
        return INTERCOM_ADMIN_BASE
    position = _agent_position(zendesk_user_id)
    if position is None:
        raise ValueError(f"user {zendesk_user_id} is not an agent")
    return INTERCOM_ADMIN_BASE + position


def intercom_contact_id(zendesk_user_id: int) -> str:
    return f"{INTERCOM_CONTACT_PREFIX}{zendesk_user_id - CUSTOMER_ID_BASE:018x}"


def intercom_team_id(zendesk_group_id: int) -> int:
    return INTERCOM_TEAM_BASE + (zendesk_group_id - GROUP_ID_BASE)


def tag_id(name: str) -> str:
    """A stable numeric id for a tag name (Intercom tags have ids)."""
    return str(1000000 + zlib.crc32(name.encode()) % 9000000)
