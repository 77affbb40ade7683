"""Job runners: ``inline`` (tests, --sync), ``thread`` (default) and ``rq`` (Redis workers)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from flask import Flask

from coach.jobs.core import Runner, run_job

log = logging.getLogger(__name__)


class InlineRunner:
    """Runs the job before ``submit`` returns, inside the caller's app context."""

    def submit(self, job_id: int) -> None:
        run_job(job_id)


class ThreadRunner:
    """An app-owned pool; each job runs in its own app context and database session."""

    def __init__(self, app: Flask, workers: int) -> None:
        self.app = app
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="coach-job")

    def submit(self, job_id: int) -> None:
        self.pool.submit(self._run, job_id)

    def _run(self, job_id: int) -> None:
        with self.app.app_context():
            try:
                run_job(job_id)
            except Exception:  # the pool would swallow it silently otherwise
                log.exception("job %s could not be run", job_id)


class RqRunner:
    """Pushes job ids to a Redis queue served by ``flask coach jobs worker`` processes."""

    def __init__(self, redis_url: str, queue_name: str) -> None:
        self.redis_url = redis_url
        self.queue_name = queue_name

    def queue(self):
        from redis import Redis
        from rq import Queue

        return Queue(self.queue_name, connection=Redis.from_url(self.redis_url))

    def submit(self, job_id: int) -> None:
        self.queue().enqueue("coach.jobs.worker.perform", job_id, job_timeout=4 * 3600)


RUNNERS: dict[str, Callable[[Flask], Runner]] = {
    "inline": lambda _app: InlineRunner(),
    "thread": lambda app: ThreadRunner(app, app.config["COACH"]["JOB_WORKERS"]),
    "rq": lambda app: RqRunner(app.config["COACH"]["REDIS_URL"], app.config["COACH"]["RQ_QUEUE"]),
}


def make_runner(app: Flask) -> Runner:
    """The runner named by ``COACH_JOB_RUNNER`` (validated by the config already)."""
    return RUNNERS[app.config["COACH"]["JOB_RUNNER"]](app)
