"""PostgreSQL and Redis for the tests: the configured server when one answers, otherwise a
throwaway one started from Debian's packages on a free loopback port and stopped afterwards,
so a fresh machine or CI with no servers running still runs every test."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from redis import Redis
from redis.exceptions import RedisError

START_TIMEOUT_S = 30


def postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def redis_answers(url: str) -> bool:
    try:
        with Redis.from_url(url, socket_connect_timeout=3) as client:
            return bool(client.ping())
    except RedisError:
        return False


@contextmanager
def postgres(url: str) -> Iterator[str]:
    """``url`` when a server answers there, else a throwaway cluster's admin URL (user
    ``postgres``, trust authentication) for as long as the context lasts."""
    if postgres_answers(url):
        yield url
        return
    with throwaway_postgres() as server:
        yield server.url


@dataclass(frozen=True)
class PostgresServer:
    """A throwaway cluster a test may stop and start again (the machine's server is never
    touched): ``url`` is its admin URL."""

    url: str
    ctl: list[object]
    options: str
    user: str | None
    folder: Path
    log: Path

    def stop(self) -> None:
        _run_as(self.user, [*self.ctl, "-m", "fast", "stop"], self.folder, self.log)

    def start(self) -> None:
        _run_as(self.user, [*self.ctl, "-o", self.options, "start"], self.folder, self.log)


@contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    """A fresh cluster on a free loopback port, removed when the context ends."""
    bin_dir = _postgres_bin_dir()
    user = _server_user()
    port = free_port()
    with _scratch_folder("coach-test-postgres-", owner=user) as folder:
        data, log = folder / "data", folder / "server.log"
        initdb = [bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust"]
        _run_as(user, [*initdb, "-E", "UTF8", "--locale=C", "--no-sync"], folder)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        ctl = [bin_dir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", str(START_TIMEOUT_S)]
        server = PostgresServer(
            f"postgresql://postgres@127.0.0.1:{port}/postgres", ctl, options, user, folder, log
        )
        try:
            server.start()
            yield server
        finally:
            if (data / "postmaster.pid").exists():
                server.stop()


@contextmanager
def redis(url: str) -> Iterator[str]:
    """``url`` when a Redis server answers there, else a throwaway server's URL (nothing
    saved to disk) for as long as the context lasts."""
    if redis_answers(url):
        yield url
        return
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError(f"no Redis answers at {url} and redis-server is not installed")
    port = free_port()
    started = f"redis://127.0.0.1:{port}/0"
    with _scratch_folder("coach-test-redis-") as folder:
        log = folder / "server.log"
        command = [server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)]
        command += ["--save", "", "--appendonly", "no", "--logfile", str(log)]
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL)
        try:
            _wait_for(lambda: redis_answers(started), process, log)
            yield started
        finally:
            process.terminate()
            process.wait(timeout=START_TIMEOUT_S)


def _postgres_bin_dir() -> Path:
    """The newest Debian PostgreSQL server binaries (they are not on PATH), or PATH's."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major_version)
    found = debian[-1] if debian else shutil.which("initdb")
    if found is None:
        raise RuntimeError(
            "no PostgreSQL answers at COACH_TEST_POSTGRES and initdb is not installed "
            "(Debian package postgresql)"
        )
    return Path(found).parent


def _major_version(initdb: str) -> int:
    return int(Path(initdb).parts[-3])


def _server_user() -> str | None:
    """PostgreSQL refuses to run as root: then run it as the ``postgres`` user Debian's
    package creates (or ``nobody``); ``None`` means the current user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name).pw_name
        except KeyError:
            continue
    raise RuntimeError("running as root, and there is no postgres or nobody user to run as")


def _run_as(user: str | None, command: list[object], cwd: Path, log: Path | None = None) -> None:
    """Run a server tool (as ``user``); on failure, raise with its output and the log's end."""
    result = subprocess.run(
        [str(part) for part in command],
        user=user,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        server_log = _tail(log) if log else ""
        raise RuntimeError(f"{command[0]} failed:\n{result.stdout}{result.stderr}{server_log}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.exists() else ""


@contextmanager
def _scratch_folder(prefix: str, owner: str | None = None) -> Iterator[Path]:
    """A fresh folder under the system temp dir, removed afterwards (pytest's own temp dir
    is private to the current user, so a server running as ``owner`` could not reach it)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if owner is not None:
        shutil.chown(folder, owner)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    """A loopback port nothing listens on now (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(ready: Callable[[], bool], process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{process.args[0]} did not start:\n{_tail(log)}")
        time.sleep(0.1)
