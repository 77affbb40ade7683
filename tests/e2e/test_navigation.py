"""Each role signs in through the real page in Chromium and sees its own navigation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EXPECTED_NAV = {
    "priya": ["Dashboard", "Practice calls", "Role-play", "Certification", "My data"],
    "coach": [
        "Dashboard",
        "Practice calls",
        "Role-play",
        "Certification",
        "My team",
        "Review queue",
        "My data",
    ],
    "compliance": [
        "Dashboard",
        "Practice calls",
        "Role-play",
        "Certification",
        "Compliance",
        "Manage certification",
        "My data",
    ],
    "admin": [
        "Dashboard",
        "Practice calls",
        "Role-play",
        "Certification",
        "Compliance",
        "Manage certification",
        "Users",
        "Teams",
        "Audit log",
        "My data",
    ],
}


def sign_in_page(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("who", sorted(EXPECTED_NAV))
def test_navigation_matches_role(page: Page, live_server: str, app, people, who: str) -> None:
    login = people[who]
    sign_in_page(page, live_server, login.email, login.password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    nav = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(nav).to_have_text(EXPECTED_NAV[who])


def test_trainee_opening_admin_url_sees_not_allowed(
    page: Page, live_server: str, app, people
) -> None:
    sign_in_page(page, live_server, people["sam"].email, people["sam"].password)
    response = page.goto(f"{live_server}/admin/users")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")


def test_wrong_password_keeps_visitor_on_sign_in_with_message(
    page: Page, live_server: str, app, people
) -> None:
    sign_in_page(page, live_server, people["coach"].email, "definitely-wrong-pass")
    expect(page.locator(".flash-error")).to_contain_text("Email or password is not correct")
    expect(page).to_have_url(f"{live_server}/login")
