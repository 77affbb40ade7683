"""Database leases on running jobs: claim, renew, release, and sweep the dead.

Every change is one conditional UPDATE whose WHERE clause states what must still be true
(the job is queued; the lease is still ours; the lease has expired), so on SQLite and
PostgreSQL alike at most one runner, in any process, holds a job at a time.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from coach.models import Job, JobStatus
from coach.models._columns import utcnow

log = logging.getLogger(__name__)
JOBS = Job.__table__


def runner_identity() -> str:
    """``host:pid:uuid``: unique per runner, readable by an operator looking at a stuck job."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class Lease:
    """Who holds a job and for how long each renewal lasts."""

    job_id: int
    owner: str
    seconds: int

    def expiry(self) -> datetime:
        return utcnow() + timedelta(seconds=self.seconds)


def claim(engine: Engine, lease: Lease) -> bool:
    """Take a queued, unheld job; True if this runner got it (nobody else can have it)."""
    with engine.begin() as connection:
        result = connection.execute(
            update(JOBS)
            .where(JOBS.c.id == lease.job_id, JOBS.c.status == JobStatus.QUEUED.value)
            .values(
                status=JobStatus.RUNNING.value,
                lease_owner=lease.owner,
                lease_expires_at=lease.expiry(),
                attempts=JOBS.c.attempts + 1,
                started_at=utcnow(),
                wait_reason=None,
            )
        )
    return result.rowcount == 1


def renew(engine: Engine, lease: Lease) -> bool:
    """Extend the lease; False when the job is no longer ours (a sweep gave it away)."""
    with engine.begin() as connection:
        result = connection.execute(
            update(JOBS).where(_held_by(lease)).values(lease_expires_at=lease.expiry())
        )
    return result.rowcount == 1


def release(
    engine: Engine,
    lease: Lease,
    status: JobStatus,
    error: str | None = None,
    wait_reason: str | None = None,
) -> bool:
    """End our hold with the job's new state; False (nothing written) if it is not ours."""
    values: dict[str, object] = {
        "status": status.value,
        "lease_owner": None,
        "lease_expires_at": None,
        "error": error,
        "wait_reason": wait_reason,
    }
    if status in (JobStatus.DONE, JobStatus.FAILED):
        values["finished_at"] = utcnow()
    if status == JobStatus.DONE:
        values["progress"] = 1.0
    if status == JobStatus.QUEUED:  # handed back unrun (an engine is missing): not an attempt
        values["attempts"] = JOBS.c.attempts - 1
    with engine.begin() as connection:
        result = connection.execute(update(JOBS).where(_held_by(lease)).values(**values))
    return result.rowcount == 1


def sweep_expired(engine: Engine, max_interruptions: int) -> tuple[list[int], list[int]]:
    """Queue again every running job whose lease has expired (its runner died), or fail it
    once it was interrupted ``max_interruptions`` times. Returns (requeued, failed) ids."""
    now = utcnow()
    dead = or_(JOBS.c.lease_expires_at.is_(None), JOBS.c.lease_expires_at < now)
    requeued: list[int] = []
    failed: list[int] = []
    with engine.begin() as connection:
        rows = connection.execute(
            select(JOBS.c.id, JOBS.c.interruptions).where(
                JOBS.c.status == JobStatus.RUNNING.value, dead
            )
        ).all()
        for job_id, interruptions in rows:
            still_dead = and_(JOBS.c.id == job_id, JOBS.c.status == JobStatus.RUNNING.value, dead)
            values = _after_interruption(interruptions + 1, max_interruptions, now)
            result = connection.execute(update(JOBS).where(still_dead).values(**values))
            if result.rowcount == 1:
                (failed if values["status"] == JobStatus.FAILED.value else requeued).append(job_id)
    for job_id in requeued:
        log.warning("job %s: its runner stopped (lease expired); queued again", job_id)
    for job_id in failed:
        log.error("job %s: interrupted %d times; failed", job_id, max_interruptions)
    return requeued, failed


def wake_waiting(engine: Engine) -> None:
    """Clear the wait reasons of queued jobs so runners try them again (an engine may be
    back); a job whose engine is still missing sets its reason again when tried."""
    with engine.begin() as connection:
        connection.execute(
            update(JOBS)
            .where(JOBS.c.status == JobStatus.QUEUED.value, JOBS.c.wait_reason.is_not(None))
            .values(wait_reason=None)
        )


def reopen(session: Session, job_id: int) -> bool:
    """Queue a failed job, or a dead one (running on an expired lease), again from scratch,
    in ``session``'s transaction (the caller commits it with its own changes)."""
    dead = and_(
        JOBS.c.status == JobStatus.RUNNING.value,
        or_(JOBS.c.lease_expires_at.is_(None), JOBS.c.lease_expires_at < utcnow()),
    )
    result = session.execute(
        update(JOBS)
        .where(JOBS.c.id == job_id, or_(JOBS.c.status == JobStatus.FAILED.value, dead))
        .values(
            status=JobStatus.QUEUED.value,
            error=None,
            progress=0.0,
            interruptions=0,
            lease_owner=None,
            lease_expires_at=None,
            wait_reason=None,
            finished_at=None,
        )
    )
    return result.rowcount == 1


def _after_interruption(count: int, max_interruptions: int, now: datetime) -> dict[str, object]:
    values: dict[str, object] = {
        "interruptions": count,
        "lease_owner": None,
        "lease_expires_at": None,
    }
    if count >= max_interruptions:
        values.update(
            status=JobStatus.FAILED.value,
            finished_at=now,
            error=(
                f"Stopped {count} times because the worker running it went away (crashed, "
                "was killed or lost the database); not tried again. Retry it once the cause "
                "is fixed."
            ),
        )
    else:
        values["status"] = JobStatus.QUEUED.value
    return values


def _held_by(lease: Lease) -> ColumnElement[bool]:
    return and_(
        JOBS.c.id == lease.job_id,
        JOBS.c.status == JobStatus.RUNNING.value,
        JOBS.c.lease_owner == lease.owner,
    )


class Heartbeat:
    """Renews a lease every third of its length on a thread of its own while a job runs.

    A renewal that fails because the database is down is tried again at the next beat; one
    that finds the lease gone (a sweep judged this runner dead) marks it ``lost``.
    """

    def __init__(self, engine: Engine, lease: Lease) -> None:
        self.engine, self.lease = engine, lease
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"coach-lease-{lease.job_id}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self.lease.seconds / 3):
            try:
                if not renew(self.engine, self.lease):
                    self.lost = True
                    log.warning("job %s: lease lost to another runner", self.lease.job_id)
                    return
            except Exception:  # the database is down: keep trying while the job runs
                log.warning("job %s: lease renewal failed; retrying", self.lease.job_id)
