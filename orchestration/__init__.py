"""Support KPI warehouse: the Dagster code location (see definitions.py)."""
