"""Durable background jobs: a Job row is the truth, a runner executes it.

The app builds one :class:`JobQueue` with the task registry (job kind -> service function),
so the web, the CLI and an RQ worker on another machine all run the same code path.
"""

from coach.jobs.core import JobQueue, Task, job_queue, run_job

__all__ = ["JobQueue", "Task", "job_queue", "run_job"]
