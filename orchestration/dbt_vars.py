"""dbt vars, read by Python the way a run's dbt build sees them: thresholds and the metric registry live once, as
dbt vars in dbt_project.yml; a run passes the settings that come from the environment (the reporting time zone)
with `--vars`, and Python overlays those same run vars, so the ingestion, the gate and the report see what dbt sees.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import yaml

from .settings import DBT_PROJECT_DIR, validate_timezone


def run_vars(timezone: str | None = None) -> dict[str, Any]:
    """The vars a run passes to dbt: the settings that come from the environment."""
    return {"reporting_timezone": validate_timezone(timezone or os.environ.get("SUPPORT_KPI_TIMEZONE") or "UTC")}


def run_vars_argument(timezone: str | None = None) -> list[str]:
    return ["--vars", json.dumps(run_vars(timezone))]


@cache
def _project_vars() -> dict[str, Any]:
    with (DBT_PROJECT_DIR / "dbt_project.yml").open() as handle:
        return dict(yaml.safe_load(handle).get("vars") or {})


def dbt_vars(timezone: str | None = None) -> dict[str, Any]:
    """Every dbt var as a run's dbt build sees it: dbt_project.yml's, overlaid with the run's `--vars`."""
    return {**_project_vars(), **run_vars(timezone)}


def dbt_var(name: str) -> Any:
    return dbt_vars()[name]


def metric_registry() -> list[dict[str, Any]]:
    """The metric registry (dbt var metric_registry): one entry per KPI, with its label, format, unit, direction."""
    return list(dbt_var("metric_registry"))
