"""Operating the job system: listing jobs and running an RQ worker process."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from coach.engines import engines_of
from coach.errors import ServiceError
from coach.extensions import db
from coach.jobs.core import job_queue
from coach.jobs.runners import RqRunner
from coach.models import Job, JobStatus

log = logging.getLogger(__name__)


def latest_jobs(status: str | None = None, limit: int = 50) -> list[Job]:
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if status:
        query = query.where(Job.status == JobStatus(status))
    return list(db.session.scalars(query))


def run_worker(burst: bool = False) -> None:
    """Preload models, hand queued rows to Redis again, then serve the queue in-process."""
    runner = job_queue().runner
    if not isinstance(runner, RqRunner):
        raise ServiceError("The worker serves the rq runner: set COACH_JOB_RUNNER=rq.")
    from rq import SimpleWorker

    engines_of(current_app).transcriber()
    job_queue().recover(include_running=False)
    queue = runner.queue()
    log.info("worker listening on queue %s", queue.name)
    SimpleWorker([queue], connection=queue.connection).work(burst=burst, with_scheduler=False)
