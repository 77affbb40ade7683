"""User text is escaped everywhere it is shown, and a file's name never reaches the disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import csrf_token, post_upload, sign_in

TITLE = '<script>alert("title")</script>'
TURN = "<img src=x onerror=alert(2)> I can pay & settle"
FILENAME = "../../<b>evil</b>.flac"


@pytest.mark.usefixtures("fake_models")
def test_titles_filenames_and_transcript_text_are_escaped(
    client: FlaskClient, sign_in_as, app: Flask, people, test_audio
) -> None:
    sign_in_as("priya")
    response = post_upload(client, test_audio.speech.read_bytes(), FILENAME, title=TITLE)
    assert response.status_code == 302
    location = response.headers["Location"]
    call_id = int(location.rstrip("/").split("/")[-1])
    edited = client.post(
        f"/calls/{call_id}/transcript",
        data=json.dumps({"edits": [{"index": 0, "text": TURN}]}),
        headers={"X-CSRFToken": csrf_token(client, location), "Content-Type": "application/json"},
    )
    assert edited.status_code == 200

    coach = app.test_client()
    sign_in(coach, people["coach"])
    pages = {
        "trainee's call page": client.get(location),
        "trainee's call list": client.get("/calls/"),
        "coach's call page": coach.get(location),
        "coach's call list": coach.get("/calls/"),
    }
    for name, page in pages.items():
        html = page.get_data(as_text=True)
        assert page.status_code == 200, name
        assert "<script>alert" not in html and "<img src=x" not in html, name
        assert "&lt;script&gt;alert" in html, name
    call_page = pages["trainee's call page"].get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(2)&gt; I can pay &amp; settle" in call_page

    # The recording is stored under its content hash: nothing of the uploaded name survives.
    stored = [p for p in Path(app.config["COACH"]["RECORDINGS_DIR"]).rglob("*") if p.is_file()]
    assert stored and all("evil" not in str(p) and ".." not in p.name for p in stored)
    download = client.get(f"/calls/{call_id}/transcript.txt")
    assert download.mimetype == "text/plain"
    assert "evil" not in download.headers.get("Content-Disposition", "")
