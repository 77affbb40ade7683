"""The RQ side: what a worker process executes for each queued job id."""

from __future__ import annotations

from coach.jobs.core import run_job


def perform(job_id: int) -> None:
    """Entry point named in the Redis queue; runs inside the worker's app context."""
    run_job(job_id)
