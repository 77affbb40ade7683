"""The JSON API over HTTP: bearer tokens only, each owner's view of the organisation, stable
shapes, JSON errors, paging, and no cookies either way."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import Activity, ActivityKind, Certificate, SkillObservationRow, User
from coach.services import accounts, api_tokens
from tests import records
from tests.helpers import Login, sign_in

Token = Callable[[str], str]


@pytest.fixture
def token(app: Flask, people: dict[str, Login]) -> Token:
    """``token("coach")``: a fresh API token's secret for that demo person."""

    def make(key: str) -> str:
        with app.app_context():
            user = db.session.get(User, people[key].user_id)
            return api_tokens.create_token(user, f"{key} sync").secret

    return make


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def add_activity(person_id: int, source_id: int, at: datetime, **fields: object) -> int:
    person = db.session.get(User, person_id)
    assert person is not None
    row = Activity(
        organisation_id=person.organisation_id,
        person_id=person_id,
        kind=fields.pop("kind", ActivityKind.CALL),
        source_id=source_id,
        title=f"Practice {source_id}",
        at=at,
        score=72.5,
        outcome="promise_to_pay",
        critical_findings=1,
        breaches=2,
        **fields,
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def _error(response) -> tuple[str, str]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    return body["error"]["code"], body["error"]["message"]


# --- authentication ------------------------------------------------------------------------


def test_without_a_token_the_answer_is_401_json_with_a_bearer_challenge(
    client: FlaskClient, people
) -> None:
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="Coach API"'
    code, message = _error(response)
    assert code == "missing_token" and "Authorization: Bearer" in message


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer two parts", "coach_abcdef"],
)
def test_a_malformed_header_is_401(client: FlaskClient, people, header: str) -> None:
    response = client.get("/api/v1/people", headers={"Authorization": header})
    assert response.status_code == 401
    assert _error(response)[0] == "malformed_token"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("secret", ["coach_" + "x" * 43, "not-a-coach-token", "coach_" + "y" * 500])
def test_an_unknown_token_is_401(client: FlaskClient, people, secret: str) -> None:
    response = client.get("/api/v1/people", headers=bearer(secret))
    assert response.status_code == 401
    assert _error(response)[0] == "invalid_token"


def test_a_token_in_the_query_string_does_not_count(client: FlaskClient, token: Token) -> None:
    secret = token("admin")
    response = client.get(f"/api/v1/people?access_token={secret}")
    assert response.status_code == 401
    assert _error(response)[0] == "missing_token"


def test_a_revoked_token_is_401_and_says_it_was_revoked(
    app: Flask, client: FlaskClient, people, token: Token
) -> None:
    secret = token("coach")
    assert client.get("/api/v1/people", headers=bearer(secret)).status_code == 200
    with app.app_context():
        coach = db.session.get(User, people["coach"].user_id)
        api_tokens.revoke(coach, api_tokens.tokens_of(coach)[0].id)
    response = client.get("/api/v1/people", headers=bearer(secret))
    assert response.status_code == 401
    code, message = _error(response)
    assert code == "token_revoked" and "revoked on" in message


def test_an_expired_token_is_401_and_says_it_expired(
    app: Flask, client: FlaskClient, people
) -> None:
    with app.app_context():
        priya = db.session.get(User, people["priya"].user_id)
        tomorrow = datetime.now(UTC).date() + timedelta(days=1)
        created = api_tokens.create_token(priya, "LMS", tomorrow)
        assert client.get("/api/v1/people", headers=bearer(created.secret)).status_code == 200
        created.token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    response = client.get("/api/v1/people", headers=bearer(created.secret))
    assert response.status_code == 401
    code, message = _error(response)
    assert code == "token_expired" and "expired on" in message


def test_a_deactivated_persons_token_stops_working(
    app: Flask, client: FlaskClient, people, token: Token
) -> None:
    secret = token("sam")
    with app.app_context():
        admin = db.session.get(User, people["admin"].user_id)
        sam = db.session.get(User, people["sam"].user_id)
        accounts.update_user(admin, sam.id, name=sam.name, roles=sam.roles, active=False)
    response = client.get("/api/v1/people", headers=bearer(secret))
    assert response.status_code == 401
    assert _error(response)[0] == "account_inactive"


def test_a_signed_in_browser_session_does_not_open_the_api(client: FlaskClient, people) -> None:
    sign_in(client, people["admin"])
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


def test_answers_set_no_cookie_and_are_not_stored(
    client: FlaskClient, people, token: Token
) -> None:
    secret = token("admin")
    sign_in(client, people["admin"])  # a session cookie is sent along; it must stay untouched
    for path in ("/api/v1/people", "/api/v1/nothing-here", "/api/v1/people?limit=0"):
        response = client.get(path, headers=bearer(secret))
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.mimetype == "application/json", path


def test_too_many_requests_with_one_token_get_429(
    app: Flask, client: FlaskClient, token: Token, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config["COACH"], "API_REQUESTS_PER_MINUTE", 2)
    secret, other = token("admin"), token("coach")
    assert [client.get("/api/v1/people", headers=bearer(secret)).status_code for _ in range(2)] == [
        200,
        200,
    ]
    refused = client.get("/api/v1/people", headers=bearer(secret))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert _error(refused)[0] == "rate_limited"
    assert client.get("/api/v1/people", headers=bearer(other)).status_code == 200


# --- what each role sees -------------------------------------------------------------------


def _ids(client: FlaskClient, path: str, secret: str) -> set[int]:
    response = client.get(path, headers=bearer(secret))
    assert response.status_code == 200, response.get_json()
    return {row["id"] for row in response.get_json()["data"]}


def test_people_are_those_the_tokens_owner_may_see(
    app: Flask, client: FlaskClient, people, token: Token
) -> None:
    with app.app_context():
        records.other_organisation_trainee()
    ours = {login.user_id for login in people.values()}
    team = {people[k].user_id for k in ("coach", "priya", "sam", "jordan")}
    assert _ids(client, "/api/v1/people", token("priya")) == {people["priya"].user_id}
    assert _ids(client, "/api/v1/people", token("coach")) == team
    assert _ids(client, "/api/v1/people", token("compliance")) == ours
    assert _ids(client, "/api/v1/people", token("admin")) == ours


def test_a_person_has_a_stable_shape(client: FlaskClient, people, token: Token) -> None:
    coach = people["coach"].user_id
    body = client.get(f"/api/v1/people/{people['priya'].user_id}", headers=bearer(token("coach")))
    priya = body.get_json()["data"]
    assert priya == {
        "id": people["priya"].user_id,
        "name": priya["name"],
        "email": people["priya"].email,
        "roles": ["trainee"],
        "teams": [
            {"id": priya["teams"][0]["id"], "name": priya["teams"][0]["name"], "as": "trainee"}
        ],
        "experience_level": "new",
        "active": True,
    }
    own = client.get(f"/api/v1/people/{coach}", headers=bearer(token("coach"))).get_json()["data"]
    assert [team["as"] for team in own["teams"]] == ["coach"]


def test_a_person_out_of_view_is_404_json(
    app: Flask, client: FlaskClient, people, token: Token
) -> None:
    with app.app_context():
        outsider = records.other_organisation_trainee().user_id
    priya = token("priya")
    for person_id in (people["sam"].user_id, outsider, 999999):
        for path in (f"/api/v1/people/{person_id}", f"/api/v1/activities?person={person_id}"):
            response = client.get(path, headers=bearer(priya))
            assert response.status_code == 404, path
            assert _error(response)[0] == "not_found"
    admin = token("admin")
    assert client.get(f"/api/v1/people/{outsider}", headers=bearer(admin)).status_code == 404


def test_activities_are_scoped_and_filtered(
    app: Flask, client: FlaskClient, people, token: Token
) -> None:
    day = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with app.app_context():
        outsider = records.other_organisation_trainee().user_id
        priya_call = add_activity(people["priya"].user_id, 1, day)
        priya_quiz = add_activity(
            people["priya"].user_id, 2, day + timedelta(days=2), kind=ActivityKind.QUIZ
        )
        sam_call = add_activity(people["sam"].user_id, 3, day + timedelta(days=1))
        add_activity(outsider, 4, day)
    assert _ids(client, "/api/v1/activities", token("priya")) == {priya_call, priya_quiz}
    coach = token("coach")
    assert _ids(client, "/api/v1/activities", coach) == {priya_call, priya_quiz, sam_call}
    assert _ids(client, "/api/v1/activities?kind=quiz", coach) == {priya_quiz}
    assert _ids(client, f"/api/v1/activities?person={people['sam'].user_id}", coach) == {sam_call}
    window = "since=2026-03-02&until=2026-03-03T00:00:00Z"
    assert _ids(client, f"/api/v1/activities?{window}", coach) == {sam_call}
    assert _ids(client, "/api/v1/activities?since=2026-03-03T09:00:00%2B00:00", coach) == {
        priya_quiz
    }
    assert _ids(client, "/api/v1/activities", token("compliance")) == {
        priya_call,
        priya_quiz,
        sam_call,
    }
    row = client.get(f"/api/v1/activities?person={people['priya'].user_id}&kind=call",
                     headers=bearer(coach)).get_json()["data"][0]  # fmt: skip
    assert row == {
        "id": priya_call,
        "person_id": people["priya"].user_id,
        "kind": "call",
        "source_id": 1,
        "title": "Practice 1",
        "at": "2026-03-01T09:00:00Z",
        "score": 72.5,
        "overridden": False,
        "outcome": "promise_to_pay",
        "critical_findings": 1,
        "breaches": 2,
    }


def test_certificates_are_scoped_and_filtered_by_status(
    app: Flask, client: FlaskClient, people, token: Token
) -> None:
    with app.app_context():
        outsider = records.other_organisation_trainee().user_id
        priya = records.certificate_of(people["priya"].user_id)
        sam = records.certificate_of(people["sam"].user_id)
        records.certificate_of(outsider)
        revoked = db.session.get(Certificate, sam)
        revoked.revoked_at, revoked.revoked_reason = datetime.now(UTC), "test"
        db.session.commit()
        code = db.session.get(Certificate, priya).code
    assert _ids(client, "/api/v1/certificates", token("priya")) == {priya}
    compliance = token("compliance")
    assert _ids(client, "/api/v1/certificates", compliance) == {priya, sam}
    assert _ids(client, "/api/v1/certificates?status=revoked", compliance) == {sam}
    assert _ids(client, "/api/v1/certificates?status=valid", compliance) == {priya}
    assert _ids(client, "/api/v1/certificates?status=expired", compliance) == set()
    body = client.get(f"/api/v1/certificates?person={people['priya'].user_id}",
                      headers=bearer(compliance)).get_json()  # fmt: skip
    (certificate,) = body["data"]
    assert certificate["code"] == code and certificate["status"] == "valid"
    assert certificate["program"]["id"] == "uk-conc7-foundation"
    assert certificate["verify_url"] == f"http://localhost/verify/{code}"
    assert (
        certificate["issued_at"].endswith("Z")
        and certificate["person_id"] == people["priya"].user_id
    )
    assert client.get(certificate["verify_url"]).status_code == 200


# --- paging and refusals -------------------------------------------------------------------


def test_lists_page_with_next_links_that_keep_the_filters(
    app: Flask, client: FlaskClient, people, token: Token
) -> None:
    day = datetime(2026, 3, 1, tzinfo=UTC)
    with app.app_context():
        made = [
            add_activity(people["priya"].user_id, n, day + timedelta(hours=n)) for n in range(5)
        ]
    secret = token("coach")
    url, seen, pages = "/api/v1/activities?kind=call&limit=2", [], 0
    while url:
        body = client.get(url, headers=bearer(secret)).get_json()
        seen += [row["id"] for row in body["data"]]
        pages += 1
        url = body["next"]
        if url:
            assert "kind=call" in url and "limit=2" in url and url.startswith("http://localhost/")
    assert seen == sorted(made) and pages == 3


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("after=-1", "after"),
        ("kind=podcast", "kind"),
        ("since=yesterday", "since"),
        ("until=2026-13-01", "until"),
        ("person=abc", "person"),
        ("persn=3", "persn"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(
    client: FlaskClient, token: Token, query: str, parameter: str
) -> None:
    response = client.get(f"/api/v1/activities?{query}", headers=bearer(token("admin")))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_parameter" and error["parameter"] == parameter
    assert parameter in error["message"]


def test_a_bad_certificate_status_names_the_choices(client: FlaskClient, token: Token) -> None:
    response = client.get("/api/v1/certificates?status=lapsed", headers=bearer(token("admin")))
    assert response.status_code == 400
    assert "recertification_required" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_is_405_json(client: FlaskClient, token: Token, method: str) -> None:
    response = client.open("/api/v1/people", method=method, headers=bearer(token("admin")))
    assert response.status_code == 405
    assert _error(response)[0] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_an_unknown_api_address_is_404_json_and_pages_stay_html(
    client: FlaskClient, token: Token
) -> None:
    response = client.get("/api/v1/calls", headers=bearer(token("admin")))
    assert response.status_code == 404 and _error(response)[0] == "not_found"
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_skills_come_from_the_progress_profile(
    app: Flask, client: FlaskClient, people, token: Token
) -> None:
    priya = people["priya"].user_id
    at = datetime.now(UTC) - timedelta(days=1)
    with app.app_context():
        activity = db.session.get(Activity, add_activity(priya, 1, at))
        for score in (0.9, 0.8, 0.9, 0.85):
            db.session.add(
                SkillObservationRow(
                    activity_id=activity.id,
                    person_id=priya,
                    skill="empathy",
                    score=score,
                    weight=1.0,
                    source="call",
                    at=at,
                )
            )
        db.session.commit()
    body = client.get(f"/api/v1/people/{priya}/skills", headers=bearer(token("coach")))
    assert body.status_code == 200
    skills = {row["id"]: row for row in body.get_json()["data"]}
    empathy = skills["empathy"]
    assert set(empathy) == {
        "id", "name", "estimate", "evidence", "enough", "last_seen", "target", "gap", "trend"
    }  # fmt: skip
    assert empathy["enough"] is True and empathy["evidence"] > 3
    assert (
        0.5 < empathy["estimate"]["low"] < empathy["estimate"]["mean"] < empathy["estimate"]["high"]
    )
    assert empathy["target"] == 0.6 and empathy["gap"] == pytest.approx(
        0.6 - empathy["estimate"]["mean"]
    )
    assert skills["negotiation"]["enough"] is False and skills["negotiation"]["gap"] is None
    hidden = client.get(f"/api/v1/people/{priya}/skills", headers=bearer(token("sam")))
    assert hidden.status_code == 404


def test_docs_list_exactly_the_api_endpoints(app: Flask) -> None:
    """docs/api.md documents each endpoint under a ``### `GET /api/v1/...` `` heading."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `GET (/api/v1/\S*)`$", doc, flags=re.MULTILINE))
    routes = {
        re.sub(r"<[^>]+>", "{id}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert documented == routes
    for path in routes:  # and each has a curl example (continued lines included)
        example = r"curl (?:[^\n]|\\\n)*?" + re.escape(path.replace("{id}", "4"))
        assert re.search(example, doc), path
