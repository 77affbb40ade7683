"""The compliance pages through HTTP: reports with empty states and CSV exports, the
drill-down to calls, and a calibration round from start to verdict with blind labelling."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import AuditEntry, CalibrationLabel, CalibrationRound
from tests.compliance_records import THREAT, scored_call
from tests.helpers import Login, csrf_token, sign_in


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_empty_organisation_pages_say_so(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    sign_in(client, people["compliance"])
    rules = client.get("/compliance/rules").get_data(as_text=True)
    assert "No rule was broken" in rules and "no calls were scored" in rules
    assert "No breaches in the last twelve weeks" in rules
    teams = client.get("/compliance/teams").get_data(as_text=True)
    assert "No team member" in teams
    calibration = client.get("/compliance/calibration").get_data(as_text=True)
    assert 'id="no-scored-calls"' in calibration and "No calibration round yet" in calibration
    overview = client.get("/compliance").get_data(as_text=True)
    assert "Uncalibrated criteria" in overview and "/compliance/rules" in overview


def test_reports_show_rules_teams_and_the_calls_behind_a_rule(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    with app.app_context():
        first = scored_call(people["priya"].user_id, [THREAT], title="=HYPERLINK(evil)")
        scored_call(people["sam"].user_id, [THREAT])
        scored_call(people["sam"].user_id, [])
    sign_in(client, people["compliance"])
    page = client.get("/compliance/rules?days=90").get_data(as_text=True)
    assert THREAT in page and "67%" in page  # 2 of 3 calls
    assert 'id="top-rules"' in page and "<svg" in page  # the chart, with its table
    exported = client.get("/compliance/rules.csv?days=90")
    assert exported.mimetype == "text/csv"
    rows = _csv(exported.data)
    assert rows[0][0] == "Rule" and rows[1][:5] == [THREAT, rows[1][1], "critical", "2", "2"]
    drill = client.get(f"/compliance/rules/{THREAT}").get_data(as_text=True)
    assert f'href="/calls/{first}' in drill and "=HYPERLINK(evil)" in drill
    calls_csv = _csv(client.get(f"/compliance/rules/{THREAT}/calls.csv").data)
    assert "'=HYPERLINK(evil)" in [row[1] for row in calls_csv]  # formula-safe
    assert client.get("/compliance/rules/NO-SUCH-RULE").status_code == 404
    teams = client.get("/compliance/teams").get_data(as_text=True)
    assert "Team North" in teams and "0.67" in teams
    assert _csv(client.get("/compliance/teams.csv").data)[1][0] == "Team North"
    with app.app_context():
        exports = select(func.count()).where(AuditEntry.action == "compliance.report_exported")
        assert db.session.scalar(exports) == 3


def _start(client: FlaskClient, size: int) -> str:
    token = csrf_token(client, "/compliance/calibration")
    response = client.post(
        "/compliance/calibration",
        data={
            "csrf_token": token,
            "jurisdiction": "US",
            "size": str(size),
            "criteria": ["dimension:tone", f"rule:{THREAT}"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_a_calibration_round_through_the_pages(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    with app.app_context():
        for i in range(10):
            scored_call(people["priya"].user_id, [THREAT] if i % 2 else [], {"tone": 90})
    sign_in(client, people["compliance"])
    round_url = _start(client, 10)
    round_page = client.get(round_url).get_data(as_text=True)
    assert "0 of 10 calls labelled" in round_page
    for _ in range(10):
        next_url = re.search(r'id="label-next" href="([^"]+)"', round_page)
        assert next_url
        label_url = next_url.group(1)
        blank = client.get(label_url).get_data(as_text=True)
        assert "Coach&#39;s answers" not in blank and 'id="comparison"' not in blank  # blind
        token = csrf_token(client, label_url)
        refused = client.post(label_url, data={"csrf_token": token, "criterion_0": "5"})
        assert refused.status_code == 400
        assert "Choose an answer for" in refused.get_data(as_text=True)
        saved = client.post(
            label_url, data={"csrf_token": token, "criterion_0": "5", "criterion_1": "1"}
        )
        assert saved.status_code == 302
        round_page = client.get(label_url).get_data(as_text=True)
        assert 'id="comparison"' in round_page
    with app.app_context():
        assert db.session.scalar(select(func.count(CalibrationLabel.id))) == 20
    report = client.get(round_url).get_data(as_text=True)
    assert "10 of 10 calls labelled" in report
    token = csrf_token(client, round_url)
    assert client.post(f"{round_url}/close", data={"csrf_token": token}).status_code == 302
    closed = client.get(round_url).get_data(as_text=True)
    # Tone: all 5 on both sides (kappa undefined); the rule: breached every time against
    # Coach's half (kappa 0, uncalibrated).
    assert "kappa undefined" in closed and "uncalibrated" in closed
    listed = client.get("/compliance/rules").get_data(as_text=True)
    assert f"{THREAT}: " in listed  # among the uncalibrated criteria
    assert _csv(client.get(f"{round_url}/report.csv").data)[0][0] == "Criterion"


def test_the_bar_form_checks_its_number(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    sign_in(client, people["compliance"])
    token = csrf_token(client, "/compliance/calibration")
    client.post("/compliance/calibration/bar", data={"csrf_token": token, "min_kappa": "7"})
    page = client.get("/compliance/calibration").get_data(as_text=True)
    assert "0.01 to 1" in page and 'value="0.60"' in page
    client.post("/compliance/calibration/bar", data={"csrf_token": token, "min_kappa": "0.75"})
    assert 'value="0.75"' in client.get("/compliance/calibration").get_data(as_text=True)


def test_the_start_form_refuses_bad_input_with_a_message(
    app: Flask, client: FlaskClient, people: dict[str, Login]
) -> None:
    with app.app_context():
        scored_call(people["priya"].user_id, [THREAT])
    sign_in(client, people["compliance"])
    token = csrf_token(client, "/compliance/calibration")
    for data, message in (
        ({"size": "0", "criteria": ["dimension:tone"]}, "Sample between 1 and 100 calls."),
        ({"size": "5"}, "Choose one or more criteria"),
        ({"size": "5", "jurisdiction": "XX", "criteria": ["rule:UK-X"]}, "not a valid choice"),
    ):
        response = client.post("/compliance/calibration", data={"csrf_token": token, **data})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(CalibrationRound.id))) == 0
