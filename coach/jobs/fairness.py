"""Which queued job runs next: owners take turns, so one user's flood starves nobody.

Among the ready jobs (queued, not waiting for an engine), the next is the oldest job of
the owner with the fewest jobs running now, ties going to the owner served longest ago
(never served first). Every runner of every process asks the database the same question,
so the thread runner and rq workers share one notion of fairness.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach.models import Job, JobStatus

# How many of the oldest ready jobs are considered; the owners among them take turns.
CANDIDATES = 500
_NEVER = datetime.min


def ready_jobs(session: Session, limit: int = CANDIDATES) -> list[tuple[int, int | None]]:
    """(id, owner_id) of the oldest jobs a runner may start now."""
    query = (
        select(Job.id, Job.owner_id)
        .where(Job.status == JobStatus.QUEUED, Job.wait_reason.is_(None))
        .order_by(Job.id)
        .limit(limit)
    )
    return [(job_id, owner_id) for job_id, owner_id in session.execute(query)]


def next_job_id(session: Session) -> int | None:
    """The job the fairest turn gives to whichever runner asks now (None: nothing ready)."""
    candidates = ready_jobs(session)
    if not candidates:
        return None
    owners = {owner for _, owner in candidates}
    running = dict(
        session.execute(
            select(Job.owner_id, func.count())
            .where(Job.status == JobStatus.RUNNING, Job.owner_id.in_(_ids(owners)))
            .group_by(Job.owner_id)
        ).all()
    )
    last_started = {
        owner: _naive(started)
        for owner, started in session.execute(
            select(Job.owner_id, func.max(Job.started_at))
            .where(Job.owner_id.in_(_ids(owners)))
            .group_by(Job.owner_id)
        ).all()
    }
    oldest: dict[int | None, int] = {}
    for job_id, owner in candidates:
        oldest.setdefault(owner, job_id)
    owner = min(
        oldest,
        key=lambda o: (running.get(o, 0), last_started.get(o) or _NEVER, oldest[o]),
    )
    return oldest[owner]


def _ids(owners: set[int | None]) -> list[int]:
    return [owner for owner in owners if owner is not None]


def _naive(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes, PostgreSQL aware ones: compare them as UTC."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)
