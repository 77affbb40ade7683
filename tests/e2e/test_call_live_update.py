"""The call page keeps itself current: a scorecard made on the server after the page was
opened replaces the "Scoring this version…" notice without a reload, what the user was
typing in the transcript stays, and an edit saved on the page brings its own scorecard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from coach.extensions import db
from coach.models import Call, Job, JobKind, JobStatus, TranscriptVersion
from coach.services import scoring
from tests import records
from tests.e2e.test_navigation import sign_in_page

pytestmark = [pytest.mark.browser, pytest.mark.ml]

AGENT = "Hello, this is Morgan from Acme Recovery calling about your account balance."


def _score_now(call_id: int) -> None:
    """Run the scoring task in this thread (as a worker would), the call's job then done."""
    scoring.score_task({"call_id": call_id}, lambda _progress: None)
    call = db.session.get(Call, call_id)
    assert call is not None
    if call.score_job is not None:
        call.score_job.status = JobStatus.DONE
    db.session.commit()


def test_a_new_scorecard_appears_without_a_reload(
    page: Page, live_server: str, app, people
) -> None:
    priya = people["priya"]
    with app.app_context():
        call_id = records.transcribed_call(priya.user_id)
        _score_now(call_id)
        # A newer transcript version, its scoring job queued and not yet run.
        first = db.session.query(TranscriptVersion).filter_by(call_id=call_id).one()
        data = {**first.data, "turns": [{**first.data["turns"][0], "text": AGENT}]}
        db.session.add(TranscriptVersion(call_id=call_id, version=2, origin="edit", data=data))
        job = Job(kind=JobKind.SCORE.value, payload={"call_id": call_id}, owner_id=priya.user_id)
        db.session.add(job)
        db.session.flush()
        db.session.get(Call, call_id).score_job_id = job.id
        db.session.commit()

    sign_in_page(page, live_server, priya.email, priya.password)
    page.goto(f"{live_server}/calls/{call_id}")
    scorecard = page.locator("#scorecard")
    expect(scorecard).to_contain_text("Scoring this version…")
    expect(scorecard.locator(".total")).to_have_count(0)  # the v1 scorecard is not shown
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Edit").click()
    typed = page.locator("#turn-0 .text")
    typed.fill("Words I am still typing")

    with app.app_context():
        _score_now(call_id)

    expect(scorecard.locator(".total")).to_be_visible(timeout=30_000)
    expect(page.locator("#scorecard")).not_to_contain_text("Scoring this version")
    expect(page.locator("#live-announcer")).to_contain_text("A new scorecard is ready")
    expect(typed).to_have_text("Words I am still typing")  # the edit in progress is kept
    assert page.evaluate("window.__sameDocument") is True  # no reload happened

    # Saving the edit on the page brings version 3 and its scorecard, still without a reload.
    score_before = page.locator("#call").get_attribute("data-score-id")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#transcript-meta")).to_contain_text("Transcript version 3")
    expect(page.locator("#call")).not_to_have_attribute("data-score-id", score_before or "")
    expect(page.locator("#transcript")).to_contain_text("Words I am still typing")
    expect(page.locator("#scorecard .total")).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
