"""Operating the job system: listing jobs and running an RQ worker process."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from coach.engines import engines_of
from coach.errors import ServiceError
from coach.extensions import db
from coach.jobs.core import job_queue
from coach.jobs.runners import RqRunner, Sweeper
from coach.models import Job, JobStatus

log = logging.getLogger(__name__)


def latest_jobs(status: str | None = None, limit: int = 50) -> list[Job]:
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if status:
        query = query.where(Job.status == JobStatus(status))
    return list(db.session.scalars(query))


def run_worker(burst: bool = False) -> None:
    """Preload models, start the sweeper (it re-queues what dead runners held and rings for
    ready jobs, at once and periodically), then serve the queue in-process."""
    runner = job_queue().runner
    if not isinstance(runner, RqRunner):
        raise ServiceError("The worker serves the rq runner: set COACH_JOB_RUNNER=rq.")
    from rq import SimpleWorker

    problem = engines_of(current_app).check("transcriber")
    if problem:  # the worker still serves: jobs needing it wait, and say why
        log.warning("transcriber unavailable: %s", problem)
    job_queue().sweep()  # before a --burst worker could find the queue empty
    sweeper = Sweeper(current_app._get_current_object())  # type: ignore[attr-defined]
    sweeper.start()
    queue = runner.queue()
    log.info("worker listening on queue %s", queue.name)
    try:
        SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=False)
    finally:
        sweeper.stop()
