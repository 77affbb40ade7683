"""Cost of the account controls on each request and each password change.

    .venv/bin/python bench/accounts.py [--postgres URL] [--out docs/benchmarks.md]

Times, in-process and warm: the password policy (zxcvbn) on a typical and on a 256-character
password, generating a one-time password, resuming a server-side session (what every signed-in
request does) and the sign-in throttle's check (what every sign-in attempt does), on a new
SQLite file and, with ``--postgres ADMIN_URL``, on a new PostgreSQL database (dropped after).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docs_section import machine, write_section


def _median_ms(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(database_url: str | None, repeat: int) -> list[tuple[str, float]]:
    from flask_migrate import upgrade

    from coach import create_app
    from coach.extensions import db
    from coach.services import sessions, signin_throttle
    from coach.services.demo import seed_demo
    from coach.services.passwords import check_strength, generate_password

    instance = Path(tempfile.mkdtemp(prefix="coach-bench-accounts-"))
    overrides: dict[str, object] = {"INSTANCE_PATH": instance, "JOB_RUNNER": "inline"}
    if database_url:
        overrides["DATABASE_URL"] = database_url
    app = create_app(overrides)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        logins = seed_demo(instance / "credentials.txt") or []
        from coach.services.accounts import find_by_email

        user = find_by_email(logins[3].email)
        assert user is not None
        token = sessions.start(user)
        attempt = signin_throttle.Attempt(email=user.email, address="203.0.113.9")
        long_password = ("tidal-Marble-41-orbit" * 13)[:256]
        rows = [
            ("password policy, 18 characters", _median_ms(
                lambda: check_strength("Harbour-violet-392", min_length=12,
                                       email=user.email, name=user.name), repeat)),
            ("password policy, 256 characters (first 72 estimated)", _median_ms(
                lambda: check_strength(long_password, min_length=12), repeat)),
            ("one-time password generated", _median_ms(generate_password, repeat)),
            ("session resumed (each signed-in request)", _median_ms(
                lambda: sessions.resume(token, user.id), repeat)),
            ("throttle checked (each sign-in attempt)", _median_ms(
                lambda: signin_throttle.check(attempt), repeat)),
        ]  # fmt: skip
        db.session.remove()
        db.engine.dispose()
    return rows


def _on_postgres(admin_url: str, repeat: int) -> list[tuple[str, float]]:
    import psycopg

    name = f"coach_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    try:
        return measure(f"{base}/{name}", repeat)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="admin URL of a PostgreSQL server to measure too")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    columns = {"SQLite": measure(None, args.repeat)}
    if args.postgres:
        columns["PostgreSQL"] = _on_postgres(args.postgres, args.repeat)
    names = [name for name, _ms in columns["SQLite"]]
    header = "| operation | " + " | ".join(f"{backend} ms" for backend in columns) + " |"
    rule = "|---" * (len(columns) + 1) + "|"
    lines = [
        f"| {name} | " + " | ".join(f"{rows[i][1]:.2f}" for rows in columns.values()) + " |"
        for i, name in enumerate(names)
    ]
    markdown = (
        "## Account controls (`bench/accounts.py`)\n\n"
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}; "
        f"median of {args.repeat} warm calls each, in one process.\n\n"
        + "\n".join([header, rule, *lines])
        + "\n"
    )
    print(markdown)
    if args.out:
        write_section(args.out, "accounts", markdown)


if __name__ == "__main__":
    main()
