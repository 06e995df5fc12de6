"""`supportkpi`: generate demo exports, run the pipeline, query the published warehouse."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .duckdb_connection import connect
from .settings import RUN_UMASK, SOURCES, ConfigurationError, Settings, load_settings

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
    counts = generate(
        Path(arguments.out),
        days=arguments.days,
        agents=arguments.agents,
        seed=arguments.seed,
        helpdesk=arguments.helpdesk,
        surveys=arguments.surveys,
        **options,
    )
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


@dataclass(frozen=True)
class PipelineRun:
    run_id: str
    job_name: str
    success: bool
    events: list  # the run's DagsterEvents, in order
    timed_events: list  # (timestamp, DagsterEvent)


def run_pipeline(settings: Settings, accept_row_count_change: bool = False, verbose: bool = False) -> PipelineRun:
    """Run the whole graph, its steps one after the other in this process: Dagster, dbt's manifest and Great
    Expectations are imported once per run rather than once per step (the scheduler's runs use separate
    processes). Dagster's own log goes to the console only with `verbose`."""
    from dagster import execute_job, reconstructable

    from .dbt_project import prepare_dbt_project

    prepare_dbt_project()
    from .definitions import full_pipeline

    with _instance() as instance:
        result = execute_job(
            reconstructable(full_pipeline),
            instance=instance,
            run_config={
                "execution": {"config": {"in_process": {}}},
                "loggers": {"console": {"config": {"log_level": "DEBUG" if verbose else "CRITICAL"}}},
                "ops": {"mart_quality_gate": {"config": {"accept_row_count_change": accept_row_count_change}}},
            },
            raise_on_error=False,
        )
        entries = instance.all_logs(result.run_id)
        timed = [(entry.timestamp, entry.dagster_event) for entry in entries if entry.dagster_event]
        return PipelineRun(result.run_id, result.job_def.name, result.success, list(result.all_events), timed)


def command_run(arguments: argparse.Namespace) -> int:
    from .ingestion.landing import check_landing

    settings = load_settings()
    check_landing(settings.landing, SOURCES)
    settings.resolved_pii_salt()
    print(f"landing:   {settings.landing}\nhome:      {settings.home}\ntime zone: {settings.timezone}")
    # Resolved once, so the dbt project parsed when the definitions load and the run's dbt build see the same home.
    os.environ["SUPPORT_KPI_HOME"] = str(settings.home)
    print("running ingest, build, checks, publish ...", flush=True)
    with _run_log(settings.run_log_path, verbose=arguments.verbose):
        run = run_pipeline(
            settings, accept_row_count_change=arguments.accept_row_count_change, verbose=arguments.verbose
        )
    from .run_output import failure_lines, source_summary_lines, stage_lines, warning_lines

    print("\n".join(stage_lines(run.timed_events)))
    summary = source_summary_lines(run.events)
    if summary:
        print("\nSources:\n" + "\n".join(summary))
    for line in warning_lines(run.events):
        print(line)
    if not run.success:
        from .alerts import Alert, notify

        report = "\n".join(failure_lines(run.events))
        print(
            f"\nrun {run.run_id} FAILED; nothing was published (the previous version stays).\n{report}", file=sys.stderr
        )
        notify(Alert(run_id=run.run_id, job_name=run.job_name, message=report))
        return 1
    print(f"\nrun {run.run_id} succeeded")
    print_summary(settings)
    print_restatements(settings)
    return 0


@contextmanager
def _run_log(log_path: Path, verbose: bool) -> Iterator[None]:
    """Without --verbose, the full log of the run (dbt's lines, alerts, library warnings) goes to `log_path`, not
    to the console: the console gets the stage lines and the summary."""
    if verbose:
        yield
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    product_logger = logging.getLogger("supportkpi")
    with log_path.open("w", encoding="utf-8") as log, redirect_stdout(log), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        handler = logging.StreamHandler(log)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        product_logger.addHandler(handler)
        product_logger.propagate = False
        try:
            yield
        finally:
            product_logger.removeHandler(handler)
            product_logger.propagate = True


def format_value(value: float, unit: str) -> str:
    if unit == "ratio":
        return f"{value:.1%}"
    if unit in ("minutes", "seconds", "hours", "score"):
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def print_summary(settings: Settings) -> None:
    """Org-level KPIs of the last complete month, next to their targets; the published path and version."""
    published = settings.published_database
    with connect(published, settings, read_only=True) as connection:
        month = connection.execute(
            """
            select max(period_start) from marts.kpi_metrics
            where period_grain = 'month' and scope_type = 'org' and is_complete_period
            """
        ).fetchone()[0]
        if month is None:
            print(f"published {published} version {_published_version(settings)} (no complete month yet)")
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
    print(f"\nPublished warehouse: {published}  version {_published_version(settings)}  (schema marts; open read-only)")


# Restatements of a publish shown in the run summary; manifest.json lists more, marts.kpi_restatements has all.
RESTATEMENT_EXAMPLES = 5


def restatement_lines(restatements: dict, version: object, units: dict[str, str]) -> list[str]:
    """The restatements of a publish (manifest.json `restatements`): their count and the first few, old -> new."""
    count = int(restatements.get("count") or 0)
    if not count:
        return [f"\nRestatements: none (no published value changed; version {version})"]
    old_version = restatements.get("old_version")
    lines = [
        f"\nRestatements: {count} published value{'s' if count != 1 else ''} changed since version {old_version} "
        f"(marts.kpi_restatements where new_version = {version}):"
    ]
    examples = list(restatements.get("listed") or [])[:RESTATEMENT_EXAMPLES]
    for row in examples:
        unit = units.get(row["metric"], "count")
        new = "no longer published" if row["new_value"] is None else format_value(row["new_value"], unit)
        old = "null" if row["old_value"] is None else format_value(row["old_value"], unit)
        scope = f"{row['scope_type']} {row['scope_id']}"
        lines.append(
            f"  {row['metric']:<28} {row['period_grain']:<5} {row['period_start']}  {scope:<14} {old} -> {new}"
        )
    if count > len(examples):
        lines.append(f"  ... and {count - len(examples):,} more")
    return lines


def print_restatements(settings: Settings) -> None:
    """After a publish: the values it restated (from manifest.json), in the units of metric_definitions."""
    try:
        manifest = json.loads(settings.manifest_path.read_text())
    except (OSError, ValueError):
        return
    restatements = manifest.get("restatements")
    if not isinstance(restatements, dict) or int(manifest.get("version") or 0) < 2:
        return  # a first publish restates nothing
    with connect(settings.published_database, settings, read_only=True) as connection:
        units = dict(connection.execute("select metric, unit from marts.metric_definitions").fetchall())
    print("\n".join(restatement_lines(restatements, manifest.get("version"), units)))


def _published_version(settings: Settings) -> str:
    try:
        return str(json.loads(settings.manifest_path.read_text())["version"])
    except (OSError, ValueError, KeyError):
        return "?"


def command_query(arguments: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.published_database.exists():
        print(f"nothing published yet at {settings.published_database}", file=sys.stderr)
        return 1
    with connect(settings.published_database, settings, read_only=True) as connection:
        connection.sql(arguments.sql).show(max_rows=arguments.max_rows)
    return 0


def command_report(arguments: argparse.Namespace) -> int:
    from .report import build_report

    settings = load_settings()
    if not settings.published_database.exists():
        print(f"nothing published yet at {settings.published_database}", file=sys.stderr)
        return 1
    output = Path(arguments.out) if arguments.out else settings.home / "report" / "index.html"
    print(f"wrote {build_report(settings.published_database, output, settings)}")
    return 0


RUN_ENVIRONMENT = """environment variables:
  SUPPORT_KPI_HOME                   working folder for every file a run writes (default ./data)
  SUPPORT_KPI_LANDING                folder of the exports: helpdesk/ telephony/ surveys/ quality/ reference/
                                     (default $SUPPORT_KPI_HOME/landing); missing or empty is an error
  SUPPORT_KPI_TIMEZONE               reporting time zone, an IANA name (default UTC)
  SUPPORT_KPI_PII_SALT               secret key hashing customer phone numbers and emails (required, except
                                     on a landing written by `supportkpi generate`)
  SUPPORT_KPI_ALERT_WEBHOOK_URL      webhook (plain JSON or Slack-compatible) told of failed runs
  SUPPORT_KPI_ALERT_TIMEOUT_SECONDS  deadline for delivering one alert (default 10)
  SUPPORT_KPI_KEEP_RUNS              per-run artifacts kept (default 10)
  SUPPORT_KPI_MEMORY_LIMIT           DuckDB memory_limit (default 60 % of memory)
  SUPPORT_KPI_THREADS                DuckDB threads (default: the core count)
  SUPPORT_KPI_LOCK_TIMEOUT_SECONDS   wait for another run holding the build database (default 3600)
  DAGSTER_HOME                       optional: keep Dagster's run history there (the UI shows it)

files in the landing folder:
  .supportkpi-ignore                 one glob a line (relative to the landing folder, # comments): files
                                     never ingested, e.g. telephony/queue_log-2018*.gz

exit codes:
  0  published a new version (warnings, if any, printed)
  1  nothing published: a blocking check failed, a file was rejected, or a fault stopped the run; the
     previous version stays published and an alert is sent
  2  configuration error (landing folder, salt, time zone, option): one line on stderr, nothing written
"""


def package_version() -> str:
    try:
        return version("support-kpi-warehouse")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supportkpi", description=__doc__)
    parser.add_argument("--version", action="version", version=f"supportkpi {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write realistic demo exports into a landing folder")
    generate.add_argument("--out", required=True, help="landing folder to write")
    generate.add_argument("--days", type=int, default=90, help="days of history to write (default 90)")
    generate.add_argument("--agents", type=int, default=12, help="agents in the roster (default 12)")
    generate.add_argument("--seed", type=int, default=7, help="random seed: the same seed writes the same files")
    generate.add_argument(
        "--end-date",
        type=date.fromisoformat,
        default=None,
        help="first day after the generated data (YYYY-MM-DD); fixed by default",
    )
    generate.add_argument(
        "--helpdesk",
        choices=("zendesk", "freshdesk", "freshdesk-csv", "intercom"),
        default="zendesk",
        help="helpdesk export format of the same simulated tickets: Zendesk incremental exports (default), "
        "Freshdesk API v2 pages, the Freshdesk UI ticket export (CSV) or Intercom conversation.list pages",
    )
    generate.add_argument(
        "--surveys",
        choices=("qualtrics", "surveymonkey", "surveymonkey-api"),
        default="qualtrics",
        help="survey export format of the same simulated responses: Qualtrics CSV (default), SurveyMonkey CSV "
        "export, or SurveyMonkey API v3 bulk responses with the survey details",
    )
    generate.set_defaults(handler=command_generate)

    run = commands.add_parser(
        "run",
        help="ingest, build, check and publish; non-zero exit when blocked",
        description="Ingest the new exports of the landing folder, build the marts, run the quality gate and "
        "publish a new version of the warehouse only if every blocking check passed.",
        epilog=RUN_ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("--verbose", action="store_true", help="show the full Dagster and dbt log")
    run.add_argument(
        "--accept-row-count-change",
        action="store_true",
        help="publish whatever the row counts against the previous publish (a first backfill of history, "
        "a reprocessed month); every other check still applies",
    )
    run.set_defaults(handler=command_run)

    query = commands.add_parser("query", help="run SQL read-only on the published warehouse")
    query.add_argument("sql", help='SQL to run, e.g. "select * from marts.kpi_metrics limit 10"')
    query.add_argument("--max-rows", type=int, default=100, help="rows to show at most (default 100)")
    query.set_defaults(handler=command_query)

    report = commands.add_parser("report", help="write the offline HTML dashboard for support leads")
    report.add_argument("--out", help="HTML file to write (default $SUPPORT_KPI_HOME/report/index.html)")
    report.set_defaults(handler=command_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    os.umask(RUN_UMASK)  # what the product writes is readable by its owner and group only
    try:
        return int(arguments.handler(arguments))
    except ConfigurationError as error:
        print(f"supportkpi: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
