"""A New call form refused for one of its fields keeps the chosen recording server-side, so
the corrected form needs no second upload; only its uploader, in their session, can use it."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import Call, User
from coach.services import kept_uploads
from tests.helpers import csrf_token, sign_in

pytestmark = pytest.mark.usefixtures("fake_models")


def _form(client: FlaskClient, **fields: object) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": csrf_token(client, "/calls/new"),
        "title": "Kept",
        "call_type": "initial",
        "jurisdiction": "US",
        "speakers": "one",
    }
    form.update(fields)
    return form


def _token(page: str) -> str:
    match = re.search(r'name="kept_upload" value="([^"]+)"', page)
    assert match, "no kept recording on the page"
    return match.group(1)


@pytest.fixture(autouse=True)
def _no_kept_files_yet(app: Flask) -> None:
    """Other tests' refused forms leave their own kept recordings in the shared instance."""
    shutil.rmtree(Path(app.instance_path) / "kept-uploads", ignore_errors=True)


def _kept_files(app: Flask) -> list[Path]:
    return sorted((Path(app.instance_path) / "kept-uploads").glob("*.kept"))


def test_a_refused_form_keeps_the_recording_for_the_corrected_one(
    client: FlaskClient, sign_in_as, app: Flask, test_audio
) -> None:
    sign_in_as("priya")
    data = test_audio.speech.read_bytes()
    refused = client.post(
        "/calls/new",
        data=_form(client, recording=(io.BytesIO(data), "speech.flac")),  # no consent
        content_type="multipart/form-data",
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Your recording <strong>speech.flac</strong>" in page and "is kept" in page
    assert len(_kept_files(app)) == 1 and _kept_files(app)[0].read_bytes() == data
    assert oct(_kept_files(app)[0].stat().st_mode & 0o777) == "0o600"

    again = client.post(  # still no consent, no new file: still kept, nothing made
        "/calls/new",
        data=_form(client, kept_upload=_token(page)),
        content_type="multipart/form-data",
    )
    assert again.status_code == 400 and _token(again.get_data(as_text=True)) == _token(page)

    accepted = client.post(
        "/calls/new",
        data=_form(client, kept_upload=_token(page), consent="y"),
        content_type="multipart/form-data",
    )
    assert accepted.status_code == 302, accepted.get_data(as_text=True)
    with app.app_context():
        call = db.session.query(Call).one()
        assert call.title == "Kept" and call.size_bytes == len(data)
    assert _kept_files(app) == []  # used once, then gone


def test_another_users_token_cannot_be_used(
    app: Flask, client: FlaskClient, people, test_audio
) -> None:
    sign_in(client, people["priya"])
    refused = client.post(
        "/calls/new",
        data=_form(client, recording=(io.BytesIO(test_audio.speech.read_bytes()), "mine.flac")),
        content_type="multipart/form-data",
    )
    token = _token(refused.get_data(as_text=True))

    other = app.test_client()
    sign_in(other, people["sam"])
    response = other.post(
        "/calls/new",
        data=_form(other, kept_upload=token, consent="y"),
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "no longer available" in page and "mine.flac" not in page
    with app.app_context():
        assert db.session.query(Call).count() == 0
        # nor through the service, whatever the session says
        sam = db.session.get(User, people["sam"].user_id)
        priya = db.session.get(User, people["priya"].user_id)
        with app.test_request_context():
            assert kept_uploads.find(sam, token) is None
            assert kept_uploads.find(priya, token) is not None
            assert kept_uploads.find(priya, "../../secret_key") is None
    assert len(_kept_files(app)) == 1  # still priya's
