"""The compliance officers' certification pages through the web: reports with CSV, assignments,
certificates with revocation, item analysis; who may open them; bad input refused with a clear
message and nothing changed; the dashboards' certification cards."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import Certificate, CertificationAssignment
from coach.models._columns import utcnow
from tests import records
from tests.helpers import Login, csrf_token

UK = "uk-conc7-foundation"
BASE = "/certification/manage"
PAGES = ("/", "/assignments", "/certificates", f"/programs/{UK}/items", "/report.csv")


def assignments_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(CertificationAssignment.id))) or 0


def days_from_now(days: int) -> str:
    return (utcnow().date() + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("who", ["compliance", "admin"])
def test_officers_open_every_page(client: FlaskClient, sign_in_as, who: str) -> None:
    sign_in_as(who)
    for page in PAGES:
        assert client.get(BASE + page).status_code == 200, page
    report = client.get(BASE + "/").get_data(as_text=True)
    assert "What the figures mean" in report and "holds a valid certificate" in report
    assert client.get(f"{BASE}/programs/no-such-program/items").status_code == 404


@pytest.mark.parametrize("who", ["priya", "coach"])
def test_trainees_and_coaches_are_refused(client: FlaskClient, sign_in_as, who: str) -> None:
    sign_in_as(who)
    for page in PAGES:
        assert client.get(BASE + page).status_code == 403, page


def test_an_officer_assigns_a_team_and_sees_who_was_skipped(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    with app.app_context():
        team_id = records.team_of(people["priya"].user_id)
        records.open_assignment(people["sam"].user_id)
    sign_in_as("compliance")
    response = client.post(
        BASE + "/assignments",
        data={
            "csrf_token": csrf_token(client, BASE + "/assignments"),
            "program": UK,
            "due_on": days_from_now(10),
            "teams": str(team_id),
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Assigned to 2 people." in page and "Skipped Sam Trainee: already assigned" in page
    assert assignments_count(app) == 3
    assert page.count("Cancel</button>") == 3


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"due_on": days_from_now(-1)}, "The due date is in the past"),
        ({"due_on": ""}, "Give the due date as YYYY-MM-DD."),
        ({"due_on": "next tuesday"}, "Give the due date as YYYY-MM-DD."),
        ({"program": "no-such-program"}, "Not a valid choice"),
        ({"people": None}, "Choose at least one person or team"),
        ({"people": "999999"}, "not a valid choice"),
    ],
)
def test_bad_assignments_get_a_clear_400_and_change_nothing(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login], fields, message
) -> None:
    sign_in_as("compliance")
    data = {
        "csrf_token": csrf_token(client, BASE + "/assignments"),
        "program": UK,
        "due_on": days_from_now(10),
        "people": str(people["priya"].user_id),
        **fields,
    }
    sent = {key: value for key, value in data.items() if value is not None}  # None: unticked
    response = client.post(BASE + "/assignments", data=sent)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert assignments_count(app) == 0


def test_an_assignment_without_a_csrf_token_is_refused(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    sign_in_as("compliance")
    response = client.post(
        BASE + "/assignments",
        data={"program": UK, "due_on": days_from_now(3), "people": people["priya"].user_id},
    )
    assert response.status_code == 400
    assert assignments_count(app) == 0


def test_an_officer_cancels_an_open_assignment(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    with app.app_context():
        assignment_id = records.open_assignment(people["priya"].user_id)
        outsider_assignment = records.open_assignment(records.other_organisation_trainee().user_id)
    sign_in_as("compliance")
    token = csrf_token(client, BASE + "/assignments")
    response = client.post(
        f"{BASE}/assignments/{outsider_assignment}/cancel", data={"csrf_token": token}
    )
    assert response.status_code == 404
    response = client.post(
        f"{BASE}/assignments/{assignment_id}/cancel",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "Assignment cancelled." in response.get_data(as_text=True)
    with app.app_context():
        kept = db.session.get(CertificationAssignment, assignment_id)
        assert kept is not None and kept.cancelled_at is not None  # kept as history
        outsiders = db.session.get(CertificationAssignment, outsider_assignment)
        assert outsiders is not None and outsiders.cancelled_at is None


def certificate_state(app: Flask, certificate_id: int) -> tuple[bool, str | None]:
    with app.app_context():
        found = db.session.get(Certificate, certificate_id)
        assert found is not None
        return found.revoked_at is not None, found.revoked_reason


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Give the reason for revoking"),
        ("   ", "Give the reason for revoking"),
        ("x" * 501, "Keep the reason under 500 characters."),
    ],
)
def test_revoking_without_a_usable_reason_is_refused(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login], reason, message
) -> None:
    with app.app_context():
        certificate_id = records.issued_certificate(people["priya"].user_id)
    sign_in_as("compliance")
    response = client.post(
        f"{BASE}/certificates/{certificate_id}/revoke",
        data={"csrf_token": csrf_token(client, BASE + "/certificates"), "reason": reason},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert certificate_state(app, certificate_id) == (False, None)


def test_an_officer_revokes_a_certificate_with_a_reason(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    with app.app_context():
        certificate_id = records.issued_certificate(people["priya"].user_id)
        outsider_certificate = records.issued_certificate(
            records.other_organisation_trainee().user_id
        )
    sign_in_as("compliance")
    listing = client.get(BASE + "/certificates").get_data(as_text=True)
    assert "Priya Trainee" in listing and "Olga" not in listing
    token = csrf_token(client, BASE + "/certificates")
    reason = "Shared answers <b>during</b> the attempt"
    response = client.post(
        f"{BASE}/certificates/{outsider_certificate}/revoke",
        data={"csrf_token": token, "reason": reason},
    )
    assert response.status_code == 404
    response = client.post(
        f"{BASE}/certificates/{certificate_id}/revoke",
        data={"csrf_token": token, "reason": reason},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Certificate revoked" in page
    assert "Shared answers &lt;b&gt;during&lt;/b&gt;" in page and "<b>during" not in page
    assert certificate_state(app, certificate_id) == (True, reason)
    assert certificate_state(app, outsider_certificate) == (False, None)
    again = client.post(
        f"{BASE}/certificates/{certificate_id}/revoke",
        data={"csrf_token": token, "reason": "twice"},
        follow_redirects=True,
    )
    assert "already revoked" in again.get_data(as_text=True)
    assert certificate_state(app, certificate_id) == (True, reason)


def test_the_report_shows_statuses_and_refuses_unknown_filters(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    with app.app_context():
        records.open_assignment(people["priya"].user_id, due_in_days=-2)
        records.issued_certificate(people["sam"].user_id, expires_in_days=5)
        team_id = records.team_of(people["priya"].user_id)
        outsider_team = records.team_of(records.other_organisation_trainee().user_id)
    sign_in_as("compliance")
    page = client.get(f"{BASE}/?program={UK}&team={team_id}").get_data(as_text=True)
    assert "Priya Trainee" in page and "badge-overdue" in page and "badge-expiring" in page
    for query in ("program=nope", f"team={outsider_team}", "team=abc"):
        response = client.get(f"{BASE}/?{query}")
        assert response.status_code == 400, query
        assert "Not a valid choice" in response.get_data(as_text=True)
        assert client.get(f"{BASE}/report.csv?{query}").status_code == 400


def test_the_csv_download_is_an_attachment_with_a_header_row(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    with app.app_context():
        records.open_assignment(people["priya"].user_id)
    sign_in_as("compliance")
    response = client.get(f"{BASE}/report.csv?program={UK}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="certification-report-')
    assert response.is_streamed
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # the BOM: Excel reads it as UTF-8
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0][:3] == ["Person", "Email", "Teams"]
    assert [row[0] for row in table[1:]] == ["Priya Trainee"]


def test_item_analysis_shows_the_frozen_question_text_escaped(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    with app.app_context():
        for key in ("priya", "sam", "jordan"):
            records.graded_attempt(
                people[key].user_id, {"q-1": 1.0, "q-2": 0.0}, prompt="<script>{id}</script>"
            )
    sign_in_as("compliance")
    page = client.get(f"{BASE}/programs/{UK}/items").get_data(as_text=True)
    assert "&lt;script&gt;q-1&lt;/script&gt;" in page and "<script>q-1" not in page
    assert "3 submitted attempts" in page and "100%" in page


def test_a_trainee_sees_assignments_due_with_overdue_marked(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    with app.app_context():
        records.open_assignment(people["priya"].user_id, due_in_days=-1)
    sign_in_as("priya")
    page = client.get("/").get_data(as_text=True)
    card = page[page.index('id="assignments-card"') :]
    assert f'href="/certification/programs/{UK}"' in card
    assert "overdue" in card[: card.index("</div>")]


def test_the_compliance_dashboards_summarise_each_program(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    with app.app_context():
        records.open_assignment(people["priya"].user_id, due_in_days=-1)
        records.issued_certificate(people["sam"].user_id)
    sign_in_as("compliance")
    overview = client.get("/compliance").get_data(as_text=True)
    status = overview[overview.index('id="certification-status"') :]
    assert f'href="/certification/manage/?program={UK}"' in status
    assert "Not available yet" not in status[: status.index("</table>")]
    home = client.get("/").get_data(as_text=True)
    card = home[home.index('id="certification-card"') :]
    assert "1 certified" in card and "1 overdue" in card
