"""The production topology on one machine, on loopback: ``make stack``.

    .venv/bin/python deploy/stack.py [--postgres URL] [--redis URL] [--workers N] [--no-demo]

PostgreSQL (a ``coach_stack`` database on the server at ``--postgres``, created when
missing), Redis for the rq doorbell, ``coach setup`` (migrations, models, the demo
organisation), then two gunicorn web servers, 127.0.0.1:8001 with two worker processes and
127.0.0.1:8002 with one (as two hosts behind a load balancer would be), and ``--workers`` rq
speech workers, each with ``COACH_ASR_CPU_THREADS`` = cores ÷ workers. Every process shares
the database, the recordings folder and the model cache, as they would on shared storage.
Logs are JSON, one file per process under ``<instance>/logs/``; metrics answer at
``/metrics`` with the bearer token printed at start. Ctrl-C stops everything.

:class:`Stack` is what ``tests/integration/test_stack.py`` starts, on its own database.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

REPO = Path(__file__).resolve().parent.parent
GUNICORN_CONF = REPO / "deploy" / "gunicorn.conf.py"
READY_TIMEOUT_S = 180.0
WORKER_NICENESS = 10


@dataclass(frozen=True)
class WebServer:
    port: int
    processes: int | None = None  # None: deploy/gunicorn.conf.py's default

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Stack:
    """Coach's processes on loopback, sharing ``env`` (database, Redis, folders)."""

    env: Mapping[str, str]
    logs: Path
    running: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    def flask(self, *args: str) -> None:
        """Run one ``flask --app coach …`` command to completion (set-up steps)."""
        command = [sys.executable, "-m", "flask", "--app", "coach", *args]
        subprocess.run(command, cwd=REPO, env=dict(self.env), check=True)  # noqa: S603

    def start_web(self, server: WebServer, **extra: str) -> None:
        workers = [] if server.processes is None else ["--workers", str(server.processes)]
        command = [
            sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF),
            "--bind", f"127.0.0.1:{server.port}", *workers, "coach.wsgi:app",
        ]  # fmt: skip
        self._start(f"web-{server.port}", command, extra)

    def start_worker(self, number: int, **extra: str) -> None:
        """An rq worker at a lower CPU priority (nice 10): on cores it shares with web
        processes, a transcription then takes what requests leave instead of delaying them."""
        command = [
            "nice", "-n", str(WORKER_NICENESS),
            sys.executable, "-m", "flask", "--app", "coach", "coach", "jobs", "worker",
        ]  # fmt: skip
        self._start(f"worker-{number}", command, extra)

    def wait_ready(self, server: WebServer, timeout: float = READY_TIMEOUT_S) -> None:
        """Until ``/readyz`` answers 200 (each worker process loads the content first)."""
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            try:
                with urllib.request.urlopen(f"{server.url}/readyz", timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:  # refused, or accepted by gunicorn before a worker can answer
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{server.url} not ready after {timeout:.0f} s")
            time.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM to every process (gunicorn and rq finish what they are doing), then wait."""
        for _name, process in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _name, process in self.running:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.running.clear()

    def _start(self, name: str, command: list[str], extra: Mapping[str, str]) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        with (self.logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=REPO,
                env={**self.env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in the terminal reaches this script only
            )
        self.running.append((name, process))

    def check_alive(self) -> None:
        for name, process in self.running:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {process.returncode}; see {self.logs / name}.log"
                )


def stack_env(
    database_url: str, redis_url: str, instance: Path, queue: str, metrics_token: str
) -> dict[str, str]:
    """What every process of the stack shares, on top of this process's environment."""
    return {
        **os.environ,
        "COACH_INSTANCE_PATH": str(instance),
        "COACH_DATABASE_URL": database_url,
        "COACH_JOB_RUNNER": "rq",
        "COACH_REDIS_URL": redis_url,
        "COACH_RQ_QUEUE": queue,
        "COACH_LOG_FORMAT": "json",
        "COACH_METRICS_TOKEN": metrics_token,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def ensure_database(admin_url: str, name: str) -> str:
    """Create database ``name`` on the server at ``admin_url`` unless it exists; its URL."""
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def drop_database(admin_url: str, name: str) -> None:
    """Drop database ``name`` (a rehearsal's or a benchmark's), its connections closed."""
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def worker_threads(workers: int) -> int:
    """Cores ÷ speech workers (at least one), as the README asks of several on one machine."""
    return max(1, (os.cpu_count() or 1) // workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="coach_stack")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--instance", type=Path, default=REPO / "instance-stack")
    parser.add_argument("--workers", type=int, default=2, help="rq speech workers")
    parser.add_argument("--no-demo", action="store_true", help="no demo organisation")
    args = parser.parse_args()

    token = secrets.token_urlsafe(24)
    database_url = ensure_database(args.postgres, args.database)
    env = stack_env(database_url, args.redis, args.instance.resolve(), "coach-stack", token)
    stack = Stack(env, args.instance.resolve() / "logs")
    stack.flask("coach", "setup", *(["--no-demo"] if args.no_demo else []))
    servers = [WebServer(8001, 2), WebServer(8002, 1)]
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        for server in servers:
            stack.start_web(server)
        threads = str(worker_threads(args.workers))
        for number in range(1, args.workers + 1):
            stack.start_worker(number, COACH_ASR_CPU_THREADS=threads)
        for server in servers:
            stack.wait_ready(server)
        print(f"Coach is up: {', '.join(s.url for s in servers)} (the same database)")
        print(f"  rq speech workers: {args.workers}, {threads} thread(s) each")
        print(f"  logs: {stack.logs}/   metrics: /metrics with 'Authorization: Bearer {token}'")
        print(f"  demo logins: {args.instance.resolve() / 'demo-credentials.txt'}")
        print("Ctrl-C stops it all.")
        while not stopping:
            stack.check_alive()
            time.sleep(1)
    finally:
        print("Stopping…")
        stack.stop()


if __name__ == "__main__":
    main()
