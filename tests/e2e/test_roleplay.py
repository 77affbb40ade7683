"""A trainee plays role-play scenarios in Chromium: once typing, once speaking through the fake
microphone; the debtor's voice loads, and the debrief explains the ending."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from coach.extensions import db
from coach.models import ScenarioRun
from tests.e2e.test_navigation import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.ml]

OPENING_REPLY = (
    "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Daniel Reyes? "
    "Could you confirm your date of birth?"
)
THREAT = "If you don't pay today we'll have you arrested."
AUDIO_LOADED = "() => document.getElementById('debtor-audio').readyState >= 2"


def open_scenario(page: Page, live_server: str, title: str) -> None:
    """From the library to a started call, as a trainee clicks through."""
    page.goto(f"{live_server}/practice/")
    page.get_by_role("link", name=title).click()
    expect(page.locator("#case-file")).to_be_visible()
    page.get_by_role("button", name="Start the call").click()
    expect(page).to_have_url(re.compile(r"/practice/runs/\d+$"))


def test_play_by_typing_to_the_debrief(page: Page, live_server: str, app, people) -> None:
    sign_in_page(page, live_server, people["priya"].email, people["priya"].password)
    open_scenario(page, live_server, "First contact: verify, disclose, agree a first payment")
    lines = page.locator("#conversation > li")
    expect(lines).to_have_count(1)
    page.get_by_label("Your reply").fill(OPENING_REPLY)
    page.get_by_role("button", name="Send").click()
    expect(lines).to_have_count(3, timeout=30_000)
    expect(lines.nth(1)).to_contain_text("Daniel Reyes")
    page.wait_for_function(AUDIO_LOADED, timeout=30_000)  # the debtor's line, spoken by Piper
    assert "/voice/1/0.wav" in page.locator("#debtor-audio").get_attribute("src")
    page.get_by_label("Your reply").fill(THREAT)
    page.keyboard.press("Enter")
    expect(page.locator("#call-ended")).to_contain_text("breach", timeout=30_000)
    expect(page.locator("#reply-form")).to_be_hidden()
    page.get_by_role("link", name="Read the debrief").click()
    expect(page.locator("#outcome")).to_contain_text("Objective missed.")
    expect(page.locator("#findings")).to_contain_text("US-FDCPA-1692e4-THREAT-ARREST")
    expect(page.locator("#meter-chart svg")).to_be_visible()
    expect(page.locator("#practise-next li").first).to_be_visible()


def test_play_by_speaking(page: Page, live_server: str, app, people) -> None:
    sign_in_page(page, live_server, people["priya"].email, people["priya"].password)
    open_scenario(page, live_server, "Made redundant: forbearance and an affordable plan")
    page.get_by_role("button", name="Speak").click()
    expect(page.locator("#speak-state")).to_contain_text("Recording")
    page.wait_for_timeout(12_000)  # the fake microphone plays about 10.5 s of speech once
    page.get_by_role("button", name="Stop and send").click()
    expect(page.locator("#heard")).to_contain_text("budget", timeout=60_000)
    lines = page.locator("#conversation > li")
    expect(lines).to_have_count(3)
    expect(lines.nth(1)).to_contain_text("(spoken, as heard)")
    page.wait_for_function(AUDIO_LOADED, timeout=30_000)
    run_id = int(page.url.rsplit("/", 1)[1])
    with app.app_context():
        [turn] = db.session.get(ScenarioRun, run_id).turns
        assert turn.spoken and "budget" in turn.trainee.lower()
