"""The production topology on loopback (deploy/stack.py, ``make stack``): a call uploaded
through one gunicorn server is transcribed and scored by an rq worker process, and a second
web server on the same database shows it to the trainee's coach; /metrics on either adds up
the jobs as the database holds them."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from prometheus_client.parser import text_string_to_metric_families

from coach import create_app
from coach.engines import engines_of
from coach.extensions import db
from coach.services.demo import seed_demo
from deploy.stack import Stack, WebServer, drop_database, ensure_database, stack_env
from tests.conftest import SessionAudio
from tests.services import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.ml]
TOKEN = "stack-test-metrics-token"
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture
def stack(
    tmp_path: Path, postgres_admin_url: str, redis_url: str, model_cache: Path
) -> Iterator[tuple[Stack, dict[str, str]]]:
    """A migrated database with the demo people, the shared folders, and no process yet."""
    name = f"coach_stack_{uuid.uuid4().hex[:8]}"
    database_url = ensure_database(postgres_admin_url, name)
    env = stack_env(database_url, redis_url, tmp_path / "instance", f"stack-{name}", TOKEN)
    env.update(COACH_MODEL_CACHE_DIR=str(model_cache), COACH_PASSWORD_HASH_COST="low")
    app = create_app(
        {
            "INSTANCE_PATH": tmp_path / "instance",
            "DATABASE_URL": database_url,
            "JOB_RUNNER": "inline",
            "MODEL_CACHE_DIR": str(model_cache),
            "PASSWORD_HASH_COST": "low",
        }
    )
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        logins = seed_demo(tmp_path / "credentials.txt")
        assert logins is not None
        engines_of(app).prepare()  # the scoring heads, trained once into the shared cache
        db.engine.dispose()
    passwords = {login.email.split("@")[0]: (login.email, login.password) for login in logins}
    running = Stack(env, tmp_path / "logs")
    try:
        yield running, passwords
    finally:
        running.stop()
        drop_database(postgres_admin_url, name)


def signed_in(server: WebServer, email: str, password: str) -> requests.Session:
    session = requests.Session()
    token = _CSRF.search(session.get(f"{server.url}/login", timeout=30).text).group(1)
    answer = session.post(
        f"{server.url}/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.status_code
    return session


def metric(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_upload_through_gunicorn_is_transcribed_by_an_rq_worker_and_seen_on_another_server(
    stack: tuple[Stack, dict[str, str]], test_audio: SessionAudio
) -> None:
    processes, passwords = stack
    uploads, dashboards = WebServer(free_port(), 2), WebServer(free_port(), 1)
    processes.start_web(uploads)
    processes.start_web(dashboards)
    processes.start_worker(1, COACH_ASR_CPU_THREADS="2")
    processes.wait_ready(uploads)
    processes.wait_ready(dashboards)

    trainee = signed_in(uploads, *passwords["priya"])
    form = trainee.get(f"{uploads.url}/calls/new", timeout=30).text
    with test_audio.speech.open("rb") as recording:
        answer = trainee.post(
            f"{uploads.url}/calls/new",
            data={
                "csrf_token": _CSRF.search(form).group(1),
                "title": "Stack rehearsal call",
                "call_type": "initial",
                "jurisdiction": "US",
                "speakers": "one",
                "consent": "y",
            },
            files={"recording": ("speech.flac", recording, "audio/flac")},
            headers={"Accept": "application/json"},
            timeout=60,
        )
    assert answer.status_code == 200, answer.text[:500]
    call_page = answer.json()["redirect"]

    deadline, polls = time.monotonic() + 300, 0
    while True:
        polls += 1
        status = trainee.get(f"{uploads.url}{call_page}/status.json", timeout=30).json()
        assert status["job_status"] != "failed" and status["scoring_status"] != "failed", status
        if status["scoring_status"] == "done":
            break
        assert time.monotonic() < deadline, f"not scored in 300 s: {status}"
        time.sleep(1)

    coach = signed_in(dashboards, *passwords["coach"])
    listed = coach.get(f"{dashboards.url}/calls", timeout=30)
    assert listed.status_code == 200 and "Stack rehearsal call" in listed.text
    page = coach.get(f"{dashboards.url}{call_page}", timeout=30)
    assert page.status_code == 200
    assert "together we can find a monthly payment" in page.text.lower()
    assert coach.get(f"{dashboards.url}/", timeout=30).status_code == 200

    for server in (uploads, dashboards):  # either reports the jobs the worker ran
        scraped = requests.get(
            f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
        ).text
        assert metric(scraped, "coach_jobs", kind="transcribe_call", status="done") == 1
        assert metric(scraped, "coach_jobs", kind="score_call", status="done") == 1
        assert metric(scraped, "coach_job_duration_seconds_count", kind="transcribe_call") == 1
    uploads_metrics = requests.get(
        f"{uploads.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30
    ).text
    # The status polls, each counted by whichever of the two gunicorn workers answered it.
    assert metric(uploads_metrics, "coach_http_requests_total", endpoint="calls.status") == polls

    # Every line every process wrote is a JSON object, gunicorn's own lines included.
    processes.stop()
    written = {
        log.stem: log.read_text(encoding="utf-8").splitlines()
        for log in processes.logs.glob("*.log")
    }
    assert len(written) == 3 and all(written.values())
    loggers = {json.loads(line)["logger"] for lines in written.values() for line in lines}
    assert {"gunicorn.error", "coach.access", "coach.jobs.core"} <= loggers
