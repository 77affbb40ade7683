"""A compliance officer reads every call, run and transcript of the organisation, changes
none of them, and sees nothing of another organisation's."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import Call, Job, TranscriptVersion
from tests import records
from tests.helpers import Login, csrf_token, sign_in


def _targets(app: Flask, people: dict[str, Login]) -> dict[str, int]:
    with app.app_context():
        outsider = records.other_organisation_trainee()
        return {
            "call": records.transcribed_call(people["sam"].user_id),
            "run": records.scenario_run(people["priya"].user_id),
            "outsider_call": records.transcribed_call(outsider.user_id),
            "outsider_run": records.scenario_run(outsider.user_id),
        }


def test_an_officer_reads_every_call_run_and_transcript_in_the_organisation(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    made = _targets(app, people)
    sign_in(client, people["compliance"])
    listing = client.get("/calls/").get_data(as_text=True)
    assert f"/calls/{made['call']}" in listing
    assert f"/calls/{made['outsider_call']}" not in listing
    page = client.get(f"/calls/{made['call']}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Hello, this is a practice call." in html
    assert 'id="edit-toggle"' not in html and "Score again" not in html  # read only
    assert "Delete this call" not in html
    assert client.get(f"/calls/{made['call']}/transcript.json").status_code == 200
    assert client.get(f"/calls/{made['call']}/transcript.txt").status_code == 200
    with client.get(f"/calls/{made['call']}/audio") as audio:
        assert audio.status_code == 200
    assert client.get(f"/practice/runs/{made['run']}").status_code == 200
    assert client.get(f"/people/{people['sam'].user_id}").status_code == 200
    for path in (
        f"/calls/{made['outsider_call']}",
        f"/calls/{made['outsider_call']}/transcript.json",
        f"/practice/runs/{made['outsider_run']}",
    ):
        assert client.get(path).status_code == 404, path


def test_an_officer_cannot_edit_rescore_or_delete(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    made = _targets(app, people)
    call_id = made["call"]
    sign_in(client, people["compliance"])
    token = csrf_token(client, f"/calls/{call_id}")
    edit = client.post(
        f"/calls/{call_id}/transcript",
        json={"edits": [{"index": 0, "text": "Something else entirely."}]},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert edit.status_code == 403
    assert "not change" in edit.get_json()["error"]
    rescore = client.post(f"/calls/{call_id}/rescore", data={"csrf_token": token})
    assert rescore.status_code == 302
    assert client.get(f"/calls/{call_id}/delete").status_code == 403
    deleted = client.post(f"/calls/{call_id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 403
    with app.app_context():
        versions = select(func.count()).where(TranscriptVersion.call_id == call_id)
        assert db.session.scalar(versions) == 1
        assert db.session.scalar(select(func.count(Job.id))) == 0  # no scoring queued
        assert db.session.get(Call, call_id) is not None


def test_the_coach_still_edits_their_trainees_transcript(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    made = _targets(app, people)
    sign_in(client, people["coach"])
    html = client.get(f"/calls/{made['call']}").get_data(as_text=True)
    assert 'id="edit-toggle"' in html and "Score again" in html
