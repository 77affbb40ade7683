"""1,000+ bad recordings through the web upload and the CLI: no crash, no 500, no hang, no
file left behind, and the server still answers afterwards (issue #10, item 1).

Every decode runs in a forked child (coach/speech/isolation.py), so a file that crashes
FFmpeg or PyAV costs that child, never this process; the per-file alarm turns a hang into
a test failure instead of a stuck run.
"""

from __future__ import annotations

import io
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from redis import Redis
from rq import Queue

from coach import create_app
from coach.engines import EXTENSION as ENGINES
from coach.extensions import db
from tests import bad_audio, fakes
from tests.helpers import csrf_token, sign_in

FILES = 1000
PER_FILE_TIMEOUT_S = 20
SEED = 20261203
ACCEPTED, REFUSED = {200, 302}, {400, 413, 422}  # accepted: JSON {"redirect"} or a redirect


class Hang(Exception):
    """A single file took longer than PER_FILE_TIMEOUT_S."""


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Flask]:
    """Its own SQLite app on fake models: the fuzzing is about decoding, not the database.
    Accepted uploads queue their transcription on a Redis queue of their own that no worker
    serves (emptied afterwards), so the run measures uploads, not transcription."""
    instance = tmp_path_factory.mktemp("fuzz-instance")
    queue_name = f"coach-fuzz-{uuid.uuid4().hex[:8]}"
    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "DATABASE_URL": f"sqlite:///{instance / 'coach.sqlite3'}",
            "JOB_RUNNER": "rq",
            "REDIS_URL": redis_url,
            "RQ_QUEUE": queue_name,
            "PASSWORD_HASH_COST": "low",
            "MODEL_CACHE_DIR": str(tmp_path_factory.mktemp("fuzz-models")),
            "MAX_UPLOAD_MB": 2,
            "MAX_CALL_MINUTES": 2,
            "DECODE_SECONDS": 10,
        }
    )
    app.config["TESTING"] = True
    app.extensions[ENGINES] = fakes.fake_engines(app.extensions[ENGINES])
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    yield app
    with app.app_context():
        db.engine.dispose()
    Queue(queue_name, connection=Redis.from_url(redis_url)).delete(delete_jobs=True)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("fuzz-seeds")
    return {**bad_audio.real_files(folder), **bad_audio.special_files(folder)}


@pytest.fixture(scope="module")
def fuzz_files(seeds: dict[str, bytes]) -> list[tuple[str, bytes]]:
    return list(bad_audio.bad_files(seeds, SEED, FILES))


@pytest.fixture(scope="module")
def trainee(fuzz_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    from coach.models import User
    from coach.services.demo import seed_demo
    from tests.helpers import Login

    with fuzz_app.app_context():
        logins = seed_demo(tmp_path_factory.mktemp("fuzz-demo") / "credentials.txt")
        assert logins is not None
        login = next(x for x in logins if x.email.startswith("priya@"))
        user = db.session.query(User).filter_by(email=login.email).one()
        person = Login(login.role, login.email, login.password, user.id)
    client = fuzz_app.test_client()
    sign_in(client, person)
    return client


@pytest.fixture
def alarm() -> Iterator[None]:
    def _hang(_signum: int, _frame: FrameType | None) -> None:
        raise Hang(f"one file took over {PER_FILE_TIMEOUT_S} s")

    previous = signal.signal(signal.SIGALRM, _hang)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _leftovers(app: Flask) -> list[Path]:
    uploads = Path(app.instance_path) / "uploads"
    recordings = Path(app.config["COACH"]["RECORDINGS_DIR"])
    temporary = list(uploads.iterdir()) if uploads.is_dir() else []
    partial = [p for p in recordings.rglob("*") if p.is_file() and not _stored_name(p)]
    return temporary + partial


def _stored_name(path: Path) -> bool:
    stem, _, extension = path.name.partition(".")
    return len(stem) == 64 and extension in bad_audio.FORMATS


@pytest.mark.usefixtures("alarm")
@pytest.mark.redis
def test_bad_files_never_crash_the_web_upload(
    fuzz_app: Flask,
    trainee: FlaskClient,
    fuzz_files: list[tuple[str, bytes]],
    seeds: dict[str, bytes],
) -> None:
    token = csrf_token(trainee, "/calls/new")
    statuses: dict[int, int] = {}
    for number, (name, data) in enumerate(fuzz_files):
        as_json = number % 2 == 0
        signal.alarm(PER_FILE_TIMEOUT_S)
        response = trainee.post(
            "/calls/new",
            data={
                "csrf_token": token,
                "title": "Fuzz",
                "call_type": "initial",
                "jurisdiction": "US",
                "speakers": "one",
                "consent": "y",
                "recording": (io.BytesIO(data), name),
            },
            content_type="multipart/form-data",
            headers={"Accept": "application/json"} if as_json else {},
        )
        signal.alarm(0)
        code = response.status_code
        statuses[code] = statuses.get(code, 0) + 1
        body = response.get_data(as_text=True)
        assert code in ACCEPTED | REFUSED, f"file {number} ({name}): {code} {body[:300]}"
        assert "Traceback" not in body
        if as_json:
            payload = response.get_json()
            assert payload is not None and set(payload) == {
                "error" if code in REFUSED else "redirect"
            }
        elif code in REFUSED:
            assert 'class="flash flash-error"' in body
        else:
            assert code == 302
    assert len(fuzz_files) >= FILES
    assert sum(statuses.get(c, 0) for c in REFUSED) > FILES // 2, statuses
    assert _leftovers(fuzz_app) == []
    # Still alive: a page renders and a good recording is accepted.
    assert trainee.get("/calls/").status_code == 200
    response = trainee.post(
        "/calls/new",
        data={
            "csrf_token": token,
            "title": "After",
            "call_type": "initial",
            "jurisdiction": "US",
            "speakers": "one",
            "consent": "y",
            "recording": (io.BytesIO(seeds["tone1.wav"]), "tone1.wav"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302


@pytest.mark.usefixtures("alarm")
@pytest.mark.redis
def test_bad_files_never_crash_the_cli(
    fuzz_app: Flask, fuzz_files: list[tuple[str, bytes]], tmp_path: Path
) -> None:
    runner = fuzz_app.test_cli_runner()
    failures = 0
    for number, (name, data) in enumerate(fuzz_files):
        path = tmp_path / f"{number}{Path(name).suffix or '.wav'}"
        path.write_bytes(data)
        signal.alarm(PER_FILE_TIMEOUT_S)
        result = runner.invoke(args=["coach", "calls", "transcribe", str(path), "--json"])
        signal.alarm(0)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"file {number} ({name}): {result.exception!r}"
        )
        if result.exit_code != 0:
            failures += 1
            assert result.stderr.startswith("Error: "), result.stderr
            assert len(result.stderr.strip().splitlines()) == 1
        path.unlink()
    assert failures > FILES // 2
    assert list(tmp_path.iterdir()) == []
