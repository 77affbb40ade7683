"""Prometheus metrics: requests counted and timed in every web process, jobs read from the
database at scrape time.

Requests are counted where they are served. Under gunicorn each worker is its own process,
so ``deploy/gunicorn.conf.py`` points ``PROMETHEUS_MULTIPROC_DIR`` at a shared folder before
any worker imports this module; prometheus_client then keeps the values in files there and a
scrape of any worker adds up all of them. Jobs run in other processes, often on other hosts
(speech workers), so their figures come from the ``jobs`` table, the one place that knows
them all: any web process reports the whole system, and a worker needs no endpoint.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import and_, case, cast, func, select
from sqlalchemy.orm import Session

from coach.extensions import db
from coach.models import Job, JobStatus
from coach.models._columns import seconds_between

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Pages answer in tens of milliseconds; uploads and spoken replies take seconds.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A spoken reply's job takes a second, an hour-long call's transcription many minutes.
JOB_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)

_PROCESS = CollectorRegistry()
REQUESTS = Counter(
    "coach_http_requests",
    "HTTP requests answered, by method, Flask endpoint and status code.",
    ["method", "endpoint", "status"],
    registry=_PROCESS,
)
REQUEST_SECONDS = Histogram(
    "coach_http_request_duration_seconds",
    "Time from a request's arrival in Flask to its response, by method and endpoint.",
    ["method", "endpoint"],
    buckets=REQUEST_BUCKETS,
    registry=_PROCESS,
)


def observe_request(method: str, endpoint: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration."""
    REQUESTS.labels(method, endpoint, str(status)).inc()
    REQUEST_SECONDS.labels(method, endpoint).observe(seconds)


def exposition() -> bytes:
    """The text a scrape receives: this process's (or every worker's) requests, and jobs
    (read in the app's session, which the read leaves without a transaction)."""
    requests = _PROCESS
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    jobs = CollectorRegistry()
    jobs.register(JobCollector(db.session))
    return generate_latest(requests) + generate_latest(jobs)


class JobCollector(Collector):
    """Jobs by kind and state, and how long finished ones waited and ran, in two queries."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def collect(self) -> Iterator[Metric]:
        try:
            yield self._states()
            yield from self._timings()
        finally:
            self.session.rollback()  # end the read; the scrape holds no transaction

    def _states(self) -> GaugeMetricFamily:
        state = case(
            (and_(Job.status == JobStatus.QUEUED, Job.wait_reason.is_not(None)), "waiting"),
            else_=cast(Job.status, Job.kind.type),
        )
        rows = self.session.execute(
            select(Job.kind, state, func.count()).group_by(Job.kind, state)
        ).all()
        gauge = GaugeMetricFamily(
            "coach_jobs",
            "Jobs by kind and state (waiting: queued for an engine that is unavailable).",
            labels=["kind", "status"],
        )
        for kind, status, count in rows:
            gauge.add_metric([kind, _state_name(status)], count)
        return gauge

    def _timings(self) -> Iterator[HistogramMetricFamily]:
        dialect = self.session.get_bind().dialect.name
        spans = {
            "coach_job_duration_seconds": (
                "Run time of finished jobs (last start to finish), by kind.",
                seconds_between(Job.started_at, Job.finished_at, dialect),
            ),
            "coach_job_queue_wait_seconds": (
                "Time finished jobs waited from being queued to their last start, by kind.",
                seconds_between(Job.created_at, Job.started_at, dialect),
            ),
        }
        finished = Job.status.in_([JobStatus.DONE, JobStatus.FAILED]) & Job.started_at.is_not(None)
        for name, (documentation, seconds) in spans.items():
            columns = [func.count(), func.coalesce(func.sum(seconds), 0.0)]
            columns += [func.sum(case((seconds <= bound, 1), else_=0)) for bound in JOB_BUCKETS]
            rows = self.session.execute(
                select(Job.kind, *columns).where(finished).group_by(Job.kind)
            ).all()
            family = HistogramMetricFamily(name, documentation, labels=["kind"])
            for kind, count, total, *cumulative in rows:
                family.add_metric([kind], _buckets(cumulative, count), float(total))
            yield family


def _state_name(status: object) -> str:
    return status.value if isinstance(status, JobStatus) else str(status).lower()


def _buckets(cumulative: Sequence[int | None], count: int) -> list[tuple[str, float]]:
    bounds = [(str(bound), float(n or 0)) for bound, n in zip(JOB_BUCKETS, cumulative, strict=True)]
    return [*bounds, ("+Inf", float(count))]
