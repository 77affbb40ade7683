"""Personal data: redaction on storage and export, owner-only files, retention, deleting a
call, a person's own export and erasure (fake models: these are about the data, not ASR)."""

from __future__ import annotations

import io
import json
import stat
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from coach import create_app
from coach.extensions import db
from coach.models import (
    Activity,
    AuditEntry,
    Call,
    CallScore,
    FlaggedMoment,
    Job,
    JobKind,
    RuleBreach,
    SkillObservationRow,
    SkillProfile,
    TranscriptVersion,
    User,
)
from coach.models._columns import utcnow
from coach.services.calls import store
from coach.services.retention import apply_retention
from tests.helpers import csrf_token, post_upload, sign_in, uploaded_call_id

pytestmark = pytest.mark.usefixtures("fake_models")

CARD_SPEECH = (
    "My card number is 4532 0151 1283 0366, it expires 04/27 and the security code is 852."
)
CARD_DIGITS = ("4532", "0151", "1283", "0366", "852")


def _upload(client: FlaskClient, audio: Path, title: str = "Payment call") -> int:
    response = post_upload(client, audio.read_bytes(), "call.flac", title=title, jurisdiction="UK")
    return uploaded_call_id(response)


def _edit(client: FlaskClient, call_id: int, text: str) -> None:
    response = client.post(
        f"/calls/{call_id}/transcript",
        data=json.dumps({"edits": [{"index": 0, "text": text}]}),
        headers={
            "X-CSRFToken": csrf_token(client, f"/calls/{call_id}"),
            "Content-Type": "application/json",
        },
    )
    assert response.status_code == 200


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _recording_path(app: Flask, call_id: int) -> Path:
    with app.app_context():
        call = db.session.get(Call, call_id)
        return store().path(call.recording_sha256, call.recording_ext)


def test_typed_card_details_are_stored_shown_and_exported_redacted(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    sign_in_as("priya")
    call_id = _upload(client, test_audio.speech)
    _edit(client, call_id, CARD_SPEECH)
    exports = [
        client.get(f"/calls/{call_id}").get_data(as_text=True),
        client.get(f"/calls/{call_id}/transcript.json").get_data(as_text=True),
        client.get(f"/calls/{call_id}/transcript.txt").get_data(as_text=True),
        client.get(f"/calls/{call_id}/transcript.vtt").get_data(as_text=True),
    ]
    with app.app_context():
        versions = select(TranscriptVersion).order_by(TranscriptVersion.version)
        stored = [json.dumps(v.data) for v in db.session.scalars(versions)]
        scores = [json.dumps(s.data) for s in db.session.scalars(select(CallScore))]
    assert len(stored) == 2 and len(scores) == 2  # the ASR version, the edit, a score of each
    for text in exports + stored + scores:
        assert not any(group in text for group in CARD_DIGITS)
    assert "[card number redacted]" in stored[1] and "[security code redacted]" in stored[1]
    assert "[expiry date redacted]" in exports[2]
    assert "[card number redacted]" in exports[0]  # reviewers see what was removed


def test_redact_existing_rewrites_rows_stored_before_redaction(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    sign_in_as("priya")
    call_id = _upload(client, test_audio.speech)
    with app.app_context():  # as an older version of Coach stored them: verbatim
        version = db.session.scalars(select(TranscriptVersion)).one()
        turn = {**version.data["turns"][0], "text": CARD_SPEECH, "words": []}
        version.data = {**version.data, "turns": [turn]}
        score = db.session.scalars(select(CallScore)).one()
        score.data = {**score.data, "findings": [{"quote": CARD_SPEECH, "turn": 0}]}
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["coach", "privacy", "redact-existing"])
    assert result.exit_code == 0, result.output
    assert "Transcript versions: 1 of 1 redacted; scorecards: 1 of 1 redacted." in result.output
    again = app.test_cli_runner().invoke(args=["coach", "privacy", "redact-existing"])
    assert "Transcript versions: 0 of 1 redacted; scorecards: 0 of 1 redacted." in again.output
    with app.app_context():
        stored = json.dumps(
            db.session.get(Call, call_id)
            and [v.data for v in db.session.scalars(select(TranscriptVersion))]
            + [s.data for s in db.session.scalars(select(CallScore))]
        )
    assert not any(group in stored for group in CARD_DIGITS)
    assert stored.count("[card number redacted]") == 2


def test_instance_database_and_recordings_are_owner_only(
    client: FlaskClient, sign_in_as, app, test_audio, backend: str
) -> None:
    sign_in_as("priya")
    call_id = _upload(client, test_audio.speech)
    recording = _recording_path(app, call_id)
    assert _mode(Path(app.instance_path)) == 0o700
    assert _mode(Path(app.config["COACH"]["RECORDINGS_DIR"])) == 0o700
    assert _mode(recording.parent) == 0o700 and _mode(recording) == 0o600
    if backend == "sqlite":
        assert _mode(Path(app.instance_path) / "coach.sqlite3") == 0o600


def test_files_left_readable_by_an_older_version_are_closed_at_start(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    (instance / "recordings").mkdir(parents=True)
    database = instance / "coach.sqlite3"
    database.write_bytes(b"")
    for path, mode in ((instance, 0o755), (instance / "recordings", 0o755), (database, 0o644)):
        path.chmod(mode)
    create_app({"INSTANCE_PATH": instance, "JOB_RUNNER": "inline"})
    assert [_mode(instance), _mode(instance / "recordings"), _mode(database)] == [
        0o700,
        0o700,
        0o600,
    ]
    secret = instance / "secret_key"
    assert _mode(secret) == 0o600


def _age(app: Flask, call_id: int, days: int) -> None:
    with app.app_context():
        db.session.get(Call, call_id).created_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_retention_deletes_old_recordings_and_keeps_scores(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    sign_in_as("priya")
    old, recent = _upload(client, test_audio.speech), _upload(client, test_audio.call_mono)
    _age(app, old, app.config["COACH"]["RETENTION_DAYS"] + 1)
    old_path, recent_path = _recording_path(app, old), _recording_path(app, recent)
    result = app.test_cli_runner().invoke(args=["coach", "retention", "apply"])
    assert result.exit_code == 0 and "Deleted the recordings of 1 call(s)" in result.output
    assert not old_path.exists() and recent_path.exists()
    with app.app_context():
        call = db.session.get(Call, old)
        assert call.recording_deleted_at is not None
        kept = db.session.scalars(select(CallScore).where(CallScore.call_id == old)).all()
        assert len(kept) == 1 and db.session.get(Call, recent).recording_deleted_at is None
        day = call.recording_deleted_at.strftime("%Y-%m-%d")
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.target_id == old)).all()
        assert "recording_expired" in [entry.action for entry in audit]
    page = client.get(f"/calls/{old}").get_data(as_text=True)
    assert f"The recording was deleted on {day}" in page and "Scorecard" in page
    assert client.get(f"/calls/{old}/audio").status_code == 404
    with app.app_context():
        assert apply_retention() == []  # nothing twice


def test_retention_keeps_a_file_another_call_still_keeps(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    sign_in_as("priya")
    old, same_bytes = _upload(client, test_audio.speech), _upload(client, test_audio.speech)
    _age(app, old, app.config["COACH"]["RETENTION_DAYS"] + 1)
    with app.app_context():
        assert apply_retention() == [old]
    assert _recording_path(app, same_bytes).exists()
    with client.get(f"/calls/{same_bytes}/audio") as audio:
        assert audio.status_code == 200
    assert client.get(f"/calls/{old}/audio").status_code == 404


def test_retention_runs_as_a_job_of_the_queue(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    sign_in_as("priya")
    old = _upload(client, test_audio.speech)
    _age(app, old, app.config["COACH"]["RETENTION_DAYS"] + 1)
    with app.app_context():
        job = app.extensions["coach.jobs"].enqueue(JobKind.RETENTION, {})
        assert db.session.get(Job, job.id).status.value == "done"
        assert db.session.get(Call, old).recording_deleted_at is not None


def test_retention_is_queued_periodically(
    client: FlaskClient, sign_in_as, app: Flask, test_audio
) -> None:
    from coach.jobs.periodic import Periodic

    sign_in_as("priya")
    old = _upload(client, test_audio.speech)
    _age(app, old, app.config["COACH"]["RETENTION_DAYS"] + 1)
    schedule = Periodic(app, JobKind.RETENTION, 0.05)
    try:
        for _ in range(200):
            with app.app_context():
                if db.session.get(Call, old).recording_deleted_at is not None:
                    break
            time.sleep(0.05)
    finally:
        schedule.stop()
    with app.app_context():
        jobs = db.session.scalars(select(Job).where(Job.kind == JobKind.RETENTION)).all()
        assert jobs and {job.status.value for job in jobs} == {"done"}
        assert db.session.get(Call, old).recording_deleted_at is not None


def test_owner_deletes_a_call_with_everything_made_from_it(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    priya = sign_in_as("priya")
    call_id = _upload(client, test_audio.speech, title="Payment call with Mrs Example")
    recording = _recording_path(app, call_id)
    assert "Mrs Example" in client.get("/").get_data(as_text=True)  # recent practice
    with app.app_context():  # what its scoring fed the skill model and the reports
        assert db.session.scalars(select(Activity)).one().source_id == call_id
        assert db.session.scalars(select(SkillObservationRow)).all() != []
        assert db.session.scalars(select(SkillProfile)).all() != []
    assert 'id="delete-call"' in client.get(f"/calls/{call_id}").get_data(as_text=True)
    page = client.get(f"/calls/{call_id}/delete")
    assert page.status_code == 200 and "for good" in page.get_data(as_text=True)
    refused = client.post(f"/calls/{call_id}/delete", data={})  # no CSRF token: nothing happens
    assert refused.status_code == 400 and recording.exists()
    token = csrf_token(client, f"/calls/{call_id}/delete")
    done = client.post(f"/calls/{call_id}/delete", data={"csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/calls/")
    assert not recording.exists()
    assert client.get(f"/calls/{call_id}").status_code == 404
    with app.app_context():
        assert db.session.get(Call, call_id) is None
        assert db.session.scalars(select(TranscriptVersion)).all() == []
        assert db.session.scalars(select(CallScore)).all() == []
        assert db.session.scalars(select(Job)).all() == []
        for made_from_it in (Activity, SkillObservationRow, RuleBreach, FlaggedMoment):
            assert db.session.scalars(select(made_from_it)).all() == []
        # the cached profile no longer counts the call's evidence
        assert (
            db.session.scalars(
                select(SkillProfile).where(SkillProfile.person_id == priya.user_id)
            ).all()
            == []
        )
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "call_deleted")
        ).one()
        assert (entry.target_id, entry.detail) == (call_id, {"by": "owner"})
    assert "Mrs Example" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("who", "status"), [("coach", 403), ("jordan", 404), ("compliance", 403)])
def test_only_the_owner_or_an_admin_may_delete_a_call(
    client: FlaskClient, sign_in_as, people, app, test_audio, who: str, status: int
) -> None:
    sign_in_as("priya")
    call_id = _upload(client, test_audio.speech)
    other = app.test_client()
    sign_in(other, people[who])
    assert other.get(f"/calls/{call_id}/delete").status_code == status
    if who == "coach":  # sees the call, and no way to delete it
        assert 'id="delete-call"' not in other.get(f"/calls/{call_id}").get_data(as_text=True)
        token = csrf_token(other, f"/calls/{call_id}")
        refused = other.post(f"/calls/{call_id}/delete", data={"csrf_token": token})
        assert refused.status_code == 403
    admin = app.test_client()
    sign_in(admin, people["admin"])
    token = csrf_token(admin, f"/calls/{call_id}/delete")
    assert admin.post(f"/calls/{call_id}/delete", data={"csrf_token": token}).status_code == 302
    with app.app_context():
        assert db.session.get(Call, call_id) is None
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "call_deleted")
        ).one()
        assert entry.detail == {"by": "admin"} and entry.actor_id == people["admin"].user_id


def test_my_data_export_holds_everything_about_me(
    client: FlaskClient, sign_in_as, app, test_audio
) -> None:
    me = sign_in_as("priya")
    call_id = _upload(client, test_audio.speech)
    _edit(client, call_id, "I can pay fifty pounds a month.")
    start = csrf_token(client, "/practice/scenarios/us-first-contact")
    client.post("/practice/scenarios/us-first-contact/start", data={"csrf_token": start})
    token = csrf_token(client, "/my-data/")
    with client.post("/my-data/export", data={"csrf_token": token}) as response:
        assert response.status_code == 200 and response.mimetype == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = set(archive.namelist())
    assert {
        "profile.json",
        "calls.json",
        "roleplay-runs.json",
        "activity.json",
        f"calls/{call_id}/transcript-v1.json",
        f"calls/{call_id}/transcript-v2.json",
        f"calls/{call_id}/scorecard-1.json",
        f"calls/{call_id}/scorecard-2.json",
        f"calls/{call_id}/recording.flac",
    } == names
    assert json.loads(archive.read("profile.json"))["email"] == me.email
    assert json.loads(archive.read("calls.json"))[0]["id"] == call_id
    [run] = json.loads(archive.read("roleplay-runs.json"))
    assert run["scenario"]["id"] == "us-first-contact" and run["opening"]
    assert archive.read(f"calls/{call_id}/recording.flac") == test_audio.speech.read_bytes()
    edited = json.loads(archive.read(f"calls/{call_id}/transcript-v2.json"))
    assert edited["turns"][0]["text"] == "I can pay fifty pounds a month."


def test_my_data_export_needs_csrf(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("priya")
    assert client.post("/my-data/export", data={}).status_code == 400


def test_deleting_all_my_calls_leaves_others_calls(
    client: FlaskClient, sign_in_as, people, app, test_audio
) -> None:
    sign_in_as("priya")
    mine = _upload(client, test_audio.speech)
    other = app.test_client()
    sign_in(other, people["sam"])
    theirs = _upload(other, test_audio.call_mono)
    token = csrf_token(client, "/my-data/delete-calls")
    response = client.post("/my-data/delete-calls", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Call, mine) is None and db.session.get(Call, theirs) is not None
    assert _recording_path(app, theirs).exists()


def test_deleting_my_account_erases_me_and_keeps_an_anonymous_audit(
    client: FlaskClient, sign_in_as, people, app, test_audio
) -> None:
    me = sign_in_as("priya")
    call_id = _upload(client, test_audio.speech)
    token = csrf_token(client, "/my-data/delete-account")
    response = client.post("/my-data/delete-account", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get("/my-data/").status_code == 302  # signed out
    again = app.test_client()
    page = again.post(
        "/login",
        data={
            "email": me.email,
            "password": me.password,
            "csrf_token": csrf_token(again, "/login"),
        },
    )
    assert page.status_code != 302  # cannot sign in any more
    with app.app_context():
        user = db.session.get(User, me.user_id)
        assert (user.name, user.active) == ("Deleted user", False)
        assert me.email not in user.email
        assert db.session.get(Call, call_id) is None
        actions = [
            e.action for e in db.session.scalars(select(AuditEntry)) if e.actor_id == me.user_id
        ]
        assert "call_uploaded" in actions and "account_deleted" in actions
        details = json.dumps([e.detail for e in db.session.scalars(select(AuditEntry))])
        assert me.email not in details and "Priya" not in details


def test_an_admin_cannot_delete_their_own_account_by_a_click(
    client: FlaskClient, sign_in_as, app
) -> None:
    me = sign_in_as("admin")
    token = csrf_token(client, "/my-data/delete-account")
    response = client.post("/my-data/delete-account", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/my-data/")
    with app.app_context():
        assert db.session.get(User, me.user_id).active


def test_sql_values_never_reach_the_logs(
    client: FlaskClient, sign_in_as, app, test_audio, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    # The app holds SQL logging at WARNING whatever the root level is...
    assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() == logging.WARNING
    # ...and even if an operator turns it on, the values stay out.
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    try:
        sign_in_as("priya")
        call_id = _upload(client, test_audio.speech, title="Mrs Fairweather hardship")
        _edit(client, call_id, "Mrs Fairweather lost her job.")
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    assert "INSERT INTO calls" in caplog.text  # SQL was logged, its values were not
    assert "Fairweather" not in caplog.text
