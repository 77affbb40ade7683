"""The call list: score, outcome and critical findings from the activity rows; filters that
keep their values, refuse bad input with a message, and never widen what a viewer sees;
pages; a streamed, audited CSV of exactly the filtered rows; one query however many calls."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from coach.extensions import db
from coach.models import Activity, ActivityKind, AuditEntry, Call, RuleBreach, User
from tests import records
from tests.helpers import sign_in

MINI_MIRANDA = "US-FDCPA-1692e11-MINI-MIRANDA"
CALLER_IDENTITY = "US-FDCPA-1692d6-CALLER-IDENTITY"


def scored_call(
    owner_id: int,
    title: str,
    score: float | None,
    *,
    outcome: str | None = "promise_to_pay",
    rules: tuple[str, ...] = (),
    critical: int = 0,
    day: int = 10,
) -> int:
    """A transcribed call of ``owner_id`` on 2026-03-``day`` with its activity row, as the
    scoring job leaves it (score None: nothing could be judged)."""
    call_id = records.transcribed_call(owner_id)
    call = db.session.get(Call, call_id)
    assert call is not None
    call.title = title
    call.created_at = datetime(2026, 3, day, 9, 30, tzinfo=UTC)
    activity = Activity(
        organisation_id=call.organisation_id,
        person_id=owner_id,
        kind=ActivityKind.CALL,
        source_id=call_id,
        title=title,
        at=call.created_at,
        score=score,
        outcome=outcome,
        critical_findings=critical,
        breaches=len(rules),
    )
    activity.rule_breaches = [
        RuleBreach(
            organisation_id=call.organisation_id,
            person_id=owner_id,
            rule_id=rule,
            severity="critical",
            status="violation",
            turn=0,
            at=call.created_at,
        )
        for rule in rules
    ]
    db.session.add(activity)
    db.session.commit()
    return call_id


@pytest.fixture
def team_calls(app: Flask, people) -> dict[str, int]:
    """Calls of the coach's trainees priya and sam, and of an outsider organisation."""
    with app.app_context():
        made = {
            "priya_good": scored_call(people["priya"].user_id, "Priya good", 88, day=3),
            "priya_bad": scored_call(
                people["priya"].user_id,
                "Priya breach",
                41,
                outcome="refusal",
                rules=(MINI_MIRANDA,),
                critical=1,
                day=12,
            ),
            "sam_mid": scored_call(
                people["sam"].user_id, "Sam middling", 65, rules=(CALLER_IDENTITY,), day=20
            ),
            "sam_unjudged": scored_call(
                people["sam"].user_id, "Sam unjudged", None, outcome=None, day=21
            ),
            "sam_unscored": records.transcribed_call(people["sam"].user_id),
        }
        outsider = records.other_organisation_trainee()
        made["outsider"] = scored_call(outsider.user_id, "Outsider call", 90, rules=(MINI_MIRANDA,))
        return made


def _titles(page: str) -> list[str]:
    body = page.split('id="call-list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/calls/\d+">([^<]+)</a>', body)


def test_list_shows_score_outcome_and_critical_findings(
    client: FlaskClient, sign_in_as, team_calls
) -> None:
    sign_in_as("coach")
    page = client.get("/calls/").get_data(as_text=True)
    assert set(_titles(page)) == {
        "Priya good",
        "Priya breach",
        "Sam middling",
        "Sam unjudged",
        "Practice call",
    }
    row = page.split(">Priya breach</a>", 1)[1].split("</tr>", 1)[0]
    assert "<td>Priya Trainee</td>" in row
    assert ">41<" in row and "Refusal" in row
    assert "1 critical" in row and "finding-violation" in row  # text, not only colour
    unjudged = page.split(">Sam unjudged</a>", 1)[1].split("</tr>", 1)[0]
    assert "—" in unjudged and "not judgeable" in unjudged
    unscored = page.split(">Practice call</a>", 1)[1].split("</tr>", 1)[0]
    assert "not scored yet" in unscored
    assert "Calls 1 to 5 of 5" in page
    assert 'name="person"' in page  # a coach sees several people's calls


def test_trainee_sees_only_their_calls_and_no_person_filter(
    client: FlaskClient, sign_in_as, team_calls
) -> None:
    sign_in_as("priya")
    page = client.get("/calls/").get_data(as_text=True)
    assert set(_titles(page)) == {"Priya good", "Priya breach"}
    assert 'name="person"' not in page
    # the rule filter offers only rules broken in calls the viewer may see
    assert MINI_MIRANDA in page and CALLER_IDENTITY not in page
    assert "Mini-Miranda disclosure" in page  # the rule's title from its pack


def test_compliance_officer_sees_every_call_of_the_organisation(
    client: FlaskClient, sign_in_as, team_calls
) -> None:
    sign_in_as("compliance")
    page = client.get("/calls/").get_data(as_text=True)
    assert len(_titles(page)) == 5 and "Outsider call" not in page


def test_rule_filter_offers_no_rule_broken_only_in_role_play(
    app: Flask, people, team_calls
) -> None:
    """The choices come from breaches in calls; a rule only a role-play run broke would
    filter the list to nothing, whoever looks."""
    role_play_only = "US-FDCPA-1692cc-CEASE-COMMUNICATION"
    with app.app_context():
        priya = db.session.get(User, people["priya"].user_id)
        assert priya is not None
        run = Activity(
            organisation_id=priya.organisation_id,
            person_id=priya.id,
            kind=ActivityKind.ROLEPLAY,
            source_id=team_calls["priya_bad"],  # a run's id may equal a call's
            title="Cease request run",
            at=datetime(2026, 3, 5, tzinfo=UTC),
            score=30,
            breaches=1,
        )
        run.rule_breaches = [
            RuleBreach(
                organisation_id=priya.organisation_id,
                person_id=priya.id,
                rule_id=role_play_only,
                severity="critical",
                status="violation",
                turn=2,
                at=run.at,
            )
        ]
        db.session.add(run)
        db.session.commit()
    for viewer in ("priya", "coach", "compliance"):
        client = app.test_client()
        sign_in(client, people[viewer])
        page = client.get("/calls/").get_data(as_text=True)
        assert MINI_MIRANDA in page, viewer
        assert role_play_only not in page, viewer


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("score_min=60", {"Priya good", "Sam middling"}),
        ("score_min=40&score_max=70", {"Priya breach", "Sam middling"}),
        ("date_from=2026-03-10&date_to=2026-03-20", {"Priya breach", "Sam middling"}),
        ("date_to=2026-03-03", {"Priya good"}),
        (f"rule={MINI_MIRANDA}", {"Priya breach"}),
        ("critical=y", {"Priya breach"}),
        ("score_min=50&critical=y", set()),
    ],
)
def test_filters_narrow_the_list_and_keep_their_values(
    client: FlaskClient, sign_in_as, team_calls, query: str, expected: set[str]
) -> None:
    sign_in_as("coach")
    response = client.get(f"/calls/?{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert set(_titles(page)) == expected
    assert 'id="filter-errors"' not in page
    for pair in query.split("&"):
        name, value = pair.split("=")
        if name == "critical":
            assert re.search(
                r'<input[^>]*checked[^>]*name="critical"|name="critical"[^>]*checked', page
            )
        elif name == "rule":
            assert (
                f'<option selected value="{value}"' in page or f'value="{value}" selected' in page
            )
        else:
            assert f'value="{value}"' in page  # the form shows what was asked


def test_person_filter(client: FlaskClient, sign_in_as, team_calls, people) -> None:
    sign_in_as("coach")
    page = client.get(f"/calls/?person={people['sam'].user_id}").get_data(as_text=True)
    assert set(_titles(page)) == {"Sam middling", "Sam unjudged", "Practice call"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("score_min=150", "Score at least: Give a whole number from 0 to 100."),
        ("score_max=abc", "Score at most: Give a whole number from 0 to 100."),
        ("date_from=yesterday", "From (date): Give the date as YYYY-MM-DD."),
        ("date_from=2026-03-20&date_to=2026-03-01", "the date filter was left off"),
        ("score_min=80&score_max=20", "the score filter was left off"),
        ("rule=US-NOT-A-RULE", "Rule broken: Choose one from the list."),
        ("person=99999999999999999999", "Person: Choose one from the list."),
    ],
)
def test_bad_filters_are_named_and_left_off(
    client: FlaskClient, sign_in_as, team_calls, query: str, message: str
) -> None:
    sign_in_as("coach")
    response = client.get(f"/calls/?{query}&critical=y")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page and 'id="filter-errors"' in page
    assert set(_titles(page)) == {"Priya breach"}  # the good filter still applies


def test_a_person_the_viewer_may_not_see_is_refused_not_leaked(
    client: FlaskClient, sign_in_as, team_calls, people, app
) -> None:
    with app.app_context():
        outsider = db.session.scalar(select(User.id).where(User.email == "olga@other.example"))
    sign_in_as("priya")
    for person in (outsider, people["sam"].user_id):
        page = client.get(f"/calls/?person={person}").get_data(as_text=True)
        assert "Person: Choose one from the list." in page
        assert set(_titles(page)) == {"Priya good", "Priya breach"}
        csv_text = client.get(f"/calls/export.csv?person={person}").get_data(as_text=True)
        assert "Sam" not in csv_text and "Outsider" not in csv_text


def test_pages_of_fifty_keep_the_filters(client: FlaskClient, sign_in_as, people, app) -> None:
    with app.app_context():
        for number in range(55):
            scored_call(people["priya"].user_id, f"Call {number:02d}", 70, day=1 + number % 28)
    sign_in_as("coach")
    first = client.get("/calls/?score_min=10").get_data(as_text=True)
    assert len(_titles(first)) == 50 and "Calls 1 to 50 of 55" in first and "Page 1 of 2" in first
    link = re.search(r'href="([^"]*page=2[^"]*)"', first)
    assert link and "score_min=10" in link.group(1)
    second = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert len(_titles(second)) == 5 and "Calls 51 to 55 of 55" in second
    assert set(_titles(first)).isdisjoint(_titles(second))
    assert client.get("/calls/?page=abc").status_code == 200
    assert "Page 2 of 2" in client.get("/calls/?page=999").get_data(as_text=True)


def test_csv_export_is_the_filtered_list_streamed_and_audited(
    client: FlaskClient, sign_in_as, team_calls, people, app
) -> None:
    with app.app_context():
        scored_call(people["priya"].user_id, "=HYPERLINK(1)", 75, day=5)
    sign_in_as("coach")
    page = client.get("/calls/?score_min=60").get_data(as_text=True)
    link = re.search(r'id="download-csv" href="([^"]+)"', page)
    assert link and "score_min=60" in link.group(1)
    response = client.get(link.group(1).replace("&amp;", "&"), buffered=False)
    assert response.is_streamed
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.response).decode("utf-8-sig"))))
    response.close()
    assert rows[0][:3] == ["Call", "Title", "Person"]
    assert {row[1] for row in rows[1:]} == {"Priya good", "Sam middling", "'=HYPERLINK(1)"}
    good = next(row for row in rows if row[1] == "Priya good")
    assert good[6] == "88" and good[7] == "Promise to pay"
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "calls.exported"))
        assert entry is not None and entry.actor_id == people["coach"].user_id
        assert entry.detail["rows"] == 3 and entry.detail["score_min"] == 60


@contextmanager
def _counted(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_list_costs_the_same_few_statements_for_one_call_or_thirty(
    client: FlaskClient, sign_in_as, people, app
) -> None:
    with app.app_context():
        scored_call(people["priya"].user_id, "First", 50, rules=(MINI_MIRANDA,))
    sign_in_as("coach")
    client.get("/calls/")  # anything loaded once per process is loaded now
    with _counted(app) as one:
        assert client.get("/calls/?critical=").status_code == 200
    with app.app_context():
        for number in range(29):
            owner = people["priya" if number % 2 else "sam"].user_id
            scored_call(owner, f"Call {number}", 60, rules=(CALLER_IDENTITY,), critical=1)
    with _counted(app) as thirty:
        page = client.get("/calls/?critical=").get_data(as_text=True)
    assert len(_titles(page)) == 30
    assert len(thirty) == len(one), thirty
    assert len(thirty) <= 12, "\n".join(s.split("\n")[0][:90] for s in thirty)
