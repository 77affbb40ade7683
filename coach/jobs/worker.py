"""The RQ side: what a worker process executes for each doorbell rung in the Redis queue."""

from __future__ import annotations

from coach.jobs.core import run_next_job


def perform(job_id: int | None = None) -> None:
    """Entry point named in the Redis queue, inside the worker's app context: take the
    fairest ready job (not necessarily ``job_id``, which only says that work was queued)."""
    run_next_job()
