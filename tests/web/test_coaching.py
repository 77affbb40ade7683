"""The coaching pages through the web: the heat map and drill-down, the review queue, the
call page's panel (comments, reviewed, override, acknowledge/dispute, resolve, re-recording)
with CSRF, refusals that keep what was typed and change nothing, and who may do what."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import LineComment, PracticeAssignment, ScoreOverride, ScoreResponse
from coach.models._columns import utcnow
from tests import records
from tests.helpers import Login, csrf_token, sign_in
from tests.integration.test_coaching import UNCAPPED, scored_call


def token(client: FlaskClient, path: str, prefix: str) -> str:
    """The CSRF token of the form with field prefix ``prefix`` on ``path``."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(rf'name="{prefix}-csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, f"no {prefix} form on {path}"
    return match.group(1)


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def call_id(app: Flask, people: dict[str, Login]) -> int:
    with app.app_context():
        return scored_call(people["priya"].user_id, name=UNCAPPED)


def test_the_team_pages_for_a_coach(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login], call_id: int
) -> None:
    sign_in_as("coach")
    heat = client.get("/team/skills").get_data(as_text=True)
    assert "Priya Trainee" in heat and "no evidence yet" in heat and "No scored activity" in heat
    priya = people["priya"].user_id
    down = client.get(f"/team/people/{priya}/skills").get_data(as_text=True)
    assert "Practice call" in down and "Recent activity" in down
    sam = client.get(f"/team/people/{people['sam'].user_id}/skills").get_data(as_text=True)
    assert "no scored calls, role-plays or quizzes yet" in sam
    with app.app_context():
        outsider = records.other_organisation_trainee()
    assert client.get(f"/team/people/{outsider.user_id}/skills").status_code == 404
    assert client.get(f"/team/people/{people['compliance'].user_id}/skills").status_code == 404
    assert client.get("/team/review").status_code == 200


@pytest.mark.parametrize("who", ["priya", "compliance"])
def test_trainees_and_compliance_cannot_open_team_pages(
    client: FlaskClient, sign_in_as, who: str
) -> None:
    sign_in_as(who)
    for path in ("/team/skills", "/team/review", "/team/practice"):
        assert client.get(path).status_code == 403, path


def test_a_coach_without_a_team_is_told_so(app: Flask, client: FlaskClient, people) -> None:
    from coach.models import Role, User
    from coach.services import accounts
    from coach.services.passwords import generate_password
    from tests.helpers import sign_in

    with app.app_context():
        admin = db.session.get(User, people["admin"].user_id)
        password = generate_password()
        made = accounts.create_user(
            admin, organisation_id=admin.organisation_id, email="new@demo.coach",
            name="New Coach", roles=[Role.COACH], password=password,
        ).user  # fmt: skip
        made.must_change_password = False
        db.session.commit()
        login = Login(Role.COACH, made.email, password, made.id)
    sign_in(client, login)
    assert "You do not lead a team yet" in client.get("/team/skills").get_data(as_text=True)
    assert "You do not coach any trainees yet" in client.get("/team/review").get_data(as_text=True)


def test_a_coach_overrides_with_a_reason_and_the_trainee_answers(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login], call_id: int
) -> None:
    page = f"/calls/{call_id}"
    sign_in_as("coach")
    refused = client.post(
        f"{page}/overrides",
        data={
            "override-csrf_token": token(client, page, "override"),
            "override-dimension": "tone",
            "override-new_score": "150",
            "override-reason": "Kept <words>",
        },
    )
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "A score is a whole number from 0 to 100." in body
    assert "Kept &lt;words&gt;" in body  # what was typed is kept, escaped
    no_reason = client.post(
        f"{page}/overrides",
        data={
            "override-csrf_token": token(client, page, "override"),
            "override-dimension": "tone",
            "override-new_score": "50",
            "override-reason": "   ",
        },
    )
    assert no_reason.status_code == 400 and "Give the reason" in no_reason.get_data(as_text=True)
    no_csrf = client.post(
        f"{page}/overrides",
        data={"override-dimension": "tone", "override-new_score": "50", "override-reason": "x"},
    )
    assert no_csrf.status_code == 400
    assert count(app, ScoreOverride) == 0
    done = client.post(
        f"{page}/overrides",
        data={
            "override-csrf_token": token(client, page, "override"),
            "override-dimension": "tone",
            "override-new_score": "55",
            "override-reason": "Sounded <rushed> at the close.",
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("#coaching")

    coach, client = client, app.test_client()
    sign_in(client, people["priya"])
    shown = client.get(page).get_data(as_text=True)
    assert "100 → <strong>55</strong>" in shown and "Sounded &lt;rushed&gt; at the close." in shown
    empty = client.post(
        f"{page}/dispute",
        data={"dispute-csrf_token": token(client, page, "dispute"), "dispute-reason": ""},
    )
    assert empty.status_code == 400 and "Say why you dispute" in empty.get_data(as_text=True)
    sent = client.post(
        f"{page}/dispute",
        data={"dispute-csrf_token": token(client, page, "dispute"), "dispute-reason": "Fair?"},
    )
    assert sent.status_code == 302
    with app.app_context():
        dispute_id = db.session.scalars(select(ScoreResponse.id)).one()
    resolve_as_trainee = {"csrf_token": csrf_token(client, page)}
    assert (
        client.post(f"/disputes/{dispute_id}/resolve", data=resolve_as_trainee).status_code == 403
    )

    client = coach
    queue = client.get("/team/review").get_data(as_text=True)
    assert "disputes the score" in queue and "Fair?" in queue
    resolve = {
        "resolve-csrf_token": token(client, page, "resolve"),
        "resolve-resolution": "Agreed, partly.",
        "resolve-dimension": "tone",
        "resolve-new_score": "75",
    }
    assert client.post(f"/disputes/{dispute_id}/resolve", data=resolve).status_code == 302
    again = client.post(f"/disputes/{dispute_id}/resolve", data=resolve, follow_redirects=True)
    assert "already resolved" in again.get_data(as_text=True)
    assert count(app, ScoreOverride) == 2


def test_comments_review_and_rerecording_on_the_call_page(
    app: Flask, client: FlaskClient, sign_in_as, call_id: int
) -> None:
    page = f"/calls/{call_id}"
    sign_in_as("coach")
    too_long = client.post(
        f"{page}/comments",
        data={
            "comment-csrf_token": token(client, page, "comment"),
            "comment-turn": "2",
            "comment-text": "y" * 2001,
        },
    )
    assert too_long.status_code == 400 and "under 2000" in too_long.get_data(as_text=True)
    added = client.post(
        f"{page}/comments",
        data={
            "comment-csrf_token": token(client, page, "comment"),
            "comment-turn": "2",
            "comment-text": "<script>alert(1)</script> Nice check.",
        },
    )
    assert added.status_code == 302 and count(app, LineComment) == 1
    shown = client.get(page).get_data(as_text=True)
    assert 'href="#turn-2"' in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    past = client.post(
        f"{page}/rerecord",
        data={
            "rerecord-csrf_token": token(client, page, "rerecord"),
            "rerecord-due_on": "2000-01-01",
        },
    )
    assert past.status_code == 400 and "in the past" in past.get_data(as_text=True)
    today = utcnow().date().isoformat()
    ok = client.post(
        f"{page}/rerecord",
        data={"rerecord-csrf_token": token(client, page, "rerecord"), "rerecord-due_on": today},
    )
    assert ok.status_code == 302 and count(app, PracticeAssignment) == 1
    form = {"confirm-csrf_token": token(client, page, "confirm")}
    assert client.post(f"{page}/reviewed", data=form).status_code == 302
    twice = client.post(f"{page}/reviewed", data=form, follow_redirects=True)
    assert "Already marked reviewed" in twice.get_data(as_text=True)


def test_a_trainee_sees_no_coaching_forms_and_cannot_post_them(
    app: Flask,
    client: FlaskClient,
    sign_in_as,
    people: dict[str, Login],
    call_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sign_in_as("priya")
    sam = app.test_client()
    sign_in(sam, people["sam"])
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)  # who may, not CSRF, is asked
    page = client.get(f"/calls/{call_id}").get_data(as_text=True)
    assert "Override a score" not in page and "Mark reviewed" not in page
    for action in ("overrides", "reviewed", "rerecord"):
        assert client.post(f"/calls/{call_id}/{action}").status_code == 403, action
    assert sam.post(f"/calls/{call_id}/comments").status_code == 404


def test_the_practice_page_assigns_a_scenario(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    sign_in_as("coach")
    data = {
        "assign-csrf_token": token(client, "/team/practice", "assign"),
        "assign-person": str(people["priya"].user_id),
        "assign-scenario": "us-cease-request",
        "assign-due_on": "not a date",
    }
    bad = client.post("/team/practice", data=data)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    data["assign-due_on"] = utcnow().date().isoformat()
    assert client.post("/team/practice", data=data).status_code == 302
    listed = client.get("/team/practice").get_data(as_text=True)
    assert "Priya Trainee" in listed and "Role-play:" in listed
    assert count(app, PracticeAssignment) == 1
