"""Shared fixtures: a Coach app per database backend (SQLite and PostgreSQL), seeded users.

Every test that uses ``app`` runs once on SQLite and once on a fresh PostgreSQL database
created for this test session, with the real migrations applied. The PostgreSQL and Redis
servers are the configured ones when they answer, else throwaway ones (tests/services.py).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import werkzeug.test
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import delete

from coach import create_app
from coach.config import SETTINGS
from coach.engines import EXTENSION as ENGINES
from coach.engines import Engines
from coach.extensions import db
from coach.nlp.encoder import SentenceEncoder, load_default_encoder
from tests import fakes, services, speech_synthesis
from tests.helpers import Login, sign_in
from tests.wer import read_script

POSTGRES_ADMIN_URL = os.environ.get(
    "COACH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
# The server the rq runner and its worker use unless a test says otherwise.
REDIS_URL = os.environ.get("COACH_REDIS_URL") or SETTINGS["REDIS_URL"].default


def _create_postgres_database(admin_url: str) -> tuple[str, str]:
    name = f"coach_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    return name, f"{base}/{name}"


def _drop_postgres_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """COACH_TEST_POSTGRES, or a throwaway server's admin URL when nothing answers there."""
    with services.postgres(POSTGRES_ADMIN_URL) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """COACH_REDIS_URL (or Coach's default), or a throwaway server's when nothing answers."""
    with services.redis(REDIS_URL) as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def _in_memory_test_request_bodies() -> Iterator[None]:
    """Werkzeug's test client spools multipart bodies over 500 KB to a temporary file it never
    closes (a ResourceWarning, an error here); build them in memory instead."""
    original = werkzeug.test.stream_encode_multipart
    werkzeug.test.stream_encode_multipart = functools.partial(original, use_tempfile=False)
    yield
    werkzeug.test.stream_encode_multipart = original


@dataclass(frozen=True)
class SessionAudio:
    """Recordings synthesized once per test session (see tests/speech_synthesis.py)."""

    speech: Path  # the neural voice reading SPEECH: 16 kHz mono FLAC, under werkzeug's spool
    speech_two_channel: Path  # the same, 44.1 kHz, one signal on both channels; WAV, over 1 MB
    speech_duration: float
    speech_sentence_starts: tuple[float, ...]  # seconds at which each sentence's sound begins
    call_mono: Path  # the practice call (PRACTICE_CALL), both voices on one channel, 16 kHz WAV
    call_stereo: Path  # agent left, debtor right, each silent while the other speaks (FLAC)
    stereo_call: Path  # call_stereo as 32 kbit/s Opus in Ogg, under werkzeug's spool


@pytest.fixture(scope="session")
def test_audio(tmp_path_factory: pytest.TempPathFactory) -> SessionAudio:
    folder = tmp_path_factory.mktemp("audio")
    spoken = speech_synthesis.neural_speech(speech_synthesis.SPEECH)
    speech = speech_synthesis.write_wav(folder / "speech.wav", [spoken.samples])
    script = read_script(speech_synthesis.PRACTICE_CALL)
    call = speech_synthesis.call_recordings(script, folder, "call")
    stereo_call = folder / "call.ogg"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-i", str(call.stereo), "-c:a", "libopus", "-b:a", "32k",
         str(stereo_call)],
        check=True,
    )  # fmt: skip
    return SessionAudio(
        speech=speech_synthesis.convert(speech, folder / "speech.flac"),
        speech_two_channel=speech_synthesis.convert(
            speech, folder / "speech_2ch.wav", "-r", "44100", "-c", "2"
        ),
        speech_duration=spoken.duration,
        speech_sentence_starts=spoken.sentence_starts,
        call_mono=call.mono,
        call_stereo=speech_synthesis.convert(call.stereo, folder / "call_stereo.flac"),
        stereo_call=stereo_call,
    )


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One head cache for both backends' apps: the tone heads train once per test run."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def encoder(model_cache: Path) -> SentenceEncoder:
    """The packaged text encoder, its exported graph kept in the session's model cache: one
    export per test run, and every suite that embeds shares its embedding cache."""
    return load_default_encoder(cache_dir=model_cache)


@pytest.fixture(scope="session")
def _app(
    backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    model_cache: Path,
    request: pytest.FixtureRequest,
) -> Iterator[Flask]:
    instance = tmp_path_factory.mktemp(f"instance-{backend}")
    pg_name = admin_url = None
    if backend == "postgresql":
        # Asked for here, not as an argument, so SQLite-only runs start no server.
        admin_url = request.getfixturevalue("postgres_admin_url")
        pg_name, url = _create_postgres_database(admin_url)
    else:
        url = f"sqlite:///{instance / 'coach.sqlite3'}"
    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "DATABASE_URL": url,
            "JOB_RUNNER": "inline",
            "PASSWORD_HASH_COST": "low",
            "MODEL_CACHE_DIR": str(model_cache),
        }
    )
    app.config["TESTING"] = True
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    yield app
    with app.app_context():
        db.engine.dispose()
    if admin_url and pg_name:
        _drop_postgres_database(admin_url, pg_name)


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    """The session's app, with every table and the recordings folder emptied after the test."""
    yield _app
    shutil.rmtree(_app.config["COACH"]["RECORDINGS_DIR"], ignore_errors=True)
    with _app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()


@pytest.fixture
def sibling_app(app: Flask) -> Iterator[Callable[..., Flask]]:
    """``sibling_app(JOB_RUNNER="thread")``: another app on the same database and instance
    (as a second process would be); its connections are closed after the test."""
    made: list[Flask] = []

    def make(**overrides: object) -> Flask:
        settings = app.config["COACH"]
        shared = {
            key: settings[key]
            for key in (
                "DATABASE_URL",
                "RECORDINGS_DIR",
                "CONTENT_DIR",
                "MODEL_CACHE_DIR",
                "PASSWORD_HASH_COST",
            )
        }
        sibling = create_app({"INSTANCE_PATH": app.instance_path, **shared, **overrides})
        # One process, one set of models: a sibling uses the app's (real or fake) engines.
        sibling.extensions[ENGINES] = app.extensions[ENGINES]
        made.append(sibling)
        return sibling

    yield make
    for sibling in made:
        runner = sibling.extensions["coach.jobs"].runner
        if hasattr(runner, "shutdown"):
            runner.shutdown()
        with sibling.app_context():
            db.engine.dispose()


@pytest.fixture
def fake_models(app: Flask) -> Iterator[Engines]:
    """The app runs on fake models (see tests/fakes.py) for this test; the real ones after."""
    real = app.extensions[ENGINES]
    app.extensions[ENGINES] = fakes.fake_engines(real)
    yield app.extensions[ENGINES]
    app.extensions[ENGINES] = real


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def people(app: Flask, tmp_path: Path) -> dict[str, Login]:
    """The demo organisation: keys admin, compliance, coach, priya, sam, jordan."""
    from coach.models import User
    from coach.services.demo import seed_demo

    with app.app_context():
        logins = seed_demo(tmp_path / "credentials.txt")
        assert logins is not None
        result = {}
        for login in logins:
            user = db.session.query(User).filter_by(email=login.email).one()
            key = login.email.split("@")[0]
            result[key] = Login(login.role, login.email, login.password, user.id)
        return result


@pytest.fixture
def sign_in_as(client: FlaskClient, people: dict[str, Login]):
    """``sign_in_as("coach")`` signs the test client in as that demo person."""

    def _sign_in(key: str) -> Login:
        sign_in(client, people[key])
        return people[key]

    return _sign_in
