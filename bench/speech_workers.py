"""Transcription throughput with one and with two rq speech workers on this machine.

    .venv/bin/python bench/speech_workers.py [--calls 8] [--workers 1 2] [--out docs/benchmarks.md]

For each worker count: a fresh PostgreSQL database (``coach setup --no-demo``, the model
cache kept in ``--model-cache``), that many ``flask coach jobs worker`` processes started and
left to load their models, each with ``COACH_ASR_CPU_THREADS`` = cores ÷ workers as the
README says; then ``--calls`` uploads of a 50-second two-voice call are queued at once and
the clock runs until the last is transcribed and scored. Throughput is calls per minute and
audio minutes per minute; the workers' start-up is not in it.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import time
import uuid
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select

from bench.docs_section import machine, write_section
from bench.first_scorecard import TRANSCRIPT
from bench.load import SETUPS, database
from bench.scoring_eval import synthesize
from coach import create_app
from coach.extensions import db
from coach.models import Job, JobStatus, User
from coach.services import calls
from coach.services.demo import seed_demo
from deploy.stack import Stack, stack_env, worker_threads

REPO = Path(__file__).resolve().parent.parent
REPEATS = 4  # the three-turn call said four times over: about 50 s of audio


def long_call(folder: Path) -> Path:
    turns, offset = [], 0.0
    for _ in range(REPEATS):
        for turn in TRANSCRIPT["turns"]:
            turns.append({**turn, "start": turn["start"] + offset, "end": turn["end"] + offset})
        offset = turns[-1]["end"] + 1.0
    return synthesize({"transcript": {"turns": turns}}, folder)


def seconds_of(recording: Path) -> float:
    with contextlib.closing(wave.open(str(recording), "rb")) as audio:
        return audio.getnframes() / audio.getframerate()


def measure(workers: int, count: int, recording: Path, args: argparse.Namespace) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="coach-speech-"))
    instance = folder / "instance"
    try:
        with database(SETUPS["postgres-rq"], instance, args.postgres) as url:
            queue = f"speech-{uuid.uuid4().hex[:6]}"
            env = stack_env(url, args.redis, instance, queue, "")
            env["COACH_MODEL_CACHE_DIR"] = str(args.model_cache)
            stack = Stack(env, folder / "logs")
            stack.flask("coach", "setup", "--no-demo")
            threads = worker_threads(workers)
            try:
                for number in range(1, workers + 1):
                    stack.start_worker(number, COACH_ASR_CPU_THREADS=str(threads))
                _wait_listening(stack, workers)
                app = create_app(
                    {
                        "INSTANCE_PATH": instance,
                        "DATABASE_URL": url,
                        "JOB_RUNNER": "rq",
                        "REDIS_URL": args.redis,
                        "RQ_QUEUE": queue,
                        "MODEL_CACHE_DIR": str(args.model_cache),
                    }
                )
                with app.app_context():
                    logins = seed_demo(folder / "credentials.txt")
                    assert logins is not None
                    owner = db.session.scalar(select(User).filter_by(email=logins[-1].email))
                    details = calls.NewCall("Throughput", "initial", "US", "two", True)
                    begin = time.perf_counter()
                    for _ in range(count):
                        with recording.open("rb") as stream:
                            calls.create_call(owner, details, stream, recording.name)
                    seconds = _until_done(count, begin)
                    failed = db.session.scalar(
                        select(func.count()).where(Job.status == JobStatus.FAILED)
                    )
                    db.engine.dispose()
            finally:
                stack.stop()
        return {"workers": workers, "threads": threads, "seconds": seconds, "failed": failed}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _wait_listening(stack: Stack, workers: int, timeout: float = 300) -> None:
    """Until every worker has loaded its models and listens on the queue."""
    deadline = time.monotonic() + timeout
    while True:
        stack.check_alive()
        logs = [stack.logs / f"worker-{n}.log" for n in range(1, workers + 1)]
        if all(log.exists() and "listening on queue" in log.read_text() for log in logs):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("workers did not start")
        time.sleep(0.5)


def _until_done(count: int, begin: float, timeout: float = 1800) -> float:
    """Seconds from ``begin`` until every call is transcribed and scored (2 jobs each)."""
    while True:
        db.session.rollback()
        finished = db.session.scalar(
            select(func.count()).where(Job.status.in_([JobStatus.DONE, JobStatus.FAILED]))
        )
        if finished >= 2 * count:
            return time.perf_counter() - begin
        if time.perf_counter() - begin > timeout:
            raise TimeoutError(f"{finished} of {2 * count} jobs finished")
        time.sleep(0.2)


def markdown(rows: list[dict], count: int, audio_s: float, command: str) -> str:
    lines = [
        "### Speech workers: transcription throughput",
        "",
        f"`{command}` — {machine()}. {count} uploads of a {audio_s:.0f}-s two-voice call "
        "queued at once on PostgreSQL; Whisper base (the default for calls), greedy; each "
        "call is transcribed, then scored. Workers loaded their models before the clock "
        "started.",
        "",
        "| rq workers | threads each | wall s | calls / min | audio min / min | failed jobs |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        per_minute = count / row["seconds"] * 60
        lines.append(
            f"| {row['workers']} | {row['threads']} | {row['seconds']:.1f} | {per_minute:.2f} "
            f"| {per_minute * audio_s / 60:.2f} | {row['failed']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--model-cache", type=Path, default=REPO / "instance" / "model-cache")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        recording = long_call(Path(tmp))
        audio_s = seconds_of(recording)
        rows = [measure(workers, args.calls, recording, args) for workers in args.workers]
    command = "python bench/speech_workers.py " + " ".join(sys.argv[1:]).replace(
        f" --out {args.out}", ""
    )
    text = markdown(rows, args.calls, audio_s, command)
    print(text)
    if args.out:
        write_section(args.out, "speech-workers", text)


if __name__ == "__main__":
    main()
