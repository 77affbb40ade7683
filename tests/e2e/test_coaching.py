"""A coach overrides a score with a reason in Chromium, and the trainee, signing in, sees the
overridden score and the reason on the call page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_navigation import sign_in_page
from tests.integration.test_coaching import UNCAPPED, scored_call

pytestmark = pytest.mark.browser


def test_a_coach_overrides_a_score_and_the_trainee_sees_it(
    page: Page, browser: Browser, live_server: str, app: Flask, people
) -> None:
    with app.app_context():
        call_id = scored_call(people["priya"].user_id, name=UNCAPPED)
    coach = people["coach"]
    sign_in_page(page, live_server, coach.email, coach.password)
    page.goto(f"{live_server}/calls/{call_id}")
    panel = page.locator("#coaching")
    panel.get_by_label("Dimension").select_option("tone")
    panel.get_by_label("New score (0 to 100)").fill("55")
    panel.get_by_role("button", name="Override score").click()
    reason = panel.get_by_label("Reason (the trainee reads it)")
    expect(reason).to_have_attribute("aria-invalid", "true")  # nothing stored, and it says why
    expect(reason).to_have_accessible_description(re.compile("Give the reason"))
    panel.get_by_label("Reason (the trainee reads it)").fill("Rushed the close: slow down.")
    panel.get_by_role("button", name="Override score").click()
    expect(page.locator(".flash-success")).to_contain_text("Score overridden")
    expect(page.locator("#overrides")).to_contain_text("100 → 55")

    trainee = people["priya"]
    other = browser.new_context().new_page()
    sign_in_page(other, live_server, trainee.email, trainee.password)
    other.goto(f"{live_server}/calls/{call_id}")
    overrides = other.locator("#overrides")
    expect(overrides).to_contain_text("Tone: 100 → 55")
    expect(overrides).to_contain_text("Rushed the close: slow down.")
    expect(overrides).to_contain_text("by Morgan Coach")
    expect(other.get_by_role("button", name="Acknowledge the score")).to_be_visible()
    other.context.close()
