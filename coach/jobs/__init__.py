"""Durable background jobs: ``enqueue`` writes a Job row, a runner executes it.

Tasks are service functions registered in :mod:`coach.jobs.tasks`, so the web, the CLI and
an RQ worker on another machine all run the same code path.
"""

from coach.jobs.core import enqueue, recover_interrupted, retry, run_job

__all__ = ["enqueue", "recover_interrupted", "retry", "run_job"]
