"""Practice calls end to end through HTTP (inline job runner): the first test with the real
Whisper model, the others, which are about uploads, jobs, edits and access, with fakes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import Call, Job, JobStatus
from tests.helpers import csrf_token, post_upload, wav_with_unknown_codec


def _recordings(app: Flask) -> list[Path]:
    return sorted(Path(app.config["COACH"]["RECORDINGS_DIR"]).rglob("*.*"))


@pytest.mark.ml
def test_uploaded_call_is_transcribed_and_shown(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    sign_in_as("priya")
    response = post_upload(client, test_audio.speech.read_bytes(), "speech.flac")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "a monthly payment that fits your budget" in page.lower()
    call_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    data = client.get(f"/calls/{call_id}/transcript.json").get_json()
    assert data["language"] == "en"
    assert data["duration"] == pytest.approx(test_audio.speech_duration, abs=0.2)
    words = [w for turn in data["turns"] for w in turn["words"]]
    assert all(0 <= w["start"] <= w["end"] <= data["duration"] for w in words)
    assert {turn["speaker"] for turn in data["turns"]} == {"agent"}
    vtt = client.get(f"/calls/{call_id}/transcript.vtt").get_data(as_text=True)
    assert vtt.startswith("WEBVTT") and "<v Agent>" in vtt
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call.job.status == JobStatus.DONE and call.channels == 1
        assert call.channels_mode == "mono1" and call.audio_format.startswith("flac")


@pytest.mark.parametrize(
    ("payload", "name", "message"),
    [
        (b"", "empty.wav", "The file is empty"),
        (b"hello, this is not audio at all\n" * 20, "notes.wav", "not"),
        (b"RIFF", "cut.wav", ""),
        (b"data", "slides.pdf", "Coach accepts"),
        (wav_with_unknown_codec(), "odd-codec.wav", "codec of this file is not supported"),
    ],
)
@pytest.mark.usefixtures("fake_models")
def test_bad_uploads_are_refused_clearly_and_store_nothing(
    client: FlaskClient, sign_in_as, app, payload: bytes, name: str, message: str
) -> None:
    sign_in_as("priya")
    response = post_upload(client, payload, name)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="flash flash-error"' in body and message in body
    assert _recordings(app) == []
    with app.app_context():
        assert db.session.query(Call).count() == 0


@pytest.mark.usefixtures("fake_models")
def test_truncated_recording_is_refused(client: FlaskClient, sign_in_as, app, test_audio) -> None:
    sign_in_as("priya")
    data = test_audio.speech.read_bytes()
    response = post_upload(client, data[: len(data) // 3], "cut.flac")
    assert response.status_code == 422
    assert "truncated" in response.get_data(as_text=True).lower()


@pytest.mark.usefixtures("fake_models")
def test_consent_is_required(client: FlaskClient, sign_in_as, app, test_audio) -> None:
    sign_in_as("priya")
    response = post_upload(client, test_audio.speech.read_bytes(), "k.flac", consent="")
    assert response.status_code == 400
    assert _recordings(app) == []


@pytest.mark.usefixtures("fake_models")
def test_over_size_limit_is_refused(
    client: FlaskClient, sign_in_as, app, monkeypatch: pytest.MonkeyPatch, test_audio
) -> None:
    monkeypatch.setitem(app.config["COACH"], "MAX_UPLOAD_MB", 1)
    sign_in_as("priya")
    recording = test_audio.speech_two_channel.read_bytes()
    assert len(recording) > 1024 * 1024
    response = post_upload(client, recording, "k.wav")
    assert response.status_code == 413
    assert "larger than the 1 MB limit" in response.get_data(as_text=True)


@pytest.mark.usefixtures("fake_models")
def test_silence_only_fails_with_a_clear_message_and_can_be_retried(
    client: FlaskClient, sign_in_as, app, tmp_path: Path
) -> None:
    silence = tmp_path / "silence.wav"
    subprocess.run(
        ["sox", "-n", "-r", "16000", "-c", "1", str(silence), "trim", "0", "3"], check=True
    )
    sign_in_as("priya")
    response = post_upload(client, silence.read_bytes(), "silence.wav")
    location = response.headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "Transcription failed" in page and "No speech was found" in page
    call_id = int(location.rstrip("/").split("/")[-1])
    status = client.get(f"/calls/{call_id}/status.json").get_json()
    assert (status["call_status"], status["job_status"]) == ("failed", "failed")
    assert "No speech" in status["error"]
    token = csrf_token(client, location)
    client.post(f"/calls/{call_id}/retry", data={"csrf_token": token})
    with app.app_context():
        job = db.session.get(Call, call_id).job
        assert job.status == JobStatus.FAILED and job.attempts == 2


@pytest.mark.usefixtures("fake_models")
def test_transcript_edits_are_versioned(client: FlaskClient, sign_in_as, app, test_audio) -> None:
    sign_in_as("priya")
    location = post_upload(client, test_audio.speech.read_bytes(), "k.flac").headers["Location"]
    call_id = int(location.rstrip("/").split("/")[-1])
    token = csrf_token(client, location)
    response = client.post(
        f"/calls/{call_id}/transcript",
        data=json.dumps(
            {"edits": [{"index": 0, "speaker": "debtor", "text": "Good afternoon to you."}]}
        ),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert response.status_code == 200 and response.get_json()["version"] == 2
    latest = client.get(f"/calls/{call_id}/transcript.json").get_json()
    assert latest["turns"][0]["speaker"] == "debtor"
    assert latest["turns"][0]["text"] == "Good afternoon to you."
    bad = client.post(
        f"/calls/{call_id}/transcript",
        data=json.dumps({"edits": [{"index": 99}]}),
        headers={"X-CSRFToken": token, "Content-Type": "application/json"},
    )
    assert bad.status_code == 400 and "no turn 99" in bad.get_json()["error"]
    no_csrf = client.post(f"/calls/{call_id}/transcript", json={"edits": []})
    assert no_csrf.status_code == 400


@pytest.mark.usefixtures("fake_models")
def test_calls_are_private_to_owner_coach_compliance_and_admin(
    client: FlaskClient, sign_in_as, app, people, test_audio
) -> None:
    """A peer cannot even find the call; the coach, the compliance officer (read only: an
    edit is refused) and an administrator can open it."""
    from tests.helpers import sign_in

    sign_in_as("priya")
    location = post_upload(client, test_audio.speech.read_bytes(), "k.flac").headers["Location"]
    for who, expected in [("sam", 404), ("compliance", 200), ("coach", 200), ("admin", 200)]:
        other = app.test_client()
        sign_in(other, people[who])
        assert other.get(location).status_code == expected, who
        assert other.get(location + "/transcript.json").status_code == expected, who
    reader = app.test_client()
    sign_in(reader, people["compliance"])
    edit = reader.post(
        location + "/transcript",
        json={"edits": [{"turn": 0, "text": "Changed"}]},
        headers={"X-CSRFToken": csrf_token(reader, location)},
    )
    assert edit.status_code == 403


@pytest.mark.usefixtures("fake_models")
def test_a_sweep_requeues_jobs_left_running_without_a_lease(app: Flask, people) -> None:
    from coach.jobs import job_queue

    with app.app_context():
        job = Job(
            kind="transcribe_call",
            payload={"call_id": 999_999},
            status=JobStatus.RUNNING,
            attempts=1,
        )
        db.session.add(job)
        db.session.commit()
        job_queue().sweep()  # the inline runner runs what the sweep queued again, at once
        db.session.refresh(job)
        assert job.status == JobStatus.FAILED and job.attempts == 2 and job.interruptions == 1
        assert "no longer exists" in job.error


@pytest.mark.usefixtures("fake_models")
def test_two_identical_channels_are_one_speaker_not_stereo(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    """One voice stored on both channels must not become an agent/debtor split."""
    sign_in_as("priya")
    response = post_upload(client, test_audio.speech_two_channel.read_bytes(), "k.wav")
    call_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert (call.channels, call.channels_mode) == (2, "mono1")
