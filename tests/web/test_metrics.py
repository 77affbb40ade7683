"""``GET /metrics``: absent without a token, refused without the right one, and figures a
scrape can trust: requests counted as they are answered, jobs as the database holds them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from coach.extensions import db
from coach.models import Job, JobStatus
from coach.models._columns import utcnow

TOKEN = "scrape-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a scrape by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def labels(**values: str) -> frozenset:
    return frozenset(values.items())


def scrape(client: FlaskClient) -> dict[tuple[str, frozenset], float]:
    answer = client.get("/metrics", headers=AUTH)
    assert answer.status_code == 200, answer.status_code
    assert answer.headers["Content-Type"].startswith("text/plain; version=")
    return samples(answer.get_data(as_text=True))


def test_without_a_configured_token_there_is_no_endpoint(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=AUTH).status_code == 404


def test_a_missing_or_wrong_token_is_refused(sibling_app: Callable[..., Flask]) -> None:
    client = sibling_app(METRICS_TOKEN=TOKEN, JOB_RUNNER="inline").test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        answer = client.get("/metrics", headers=headers)
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
        assert "coach_" not in answer.get_data(as_text=True)


def test_requests_are_counted_and_timed_by_endpoint_and_status(
    sibling_app: Callable[..., Flask],
) -> None:
    client = sibling_app(METRICS_TOKEN=TOKEN, JOB_RUNNER="inline").test_client()
    login = labels(method="GET", endpoint="auth.login")
    counted = ("coach_http_requests_total", login | labels(status="200"))
    timed = ("coach_http_request_duration_seconds_count", login)
    missing = (
        "coach_http_requests_total",
        labels(method="GET", endpoint="unmatched", status="404"),
    )
    before = scrape(client)
    for _ in range(3):
        assert client.get("/login").status_code == 200
    assert client.get("/no-such-page").status_code == 404
    after = scrape(client)
    assert after[counted] - before.get(counted, 0) == 3
    assert after[timed] - before.get(timed, 0) == 3
    assert after[missing] - before.get(missing, 0) == 1
    scrapes = [key for key in after if ("endpoint", "metrics.scrape") in key[1]]
    assert scrapes == []  # the scraper's own requests are not the service's traffic


def test_jobs_by_kind_and_state_with_their_waits_and_run_times(
    sibling_app: Callable[..., Flask],
) -> None:
    app = sibling_app(METRICS_TOKEN=TOKEN, JOB_RUNNER="inline")
    now = utcnow()

    def job(status: JobStatus, waited: float | None, ran: float | None, **extra) -> Job:
        started = now + timedelta(seconds=waited) if waited is not None else None
        finished = started + timedelta(seconds=ran) if ran is not None and started else None
        return Job(kind="transcribe_call", payload={}, status=status, created_at=now,
                   started_at=started, finished_at=finished, **extra)  # fmt: skip

    with app.app_context():
        db.session.add_all([
            job(JobStatus.QUEUED, None, None),
            job(JobStatus.QUEUED, None, None, wait_reason="Waiting: speech model missing"),
            job(JobStatus.RUNNING, 2.0, None),
            job(JobStatus.DONE, 0.2, 3.0),
            job(JobStatus.DONE, 20.0, 40.0),
            job(JobStatus.FAILED, 1.0, 0.4, error="bad file"),
        ])  # fmt: skip
        db.session.commit()
    figures = scrape(app.test_client())

    def value(name: str, **extra: str) -> float:
        return figures[(name, labels(kind="transcribe_call", **extra))]

    assert value("coach_jobs", status="queued") == 1
    assert value("coach_jobs", status="waiting") == 1
    assert value("coach_jobs", status="running") == 1
    assert value("coach_jobs", status="done") == 2
    assert value("coach_jobs", status="failed") == 1
    # Finished jobs only (done and failed): run times 3.0, 40.0 and 0.4 s.
    assert value("coach_job_duration_seconds_count") == 3
    assert abs(value("coach_job_duration_seconds_sum") - 43.4) < 0.01
    assert value("coach_job_duration_seconds_bucket", le="0.5") == 1
    assert value("coach_job_duration_seconds_bucket", le="5.0") == 2
    assert value("coach_job_duration_seconds_bucket", le="30.0") == 2
    assert value("coach_job_duration_seconds_bucket", le="60.0") == 3
    assert value("coach_job_duration_seconds_bucket", le="+Inf") == 3
    # Queue waits 0.2, 20.0 and 1.0 s.
    assert value("coach_job_queue_wait_seconds_bucket", le="0.5") == 1
    assert value("coach_job_queue_wait_seconds_bucket", le="1.0") == 2
    assert value("coach_job_queue_wait_seconds_bucket", le="10.0") == 2
    assert value("coach_job_queue_wait_seconds_bucket", le="30.0") == 3


_WORKER = """
import sys
from coach.observability import metrics
for _ in range(int(sys.argv[1])):
    metrics.observe_request("GET", "dashboard.home", 200, 0.02)
"""


def test_gunicorn_workers_counts_add_up_in_the_shared_folder(tmp_path: Path, app: Flask) -> None:
    """As under gunicorn (deploy/gunicorn.conf.py): separate processes write to the folder in
    PROMETHEUS_MULTIPROC_DIR, and a scrape in any one of them reports their sum."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for count in ("2", "5"):
        subprocess.run([sys.executable, "-c", _WORKER, count], env=env, check=True, timeout=120)
    reader = (
        "import sys\nfrom coach import create_app\n"
        "from coach.observability import metrics\n"
        "app = create_app({'INSTANCE_PATH': sys.argv[1], 'DATABASE_URL': sys.argv[2],"
        " 'JOB_RUNNER': 'inline'})\n"
        "with app.app_context():\n    sys.stdout.write(metrics.exposition().decode())\n"
    )
    text = subprocess.run(
        [sys.executable, "-c", reader, app.instance_path, app.config["COACH"]["DATABASE_URL"]],
        env=env, check=True, timeout=300, capture_output=True, text=True,
    ).stdout  # fmt: skip
    figures = samples(text)
    key = labels(method="GET", endpoint="dashboard.home", status="200")
    assert figures[("coach_http_requests_total", key)] == 7
