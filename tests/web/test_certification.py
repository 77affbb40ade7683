"""Sitting a certification through the pages: no key in the page or its replies, answers saved
one by one, submission, review, the certificate PDF and the public verification page; and
every refusal with a clear message that changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from coach.extensions import db
from coach.models import AttemptStatus, QuizAttempt
from coach.models._columns import utcnow
from coach.quizzes.assembly import Paper, PaperItem
from coach.services import certification
from tests import records
from tests.helpers import csrf_token

UK = "uk-conc7-foundation"
JSON = {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}


def start(client: FlaskClient, program: str = UK) -> int:
    token = csrf_token(client, f"/certification/programs/{program}")
    response = client.post(f"/certification/programs/{program}/start", data={"csrf_token": token})
    assert response.status_code == 302
    match = re.search(r"/certification/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def paper(app: Flask, attempt_id: int) -> Paper:
    with app.app_context():
        found = db.session.get(QuizAttempt, attempt_id)
        assert found is not None
        return certification.paper_of(found)


def fields(item: PaperItem, answer: list[str]) -> dict[str, object]:
    """The page's fields for one answer: q<n> values, or q<n>-<step> positions."""
    if item.question.pick == "order":
        return {f"q{item.number}-{step}": str(i + 1) for i, step in enumerate(answer)}
    return {f"q{item.number}": answer}


def test_the_attempt_page_carries_no_answer_key(
    app: Flask, client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("priya")
    attempt_id = start(client)
    page = client.get(f"/certification/attempts/{attempt_id}").get_data(as_text=True)
    drawn = paper(app, attempt_id)
    for item in drawn.items:
        assert str(escape(item.question.explanation)) not in page
        assert f'id="question-{item.number}"' in page
        shown = set(re.findall(rf'name="q{item.number}(?:-[\w-]+)?" value="([^"]*)"', page))
        assert shown <= {c.id for c in item.question.choices()} | {""}
    assert re.search(r"correct[\"'=:]|unlawful[\"'=:]", page) is None
    assert 'role="timer"' in page


def test_answers_save_one_by_one_and_a_pass_gives_a_verifiable_certificate(
    app: Flask, client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("priya")
    attempt_id = start(client)
    token = csrf_token(client, f"/certification/attempts/{attempt_id}")
    drawn = paper(app, attempt_id)
    version = None
    for item in drawn.items:
        saved = client.post(
            f"/certification/attempts/{attempt_id}/answers/{item.number}",
            data={"csrf_token": token, **fields(item, list(item.question.key()))},
            headers=JSON,
        )
        assert saved.status_code == 200, saved.get_json()
        assert saved.get_json()["saved"] == item.number
        assert "correct" not in saved.get_data(as_text=True)
        version = saved.get_json()["version"]
    done = client.post(
        f"/certification/attempts/{attempt_id}/submit",
        data={"csrf_token": token, "version": str(version)},
    )
    assert done.status_code == 302
    result = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Passed: 100.0%" in result
    assert str(escape(drawn.items[0].question.explanation)) in result  # the review
    code = re.search(r"code <code>([^<]+)</code>", result)
    assert code
    pdf = client.get(re.search(r'href="(/certification/certificates/\d+\.pdf)"', result).group(1))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    shown = client.get(f"/verify/{code.group(1)}")
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "Priya" in text and "valid" in text


def test_a_forged_choice_or_question_is_refused_and_saves_nothing(
    app: Flask, client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("priya")
    attempt_id = start(client)
    token = csrf_token(client, f"/certification/attempts/{attempt_id}")
    forged = client.post(
        f"/certification/attempts/{attempt_id}/answers/1",
        data={"csrf_token": token, "q1": "forged-option"},
        headers=JSON,
    )
    assert forged.status_code == 400
    assert "not a choice of this question" in forged.get_json()["error"]
    missing = client.post(
        f"/certification/attempts/{attempt_id}/answers/99",
        data={"csrf_token": token, "q99": "a"},
        headers=JSON,
    )
    assert missing.status_code == 400
    assert "Question 99 is not part of this attempt" in missing.get_json()["error"]
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).answers == []


def test_an_order_with_two_steps_in_one_place_is_refused(
    app: Flask, client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("priya")
    attempt_id = start(client)
    token = csrf_token(client, f"/certification/attempts/{attempt_id}")
    item = next((i for i in paper(app, attempt_id).items if i.question.pick == "order"), None)
    if item is None:  # this paper drew no ordering question: any question's number will do
        item = paper(app, attempt_id).items[0]
        data = {f"q{item.number}-x": "1", f"q{item.number}-y": "1"}
    else:
        data = {f"q{item.number}-{step}": "1" for step in item.question.key()}
    refused = client.post(
        f"/certification/attempts/{attempt_id}/answers/{item.number}",
        data={"csrf_token": token, **data},
        headers=JSON,
    )
    assert refused.status_code == 400
    assert "different position" in refused.get_json()["error"]


def test_a_replayed_submit_and_a_stale_tab_get_a_clear_message_and_no_new_score(
    app: Flask, client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("priya")
    attempt_id = start(client)
    token = csrf_token(client, f"/certification/attempts/{attempt_id}")
    stale = client.post(
        f"/certification/attempts/{attempt_id}/submit",
        data={"csrf_token": token, "version": "999"},
        headers=JSON,
    )
    assert stale.status_code == 409
    assert "another tab" in stale.get_json()["error"]
    first = client.post(f"/certification/attempts/{attempt_id}/submit", data={"csrf_token": token})
    assert first.status_code == 302
    with app.app_context():
        score = db.session.get(QuizAttempt, attempt_id).score
    again = client.post(
        f"/certification/attempts/{attempt_id}/submit",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert "already submitted" in again.get_data(as_text=True)
    with app.app_context():
        found = db.session.get(QuizAttempt, attempt_id)
        assert (found.status, found.score) == (AttemptStatus.SUBMITTED, score)


def test_a_peer_cannot_open_or_answer_someone_elses_attempt(
    app: Flask, client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("priya")
    attempt_id = start(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in_as("sam")
    assert client.get(f"/certification/attempts/{attempt_id}").status_code == 404
    token = csrf_token(client, "/certification/programs/uk-conc7-foundation")
    answer = client.post(
        f"/certification/attempts/{attempt_id}/answers/1",
        data={"csrf_token": token, "q1": "a"},
        headers=JSON,
    )
    assert answer.status_code == 404


def test_an_unknown_verification_code_says_so(client: FlaskClient) -> None:
    response = client.get("/verify/not-a-code")
    assert response.status_code == 404
    assert "No certificate has this code" in response.get_data(as_text=True)


def test_prerequisites_are_shown_and_block_the_start(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("priya")
    page = client.get("/certification/programs/us-fdcpa-foundation").get_data(as_text=True)
    assert "Complete these role-play scenarios first" in page
    assert 'id="start-attempt"' not in page


def test_the_coach_sees_a_trainees_certificate_and_attempt_on_their_page(
    app: Flask, client: FlaskClient, people, sign_in_as
) -> None:
    with app.app_context():
        records.certificate_of(people["priya"].user_id)
    sign_in_as("coach")
    page = client.get(f"/people/{people['priya'].user_id}").get_data(as_text=True)
    section = page[page.index('id="person-certification"') :]
    assert "valid" in section and "passed" in section and "/verify/" in section


def test_the_persons_page_closes_an_attempt_whose_time_ran_out_and_lists_ended_runs(
    app: Flask, client: FlaskClient, people, sign_in_as
) -> None:
    """The page reads attempts and runs without their papers and debriefs; an attempt past
    its deadline is still submitted and marked when listed, from its paper."""
    with app.app_context():
        attempt_id = records.quiz_attempt(people["priya"].user_id)
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt is not None
        attempt.deadline_at = utcnow() - timedelta(minutes=5)
        db.session.commit()
        records.scenario_run(people["priya"].user_id, ended=True)
    sign_in_as("coach")
    page = client.get(f"/people/{people['priya'].user_id}").get_data(as_text=True)
    certification_section = page[page.index('id="person-certification"') :]
    assert f"/certification/attempts/{attempt_id}" in certification_section
    assert "0%, not passed" in certification_section  # marked from the paper: nothing answered
    runs = page[page.index('id="person-runs"') : page.index('id="person-certification"')]
    assert "breach" in runs and "objective missed" in runs
    with app.app_context():
        closed = db.session.get(QuizAttempt, attempt_id)
        assert closed is not None and closed.status is AttemptStatus.SUBMITTED


def test_a_coach_assigned_a_program_sees_it_due_on_the_certification_page(
    app: Flask, client: FlaskClient, people, sign_in_as
) -> None:
    with app.app_context():
        records.open_assignment(people["coach"].user_id)
    sign_in_as("coach")
    page = client.get("/certification/").get_data(as_text=True)
    section = page[page.index('id="assigned"') : page.index('id="programs"')]
    assert "UK collector foundation" in section and "due" in section
