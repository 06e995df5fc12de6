"""`make bench TIER=S|M|L`: the warehouse's wall time and peak memory against a scan floor and a pandas peer.

In one sitting, each measured thing a subprocess of its own (benchmarks.measure): the scan floor and the pandas
peer over the base landing, then `supportkpi run` on a fresh home with the base landing (full), after the next
night's exports landed (nightly) and after a late re-export of tickets solved three months earlier (late). Writes
benchmarks/results/<tier>-<date>.json and prints the ratios, the figures that survive a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

import duckdb

from demo_landing import DEFAULT_END_DATE

from .landings import GeneratorArgs, copy_files, new_or_changed, write_base, write_late_reexport

TIERS = {
    "S": GeneratorArgs(days=90, agents=12, seed=7, end_date=DEFAULT_END_DATE),  # the demo
    "M": GeneratorArgs(days=365, agents=200, seed=7, end_date=DEFAULT_END_DATE),
    "L": GeneratorArgs(days=365, agents=1000, seed=7, end_date=DEFAULT_END_DATE),
}
ENGINES = ("duckdb",)
RESULTS_DIR = Path(__file__).resolve().parent / "results"
MEASUREMENTS = ("scan", "pandas", "full", "nightly", "late")
# (name, numerator, denominator) of the ratios of wall times printed.
RATIOS = (
    ("full/scan", "full", "scan"),
    ("nightly/full", "nightly", "full"),
    ("late/full", "late", "full"),
    ("pandas/full", "pandas", "full"),
    ("pandas/nightly", "pandas", "nightly"),
)
GIB = 1024.0


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_mb: float
    returncode: int
    rows: int | None = None


@dataclass(frozen=True)
class Landings:
    """A tier's cached folders: the N+1-day generation, the base (cut at day N) and the late re-export."""

    root: Path

    @property
    def next(self) -> Path:
        return self.root / "landing-next"

    @property
    def base(self) -> Path:
        return self.root / "landing-base"

    @property
    def late(self) -> Path:
        return self.root / "landing-late"

    @property
    def stamp(self) -> Path:
        return self.root / "landings.json"


def ratios(measured: dict[str, Measurement]) -> dict[str, float]:
    """The wall-time ratios of RATIOS (those whose two measurements exist and whose denominator is not zero)."""
    return {
        name: round(measured[top].seconds / measured[bottom].seconds, 2)
        for name, top, bottom in RATIOS
        if top in measured and bottom in measured and measured[bottom].seconds > 0
    }


def ratio_table(tier: str, measured: dict[str, Measurement], when: str) -> str:
    """The printed (and README) table: the ratios, then each measurement's seconds and peak RSS in GiB."""
    lines = [f"Tier {tier}, {when}", "", "| ratio | value |", "|---|---|"]
    lines += [f"| {name} | {value:.2f} |" for name, value in ratios(measured).items()]
    lines += ["", "| measurement | seconds | peak RSS GiB | rows |", "|---|---|---|---|"]
    for name in MEASUREMENTS:
        if name in measured:
            m = measured[name]
            rows = "" if m.rows is None else f"{m.rows:,}"
            lines.append(f"| {name} | {m.seconds:.1f} | {m.peak_rss_mb / GIB:.2f} | {rows} |")
    return "\n".join(lines)


def generate(args: GeneratorArgs, out: Path) -> None:
    command = [sys.executable, "-m", "orchestration.cli", "generate", "--out", str(out), "--days", str(args.days)]
    command += ["--agents", str(args.agents), "--seed", str(args.seed), "--end-date", args.end_date.isoformat()]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def prepare_landings(args: GeneratorArgs, bench_dir: Path) -> tuple[Landings, dict]:
    """The tier's landings, generated once and cached under bench_dir/<generator key>: one generation of N+1
    days ending a day later, the base landing cut from it at day N, the late re-export from the base."""
    landings = Landings(bench_dir / args.key)
    if landings.stamp.exists():
        return landings, json.loads(landings.stamp.read_text())
    if landings.root.exists():
        shutil.rmtree(landings.root)
    landings.root.mkdir(parents=True)
    start = time.perf_counter()
    generate(replace(args, days=args.days + 1, end_date=args.end_date + timedelta(days=1)), landings.next)
    generate_seconds = time.perf_counter() - start
    write_base(landings.next, landings.base, args.cutoff)
    late_tickets = write_late_reexport(landings.base, landings.late, args)
    if late_tickets == 0:
        print("warning: no ticket solved ~90 days before the end: the late re-export is empty", file=sys.stderr)
    info = {"generator": args.as_json(), "generate_seconds": round(generate_seconds, 1), "late_tickets": late_tickets}
    landings.stamp.write_text(json.dumps(info, indent=2) + "\n")
    return landings, info


def measure(name: str, command: list[str], logs: Path, env: dict[str, str] | None = None) -> tuple[Measurement, Path]:
    """Run `command` under benchmarks.measure; return its measurement and the file holding its output."""
    result, output = logs / f"{name}.json", logs / f"{name}.log"
    wrapper = [sys.executable, "-m", "benchmarks.measure", str(result), str(output), "--", *command]
    subprocess.run(wrapper, check=True, env=env, cwd=Path(__file__).resolve().parent.parent)
    return Measurement(**json.loads(result.read_text())), output


def run_env(home: Path) -> dict[str, str]:
    """The environment of a `supportkpi run` in a bench home (a demo landing: no PII salt)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORT_KPI_") and k != "DAGSTER_HOME"}
    return {
        **env,
        "SUPPORT_KPI_HOME": str(home),
        "SUPPORT_KPI_LANDING": str(home / "landing"),
        "SUPPORT_KPI_TIMEZONE": "UTC",
    }


def ingested(home: Path) -> tuple[int, int]:
    """(highest file_id, records read in all) of the build database's ingest manifest; (0, 0) before any run."""
    database = home / "build" / "warehouse.duckdb"
    if not database.exists():
        return 0, 0
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(
            "select coalesce(max(file_id), 0), coalesce(sum(records_read), 0) from raw.ingested_files"
        ).fetchone()
    return int(row[0]), int(row[1])


def records_since(home: Path, file_id: int) -> int:
    """Records read from the files ingested after `file_id`: what a run ingested."""
    with duckdb.connect(str(home / "build" / "warehouse.duckdb"), read_only=True) as connection:
        row = connection.execute(
            "select coalesce(sum(records_read), 0) from raw.ingested_files where file_id > ?", [file_id]
        ).fetchone()
    return int(row[0])


def pipeline_run(name: str, home: Path, logs: Path) -> Measurement:
    before, _ = ingested(home)
    supportkpi = str(Path(sys.executable).with_name("supportkpi"))
    measured, output = measure(name, [supportkpi, "run"], logs, run_env(home))
    if measured.returncode != 0:
        print(f"warning: {name} run exited {measured.returncode}; its output: {output}", file=sys.stderr)
    return replace(measured, rows=records_since(home, before) if (home / "build").exists() else None)


def machine_info() -> dict:
    memory_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_kib = int(line.split()[1])
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())  # fmt: skip
    packages = ("duckdb", "pandas", "dbt-core", "dbt-duckdb", "dagster", "great-expectations", "support-kpi-warehouse")
    versions = {}
    for package in packages:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    changes = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=False
    )
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "platform": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "commit": commit.stdout.strip() + ("-dirty" if changes.stdout.strip() else ""),
    }


def bench(tier: str, engine: str, data: Path) -> Path:
    args = TIERS[tier]
    bench_dir = data.resolve() / "bench" / tier
    info = machine_info()
    landings, landing_info = prepare_landings(args, bench_dir)
    home = bench_dir / "home"
    if home.exists():
        shutil.rmtree(home)
    logs = bench_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    measured: dict[str, Measurement] = {}
    for name, module in (("scan", "benchmarks.scan_floor"), ("pandas", "benchmarks.pandas_peer")):
        result, output = measure(name, [python, "-m", module, str(landings.base)], logs)
        if result.returncode != 0:
            raise SystemExit(f"{name} failed: see {output}")
        measured[name] = replace(result, rows=json.loads(output.read_text().splitlines()[-1])["rows"])
    shutil.copytree(landings.base, home / "landing")
    measured["full"] = pipeline_run("full", home, logs)
    if measured["full"].returncode != 0:
        raise SystemExit(f"the full run failed: see {logs / 'full.log'}")
    nightly_files = new_or_changed(landings.base, landings.next)
    nightly_bytes = copy_files(landings.next, home / "landing", nightly_files)
    measured["nightly"] = pipeline_run("nightly", home, logs)
    late_files = new_or_changed(home / "landing", landings.late)
    late_bytes = copy_files(landings.late, home / "landing", late_files)
    measured["late"] = pipeline_run("late", home, logs)
    today = date.today().isoformat()
    table = ratio_table(tier, measured, f"{today}, {info['cores']} cores, {info['memory_gib']} GiB, {engine}")
    results = {
        "tier": tier,
        "date": today,
        "engine": engine,
        "machine": info,
        "landing": {
            **landing_info,
            "nightly_files": nightly_files,
            "nightly_bytes": nightly_bytes,
            "late_files": late_files,
            "late_bytes": late_bytes,
        },  # fmt: skip
        "measurements": {name: asdict(m) for name, m in measured.items()},
        "ratios": ratios(measured),
        "peak_rss_gib": {name: round(m.peak_rss_mb / GIB, 2) for name, m in measured.items()},
        "table": table,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{tier}-{today}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(table)
    print(f"\nresults: {path}\nlogs: {logs}")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--tier", choices=sorted(TIERS), default="S")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb", help="only duckdb exists today")
    parser.add_argument("--data", type=Path, default=Path("data"), help="data folder (landings cached under bench/)")
    arguments = parser.parse_args(argv)
    bench(arguments.tier, arguments.engine, arguments.data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
