"""Every upload refusal is a clear message with the right status, JSON when JSON was asked
for; concurrent and disk-full uploads keep nothing partial (issue #10, items 1 and 2)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import Call
from coach.storage import LocalRecordingStore
from tests import bad_audio
from tests.helpers import csrf_token, post_upload, sign_in

pytestmark = pytest.mark.usefixtures("fake_models")
JSON = {"Accept": "application/json"}
XHR = {"X-Requested-With": "XMLHttpRequest"}


def _nothing_kept(app: Flask) -> None:
    uploads = Path(app.instance_path) / "uploads"
    assert not uploads.is_dir() or list(uploads.iterdir()) == []
    recordings = Path(app.config["COACH"]["RECORDINGS_DIR"])
    assert not recordings.is_dir() or [p for p in recordings.rglob("*") if p.is_file()] == []
    with app.app_context():
        assert db.session.query(Call).count() == 0


@pytest.mark.parametrize("extension", bad_audio.MANY_CHANNEL_FORMATS)
def test_an_eight_channel_upload_is_refused_and_the_server_lives_on(
    client: FlaskClient, sign_in_as, app: Flask, tmp_path: Path, extension: str
) -> None:
    sign_in_as("priya")
    data = bad_audio.many_channels(tmp_path, extension, 8).read_bytes()

    response = post_upload(client, data, f"call.{extension}", JSON)

    assert response.status_code == 422
    assert "8 channels" in response.get_json()["error"]
    _nothing_kept(app)
    good = bad_audio.tone(tmp_path / "good.wav").read_bytes()
    assert post_upload(client, good, "good.wav").status_code == 302


@pytest.mark.parametrize("headers", [JSON, XHR], ids=["accept-json", "xhr"])
def test_refusals_are_json_when_json_was_asked_for(
    client: FlaskClient, sign_in_as, app: Flask, headers: dict[str, str]
) -> None:
    sign_in_as("priya")

    response = post_upload(client, b"not audio at all" * 10, "call.wav", headers)

    assert response.status_code == 422
    assert response.mimetype == "application/json"
    assert "not a recognised audio format" in response.get_json()["error"]


def test_refusals_are_a_page_with_the_message_otherwise(
    client: FlaskClient, sign_in_as, app: Flask
) -> None:
    sign_in_as("priya")

    response = post_upload(client, b"not audio at all" * 10, "call.wav")

    assert response.status_code == 422 and response.mimetype == "text/html"
    assert 'class="flash flash-error"' in response.get_data(as_text=True)


def test_an_upload_over_the_request_limit_is_413_json(
    client: FlaskClient, sign_in_as, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in_as("priya")
    token = csrf_token(client, "/calls/new")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)

    response = client.post(
        "/calls/new",
        data={"csrf_token": token, "recording": (io.BytesIO(bytes(4096)), "big.wav")},
        content_type="multipart/form-data",
        headers=JSON,
    )

    assert response.status_code == 413
    assert "larger than this server accepts" in response.get_json()["error"]


@pytest.mark.parametrize("headers", [JSON, {}], ids=["json", "html"])
def test_memory_error_is_503_with_a_clear_message(
    client: FlaskClient,
    sign_in_as,
    app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    headers: dict[str, str],
) -> None:
    sign_in_as("priya")

    def out_of_memory(_path: Path) -> None:
        raise MemoryError

    monkeypatch.setattr("coach.services.calls.decode_recording", out_of_memory)
    good = bad_audio.tone(tmp_path / "good.wav").read_bytes()

    response = post_upload(client, good, "good.wav", headers)

    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "ran short of memory" in body and "Traceback" not in body
    if headers:
        assert "ran short of memory" in response.get_json()["error"]
    _nothing_kept(app)


def test_three_concurrent_uploads_of_the_same_new_file_all_succeed(
    app: Flask, people, tmp_path: Path
) -> None:
    data = bad_audio.tone(tmp_path / "same.flac", seconds=1.0).read_bytes()
    clients = []
    for key in ("priya", "sam", "jordan"):
        client = app.test_client()
        sign_in(client, people[key])
        clients.append((client, csrf_token(client, "/calls/new")))
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def upload(client: FlaskClient, token: str) -> None:
        form = {
            "csrf_token": token,
            "title": "Same",
            "call_type": "initial",
            "jurisdiction": "US",
            "speakers": "one",
            "consent": "y",
            "recording": (io.BytesIO(data), "same.flac"),
        }
        start.wait()
        response = client.post("/calls/new", data=form, content_type="multipart/form-data")
        statuses.append(response.status_code)

    threads = [threading.Thread(target=upload, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [302, 302, 302]
    stored = [p for p in Path(app.config["COACH"]["RECORDINGS_DIR"]).rglob("*") if p.is_file()]
    assert [p.suffix for p in stored] == [".flac"]
    assert stored[0].read_bytes() == data


def test_concurrent_puts_of_one_file_share_no_partial_name(tmp_path: Path) -> None:
    source = tmp_path / "call.wav"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    store = LocalRecordingStore(tmp_path / "recordings")
    start = threading.Barrier(3)
    hashes: list[str] = []

    def put() -> None:
        start.wait()
        hashes.append(store.put(source, "wav"))

    threads = [threading.Thread(target=put) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(hashes) == 3 and len(set(hashes)) == 1
    files = [p for p in (tmp_path / "recordings").rglob("*") if p.is_file()]
    assert files == [store.path(hashes[0], "wav")]
    assert files[0].read_bytes() == source.read_bytes()
    assert files[0].stat().st_mode & 0o077 == 0


@contextmanager
def _full_disk(folder: Path, size: str) -> Iterator[None]:
    """A small tmpfs mounted over ``folder`` (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                   check=True)  # fmt: skip
    try:
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_disk_full_while_spooling_the_upload_is_507_and_keeps_nothing(
    client: FlaskClient, sign_in_as, app: Flask
) -> None:
    sign_in_as("priya")
    uploads = Path(app.instance_path) / "uploads"
    with _full_disk(uploads, "256k"):
        response = post_upload(client, bytes(1024 * 1024), "call.wav", JSON)
        assert list(uploads.iterdir()) == []

    assert response.status_code == 507
    assert "no room to store this recording" in response.get_json()["error"]
    _nothing_kept(app)


def test_disk_full_while_storing_the_recording_is_507_and_keeps_nothing(
    client: FlaskClient, sign_in_as, app: Flask, tmp_path: Path
) -> None:
    sign_in_as("priya")
    recording = bad_audio.tone(tmp_path / "call.wav", seconds=20.0).read_bytes()
    assert len(recording) > 256 * 1024
    recordings = Path(app.config["COACH"]["RECORDINGS_DIR"])
    with _full_disk(recordings, "64k"):
        response = post_upload(client, recording, "call.wav")
        assert [p for p in recordings.rglob("*") if p.is_file()] == []

    assert response.status_code == 507
    assert "no room to store this recording" in response.get_data(as_text=True)
    _nothing_kept(app)


@pytest.mark.parametrize("extension", ["wav", "opus"])
def test_the_cli_refuses_an_eight_channel_file_in_one_line_without_crashing(
    tmp_path: Path, extension: str
) -> None:
    """A real ``flask coach calls transcribe`` process: it once died of SIGSEGV here."""
    path = bad_audio.many_channels(tmp_path, extension, 8)
    env = {**os.environ, "COACH_INSTANCE_PATH": str(tmp_path / "instance")}
    command = ["coach", "calls", "transcribe", str(path), "--json"]

    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "coach", *command],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip

    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Error: The recording has 8 channels; Coach accepts mono or stereo (one or two "
        "channels). Please export the call as mono or stereo."
    ]


def test_upload_files_orphaned_by_a_killed_process_are_removed(
    client: FlaskClient, sign_in_as, app: Flask, tmp_path: Path
) -> None:
    sign_in_as("priya")
    uploads = Path(app.instance_path) / "uploads"
    uploads.mkdir(exist_ok=True)
    orphan, in_flight = uploads / "tmpdead.upload", uploads / "tmplive.upload"
    orphan.write_bytes(b"left by a SIGKILL")
    in_flight.write_bytes(b"another process is decoding this one")
    two_days_ago = time.time() - 2 * 86400
    os.utime(orphan, (two_days_ago, two_days_ago))

    response = post_upload(client, bad_audio.tone(tmp_path / "call.wav").read_bytes(), "call.wav")

    assert response.status_code == 302
    assert sorted(p.name for p in uploads.iterdir()) == ["tmplive.upload"]
    in_flight.unlink()
