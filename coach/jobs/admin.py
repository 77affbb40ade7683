"""Operating the job system: listing jobs and running an RQ worker process."""

from __future__ import annotations

import logging
import os

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
    """Lower the process's CPU priority, preload models, start the sweeper (it re-queues what
    dead runners held and rings for ready jobs, at once and periodically), then serve the
    queue in-process."""
    runner = job_queue().runner
    if not isinstance(runner, RqRunner):
        raise ServiceError("The worker serves the rq runner: set COACH_JOB_RUNNER=rq.")
    from rq import SimpleWorker

    lower_priority(current_app.config["COACH"]["WORKER_NICE"])

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


def lower_priority(nice: int) -> None:
    """Run this thread, and every thread it starts from now on (Whisper's among them), at
    ``nice``: jobs are background work, and on cores shared with web processes a transcription
    would otherwise take half the CPU from every request that arrives while it runs. Only
    ever lowers the priority (raising it needs privileges a worker should not have)."""
    if nice > os.getpriority(os.PRIO_PROCESS, 0):
        os.setpriority(os.PRIO_PROCESS, 0, nice)
        log.info("worker CPU priority lowered to nice %d", nice)
