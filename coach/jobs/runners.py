"""Job runners: ``inline`` (tests, --sync), ``thread`` (default) and ``rq`` (Redis workers).

The database is the queue: a runner is told that work exists, then claims the fairest ready
job under a lease (coach.jobs.fairness, coach.jobs.leases). A sweeper thread in every
long-lived runner process re-queues jobs whose runner died and wakes jobs waiting for an
engine, from start-up on, without waiting for a visitor.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from flask import Flask

from coach.jobs.core import Runner, run_job, run_next_job

log = logging.getLogger(__name__)
_IDLE_POLL_S = 5.0


class InlineRunner:
    """Runs the job before ``submit`` returns, inside the caller's app context."""

    def submit(self, job_id: int) -> None:
        run_job(job_id)

    def catch_up(self, ready: int) -> None:
        for _ in range(ready):
            if run_next_job() is None:
                return


class Sweeper:
    """A daemon thread running the app's job sweep every ``JOB_SWEEP_SECONDS``, the first
    at once; a failed sweep (the database is down) is logged and tried at the next tick."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="coach-job-sweeper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        interval = self.app.config["COACH"]["JOB_SWEEP_SECONDS"]
        while True:
            try:
                with self.app.app_context():
                    self.app.extensions["coach.jobs"].sweep()
            except Exception:
                log.warning("job sweep failed; trying again in %s s", interval, exc_info=True)
            if self._stop.wait(interval):
                return


class ThreadRunner:
    """App-owned worker threads that take the fairest ready job from the database, each job
    in its own app context and session, plus a sweeper. ``start`` starts them (the app
    factory does when it serves requests, not for one-off CLI commands)."""

    def __init__(self, app: Flask, workers: int) -> None:
        self.app = app
        self._wake = threading.Condition()
        self._pending = 0
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"coach-job-{n}", daemon=True)
            for n in range(workers)
        ]
        self.sweeper = Sweeper(app)
        self.started = False

    def start(self) -> None:
        self.started = True
        for thread in self._threads:
            thread.start()
        self.sweeper.start()

    def submit(self, job_id: int) -> None:
        self.catch_up(1)

    def catch_up(self, ready: int) -> None:
        with self._wake:  # more wake-ups than threads would only query an empty queue
            self._pending = min(self._pending + ready, len(self._threads))
            self._wake.notify(ready)

    def shutdown(self) -> None:
        """Stop taking jobs and wait for the running ones (tests, orderly exits)."""
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        for thread in self._threads:
            if thread.is_alive():
                thread.join()
        self.sweeper.stop()

    def _work(self) -> None:
        while not self._stop.is_set():
            with self._wake:
                if self._pending == 0:
                    self._wake.wait(_IDLE_POLL_S)
                self._pending = max(0, self._pending - 1)
            if self._stop.is_set():
                return
            self._drain()

    def _drain(self) -> None:
        """Run ready jobs until none is left (a database outage: back to waiting)."""
        while not self._stop.is_set():
            try:
                with self.app.app_context():
                    if run_next_job() is None:
                        return
            except Exception:  # the thread must survive anything, the database going away too
                log.warning("job runner thread: could not take a job", exc_info=True)
                return


class RqRunner:
    """Rings a Redis queue's doorbell, once per job, for ``flask coach jobs worker``
    processes; each ring makes a worker take the fairest ready job from the database."""

    def __init__(self, redis_url: str, queue_name: str) -> None:
        self.redis_url = redis_url
        self.queue_name = queue_name

    def queue(self):
        from redis import Redis
        from rq import Queue

        return Queue(self.queue_name, connection=Redis.from_url(self.redis_url))

    def submit(self, job_id: int) -> None:
        """Ring for ``job_id``; with Redis down the job stays queued in the database and
        the next sweep of a worker rings for it (the request that queued it still succeeds)."""
        from redis.exceptions import RedisError

        try:
            self.queue().enqueue("coach.jobs.worker.perform", job_id, job_timeout=4 * 3600)
        except RedisError as error:
            log.warning("job %s: Redis unreachable (%s); a sweep will ring for it", job_id, error)

    def catch_up(self, ready: int) -> None:
        """Top the doorbells up to the ready jobs (a ring lost with Redis, a woken job)."""
        queue = self.queue()
        for _ in range(max(0, ready - queue.count)):
            queue.enqueue("coach.jobs.worker.perform", None, job_timeout=4 * 3600)


RUNNERS: dict[str, Callable[[Flask], Runner]] = {
    "inline": lambda _app: InlineRunner(),
    "thread": lambda app: ThreadRunner(app, app.config["COACH"]["JOB_WORKERS"]),
    "rq": lambda app: RqRunner(app.config["COACH"]["REDIS_URL"], app.config["COACH"]["RQ_QUEUE"]),
}


def make_runner(app: Flask) -> Runner:
    """The runner named by ``COACH_JOB_RUNNER`` (validated by the config already)."""
    return RUNNERS[app.config["COACH"]["JOB_RUNNER"]](app)
