"""Ingestion of landed exports into append-only raw tables, one module per source."""

from .core import Source
from .helpdesk import HELPDESK
from .quality_reviews import QUALITY
from .reference import REFERENCE
from .surveys import SURVEYS
from .telephony import TELEPHONY

ALL_SOURCES: tuple[Source, ...] = (HELPDESK, TELEPHONY, SURVEYS, QUALITY, REFERENCE)

__all__ = ["ALL_SOURCES", "HELPDESK", "QUALITY", "REFERENCE", "SURVEYS", "TELEPHONY", "Source"]
