"""The job queue as services see it: a port to enqueue and retry work by job kind.

Services never import ``coach.jobs``: the app hands its queue (built with the task
registry, which imports the services) to them through this port.
"""

from __future__ import annotations

from typing import Any, Protocol

from flask import current_app

from coach.models import Job


class JobQueue(Protocol):
    def enqueue(self, kind: str, payload: dict[str, Any], owner_id: int | None = None) -> Job:
        """Record a job of ``kind`` and hand it to whatever runs jobs."""
        ...

    def retry(self, job_id: int) -> Job:
        """Queue a failed (or dead: running on an expired lease) job again, committing the
        session's pending changes with it; ServiceError (changes rolled back) otherwise."""
        ...


def job_queue() -> JobQueue:
    """The current app's job queue."""
    return current_app.extensions["coach.jobs"]
