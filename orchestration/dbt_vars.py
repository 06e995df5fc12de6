"""Thresholds and settings live once, as dbt vars in dbt_project.yml; Python reads them from there."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from .settings import DBT_PROJECT_DIR


@cache
def dbt_vars() -> dict[str, Any]:
    with (DBT_PROJECT_DIR / "dbt_project.yml").open() as handle:
        return dict(yaml.safe_load(handle).get("vars") or {})


def dbt_var(name: str) -> Any:
    return dbt_vars()[name]
