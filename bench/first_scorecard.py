"""First-scorecard speed on a fresh install: set-up, `flask coach score`, a restarted server.

    .venv/bin/python bench/first_scorecard.py [--runs 3] [--out docs/benchmarks.md]

Every run starts from a new temporary instance folder (empty database, empty model cache)
and times separate processes, as an operator would wait for them:

(a) ``flask coach setup`` (what ``make run`` runs before serving: migrations, demo data, and
    training, exporting and embedding the scoring models into the cache), then the first
    ``flask coach score`` of a 3-turn transcript. The 15 s target is for that first
    scorecard after set-up; set-up itself is reported beside it.
(b) a later ``flask coach score`` process, and ``flask coach setup`` run again (it only
    verifies the cache).
(c) ``flask run`` on a free local port, stopped and started again; from the restarted
    server's first answer, "score again" is posted for an existing call and its status
    polled until the new score is stored. The call is made beforehand through the service
    layer from a synthesized recording of the same three turns (espeak-ng and sox, then
    transcribed and scored inline), and the session and form token are taken before the
    restart, so the timed part is the restarted server loading its models and scoring.

Medians of ``--runs`` runs are reported, with the 1-min load average at each run's start.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from flask import Flask  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.docs_section import machine, write_section  # noqa: E402
from bench.scoring_eval import synthesize  # noqa: E402
from coach import create_app  # noqa: E402
from coach.extensions import db  # noqa: E402
from coach.models import CallScore, User  # noqa: E402
from coach.services.calls import NewCall, create_call  # noqa: E402

TRANSCRIPT = {
    "turns": [
        {
            "speaker": "agent",
            "text": "Good morning, this is Laura from Summit Recovery Group. "
            "This is an attempt to collect a debt.",
            "start": 0.0,
            "end": 5.0,
        },
        {"speaker": "debtor", "text": "Okay, what is this about?", "start": 5.5, "end": 7.0},
        {
            "speaker": "agent",
            "text": "It's about your Riverbank Card balance. Can we set up a payment plan today?",
            "start": 7.5,
            "end": 12.0,
        },
    ],
    "duration": 12.0,
}
TRAINEE = "priya@demo.coach"
TARGETS = {"first": 15.0, "later": 8.0, "web": 5.0}
POLL_S = 0.05
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Instance:
    """A fresh instance folder and the environment every Coach process of a run shares."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = {
            **os.environ,
            "COACH_INSTANCE_PATH": str(folder),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
        self.transcript = folder / "three-turns.json"
        self.transcript.write_text(json.dumps(TRANSCRIPT), encoding="utf-8")

    def flask(self, *args: str, **popen: Any) -> subprocess.Popen:
        command = [sys.executable, "-m", "flask", "--app", "coach", *args]
        return subprocess.Popen(command, cwd=REPO, env=self.env, **popen)

    def timed(self, *args: str) -> float:
        """Seconds for one ``flask …`` process, start to exit; its output is discarded."""
        begin = time.perf_counter()
        process = self.flask(*args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, errors = process.communicate()
        if process.returncode:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{errors.decode()[-2000:]}")
        return time.perf_counter() - begin

    def password(self, email: str) -> str:
        for line in (self.folder / "demo-credentials.txt").read_text().splitlines():
            if email in line.split():
                return line.split()[-1]
        raise LookupError(f"{email} is not in demo-credentials.txt")


def bench_app(instance: Instance) -> Flask:
    """An app on the run's instance whose jobs run inline, to make the call the web rescores."""
    return create_app({"INSTANCE_PATH": instance.folder, "JOB_RUNNER": "inline"})


def made_call(app: Flask) -> int:
    """A transcribed, scored call of the three turns, owned by the demo trainee."""
    details = NewCall("Bench call", "initial", "US", "two", consent=True)
    with app.app_context(), tempfile.TemporaryDirectory() as tmp:
        owner = db.session.scalar(select(User).filter_by(email=TRAINEE))
        recording = synthesize({"transcript": TRANSCRIPT}, Path(tmp))
        with recording.open("rb") as stream:
            return create_call(owner, details, stream, recording.name).id


def stored_scores(app: Flask, call_id: int) -> int:
    with app.app_context():
        return db.session.query(CallScore).filter_by(call_id=call_id).count()


class Server:
    """``flask run`` on a free port, and a signed-in browser-like client that keeps cookies."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None
        self.log = (instance.folder / "server.log").open("ab")
        self.client = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _KeepRedirects()
        )

    def start(self) -> float:
        """Start the server; seconds until it answers a request."""
        begin = time.perf_counter()
        self.process = self.instance.flask(
            "run", "--host", "127.0.0.1", "--port", str(self.port), stdout=self.log, stderr=self.log
        )
        until(lambda: self._answers(), timeout=120)
        return time.perf_counter() - begin

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=30)
            self.process = None

    def get(self, path: str) -> str:
        with self.client.open(self._url(path), timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, form: dict[str, str]) -> int:
        data = urllib.parse.urlencode(form).encode()
        with self.client.open(self._url(path), data=data, timeout=60) as response:
            return response.status

    def sign_in(self, email: str, password: str) -> None:
        token = csrf(self.get("/login"))
        status = self.post("/login", {"email": email, "password": password, "csrf_token": token})
        if status != 302:
            raise RuntimeError(f"sign-in as {email} answered {status}")

    def _answers(self) -> bool:
        try:
            self.get("/login")
        except (urllib.error.URLError, ConnectionError):
            return False
        return True

    def _url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Report a redirect as the answer instead of loading the next page into the timing."""

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        return fp


def csrf(page: str) -> str:
    match = _CSRF.search(page)
    if match is None:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def until(ready: Callable[[], bool], timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while not ready():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"not ready after {timeout:.0f} s")
        time.sleep(POLL_S)


def scored_through_the_web(instance: Instance, call_id: int) -> tuple[float, float]:
    """(seconds for the restarted server to answer, seconds from then to the score stored)."""
    server = Server(instance)
    try:
        server.start()
        server.sign_in(TRAINEE, instance.password(TRAINEE))
        token = csrf(server.get(f"/calls/{call_id}"))
        server.stop()
        restart_s = server.start()
        begin = time.perf_counter()
        server.post(f"/calls/{call_id}/rescore", {"csrf_token": token})
        until(lambda: _scoring_done(server, call_id), timeout=300)
        return restart_s, time.perf_counter() - begin
    finally:
        server.stop()
        server.log.close()


def _scoring_done(server: Server, call_id: int) -> bool:
    status = json.loads(server.get(f"/calls/{call_id}/status.json"))
    if status["scoring_status"] == "failed":
        raise RuntimeError(f"scoring failed: {status['scoring_error']}")
    return status["scoring_status"] == "done"


def one_run() -> dict[str, tuple[float, float]]:
    """Each step's (seconds, 1-min load average just before it) on a fresh instance."""
    figures: dict[str, tuple[float, float]] = {}

    def step(key: str, seconds: Callable[[], float]) -> None:
        load = os.getloadavg()[0]
        figures[key] = (seconds(), load)

    with tempfile.TemporaryDirectory(prefix="coach-bench-") as folder:
        instance = Instance(Path(folder))
        score = ("coach", "score", str(instance.transcript))
        step("setup", lambda: instance.timed("coach", "setup"))
        step("first", lambda: instance.timed(*score))
        step("later", lambda: instance.timed(*score))
        step("setup_again", lambda: instance.timed("coach", "setup"))
        app = bench_app(instance)
        call_id = made_call(app)
        load = os.getloadavg()[0]
        restart_s, web_s = scored_through_the_web(instance, call_id)
        figures["restart"], figures["web"] = (restart_s, load), (web_s, load)
        if stored_scores(app, call_id) != 2:
            raise RuntimeError("the rescore through the web stored no new scorecard")
        with app.app_context():
            db.engine.dispose()
    return figures


ROWS = (
    ("setup", "`flask coach setup`, fresh instance (trains, exports, embeds)"),
    ("first", "first `flask coach score` after set-up (3 turns)"),
    ("later", "a later `flask coach score` process"),
    ("setup_again", "`flask coach setup` again (verifies the cache)"),
    ("restart", "`flask run` restarted, until it answers"),
    ("web", "scorecard through the web after the restart (rescore to stored)"),
)


def report(runs: list[dict[str, tuple[float, float]]], command: str) -> str:
    count = len(runs)
    lines = [
        "## First scorecard (`bench/first_scorecard.py`)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {machine()}  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. {count} run(s), each on a fresh "
        "instance folder and model cache. *Load* is the 1-min load average just before the "
        "step, in each run (set-up's own training raises it for the steps after it).",
        "",
        f"| step (separate process, wall time) | median s (of {count}) | all runs, s "
        "| load | target |",
        "|---|---|---|---|---|",
    ]
    for key, label in ROWS:
        seconds = [r[key][0] for r in runs]
        loads = ", ".join(f"{r[key][1]:.1f}" for r in runs)
        median = statistics.median(seconds)
        target = TARGETS.get(key)
        verdict = f"≤ {target:.0f} s: {'met' if median <= target else 'missed'}" if target else ""
        shown = ", ".join(f"{v:.1f}" for v in seconds)
        lines.append(f"| {label} | {median:.1f} | {shown} | {loads} | {verdict} |")
    lines += [
        "",
        "The 15 s target is the first scorecard after `make run`'s set-up; set-up itself "
        "trains the two heads, exports the encoder to ONNX and embeds the rule exemplars "
        "once, so a second `make run` only verifies them. Each `flask coach score` process "
        "includes Python start-up, loading the content catalog and the models. The web figure "
        "runs from the restarted server's first answer to the new score being stored "
        "(its job thread loads the models on first use). A load above 2 means other work "
        "shared the two cores during that step.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    runs = []
    for number in range(1, args.runs + 1):
        runs.append(one_run())
        shown = ", ".join(f"{k} {v:.1f} s (load {load:.1f})" for k, (v, load) in runs[-1].items())
        print(f"run {number}: {shown}")
    markdown = report(runs, f".venv/bin/python bench/first_scorecard.py --runs {args.runs}")
    print(markdown)
    write_section(args.out, "first-scorecard", markdown)


if __name__ == "__main__":
    main()
