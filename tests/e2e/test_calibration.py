"""A compliance officer runs a calibration round in Chromium: starts it from the menu, labels
each sampled call blind (one of them by keyboard alone), sees Coach's answers only after
saving, closes the round and reads the verdict per criterion."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.compliance_records import THREAT, scored_call
from tests.e2e.test_navigation import sign_in_page
from tests.helpers import Login

pytestmark = pytest.mark.browser


def test_a_compliance_officer_runs_a_calibration(
    page: Page, live_server: str, app: Flask, people: dict[str, Login]
) -> None:
    with app.app_context():
        for i in range(3):
            scored_call(people["priya"].user_id, [THREAT] if i else [], {"tone": 70})
    officer = people["compliance"]
    sign_in_page(page, live_server, officer.email, officer.password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compliance").click()
    page.get_by_role("navigation", name="Compliance pages").get_by_role(
        "link", name="Calibration"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calibration")
    page.get_by_label("Calls to sample").fill("3")
    page.get_by_label("Tone", exact=True).check()
    page.get_by_label(re.compile(f"^{THREAT}: ")).check()
    page.get_by_role("button", name="Start the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Calibration round"))
    expect(page.locator("#progress-text")).to_have_text("0 of 3 calls labelled")

    page.get_by_role("link", name="Label the next call").click()
    for number in range(1, 4):
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Call {number} of 3")
        expect(page.locator("#transcript")).to_contain_text("Hello, this is a practice call.")
        expect(page.locator("#comparison")).to_have_count(0)  # blind until saved
        tone = page.get_by_role("group", name="Tone")
        rule = page.get_by_role("group", name=re.compile(THREAT))
        if number == 1:  # keyboard only: focus a radio, move with the arrows, save with Enter
            tone.get_by_role("radio", name="1: Poor").focus()
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            page.keyboard.press("ArrowDown")
            expect(tone.get_by_role("radio", name="4: Good")).to_be_checked()
            rule.get_by_role("radio", name="Breached", exact=True).focus()
            page.keyboard.press("Space")
            page.keyboard.press("Enter")
        else:
            tone.get_by_role("radio", name="4: Good").check()
            rule.get_by_role("radio", name="Breached", exact=True).check()
            page.get_by_role("button", name="Save labels").click()
        comparison = page.locator("#comparison")
        expect(comparison).to_be_visible()
        expect(comparison.get_by_role("row", name=re.compile("^Tone"))).to_contain_text("4")
        if number < 3:
            page.get_by_role("link", name="Label the next call").click()
    expect(page.locator("#all-labelled")).to_be_visible()

    page.get_by_role("link", name=re.compile(r"← Round")).click()
    expect(page.locator("#progress-text")).to_have_text("3 of 3 calls labelled")
    page.get_by_role("button", name="Close the round").click()
    expect(page.locator(".flash-success")).to_contain_text("Round closed")
    report = page.locator("#report-table")
    expect(report.get_by_role("row", name=re.compile("^Tone"))).to_contain_text("100%")
    expect(report.get_by_role("row", name=re.compile("^Tone"))).to_contain_text("too few labels")
    expect(page.get_by_role("button", name="Close the round")).to_have_count(0)
