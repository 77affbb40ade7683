"""A trainee signs in after scored calls and sees their skill radar against target, the
calls in their recent activity, and a recommendation that says which rule they broke."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.test_navigation import sign_in_page
from tests.integration.test_coaching import scored_call

pytestmark = pytest.mark.browser


def test_a_trainee_sees_the_radar_and_a_recommendation_after_scored_calls(
    page: Page, live_server: str, app: Flask, people
) -> None:
    trainee = people["priya"]
    with app.app_context():
        for _ in range(3):
            scored_call(trainee.user_id)
    sign_in_page(page, live_server, trainee.email, trainee.password)

    radar = page.get_by_role("img", name="Priya Trainee: skills against target")
    expect(radar).to_be_visible()
    skills = page.get_by_role("region", name="Your skills, gaps and trends")
    expect(skills).to_contain_text("Compliance on the call")

    advice = page.locator("#next-card li").first
    expect(advice).to_contain_text("in 3 of your last 3 calls")
    advice.get_by_role("link").click()  # the rehearsal's brief, one click away
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/practice/" in page.url

    page.goto(live_server + "/")
    expect(page.locator("#activity-card tbody tr")).to_have_count(3)
