"""Every page each role can reach passes axe-core (WCAG 2.1 A and AA, serious and critical
issues), is usable by keyboard (a skip link first, a visible focus ring) and fits a 390 px
phone without the page itself scrolling sideways.

The pages are found by crawling from the dashboard with realistic records present (a team, a
scored call, role-play runs, certification attempts and assignments), so a page added later is
checked as soon as something links to it. Rendering does not depend on the database, so these
run on SQLite only.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from coach.extensions import db
from coach.models import Call, TranscriptVersion
from coach.services.scoring import score_task
from coach.transcript import Transcript, Turn
from tests import records
from tests.e2e.accessibility import (
    FocusRing,
    Violation,
    crawl,
    focus_ring,
    scrolls_sideways,
    serious_violations,
)
from tests.e2e.test_navigation import sign_in_page
from tests.helpers import Login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]

ROLES = {"trainee": "priya", "coach": "coach", "compliance": "compliance", "admin": "admin"}
PHONE = {"width": 390, "height": 844}

# A short call with a caring stretch and an unlawful threat: the scorecard has tones, a finding
# quoting a turn, and every dimension.
CALL_TURNS = (
    ("agent", "Hello, this is Alex from Acme Collections. This is an attempt to collect a debt "
     "and any information obtained will be used for that purpose."),
    ("debtor", "I lost my job last month and I really cannot pay right now."),
    ("agent", "I'm sorry to hear that, it sounds hard. Could we look at a plan that fits "
     "your budget?"),
    ("debtor", "Maybe fifty a month, from next month."),
    ("agent", "If you don't pay the full amount today we will have you arrested and tell your "
     "employer."),
)  # fmt: skip


def scored_call(owner_id: int) -> int:
    """A transcribed call of the user, scored by the real scoring engine; its id."""
    call_id = records.transcribed_call(owner_id, transcript=False)
    turns = tuple(
        Turn(speaker=speaker, text=text, start=4.0 * i, end=4.0 * i + 3.5)
        for i, (speaker, text) in enumerate(CALL_TURNS)
    )
    data = Transcript(duration=4.0 * len(turns), turns=turns).to_json_dict()
    db.session.add(TranscriptVersion(call_id=call_id, version=1, origin="asr", data=data))
    db.session.commit()
    score_task({"call_id": call_id}, lambda _progress: None)
    return call_id


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """axe-core goes in as a script tag, which Coach's Content-Security-Policy rightly refuses."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def site(app: Flask, people: dict[str, Login], live_server: str) -> dict[str, Login]:
    """The demo organisation with something on every page: a scored call, an ended and a
    running role-play, a passed and an open certification attempt, assignments due."""
    trainee, other = people["priya"].user_id, people["sam"].user_id
    with app.app_context():
        scored_call(trainee)
        records.scenario_run(trainee, ended=True)
        records.scenario_run(trainee, "uk-job-loss-plan")
        records.quiz_attempt(trainee, passed=True)
        records.quiz_attempt(trainee, "in-rbi-recovery-agent")
        records.open_assignment(trainee, "us-fdcpa-foundation")
        records.open_assignment(other, due_in_days=-3)
    return people


@pytest.fixture
def route_of(app: Flask) -> Callable[[str], str]:
    """A path's route pattern (``/calls/<id:call_id>``), so the crawl sees each page once."""
    urls = app.url_map.bind("127.0.0.1")

    def route(path: str) -> str:
        try:
            endpoint, _args = urls.match(path, method="GET")
        except HTTPException:
            return path
        return str(endpoint)

    return route


def signed_in(page: Page, live_server: str, login: Login) -> None:
    sign_in_page(page, live_server, login.email, login.password)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_page_passes_axe(
    page: Page, live_server: str, site: dict[str, Login], route_of, role: str
) -> None:
    signed_in(page, live_server, site[ROLES[role]])
    violations: list[Violation] = []
    broken: list[str] = []
    visited = 0
    for status in crawl(page, f"{live_server}/", route_of):
        visited += 1
        if status >= 500:
            broken.append(f"{page.url}: HTTP {status}")
        violations.extend(serious_violations(page))
    assert visited >= 5, f"the crawl as {role} found only {visited} pages"
    assert not broken, "\n".join(broken)
    assert not violations, f"{len(violations)} axe violations as {role}:\n" + "\n".join(
        map(str, violations)
    )


def test_the_skip_link_comes_first_and_moves_focus_to_main(
    page: Page, live_server: str, people: dict[str, Login]
) -> None:
    signed_in(page, live_server, people["admin"])
    for path in ("/", "/certification/"):
        page.goto(f"{live_server}{path}")
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        expect(skip).to_have_text("Skip to main content")
        expect(skip).to_have_attribute("href", "#main")
        expect(skip).to_be_in_viewport()
        ring = focus_ring(page)
        assert ring is not None and ring.visible, ring
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        page.keyboard.press("Tab")  # on from the start of the content, past the menu
        assert page.evaluate("!!document.activeElement.closest('main')"), path


def tab_through(page: Page, limit: int = 200) -> list[FocusRing]:
    """Presses Tab until focus leaves the page (or ``limit``); the ring of each stop."""
    rings: list[FocusRing] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        if ring is None:
            break
        rings.append(ring)
    return rings


def test_every_focus_stop_shows_a_ring_of_three_to_one(
    page: Page, live_server: str, site: dict[str, Login]
) -> None:
    signed_in(page, live_server, site["admin"])
    rings: list[FocusRing] = []
    for path in ("/", "/admin/users", "/calls/"):
        page.goto(f"{live_server}{path}")
        rings.extend(tab_through(page))
    assert any(r.in_nav and r.tag == "a" for r in rings), "no nav link was reached by Tab"
    assert any(r.tag == "button" for r in rings), "no button was reached by Tab"
    faint = [r for r in rings if not r.visible]
    assert not faint, "focus rings missing or under 3:1:\n" + "\n".join(map(str, faint))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_page_scrolls_sideways_on_a_phone(
    page: Page, live_server: str, site: dict[str, Login], route_of, role: str
) -> None:
    page.set_viewport_size(PHONE)
    signed_in(page, live_server, site[ROLES[role]])
    wide = [
        page.url for _status in crawl(page, f"{live_server}/", route_of) if scrolls_sideways(page)
    ]
    assert not wide, f"at 390 px these pages scroll sideways as {role}:\n" + "\n".join(wide)


def test_the_scorecard_speaks_its_scores_and_tones_without_a_mouse(
    page: Page, live_server: str, app: Flask, site: dict[str, Login]
) -> None:
    with app.app_context():
        call_id = db.session.scalars(select(Call.id)).one()
    signed_in(page, live_server, site["priya"])
    page.goto(f"{live_server}/calls/{call_id}")
    scorecard = page.locator("#scorecard")
    for dimension in ("Compliance", "Tone", "Listening", "Negotiation", "Structure"):
        expect(scorecard.get_by_role("meter", name=dimension)).to_have_count(1)
    tones = scorecard.locator("#tones")
    tones.locator("summary").focus()
    page.keyboard.press("Enter")
    first = tones.get_by_role("listitem").first
    expect(first).to_be_visible()  # opened by keyboard; before, a tooltip was the only way
    expect(first.get_by_role("link", name="Turn 1")).to_have_attribute("href", "#turn-0")
    expect(first.locator(".badge")).to_have_text(re.compile(r"\w+"))
