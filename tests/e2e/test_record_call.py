"""A trainee records a call through Chromium's fake microphone; Whisper transcribes it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coach.extensions import db
from coach.models import Call
from tests.e2e.test_navigation import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.ml]


def test_record_upload_and_read_the_transcript(page: Page, live_server: str, app, people) -> None:
    sign_in_page(page, live_server, people["priya"].email, people["priya"].password)
    page.goto(f"{live_server}/calls/new")
    page.get_by_label("Title").fill("Browser recording")
    page.get_by_role("button", name="Start recording").click()
    expect(page.locator("#record-state")).to_have_text("Recording…")
    page.wait_for_timeout(12_000)  # the fake microphone plays about 10.5 s of speech once
    page.get_by_role("button", name="Stop").click()
    expect(page.locator("#record-state")).to_contain_text("Recorded")
    page.get_by_label("Only me (the agent)").check()
    page.get_by_label("Everyone on this recording agreed to be recorded").check()
    page.get_by_role("button", name="Upload and transcribe").click()
    expect(page).to_have_url(re.compile(r"/calls/\d+$"), timeout=90_000)
    expect(page.locator("#transcript")).to_contain_text("budget", timeout=90_000)
    call_id = int(page.url.rsplit("/", 1)[1])
    with app.app_context():
        call = db.session.get(Call, call_id)
        assert call.source == "browser" and call.recording_ext == "webm"
        assert call.duration > 9  # the server decoded real audio, not a silent stub


def test_upload_without_consent_shows_the_error(
    page: Page, live_server: str, app, people, test_audio
) -> None:
    sign_in_page(page, live_server, people["sam"].email, people["sam"].password)
    page.goto(f"{live_server}/calls/new")
    page.set_input_files("input[type=file]", str(test_audio.speech))
    page.get_by_role("button", name="Upload and transcribe").click()
    expect(page.locator(".field.has-error")).to_contain_text("This field is required")
    with app.app_context():
        assert db.session.query(Call).count() == 0


@pytest.mark.parametrize(
    ("extra_flags", "message"),
    [
        ([], "No microphone was found"),
        (
            ["--use-fake-device-for-media-stream", "--deny-permission-prompts"],
            "Microphone access was refused",
        ),
    ],
    ids=["missing", "refused"],
)
def test_microphone_problems_are_explained(
    browser_type, live_server: str, app, people, extra_flags: list[str], message: str
) -> None:
    """A missing or refused microphone gets a plain message, and the page stays usable."""
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS

    browser = browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS + extra_flags)
    try:
        page = browser.new_page()
        sign_in_page(page, live_server, people["sam"].email, people["sam"].password)
        page.goto(f"{live_server}/calls/new")
        page.get_by_role("button", name="Start recording").click()
        expect(page.locator("#form-error")).to_contain_text(message)
        expect(page.locator("#record-state")).to_have_text("Not recording.")
        expect(page.get_by_role("button", name="Upload and transcribe")).to_be_enabled()
    finally:
        browser.close()
