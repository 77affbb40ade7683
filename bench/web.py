"""Dashboards and lists at floor scale: each page's time per request and SQL statements.

    .venv/bin/python bench/web.py --database sqlite|postgresql [--runs N] [--out docs/benchmarks.md]

Creates a fresh database (a new SQLite file, or a throwaway database on the PostgreSQL server
at ``--postgres-admin``, dropped after), migrates it, seeds one floor-sized organisation
(``bench/seed_floor.py``: 20 teams x 15 trainees x 200 activities by default) and requests
every dashboard and list page as each role that may open it, through Flask's test client in
this process: the figures are the application's (routing, access checks, queries,
templates), with no network or WSGI server in them. Pages are found in the app's URL map at
run time (every GET page whose arguments can be filled from the seeded floor, CSV and other
downloads left out), plus the call list and API lists with filters. Each page is requested
``--warmup`` times, then ``--runs`` times; the table gives p50/p95/max milliseconds of wall
clock, the median CPU milliseconds of this process (SQLite's work included, a PostgreSQL
server's not: the figure to read when other work shares the cores) and the SQL statements one
request runs. A PostgreSQL floor is VACUUM ANALYZEd after seeding, as autovacuum would have
done to a live database. As a served process does (``coach/wsgi.py``), the heap left after start-up
and seeding is frozen before timing: CPython's full collections then skip the loaded content.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from bench.docs_section import machine, write_section
from bench.seed_floor import PROGRAMS, Floor, FloorSize, seed_floor
from coach.extensions import db
from coach.heap import freeze_startup_heap
from coach.models import RuleBreach, User
from coach.models._columns import utcnow
from coach.web.access import rule_for

ROLES = ("trainee", "coach", "compliance", "admin")
TARGET_P95_MS = 100.0
# Pages that are forms or one-off actions, not dashboards or lists.
SKIPPED = {"calls.new", "privacy.delete_calls", "privacy.delete_account", "static"}
DOWNLOADS = re.compile(r"\.(csv|pdf|json|wav|txt|vtt)$|<any\(")
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@dataclass(frozen=True)
class Page:
    role: str
    path: str
    name: str  # the endpoint, and the variant for a filtered list: the same on any floor
    api: bool = False


@dataclass(frozen=True)
class Timing:
    page: Page
    status: int
    statements: int
    samples: tuple[float, ...]  # milliseconds, wall clock
    cpu: tuple[float, ...] = ()  # milliseconds of this process's CPU (SQLite's work too)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class StatementCounter:
    """Counts the SQL statements the app's engine runs while ``counting`` is entered."""

    def __init__(self) -> None:
        self.count = 0

    def _seen(self, *_args: object) -> None:
        self.count += 1

    @contextmanager
    def counting(self) -> Iterator[StatementCounter]:
        engine = db.engine
        event.listen(engine, "before_cursor_execute", self._seen)
        try:
            yield self
        finally:
            event.remove(engine, "before_cursor_execute", self._seen)


def floor_pages(app: Flask, floor: Floor) -> list[Page]:
    """Every dashboard and list page of ``app``, as each role that may open it, with the
    arguments filled from ``floor`` (a person of the first coach's team, the most broken
    rule, the first team, a program), and the filtered lists."""
    with app.app_context():
        subject = floor.ids[floor.trainees[0]]
        top_rule = db.session.scalar(
            select(RuleBreach.rule_id)
            .where(RuleBreach.organisation_id == floor.organisation_id)
            .group_by(RuleBreach.rule_id)
            .order_by(func.count().desc(), RuleBreach.rule_id)
            .limit(1)
        )
    fill: dict[str, object] = {
        "user_id": subject,
        "person_id": subject,
        "team_id": floor.teams[0],
        "rule_id": top_rule,
        "program": PROGRAMS["US"],
    }
    pages: list[Page] = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            endpoint = rule.endpoint
            if (
                "GET" not in (rule.methods or ())
                or endpoint in SKIPPED
                or endpoint.startswith("auth.")
                or DOWNLOADS.search(rule.rule)
                or not rule.arguments <= fill.keys()
            ):
                continue
            access = rule_for(endpoint, app)
            api = rule.rule.startswith("/api/")
            if access is None or not (access.signed_in or api):
                continue
            allowed = ("coach", "compliance") if api else ROLES
            path = url_for(endpoint, **{name: fill[name] for name in rule.arguments})
            pages += [
                Page(role, path, endpoint, api)
                for role in allowed
                if api or not access.roles or _holds(role, access.roles)
            ]
            pages += [
                Page(role, path + query, f"{endpoint} {variant}", api)
                for variant, (role, query) in _variants(endpoint, fill).items()
            ]
    return pages


def _holds(role: str, allowed: frozenset[object]) -> bool:
    return any(str(r) == role for r in allowed)


def _variants(endpoint: str, fill: Mapping[str, object]) -> dict[str, tuple[str, str]]:
    """The filtered and later pages of the lists that have them: name -> (role, query)."""
    since = (utcnow() - timedelta(days=30)).date().isoformat()
    variants = {
        "calls.index": {
            "by person": ("coach", f"?person={fill['user_id']}"),
            "low scores, critical": ("coach", "?score_max=60&critical=y"),
            "by rule": ("compliance", f"?rule={fill['rule_id']}"),
            "last 30 days, score >= 50": ("compliance", f"?date_from={since}&score_min=50"),
            "page 200": ("compliance", "?page=200"),
        },
        "coaching.queue": {"page 3": ("coach", "?page=3")},
        "api.activities": {
            "a person's calls": ("compliance", f"?person={fill['user_id']}&kind=call"),
            "last 30 days, 500": ("compliance", f"?since={since}T00:00:00Z&limit=500"),
        },
        "api.people": {"500": ("compliance", "?limit=500")},
    }
    return variants.get(endpoint, {})


def sign_in(client: FlaskClient, email: str, password: str) -> None:
    """Sign ``client`` in through the real form."""
    page = client.get("/login").get_data(as_text=True)
    token = _CSRF.search(page)
    assert token, "no CSRF token on /login"
    answer = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token.group(1)}
    )
    assert answer.status_code == 302, answer.status_code


def role_emails(floor: Floor) -> dict[str, str]:
    """The account each role is measured as: the first coach, a trainee of their team."""
    return {
        "trainee": floor.trainees[0],
        "coach": floor.coaches[0],
        "compliance": floor.compliance,
        "admin": floor.admin,
    }


def api_tokens(app: Flask, floor: Floor) -> dict[str, str]:
    """A bearer token per role that reads the API."""
    from coach.services.api_tokens import create_token

    with app.app_context():
        emails = role_emails(floor)
        return {
            role: create_token(db.session.get(User, floor.ids[emails[role]]), "bench").secret
            for role in ("coach", "compliance")
        }


def measure(
    app: Flask, floor: Floor, runs: int, warmup: int, only: re.Pattern[str] | None = None
) -> list[Timing]:
    clients = {}
    for role, email in role_emails(floor).items():
        clients[role] = app.test_client()
        sign_in(clients[role], email, floor.password)
    tokens = api_tokens(app, floor)
    timings = []
    counter = StatementCounter()
    for page in floor_pages(app, floor):
        if only and not only.search(f"{page.role} {page.path}"):
            continue
        client = clients[page.role]
        headers = {"Authorization": f"Bearer {tokens[page.role]}"} if page.api else {}
        with app.app_context(), counter.counting():
            for _ in range(warmup):
                client.get(page.path, headers=headers).get_data()
            samples, cpu = [], []
            for _ in range(runs):
                before = counter.count
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(page.path, headers=headers)
                response.get_data()
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
                statements = counter.count - before
        timing = Timing(page, response.status_code, statements, tuple(samples), tuple(cpu))
        timings.append(timing)
        p50, p95 = (timing.percentile(share) for share in (0.5, 0.95))
        print(
            f"{page.role:10} {page.path:56} {statements:3} SQL, p50 {p50:.1f}, p95 {p95:.1f}, "
            f"CPU p50 {statistics.median(cpu):.1f} ms",
            flush=True,
        )
    return timings


@contextmanager
def fresh_database(backend: str, admin_url: str) -> Iterator[str]:
    """A new, empty database's URL for ``backend``; a PostgreSQL one is dropped after."""
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="coach-bench-web-"))
        try:
            yield f"sqlite:///{folder / 'coach.sqlite3'}"
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # over a gigabyte at floor scale
        return
    import psycopg

    name = f"coach_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settle_statistics(app: Flask) -> None:
    """VACUUM ANALYZE the seeded PostgreSQL database, as autovacuum does to a live one within
    a minute of this much change: planned on a bulk load's empty statistics, every query
    guesses a few dozen rows and picks the plans for those."""
    with app.app_context(), db.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")


def build_app(url: str, instance: Path) -> Flask:
    from flask_migrate import upgrade

    from coach import create_app

    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "DATABASE_URL": url,
            "JOB_RUNNER": "inline",
            "PASSWORD_HASH_COST": "low",
            "API_REQUESTS_PER_MINUTE": 1_000_000,
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


def markdown(
    backend: str,
    timings: Sequence[Timing],
    size: FloorSize,
    seed_seconds: float,
    args: argparse.Namespace,
    load_before: float,
) -> str:
    label = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[backend]
    lines = [
        "| page | as | status | SQL statements | p50 ms | p95 ms | max ms | CPU p50 ms "
        "| p95 ≤ 100 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for t in timings:
        p95 = t.percentile(0.95)
        verdict = "met" if p95 <= TARGET_P95_MS else "**missed**"
        lines.append(
            f"| `{t.page.path}` | {t.page.role} | {t.status} | {t.statements} "
            f"| {statistics.median(t.samples):.1f} | {p95:.1f} | {max(t.samples):.1f} "
            f"| {statistics.median(t.cpu):.1f} | {verdict} |"
        )
    missed = sum(1 for t in timings if t.percentile(0.95) > TARGET_P95_MS)
    command = f".venv/bin/python bench/web.py --database {backend} --runs {args.runs}"
    settled = ", then VACUUM ANALYZEd as autovacuum would" if backend == "postgresql" else ""
    return (
        f"## Pages at floor scale, {label} (`bench/web.py`)\n\n"
        f"Command: `{command}`  \n"
        f"Machine: {machine()}; 1-min load average {load_before:.1f} before the run  \n"
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. One organisation of "
        f"{size.teams} teams x {size.trainees_per_team} trainees x "
        f"{size.activities_per_trainee} activities over {size.days} days "
        f"({size.teams * size.trainees_per_team * size.activities_per_trainee:,} activities; "
        f"seeded in {seed_seconds:.0f} s by `bench/seed_floor.py`{settled}). Each page requested "
        f"{args.warmup} times to warm up, then {args.runs} times, through Flask's test client "
        "in the same process (the application's time: routing, access checks, queries and "
        "templates; no network, no WSGI server; the start-up heap frozen as `coach/wsgi.py` "
        "freezes it), signed in as the first coach, a trainee of "
        "their team, the compliance officer or the admin; API pages with a bearer token. "
        f"{len(timings) - missed} of {len(timings)} pages meet p95 ≤ 100 ms.\n\n"
        + "\n".join(lines)
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--postgres-admin",
        default=os.environ.get("COACH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--teams", type=int, default=FloorSize.teams)
    parser.add_argument("--trainees", type=int, default=FloorSize.trainees_per_team)
    parser.add_argument("--activities", type=int, default=FloorSize.activities_per_trainee)
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--only",
        type=re.compile,
        help="time only the pages whose 'role path' matches this regular expression "
        "(e.g. 'compliance /compliance'); for working on a page, never with --out",
    )
    args = parser.parse_args()
    if args.only and args.out:
        parser.error("--only times some pages: its table must not replace the full one")
    size = FloorSize(args.teams, args.trainees, args.activities)
    instance = Path(tempfile.mkdtemp(prefix="coach-bench-web-instance-"))
    with fresh_database(args.database, args.postgres_admin) as url:
        app = build_app(url, instance)
        start = time.perf_counter()
        with app.app_context():
            floor = seed_floor(size)
        seed_seconds = time.perf_counter() - start
        print(f"seeded in {seed_seconds:.0f} s", flush=True)
        if args.database == "postgresql":
            settle_statistics(app)
        print(f"froze {freeze_startup_heap():,} objects, as coach/wsgi.py does", flush=True)
        load_before = os.getloadavg()[0]
        timings = measure(app, floor, args.runs, args.warmup, args.only)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    shutil.rmtree(instance, ignore_errors=True)
    text = markdown(args.database, timings, size, seed_seconds, args, load_before)
    print(text)
    if args.out:
        write_section(args.out, f"web-speed-{args.database}", text)


if __name__ == "__main__":
    main()
