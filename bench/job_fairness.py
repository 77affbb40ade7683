"""One trainee's rescore flood against another trainee's transcription (issue #10 item 2).

    .venv/bin/python bench/job_fairness.py [--runs 3] [--out docs/benchmarks.md]

Trainee A asks for a rescore every 50 ms for 3 s (60 requests); as the flood ends, trainee B
uploads an 11 s recording (the report in issue #10: B's wait went from 1 s to 21 s).
Reported: how long B waits from upload to finished transcription, how many of A's requests
became jobs, and when the queue was empty again. Three set-ups, each
on a fresh instance (SQLite, the thread runner with 2 workers):

- *before*: A's requests each queue a job (no de-duplication, no limit), first come first
  served (the selection of the old in-process pool);
- *fair queue*: the same 60 jobs, owners taking turns (coach.jobs.fairness);
- *after*: the real rescore route (de-duplication, COACH_RESCORES_PER_MINUTE) and turns.

The jobs run the real services and job machinery on the fake models of tests/fakes.py, each
held for a fixed model time (--transcribe-s, --score-s: what Whisper and the scorer take on
this machine, roughly) so the figures measure the queue, not the models or the load.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.docs_section import machine, write_section
from coach import create_app
from coach.engines import EXTENSION as ENGINES
from coach.extensions import db
from coach.jobs import fairness
from coach.models import Job, JobKind, JobStatus, User
from coach.services import calls
from coach.services.demo import seed_demo
from tests import fakes
from tests.helpers import csrf_token, sign_in

REQUESTS, EVERY_S, B_AT_S, RECORDING_S = 60, 0.05, 3.0, 11.0
HEADINGS = (
    "set-up",
    "B's wait, upload to transcript (s)",
    "A's jobs queued",
    "A's requests answered 429",
    "queue empty after (s)",
)
SETUPS = ("before", "fair queue", "after")


@dataclass(frozen=True)
class Outcome:
    b_wait_s: float
    a_jobs: int
    limited: int  # A's requests answered 429
    drained_s: float  # from the first request until no job is queued or running


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--transcribe-s", type=float, default=1.0)
    parser.add_argument("--score-s", type=float, default=0.6)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results: dict[str, list[Outcome]] = {setup: [] for setup in SETUPS}
    for run in range(args.runs):
        for setup in SETUPS:
            outcome = flood(setup, args.transcribe_s, args.score_s)
            results[setup].append(outcome)
            print(f"run {run + 1} {setup:<10} {outcome}", flush=True)
    markdown = report(results, args)
    print(markdown)
    if args.out:
        write_section(args.out, "job_fairness", markdown)


def flood(setup: str, transcribe_s: float, score_s: float) -> Outcome:
    with _instance(transcribe_s, score_s) as (app, folder):
        with app.app_context():
            logins = {login.email.split("@")[0]: login for login in seed_demo(folder / "c.txt")}
        a_call, a_job = _upload(app, logins["priya"].email, _recording(folder / "a.wav"))
        _wait_done(app, a_job)
        _wait_drained(app)  # A's call is transcribed and scored before the flood
        client = app.test_client()
        sign_in(client, logins["priya"])
        token = csrf_token(client, f"/calls/{a_call}")
        recording = _recording(folder / "b.wav")
        first_job = _last_job_id(app)
        with _selection(fair=setup != "before"):
            start = time.monotonic()
            b_job = limited = 0
            for n in range(REQUESTS):
                _sleep_until(start + n * EVERY_S)
                if not b_job and time.monotonic() - start >= B_AT_S:
                    _, b_job = _upload(app, logins["sam"].email, recording)
                if setup == "after":
                    answer = client.post(
                        f"/calls/{a_call}/rescore",
                        data={"csrf_token": token},
                        headers={"Accept": "application/json"},
                    )
                    limited += answer.status_code == 429
                else:
                    _enqueue_score(app, a_call, logins["priya"].email)
            if not b_job:  # B_AT_S is when the flood has just ended
                _sleep_until(start + B_AT_S)
                _, b_job = _upload(app, logins["sam"].email, recording)
            b_wait = _wait_done(app, b_job)
            _wait_drained(app)
            drained = time.monotonic() - start
        with app.app_context():
            a_owner = db.session.query(User).filter_by(email=logins["priya"].email).one()
            a_jobs = db.session.query(Job).filter(
                Job.kind == JobKind.SCORE, Job.id > first_job, Job.owner_id == a_owner.id
            )
            return Outcome(round(b_wait, 1), a_jobs.count(), limited, round(drained, 1))


@contextmanager
def _instance(transcribe_s: float, score_s: float) -> Iterator[tuple[Any, Path]]:
    with tempfile.TemporaryDirectory(prefix="coach-bench-fairness-") as name:
        folder = Path(name)
        app = create_app(
            {
                "INSTANCE_PATH": folder / "instance",
                "JOB_RUNNER": "thread",
                "JOB_WORKERS": 2,
                "PASSWORD_HASH_COST": "low",
                "RESCORES_PER_MINUTE": 6,
                "LOG_LEVEL": "ERROR",
            }
        )
        from flask_migrate import upgrade

        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
        app.extensions[ENGINES] = fakes.fake_engines(app.extensions[ENGINES])
        queue = app.extensions["coach.jobs"]
        queue.tasks = {
            JobKind.TRANSCRIBE: _held(queue.tasks[JobKind.TRANSCRIBE], transcribe_s),
            JobKind.SCORE: _held(queue.tasks[JobKind.SCORE], score_s),
        }
        try:
            yield app, folder
        finally:
            queue.runner.shutdown()
            with app.app_context():
                db.engine.dispose()


def _held(task: Callable[..., None], seconds: float) -> Callable[..., None]:
    """The real task, taking at least ``seconds`` (the model time on this machine)."""

    def run(payload: dict, progress: Callable[[float], None]) -> None:
        began = time.monotonic()
        task(payload, progress)
        time.sleep(max(0.0, seconds - (time.monotonic() - began)))

    return run


@contextmanager
def _selection(fair: bool) -> Iterator[None]:
    """Owners take turns (fair) or the oldest ready job goes first (the old pool's order)."""
    original = fairness.next_job_id

    def oldest(session: Any) -> int | None:
        ready = fairness.ready_jobs(session, limit=1)
        return ready[0][0] if ready else None

    if not fair:
        fairness.next_job_id = oldest
    try:
        yield
    finally:
        fairness.next_job_id = original


def _upload(app: Any, email: str, recording: Path) -> tuple[int, int]:
    """The call and its transcription job, uploaded through the service."""
    with app.app_context():
        owner = db.session.query(User).filter_by(email=email).one()
        details = calls.NewCall("Bench", "initial", "US", "one", True)
        with recording.open("rb") as stream:
            call = calls.create_call(owner, details, stream, recording.name)
        return call.id, call.job_id


def _enqueue_score(app: Any, call_id: int, email: str) -> None:
    """What a rescore request did before de-duplication and limits: queue one more job."""
    with app.app_context():
        owner = db.session.query(User).filter_by(email=email).one()
        app.extensions["coach.jobs"].enqueue(JobKind.SCORE, {"call_id": call_id}, owner.id)


def _recording(path: Path) -> Path:
    """RECORDING_S of 1.5 s tone bursts and 1 s pauses (the fake transcriber hears loudness)."""
    rate = 16000
    t = np.arange(int(RECORDING_S * rate)) / rate
    signal = 0.3 * np.sin(2 * np.pi * 220 * t) * ((t % 2.5) < 1.5)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((signal * 32767).astype("<i2").tobytes())
    return path


def _wait_done(app: Any, job_id: int) -> float:
    """Seconds from the job's creation until it finished."""
    while True:
        with app.app_context():
            job = db.session.get(Job, job_id)
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                return (job.finished_at - job.created_at).total_seconds()
        time.sleep(0.05)


def _wait_drained(app: Any) -> None:
    busy = (JobStatus.QUEUED, JobStatus.RUNNING)
    while True:
        with app.app_context():
            if not db.session.query(Job).filter(Job.status.in_(busy)).count():
                return
        time.sleep(0.05)


def _last_job_id(app: Any) -> int:
    with app.app_context():
        return db.session.query(Job.id).order_by(Job.id.desc()).limit(1).scalar() or 0


def _sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def report(results: dict[str, list[Outcome]], args: argparse.Namespace) -> str:
    def median(setup: str, field: str) -> float:
        return statistics.median(getattr(o, field) for o in results[setup])

    rows = "\n".join(
        f"| {setup} | {median(setup, 'b_wait_s'):.1f} | {median(setup, 'a_jobs'):.0f} | "
        f"{median(setup, 'limited'):.0f} | {median(setup, 'drained_s'):.1f} |"
        for setup in SETUPS
    )
    return f"""## Job fairness (`bench/job_fairness.py`)

Date: {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}. {machine()}.
`python bench/job_fairness.py --runs {args.runs}`: trainee A asks for {REQUESTS} rescores of
one call in {REQUESTS * EVERY_S:.0f} s; {B_AT_S} s in, trainee B uploads an
{RECORDING_S:.0f} s recording. Thread runner, 2 workers, SQLite; real services and job
machinery on the fake models, each job held for a fixed model time (transcription
{args.transcribe_s} s, scoring {args.score_s} s), so the figures measure the queue.
Medians of {args.runs} runs.

| {" | ".join(HEADINGS)} |
|{"---|" * len(HEADINGS)}
{rows}

*before*: every request queued a job, first come first served. *fair queue*: the same jobs,
owners taking turns (`coach.jobs.fairness`). *after*: the rescore route as shipped: a rescore
already queued for the call is not queued again, and at most `COACH_RESCORES_PER_MINUTE`
(6 here) a minute per user are accepted, on top of the turns.
"""


if __name__ == "__main__":
    main()
