"""Coach under load as deployed: simulated people on a served Coach, on loopback.

    .venv/bin/python bench/load.py --setup sqlite-thread|postgres-rq [--users 50]
        [--minutes 5] [--runs 3] [--out docs/benchmarks.md]

Builds a fresh instance (``coach setup --no-demo``: migrations and models, the model cache
kept in ``--model-cache`` between runs), seeds a floor (bench/seed_floor.py: 20 teams of 15
trainees with 200 pieces of practice each), starts Coach the way ``--setup`` names:

- ``sqlite-thread``: SQLite and the in-process thread runner (the defaults of ``make run``),
  under gunicorn with one process of 8 threads (one process: the jobs run in it);
- ``postgres-rq``: PostgreSQL, gunicorn as deploy/gunicorn.conf.py sets it (two processes
  per core, 2 threads each) and one rq speech worker with ``COACH_ASR_CPU_THREADS`` = cores,

then runs Locust (bench/load_users.py) headless for ``--minutes`` with ``--users`` people:
sign-in, dashboards, call lists and pages, role-play typed turns, certification answers, and
an upload of a 20-second call every 10 s. Bounded: loopback only, a fixed time, then every
process is stopped and the database dropped. The figures are p50/p95 per endpoint from
Locust, jobs' queue wait and run time from the jobs table, errors (failed requests and failed
jobs), and the machine's load while it ran (Locust shares the cores with Coach).

One run's p95 moves with whatever else the machine is doing (on the 2-core machine five runs
of the same code put the trainee dashboard between 82 and 122 ms), so ``--runs`` repeats the
whole thing on a fresh instance each time and the targets are judged on the median of the
runs' p95s, with their spread beside it.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from bench.docs_section import machine, write_section
from bench.first_scorecard import TRANSCRIPT
from bench.scoring_eval import synthesize
from bench.seed_floor import PROGRAMS, FloorSize, seed_floor
from coach import create_app
from coach.catalog.kinds import SCENARIOS
from coach.extensions import db
from coach.models import Job, JobStatus, User
from coach.models._columns import utcnow
from coach.services import certification
from deploy.stack import Stack, WebServer, drop_database, ensure_database, stack_env

REPO = Path(__file__).resolve().parent.parent
LOCUSTFILE = REPO / "bench" / "load_users.py"
TARGET_PAGE_P95_MS = 100.0
TARGET_TURN_P95_MS = 150.0
TURN = "role-play typed turn"
# Requests that are not pages: sign-in hashes a password on purpose (argon2), an upload
# streams a recording to disk, and the role-play and quiz posts have their own targets.
NOT_PAGES = {"sign-in", "upload", TURN, "certification answer", "role-play start"}


@dataclass(frozen=True)
class Setup:
    name: str
    label: str
    database: str  # "sqlite" | "postgresql"


SETUPS = {
    "sqlite-thread": Setup(
        "sqlite-thread", "SQLite + thread runner, gunicorn 1 process x 8 threads", "sqlite"
    ),
    "postgres-rq": Setup(
        "postgres-rq",
        "PostgreSQL + rq worker, gunicorn 2 processes per core x 2 threads",
        "postgresql",
    ),
}


@contextmanager
def database(setup: Setup, instance: Path, admin_url: str) -> Iterator[str]:
    if setup.database == "sqlite":
        yield f"sqlite:///{instance / 'coach.sqlite3'}"
        return
    name = f"coach_load_{uuid.uuid4().hex[:8]}"
    url = ensure_database(admin_url, name)
    try:
        yield url
    finally:
        drop_database(admin_url, name)


def seed_people(
    url: str, instance: Path, model_cache: Path, users: int, size: FloorSize
) -> dict[str, object]:
    """The floor, and who the simulated people sign in as; each trainee gets a certification
    attempt under way, so that answering questions is part of the load."""
    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "DATABASE_URL": url,
            "JOB_RUNNER": "inline",
            "MODEL_CACHE_DIR": str(model_cache),
        }
    )
    with app.app_context():
        floor = seed_floor(size)
        trainees = list(floor.trainees[: users + 1])
        uploader = trainees.pop()
        attempts: dict[str, int] = {}
        for email in trainees:
            user = db.session.scalar(select(User).filter_by(email=email))
            for program in PROGRAMS.values():
                if certification.eligibility(user, certification.program(program)).may_start:
                    attempts[email] = certification.start_attempt(user, program).id
                    break
        catalog = app.extensions["coach.catalog"]
        scenarios = sorted(s.id for s in catalog.get(SCENARIOS))
        if url.startswith("postgresql"):
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
        db.engine.dispose()
    return {
        "password": floor.password,
        "admin": floor.admin,
        "compliance": floor.compliance,
        "coaches": list(floor.coaches),
        "trainees": trainees,
        "uploader": uploader,
        "attempts": attempts,
        "scenarios": scenarios,
    }


class LoadSampler:
    """The 1-minute load average and CPU busy share, every 5 s while the load runs."""

    def __init__(self) -> None:
        self.loads: list[float] = []
        self.busy: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        previous = _cpu_times()
        while not self._stop.wait(5):
            current = _cpu_times()
            total = current[0] - previous[0]
            if total > 0:
                self.busy.append(1.0 - (current[1] - previous[1]) / total)
            self.loads.append(os.getloadavg()[0])
            previous = current


def _cpu_times() -> tuple[int, int]:
    """(all jiffies, idle jiffies) from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]


def run_locust(url: str, people: Path, users: int, minutes: float, out: Path) -> Path:
    prefix = out / "locust"
    command = [
        str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE), "--headless",
        "--users", str(users), "--spawn-rate", "5", "--run-time", f"{int(minutes * 60)}s",
        "--stop-timeout", "30", "--host", url, "--csv", str(prefix), "--only-summary",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {
        **os.environ,
        "COACH_LOAD_PEOPLE": str(people),
        "COACH_LOAD_TIMINGS": str(out / "timings.tsv"),
    }
    subprocess.run(command, env=env, check=False, timeout=minutes * 60 + 300)
    return prefix.with_name("locust_stats.csv")


def read_stats(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Timing:
    at: float
    name: str
    ms: float
    failed: bool


def read_timings(path: Path) -> list[Timing]:
    timings = []
    for line in path.read_text(encoding="utf-8").splitlines():
        at, name, ms, failed = line.split("\t")
        timings.append(Timing(float(at), name, float(ms), failed == "1"))
    return timings


def endpoint_rows(
    timings: list[Timing], stats: list[dict[str, str]], warm_up_s: float
) -> list[dict[str, object]]:
    """Per endpoint: requests, failures, p50/p95/max over the whole run, and p95 once the
    first ``warm_up_s`` are over (the shift's sign-ins, each an argon2 hash, crowd them)."""
    methods = {row["Name"]: row["Type"] for row in stats}
    start = min(t.at for t in timings)
    rows = []
    for name in sorted({t.name for t in timings}):
        mine = [t for t in timings if t.name == name]
        times = [t.ms for t in mine]
        later = [t.ms for t in mine if t.at - start >= warm_up_s]
        rows.append(
            {
                "name": name,
                "method": methods.get(name, ""),
                "requests": len(mine),
                "failed": sum(t.failed for t in mine),
                "p50": _percentile(times, 50),
                "p95": _percentile(times, 95),
                "p95_later": _percentile(later, 95),
                "max": max(times),
            }
        )
    return rows


def read_exceptions(stats: Path) -> list[str]:
    """Errors raised in the simulated people's code (a page without what it needed, say):
    each an error of the run like a failed request, with how often it happened."""
    path = stats.with_name("locust_exceptions.csv")
    if not path.exists():
        return []
    return [f"{row['Count']} x {row['Message']}" for row in read_stats(path)]


def job_figures(url: str, instance: Path, since: datetime) -> dict[str, dict[str, float]]:
    """Per job kind, for jobs queued during the load: count, failed, queue wait p50/p95 and
    run time p50 in seconds (jobs still queued or running at the end count as not done)."""
    app = create_app({"INSTANCE_PATH": instance, "DATABASE_URL": url, "JOB_RUNNER": "inline"})
    figures: dict[str, dict[str, float]] = {}
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.created_at >= since)).all()
        for kind in sorted({job.kind for job in jobs}):
            mine = [job for job in jobs if job.kind == kind]
            finished = [j for j in mine if j.status == JobStatus.DONE and j.started_at]
            waits = [(j.started_at - j.created_at).total_seconds() for j in finished]
            runs = [(j.finished_at - j.started_at).total_seconds() for j in finished]
            figures[kind] = {
                "count": len(mine),
                "done": len(finished),
                "failed": sum(j.status == JobStatus.FAILED for j in mine),
                "wait_p50": _percentile(waits, 50),
                "wait_p95": _percentile(waits, 95),
                "run_p50": _percentile(runs, 50),
            }
        db.engine.dispose()
    return figures


def _percentile(values: list[float], percent: int) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def start_servers(setup: Setup, stack: Stack) -> WebServer:
    cores = os.cpu_count() or 1
    if setup.database == "sqlite":
        server = WebServer(8101, 1)
        stack.start_web(server, WEB_THREADS="8", COACH_JOB_WORKERS="1")
    else:
        server = WebServer(8101)  # as many processes as deploy/gunicorn.conf.py sets
        stack.start_web(server)
        stack.start_worker(1, COACH_ASR_CPU_THREADS=str(cores))
    stack.wait_ready(server)
    return server


def measure(setup: Setup, users: int, minutes: float, args: argparse.Namespace) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="coach-load-"))
    instance = folder / "instance"
    try:
        with database(setup, instance, args.postgres) as url:
            runner = "thread" if setup.database == "sqlite" else "rq"
            env = stack_env(url, args.redis, instance, f"load-{uuid.uuid4().hex[:6]}", "")
            env.update(COACH_JOB_RUNNER=runner, COACH_MODEL_CACHE_DIR=str(args.model_cache))
            stack = Stack(env, folder / "logs")
            stack.flask("coach", "setup", "--no-demo")
            size = FloorSize(args.teams, args.trainees_per_team, args.activities)
            people = seed_people(url, instance, args.model_cache, users, size)
            people["recording"] = str(synthesize({"transcript": TRANSCRIPT}, folder))
            people_file = folder / "people.json"
            people_file.write_text(json.dumps(people), encoding="utf-8")
            try:
                server = start_servers(setup, stack)
                began = utcnow()
                with LoadSampler() as sampler:
                    stats_file = run_locust(server.url, people_file, users, minutes, folder)
                stats, exceptions = read_stats(stats_file), read_exceptions(stats_file)
                timings = read_timings(folder / "timings.tsv")
                time.sleep(args.drain)  # let the last uploads' jobs finish before counting
            finally:
                stack.stop()
            return {
                "setup": setup,
                "stats": stats,
                "endpoints": endpoint_rows(timings, stats, args.warm_up),
                "exceptions": exceptions,
                "jobs": job_figures(url, instance, began),
                "load": statistics.mean(sampler.loads) if sampler.loads else float("nan"),
                "busy": statistics.mean(sampler.busy) if sampler.busy else float("nan"),
                "attempts": len(people["attempts"]),
            }
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def combine(runs: list[dict]) -> list[dict[str, object]]:
    """Per endpoint over the runs: requests and failures added up, p50/p95 the median of the
    runs' own, the runs' p95s after warm-up kept (the spread), the highest max."""
    rows = []
    names = sorted({row["name"] for run in runs for row in run["endpoints"]})
    for name in names:
        mine = [row for run in runs for row in run["endpoints"] if row["name"] == name]
        later = [float(row["p95_later"]) for row in mine if not math.isnan(row["p95_later"])]
        rows.append(
            {
                "name": name,
                "method": mine[0]["method"],
                "requests": sum(int(row["requests"]) for row in mine),
                "failed": sum(int(row["failed"]) for row in mine),
                "p50": statistics.median(float(row["p50"]) for row in mine),
                "p95": statistics.median(float(row["p95"]) for row in mine),
                "p95_later": statistics.median(later) if later else float("nan"),
                "p95_runs": later,
                "max": max(float(row["max"]) for row in mine),
            }
        )
    return rows


def markdown(runs: list[dict], users: int, minutes: float, warm_up_s: float, command: str) -> str:
    setup: Setup = runs[0]["setup"]
    totals = [next(r for r in run["stats"] if r["Name"] == "Aggregated") for run in runs]
    requests = sum(int(total["Request Count"]) for total in totals)
    failures = sum(int(total["Failure Count"]) for total in totals)
    failed_jobs = sum(int(k["failed"]) for run in runs for k in run["jobs"].values())
    exceptions = [line for run in runs for line in run["exceptions"]]
    lines = [
        f"### Load: {setup.label}",
        "",
        f"`{command}` — {machine()}; Locust on the same cores. {users} simulated people for "
        f"{minutes:g} min, arriving 5 a second and each signing in first (think time 2 to "
        f"8 s; one upload of a 20-s call every 10 s), {len(runs)} run(s), each on a fresh "
        "instance.",
        "",
        *[
            f"- run {i}: {int(total['Request Count'])} requests, {total['Failure Count']} "
            f"failed; overall p50 {total['50%']} ms, p95 {total['95%']} ms; mean 1-min load "
            f"average **{run['load']:.1f}**, CPU busy **{run['busy']:.0%}** while it ran"
            for i, (run, total) in enumerate(zip(runs, totals, strict=True), start=1)
        ],
        "",
        f"**{requests} requests, {failures} failed; {failed_jobs} failed jobs; "
        f"{len(exceptions)} kinds of error in the simulated people's code.**",
        *[f"- error: {line}" for line in exceptions],
        "",
        f"Targets are judged on the p95 after the first {warm_up_s:.0f} s, when the {users} "
        "sign-ins (an argon2 hash each, about 0.5 s of a core, on purpose) are over, or on the "
        "whole run's p95 (beside it) for what is only requested while people sign in (-); "
        "with several runs, on the median of the runs' p95s (p50 and p95 are medians "
        "too, each run's p95 after warm-up is listed, requests and failures are totals).",
        "",
        f"| endpoint | method | requests | failed | p50 ms | p95 ms | p95 after {warm_up_s:.0f} s "
        "| each run's | max ms | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in combine(runs):
        each = " / ".join(f"{p:.0f}" for p in row["p95_runs"]) or "-"  # type: ignore[attr-defined]
        lines.append(
            f"| {row['name']} | {row['method']} | {row['requests']} | {row['failed']} "
            f"| {row['p50']:.0f} | {row['p95']:.0f} | {_ms(row['p95_later'])} "
            f"| {each} | {row['max']:.0f} | {_verdict(row)} |"
        )
    lines += [
        "",
        "| job | queued during the runs | done | failed | queue wait p50 s | queue wait p95 s "
        "| run p50 s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in sorted({kind for run in runs for kind in run["jobs"]}):
        figures = [run["jobs"][kind] for run in runs if kind in run["jobs"]]
        total = {key: sum(f[key] for f in figures) for key in ("count", "done", "failed")}
        median = {
            key: statistics.median(f[key] for f in figures)
            for key in ("wait_p50", "wait_p95", "run_p50")
        }
        lines.append(
            f"| {kind} | {total['count']:.0f} | {total['done']:.0f} | {total['failed']:.0f} "
            f"| {median['wait_p50']:.1f} | {median['wait_p95']:.1f} | {median['run_p50']:.1f} |"
        )
    return "\n".join(lines)


def _ms(value: object) -> str:
    return "-" if math.isnan(float(value)) else f"{float(value):.0f}"  # type: ignore[arg-type]


def _verdict(row: dict[str, object]) -> str:
    later = float(row["p95_later"])  # type: ignore[arg-type]
    p95 = float(row["p95"]) if math.isnan(later) else later  # type: ignore[arg-type]
    if row["name"] == TURN:
        return f"≤ {TARGET_TURN_P95_MS:.0f}: {'met' if p95 <= TARGET_TURN_P95_MS else 'MISSED'}"
    if row["name"] in NOT_PAGES or row["method"] != "GET":
        return ""
    return f"≤ {TARGET_PAGE_P95_MS:.0f}: {'met' if p95 <= TARGET_PAGE_P95_MS else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setup", choices=sorted(SETUPS), required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=1, help="judge on the median of runs")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--model-cache", type=Path, default=REPO / "instance" / "model-cache")
    parser.add_argument("--teams", type=int, default=FloorSize.teams)
    parser.add_argument("--trainees-per-team", type=int, default=FloorSize.trainees_per_team)
    parser.add_argument("--activities", type=int, default=FloorSize.activities_per_trainee)
    parser.add_argument("--warm-up", type=float, default=60.0, help="seconds before targets")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds for jobs to finish")
    parser.add_argument("--out", type=Path, help="write the section into this markdown file")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (logs)")
    args = parser.parse_args()
    setup = SETUPS[args.setup]
    runs = [measure(setup, args.users, args.minutes, args) for _ in range(max(1, args.runs))]
    command = "python bench/load.py " + " ".join(sys.argv[1:]).replace(f" --out {args.out}", "")
    text = markdown(runs, args.users, args.minutes, args.warm_up, command)
    print(text)
    if args.out:
        write_section(args.out, f"load-{setup.name}", text)


if __name__ == "__main__":
    main()
