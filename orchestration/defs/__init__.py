"""Dagster definitions by domain: ingestion, transform (dbt), quality gate, publication, automation, resources."""
