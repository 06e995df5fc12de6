"""The same simulated contact centre written as Zendesk + Qualtrics and as Freshdesk (API) + SurveyMonkey
(`supportkpi generate --helpdesk freshdesk --surveys surveymonkey`, the same seed) gives the same published
value for every KPI both formats support (SPEC 4.8b): the readers of each vendor's format map it to the same
neutral facts. A metric one of the two cannot support (metric_definitions.sources, e.g. handoffs and the backlog
for Freshdesk) is left out of the comparison and must be absent from the Freshdesk run's ticket KPIs."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from demo_landing import generate

from .conftest import run_cli, run_slot

DAYS, AGENTS, SEED = 21, 6, 11
COMPARED_COLUMNS = (
    "period_grain, period_start, scope_type, scope_id, metric, round(value, 9), round(numerator, 9), "
    "round(denominator, 9), sample_size, is_complete_period"
)


def _published_kpis(slot_parse: Path, base: Path, **formats: str) -> dict[str, set[tuple]]:
    landing = base / "landing"
    generate(landing, days=DAYS, agents=AGENTS, seed=SEED, **formats)
    with run_slot(slot_parse, base / "home") as home:
        completed = run_cli("run", home=home, landing=landing)
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
        with duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True) as connection:
            rows = connection.execute(f"select {COMPARED_COLUMNS} from marts.kpi_metrics").fetchall()
            sources = dict(connection.execute("select metric, sources from marts.metric_definitions").fetchall())
    by_metric: dict[str, set[tuple]] = {metric: set() for metric in sources}
    for row in rows:
        by_metric[row[4]].add(row)
    by_metric["__sources__"] = {(metric, tuple(formats_)) for metric, formats_ in sources.items()}
    return by_metric


@pytest.fixture(scope="module")
def both_runs(slot_parse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    zendesk = _published_kpis(slot_parse, tmp_path_factory.mktemp("as_zendesk"))
    freshdesk = _published_kpis(
        slot_parse, tmp_path_factory.mktemp("as_freshdesk"), helpdesk="freshdesk", surveys="surveymonkey"
    )
    return zendesk, freshdesk


def _supported_by_both(sources: set[tuple]) -> tuple[list[str], list[str]]:
    """Metrics both landings support, and those only the Zendesk + Qualtrics one does."""
    both, zendesk_only = [], []
    for metric, formats in sorted(sources):
        one_side = ("zendesk" in formats) != ("freshdesk" in formats) or (
            ("qualtrics" in formats) != ("surveymonkey" in formats)
        )
        (zendesk_only if one_side else both).append(metric)
    return both, zendesk_only


@pytest.mark.pipeline
def test_every_kpi_both_formats_support_is_equal(both_runs: tuple[dict, dict]) -> None:
    zendesk, freshdesk = both_runs
    both, _ = _supported_by_both(zendesk["__sources__"])
    assert {"tickets_created", "first_reply_minutes_median", "reopen_rate", "nps", "csat_rate"} <= set(both)
    for metric in both:
        assert zendesk[metric], f"{metric}: no value at all in the Zendesk run, nothing compared"
        assert freshdesk[metric] == zendesk[metric], metric


@pytest.mark.pipeline
def test_a_kpi_freshdesk_cannot_support_is_absent_not_guessed(both_runs: tuple[dict, dict]) -> None:
    zendesk, freshdesk = both_runs
    _, zendesk_only = _supported_by_both(zendesk["__sources__"])
    assert {"handoffs_mean", "backlog_open_tickets", "overdue_open_tickets"} <= set(zendesk_only)
    for metric in zendesk_only:
        assert zendesk[metric], metric
        assert freshdesk[metric] == set(), metric
