"""`supportkpi`: generate demo exports, run the pipeline, query the published warehouse."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import duckdb

from .settings import RUN_UMASK, MissingPiiSaltError, Settings, load_settings

SUMMARY_METRICS = (
    "tickets_created",
    "first_reply_minutes_median",
    "first_reply_within_1h_rate",
    "abandon_rate",
    "service_level_rate",
    "asa_seconds",
    "nps",
    "csat_rate",
)


def command_generate(arguments: argparse.Namespace) -> int:
    from demo_landing import generate

    options = {"end_date": arguments.end_date} if arguments.end_date else {}
    counts = generate(Path(arguments.out), days=arguments.days, agents=arguments.agents, seed=arguments.seed, **options)
    print(f"wrote demo exports to {Path(arguments.out).resolve()}")
    for name, count in counts.items():
        print(f"  {name:<28} {count:>9,}")
    return 0


def _instance():
    """The Dagster instance of DAGSTER_HOME (its run history, which the UI shows), else an in-memory one: the run's
    own record is the publish manifest, the summary and the dbt artifacts under $SUPPORT_KPI_HOME/dbt/runs, and
    Dagster's SQLite event log would cost a small warehouse's run more than its dbt build (one write per event)."""
    from dagster import DagsterInstance

    if os.environ.get("DAGSTER_HOME"):
        return DagsterInstance.get()
    return DagsterInstance.ephemeral()


def run_pipeline(settings: Settings, accept_row_count_change: bool = False):
    """Run the whole graph, its steps one after the other in this process: Dagster, dbt's manifest and Great
    Expectations are imported once per run rather than once per step (the scheduler's runs use separate
    processes)."""
    from dagster import execute_job, reconstructable

    from .dbt_project import prepare_dbt_project

    prepare_dbt_project()
    from .definitions import full_pipeline

    with _instance() as instance:
        return execute_job(
            reconstructable(full_pipeline),
            instance=instance,
            run_config={
                "execution": {"config": {"in_process": {}}},
                "loggers": {"console": {"config": {"log_level": "INFO"}}},
                "ops": {"mart_quality_gate": {"config": {"accept_row_count_change": accept_row_count_change}}},
            },
            raise_on_error=False,
        )


def command_run(arguments: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"landing:   {settings.landing}\nhome:      {settings.home}\ntime zone: {settings.timezone}")
    # Resolved once, so the dbt project parsed when the definitions load and the run's dbt build see the same home.
    os.environ["SUPPORT_KPI_HOME"] = str(settings.home)
    try:
        settings.resolved_pii_salt()
    except MissingPiiSaltError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result = run_pipeline(settings, accept_row_count_change=arguments.accept_row_count_change)
    if not result.success:
        from .alerts import Alert, notify

        report = failure_report(result)
        print(f"run {result.run_id} FAILED; nothing was published.\n{report}", file=sys.stderr)
        notify(Alert(run_id=result.run_id, job_name=result.job_def.name, message=report))
        return 1
    print(f"run {result.run_id} succeeded")
    print_summary(settings.published_database)
    return 0


def failure_report(result) -> str:
    from .alerts import failed_check_lines

    lines = failed_check_lines(result.all_events)
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error if event.step_failure_data else None
            detail = error.message.strip().splitlines()[0][:300] if error and error.message else ""
            lines.append(f"failed step: {event.step_key} {detail}".rstrip())
    return "\n".join(lines) or "failed for an unknown reason"


def format_value(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value:.1%}"
    if unit in ("minutes", "seconds", "hours", "score"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def print_summary(published: Path) -> None:
    """Org-level KPIs of the last complete month, next to their targets."""
    with duckdb.connect(str(published), read_only=True) as connection:
        month = connection.execute(
            """
            select max(period_start) from marts.kpi_metrics
            where period_grain = 'month' and scope_type = 'org' and is_complete_period
            """
        ).fetchone()[0]
        if month is None:
            print(f"published {published} (no complete month yet)")
            return
        listed = ", ".join(f"'{name}'" for name in SUMMARY_METRICS)
        rows = connection.execute(
            f"""
            select m.metric, d.unit, m.value, m.sample_size, t.target, t.direction, t.met
            from marts.kpi_metrics m
            join marts.metric_definitions d using (metric)
            left join marts.kpi_target_attainment t
                using (period_grain, period_start, scope_type, scope_id, metric)
            where m.period_grain = 'month' and m.scope_type = 'org' and m.period_start = ?
                and m.metric in ({listed})
            order by m.metric
            """,
            [month],
        ).fetchall()
    print(f"\nOrg KPIs for {month:%B %Y} (last complete month):")
    print(f"  {'metric':<28} {'value':>10} {'n':>7}  target")
    for metric, unit, value, sample_size, target, direction, met in rows:
        target_text = ""
        if target is not None:
            sign = ">=" if direction == "higher_is_better" else "<="
            target_text = f"{sign} {format_value(target, unit)}  {'met' if met else 'MISSED'}"
        print(f"  {metric:<28} {format_value(value, unit):>10} {int(sample_size):>7}  {target_text}")
    print(f"\nPublished warehouse: {published}  (schema marts; open read-only)")


def command_query(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.published_database.exists():
        print(f"nothing published yet at {settings.published_database}", file=sys.stderr)
        return 1
    with duckdb.connect(str(settings.published_database), read_only=True) as connection:
        connection.sql(arguments.sql).show(max_rows=arguments.max_rows)
    return 0


def command_report(arguments: argparse.Namespace) -> int:
    from .report import build_report

    settings = load_settings()
    if not settings.published_database.exists():
        print(f"nothing published yet at {settings.published_database}", file=sys.stderr)
        return 1
    output = Path(arguments.out) if arguments.out else settings.home / "report" / "index.html"
    print(f"wrote {build_report(settings.published_database, output)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supportkpi", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write realistic demo exports into a landing folder")
    generate.add_argument("--out", required=True, help="landing folder to write")
    generate.add_argument("--days", type=int, default=90)
    generate.add_argument("--agents", type=int, default=12)
    generate.add_argument("--seed", type=int, default=7)
    generate.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="first day after the generated data (YYYY-MM-DD); fixed by default",
    )
    generate.set_defaults(handler=command_generate)

    run = commands.add_parser("run", help="ingest, build, check and publish; non-zero exit when blocked")
    run.add_argument(
        "--accept-row-count-change",
        action="store_true",
        help="publish whatever the row counts against the previous publish (a first backfill of history, "
        "a reprocessed month); every other check still applies",
    )
    run.set_defaults(handler=command_run)

    query = commands.add_parser("query", help="run SQL read-only on the published warehouse")
    query.add_argument("sql")
    query.add_argument("--max-rows", type=int, default=100)
    query.set_defaults(handler=command_query)

    report = commands.add_parser("report", help="write a static HTML report from the published warehouse")
    report.add_argument("--out", help="HTML file to write (default $SUPPORT_KPI_HOME/report/index.html)")
    report.set_defaults(handler=command_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    os.umask(RUN_UMASK)  # what the product writes is readable by its owner and group only
    return int(arguments.handler(arguments))


if __name__ == "__main__":
    sys.exit(main())
