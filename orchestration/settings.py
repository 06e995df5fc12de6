"""The runtime contract of SPEC section 3: every path and setting comes from the environment, here only."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"

SOURCES = ("helpdesk", "telephony", "surveys", "quality", "reference")
# `supportkpi generate` leaves this marker in a demo landing folder: only there may the PII salt be a known one.
DEMO_MARKER = ".supportkpi-demo"
DEMO_PII_SALT = "demo-only-salt-not-secret"
PII_SALT_VARIABLE = "SUPPORT_KPI_PII_SALT"


class MissingPiiSaltError(RuntimeError):
    """Published marts carry salted hashes of phone numbers and emails; a real run needs a secret salt."""


@dataclass(frozen=True)
class Settings:
    home: Path
    landing: Path
    timezone: str
    pii_salt: str | None = None

    @property
    def is_demo_landing(self) -> bool:
        return (self.landing / DEMO_MARKER).exists()

    def resolved_pii_salt(self) -> str:
        """The salt for hashing customer phone numbers and emails in published marts."""
        if self.pii_salt:
            return self.pii_salt
        if self.is_demo_landing:
            return DEMO_PII_SALT
        raise MissingPiiSaltError(
            f"{PII_SALT_VARIABLE} is not set. Published marts carry only salted hashes of customer phone numbers "
            f"and emails: set {PII_SALT_VARIABLE} to a long random secret and keep it stable (changing it changes "
            "every hash). Only a demo landing folder written by `supportkpi generate` runs without it."
        )

    @property
    def build_dir(self) -> Path:
        return self.home / "build"

    @property
    def build_database(self) -> Path:
        """The read-write DuckDB file that ingestion and dbt write; never opened by BI tools."""
        return self.build_dir / "warehouse.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.home / "published"

    @property
    def published_database(self) -> Path:
        return self.published_dir / "warehouse.duckdb"

    @property
    def manifest_path(self) -> Path:
        return self.published_dir / "manifest.json"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    def landing_folder(self, source: str) -> Path:
        return self.landing / source

    def ensure_dirs(self) -> None:
        for folder in (self.build_dir, self.published_dir, self.quarantine_dir):
            folder.mkdir(parents=True, exist_ok=True)


def validate_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"SUPPORT_KPI_TIMEZONE={name!r} is not an IANA time zone name") from error
    return name


def load_settings(environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("SUPPORT_KPI_HOME") or "./data").resolve()
    landing = Path(env.get("SUPPORT_KPI_LANDING") or home / "landing").resolve()
    timezone = validate_timezone(env.get("SUPPORT_KPI_TIMEZONE") or "UTC")
    return Settings(home=home, landing=landing, timezone=timezone, pii_salt=env.get(PII_SALT_VARIABLE) or None)
