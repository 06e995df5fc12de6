"""The runtime contract of SPEC section 3: every path and setting comes from the environment, here only."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
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
MEMORY_LIMIT_VARIABLE = "SUPPORT_KPI_MEMORY_LIMIT"
THREADS_VARIABLE = "SUPPORT_KPI_THREADS"
# DuckDB reads a percentage as a share of the physical memory.
DEFAULT_MEMORY_LIMIT = "60%"
# A DuckDB memory_limit: a positive amount with a unit, or a percentage of the physical memory.
_MEMORY_LIMIT = re.compile(r"(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>[KMGT]i?B|B|%)", re.IGNORECASE)
# Files and folders a run creates are readable by their owner and group only (SPEC 3.2).
RUN_UMASK = 0o007


def core_count() -> int:
    """The cores this process may run on (all of the machine's unless it is pinned to some)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    home: Path
    landing: Path
    timezone: str
    pii_salt: str | None = None
    keep_runs: int = DEFAULT_KEEP_RUNS
    # DuckDB's memory_limit and threads, for every connection the product opens and for dbt's (profiles.yml).
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = field(default_factory=core_count)

    def duckdb_environment(self) -> dict[str, str]:
        """The DuckDB settings as the environment variables dbt's profile reads: a run exports them resolved
        (defaults included) before dbt starts, so dbt's DuckDB gets the limits of the product's connections."""
        return {MEMORY_LIMIT_VARIABLE: self.memory_limit, THREADS_VARIABLE: str(self.threads)}

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


def memory_limit_from(env: os._Environ[str] | dict[str, str]) -> str:
    """SUPPORT_KPI_MEMORY_LIMIT as DuckDB reads it (e.g. `8GB`, `512MiB`, `50%`); default 60 % of the memory."""
    text = (env.get(MEMORY_LIMIT_VARIABLE) or "").strip() or DEFAULT_MEMORY_LIMIT
    match = _MEMORY_LIMIT.fullmatch(text)
    amount = float(match["amount"]) if match else 0.0
    if not match or amount <= 0 or (match["unit"] == "%" and amount > 100):
        raise ConfigurationError(
            f"{MEMORY_LIMIT_VARIABLE}={text!r} is not a DuckDB memory limit: an amount with a unit (B, KB, MB, GB, "
            "TB, KiB, MiB, GiB, TiB; e.g. 8GB) or a percentage of the physical memory up to 100% (e.g. 60%)"
        )
    return f"{match['amount']}{match['unit'].upper().replace('I', 'i')}"


def threads_from(env: os._Environ[str] | dict[str, str]) -> int:
    """SUPPORT_KPI_THREADS: DuckDB's threads, a whole number >= 1; default the core count."""
    text = (env.get(THREADS_VARIABLE) or "").strip()
    if not text:
        return core_count()
    try:
        threads = int(text)
    except ValueError:
        threads = 0
    if threads < 1:
        raise ConfigurationError(f"{THREADS_VARIABLE}={text!r} is not a whole number of threads >= 1")
    return threads


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
        memory_limit=memory_limit_from(env),
        threads=threads_from(env),
    )
