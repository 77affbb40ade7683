"""A trainee sits a certification in Chromium: answers saved as given (one of them by keyboard
alone), the attempt submitted, passed, and the public verification page confirms it; and a
page left open until the time runs out submits itself."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, Route, expect

from coach.extensions import db
from coach.models import QuizAttempt
from coach.models._columns import utcnow
from coach.quizzes.assembly import PaperItem
from coach.services import certification
from tests.e2e.test_navigation import sign_in_page

pytestmark = pytest.mark.browser

PROGRAM = "UK collector foundation (CONC 7 and vulnerable customers)"


def start_attempt(page: Page, live_server: str) -> int:
    page.goto(f"{live_server}/certification/")
    page.get_by_role("link", name=PROGRAM).click()
    page.get_by_role("button", name="Start the attempt").click()
    expect(page).to_have_url(re.compile(r"/certification/attempts/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def paper_items(app: Flask, attempt_id: int) -> tuple[PaperItem, ...]:
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt is not None
        return certification.paper_of(attempt).items


def answer(page: Page, item: PaperItem) -> None:
    """Gives the right answer to one question as a trainee would, and waits for the save."""
    box = page.locator(f"#question-{item.number}")
    key = item.question.key()
    if item.question.pick == "order":
        for position, step in enumerate(key, start=1):
            box.locator(f"#q{item.number}-{step}").select_option(str(position))
    else:
        for choice in key:
            box.locator(f'input[value="{choice}"]').check()
    expect(page.locator(f"#saved-{item.number}")).to_have_text("Saved.", timeout=15_000)


def answer_by_keyboard(page: Page, item: PaperItem) -> None:
    """A single-choice question answered with Tab and arrow keys only."""
    radios = page.locator(f'#question-{item.number} input[type="radio"]')
    radios.first.focus()
    target = item.question.key()[0]
    values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
    if values[0] == target:
        page.keyboard.press("Space")
    for _ in range(values.index(target)):
        page.keyboard.press("ArrowDown")  # moves the selection, as screen readers announce it
    expect(page.locator(f"#saved-{item.number}")).to_have_text("Saved.", timeout=15_000)


def test_a_trainee_passes_and_the_verification_page_confirms_it(
    page: Page, live_server: str, app: Flask, people
) -> None:
    sign_in_page(page, live_server, people["priya"].email, people["priya"].password)
    attempt_id = start_attempt(page, live_server)
    expect(page.get_by_role("timer")).to_contain_text("min")
    items = paper_items(app, attempt_id)
    by_keyboard = next(i for i in items if i.question.pick == "one" and i.question.shuffles)
    answer_by_keyboard(page, by_keyboard)
    for item in items:
        if item is not by_keyboard:
            answer(page, item)
    page.wait_for_load_state("networkidle")
    page.reload()  # every answer was saved on the server as it was given
    chosen = page.locator(f'#question-{by_keyboard.number} input[type="radio"]:checked')
    expect(chosen).to_have_attribute("value", by_keyboard.question.key()[0])
    page.get_by_role("button", name="Submit the attempt").click()
    expect(page.locator("#outcome")).to_contain_text("Passed: 100.0%")
    expect(page.locator("#review .review-item").first).to_be_visible()
    verify = page.locator("#verify-link")
    href = verify.get_attribute("href")
    assert href and href.startswith("/verify/")
    page.context.clear_cookies()  # the verification page needs no sign-in
    page.goto(f"{live_server}{href}")
    expect(page.locator("#holder")).to_have_text(re.compile("Priya"))
    expect(page.locator("#status")).to_contain_text("valid")
    expect(page.locator("#program")).to_have_text(PROGRAM)


def test_a_page_left_open_submits_itself_when_the_time_runs_out(
    page: Page, live_server: str, app: Flask, people
) -> None:
    sign_in_page(page, live_server, people["priya"].email, people["priya"].password)
    attempt_id = start_attempt(page, live_server)
    first = paper_items(app, attempt_id)[0]
    answer(page, first)
    with app.app_context():  # as if the attempt had started long ago: three seconds are left
        attempt = db.session.get(QuizAttempt, attempt_id)
        attempt.deadline_at = utcnow() + timedelta(seconds=3)
        db.session.commit()
    page.reload()
    expect(page.locator("#outcome")).to_contain_text("Not passed", timeout=20_000)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.status.value == "submitted"
        assert attempt.score is not None and attempt.score > 0


def test_a_changed_answer_is_saved_last_even_when_an_earlier_save_arrives_late(
    page: Page, live_server: str, app: Flask, people
) -> None:
    """Arrowing through options sends a save per change; the first one held up on the way
    (a slow network) must not land after, and over, the answer the trainee settled on."""
    sign_in_page(page, live_server, people["priya"].email, people["priya"].password)
    attempt_id = start_attempt(page, live_server)
    item = next(i for i in paper_items(app, attempt_id) if i.question.pick == "one")
    radios = page.locator(f'#question-{item.number} input[type="radio"]')
    held: list[Route] = []

    def hold_the_first_save(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route(re.compile(rf"/answers/{item.number}$"), hold_the_first_save)
    radios.nth(0).check()
    radios.nth(1).check()  # settled on this one while the first save is still on its way
    page.wait_for_timeout(500)  # time for a second save sent alongside to reach the server
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator(f"#saved-{item.number}")).to_have_text("Saved.", timeout=15_000)
    page.wait_for_load_state("networkidle")
    page.reload()
    chosen = page.locator(f'#question-{item.number} input[type="radio"]:checked')
    expect(chosen).to_have_attribute("value", radios.nth(1).get_attribute("value") or "")
