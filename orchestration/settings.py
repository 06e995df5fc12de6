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


class ConfigurationError(ValueError):
    """A setting, the landing folder or a reference file cannot be used as configured: `supportkpi run` exits 2
    with this one line, and nothing is written."""


class MissingPiiSaltError(ConfigurationError):
    """Published marts carry salted hashes of phone numbers and emails; a real run needs a secret salt."""


DEFAULT_KEEP_RUNS = 10
# Files and folders a run creates are readable by their owner and group only (SPEC 3.2).
RUN_UMASK = 0o007


@dataclass(frozen=True)
class Settings:
    home: Path
    landing: Path
    timezone: str
    pii_salt: str | None = None
    keep_runs: int = DEFAULT_KEEP_RUNS

    @property
    def is_demo_landing(self) -> bool:
        return (self.landing / DEMO_MARKER).exists()

    def resolved_pii_salt(self) -> str:
        """The key for hashing customer phone numbers and emails; it must stay the one the build database used."""
        from .ingestion.personal_data import key_fingerprint  # the ingestion package imports these settings

        salt = self.pii_salt or (DEMO_PII_SALT if self.is_demo_landing else None)
        if not salt:
            raise MissingPiiSaltError(
                f"{PII_SALT_VARIABLE} is not set. Customer phone numbers and emails are stored and published only "
                f"as keyed hashes: set {PII_SALT_VARIABLE} to a long random secret and keep it stable (changing it "
                "changes every hash). Only a demo landing folder written by `supportkpi generate` runs without it."
            )
        recorded = self.pii_key_check_path.read_text().strip() if self.pii_key_check_path.exists() else None
        if recorded and recorded != key_fingerprint(salt):
            raise MissingPiiSaltError(
                f"{PII_SALT_VARIABLE} is not the key the build database under {self.home} was hashed with: "
                "restore that salt, or use a new SUPPORT_KPI_HOME to re-ingest everything with the new one."
            )
        return salt

    @property
    def pii_key_check_path(self) -> Path:
        """A keyed hash of a fixed message (never the salt): tells whether a salt is the one in use."""
        return self.build_dir / "personal_data_key_check"

    def record_pii_key(self, salt: str) -> None:
        from .ingestion.personal_data import key_fingerprint

        if not self.pii_key_check_path.exists():
            self.pii_key_check_path.write_text(key_fingerprint(salt) + "\n")

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

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's parse of the project (manifest.json read by the code location), written here, never in the checkout."""
        return dbt_target_dir(self.home)

    @property
    def dbt_runs_dir(self) -> Path:
        """One dbt target folder (artifacts and dbt.log) per run; the newest `keep_runs` are kept."""
        return self.home / "dbt" / "runs"

    @property
    def run_log_path(self) -> Path:
        """The full log (Dagster, dbt, alerts) of the latest `supportkpi run` without --verbose."""
        return self.home / "logs" / "last-run.log"

    def landing_folder(self, source: str) -> Path:
        return self.landing / source

    def ensure_dirs(self) -> None:
        for folder in (self.build_dir, self.published_dir, self.quarantine_dir, self.dbt_runs_dir):
            folder.mkdir(parents=True, exist_ok=True)


def home_from(env: os._Environ[str] | dict[str, str]) -> Path:
    return Path(env.get("SUPPORT_KPI_HOME") or "./data").resolve()


def dbt_target_dir(home: Path) -> Path:
    return home / "dbt" / "target"


def keep_runs_from(env: os._Environ[str] | dict[str, str]) -> int:
    text = env.get("SUPPORT_KPI_KEEP_RUNS") or str(DEFAULT_KEEP_RUNS)
    try:
        keep = int(text)
    except ValueError:
        keep = 0
    if keep < 1:
        raise ConfigurationError(f"SUPPORT_KPI_KEEP_RUNS={text!r} is not a whole number of runs >= 1")
    return keep


def validate_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigurationError(f"SUPPORT_KPI_TIMEZONE={name!r} is not an IANA time zone name") from error
    return name


def load_settings(environ: os._Environ[str] | dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = home_from(env)
    landing = Path(env.get("SUPPORT_KPI_LANDING") or home / "landing").resolve()
    timezone = validate_timezone(env.get("SUPPORT_KPI_TIMEZONE") or "UTC")
    return Settings(
        home=home,
        landing=landing,
        timezone=timezone,
        pii_salt=env.get(PII_SALT_VARIABLE) or None,
        keep_runs=keep_runs_from(env),
    )
