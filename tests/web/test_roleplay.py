"""Role-play through the web: library, brief, a run on the real models, the debrief, the
debtor's voice, and every kind of bad input refused without touching the run."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from coach.extensions import db
from coach.models import RunStatus, RunTurn, ScenarioRun
from tests.helpers import Login, csrf_token, sign_in

pytestmark = pytest.mark.ml

FIRST_CONTACT = "us-first-contact"
OPENING_REPLY = (
    "Hi, this is Sam Ortiz with Meridian Services. Am I speaking with Daniel Reyes? "
    "Could you confirm your date of birth?"
)
THREAT = "If you don't pay today we'll have you arrested."
JSON = {"Accept": "application/json"}


def start(client: FlaskClient, scenario_id: str = FIRST_CONTACT) -> int:
    """Start a run through the brief's form; returns its id."""
    token = csrf_token(client, f"/practice/scenarios/{scenario_id}")
    response = client.post(f"/practice/scenarios/{scenario_id}/start", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def say(client: FlaskClient, run_id: int, text: str, turn: int | None = None):
    """Send a typed reply as the call screen's script does (JSON answer)."""
    token = csrf_token(client, f"/practice/runs/{run_id}")
    data = {"csrf_token": token, "text": text}
    if turn is not None:
        data["turn"] = str(turn)
    return client.post(f"/practice/runs/{run_id}/reply", data=data, headers=JSON)


def turns_of(app: Flask, run_id: int) -> list[RunTurn]:
    with app.app_context():
        run = db.session.get(ScenarioRun, run_id)
        return list(run.turns)


def test_library_lists_and_filters_scenarios(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("priya")
    page = client.get("/practice/").get_data(as_text=True)
    assert page.count('class="card scenario-card"') >= 12
    uk = client.get("/practice/?jurisdiction=UK").get_data(as_text=True)
    assert 'id="scenario-uk-job-loss-plan"' in uk and 'id="scenario-us-first-contact"' not in uk
    hard = client.get("/practice/?difficulty=hard").get_data(as_text=True)
    assert 'id="scenario-us-first-contact"' not in hard and "difficulty-hard" in hard
    none = client.get("/practice/?skill=no_such_skill").get_data(as_text=True)
    assert "No scenario matches these filters" in none


def test_brief_shows_case_file_and_objective(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("priya")
    page = client.get(f"/practice/scenarios/{FIRST_CONTACT}").get_data(as_text=True)
    assert "Northway Bank" in page and "1,240.00" in page
    assert "A promise to pay at least $150" in page
    assert client.get("/practice/scenarios/no-such-scenario").status_code == 404


def client_of(app: Flask, login: Login) -> FlaskClient:
    """A browser of its own, signed in as ``login``."""
    other = app.test_client()
    sign_in(other, login)
    return other


def test_only_practising_roles_start_runs_and_others_see_them_by_role(
    app: Flask, people: dict[str, Login]
) -> None:
    sam = client_of(app, people["sam"])
    run_id = start(sam)
    page = sam.get(f"/practice/runs/{run_id}").get_data(as_text=True)
    assert 'id="reply-form"' in page
    coach = client_of(app, people["coach"])  # Sam's coach reads the run, cannot reply in it
    page = coach.get(f"/practice/runs/{run_id}").get_data(as_text=True)
    assert "read only" in page and 'id="reply-form"' not in page
    assert say(coach, run_id, "Hello?").status_code == 403
    peer = client_of(app, people["priya"])  # a peer does not learn the run exists
    assert peer.get(f"/practice/runs/{run_id}").status_code == 404
    compliance = client_of(app, people["compliance"])
    assert compliance.get(f"/practice/runs/{run_id}").status_code == 200
    token = csrf_token(compliance, f"/practice/scenarios/{FIRST_CONTACT}")
    started = compliance.post(
        f"/practice/scenarios/{FIRST_CONTACT}/start", data={"csrf_token": token}
    )
    assert started.status_code == 403
    assert turns_of(app, run_id) == []


def test_a_typed_reply_is_judged_stored_and_resumable(
    client: FlaskClient, sign_in_as, app: Flask
) -> None:
    sign_in_as("priya")
    run_id = start(client)
    answer = say(client, run_id, OPENING_REPLY, turn=0)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    turn = answer.get_json()
    assert turn["turn"] == 1 and turn["trainee"] == OPENING_REPLY
    assert "verify_identity" in turn["intents"] and turn["debtor"]
    assert set(turn["meters"]) == {"trust", "irritation", "willingness"}
    assert turn["audio"] and all(url.endswith(".wav") for url in turn["audio"])
    [stored] = turns_of(app, run_id)
    assert (stored.number, stored.trainee, stored.debtor) == (1, OPENING_REPLY, turn["debtor"])
    # A reloaded page (a dropped connection) shows the whole call and answers turn 1 next.
    page = client.get(f"/practice/runs/{run_id}").get_data(as_text=True)
    assert turn["debtor"].replace("'", "&#39;") in page
    assert 'name="turn" type="hidden" value="1"' in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "the reply is empty"),
        ("I can help you with that. " * 200, "at most 1,000"),
        ("Buenas tardes, quisiera hablar con el señor Reyes sobre su cuenta", "English"),
        ("asdkj qwpoe zxcmv lkjq", "English"),
    ],
    ids=["empty", "5000-characters", "spanish", "gibberish"],
)
def test_unusable_replies_are_refused_and_cost_no_turn(
    client: FlaskClient, sign_in_as, app: Flask, text: str, message: str
) -> None:
    sign_in_as("priya")
    run_id = start(client)
    answer = say(client, run_id, text, turn=0)
    assert answer.status_code == 400
    assert message in answer.get_json()["error"]
    assert turns_of(app, run_id) == []


def test_a_stale_tab_cannot_answer_a_turn_twice(
    client: FlaskClient, sign_in_as, app: Flask
) -> None:
    sign_in_as("priya")
    run_id = start(client)
    assert say(client, run_id, OPENING_REPLY, turn=0).status_code == 200
    stale = say(client, run_id, "Hello, are you there?", turn=0)
    assert stale.status_code == 409
    assert "another tab" in stale.get_json()["error"]
    assert [t.number for t in turns_of(app, run_id)] == [1]


def test_a_threat_ends_the_call_and_the_debrief_explains_it(
    client: FlaskClient, sign_in_as, app: Flask
) -> None:
    sign_in_as("priya")
    run_id = start(client)
    say(client, run_id, OPENING_REPLY, turn=0)
    answer = say(client, run_id, THREAT, turn=1).get_json()
    assert answer["ending"]["kind"] == "breach"
    assert any(f["rule_id"] == "US-FDCPA-1692e4-THREAT-ARREST" for f in answer["findings"])
    with app.app_context():
        run = db.session.get(ScenarioRun, run_id)
        assert run.status == RunStatus.ENDED and run.meets_objective is False
        assert run.scorecard["skill_observations"]  # the run's evidence for progress
    page = client.get(f"/practice/runs/{run_id}/debrief").get_data(as_text=True)
    assert "Objective missed." in page and "US-FDCPA-1692e4-THREAT-ARREST" in page
    assert "Say instead:" in page and 'id="meter-chart"' in page and "<svg" in page
    assert 'id="practise-next"' in page and "Try this call again" in page
    # The same form sent again after the end: refused, nothing stored twice.
    replay = say(client, run_id, THREAT, turn=1)
    assert replay.status_code == 409 and "has ended" in replay.get_json()["error"]
    assert len(turns_of(app, run_id)) == 2


def test_a_run_on_an_edited_scenario_stops_cleanly(
    client: FlaskClient,
    sign_in_as,
    app: Flask,
    sibling_app: Callable[..., Flask],
    tmp_path: Path,
) -> None:
    """The file changes and the server restarts while a run is open: the run is kept, read
    only, and the trainee is told to restart."""
    sign_in_as("priya")
    run_id = start(client)
    assert say(client, run_id, OPENING_REPLY, turn=0).status_code == 200
    content = Path(app.config["COACH"]["CONTENT_DIR"])
    edited = tmp_path / "content"
    shutil.copytree(content, edited)
    scenario_file = edited / "scenarios" / f"{FIRST_CONTACT}.yaml"
    with scenario_file.open("a", encoding="utf-8") as edit:
        edit.write("# An author's note: any change to the file is a new sha256.\n")
    restarted = sibling_app(CONTENT_DIR=str(edited)).test_client()
    cookie = client.get_cookie("session")
    restarted.set_cookie("session", cookie.value)
    answer = say(restarted, run_id, "Thanks. What happened with the payments?", turn=1)
    assert answer.status_code == 409
    assert "changed after the run started" in answer.get_json()["error"]
    with app.app_context():
        run = db.session.get(ScenarioRun, run_id)
        assert run.status == RunStatus.ABANDONED and len(run.turns) == 1


def test_restart_begins_a_new_run_and_keeps_the_old(
    client: FlaskClient, sign_in_as, app: Flask
) -> None:
    sign_in_as("priya")
    run_id = start(client)
    token = csrf_token(client, f"/practice/runs/{run_id}")
    response = client.post(f"/practice/runs/{run_id}/restart", data={"csrf_token": token})
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert new_id != run_id
    with app.app_context():
        assert db.session.get(ScenarioRun, run_id).status == RunStatus.ABANDONED
        assert db.session.get(ScenarioRun, new_id).status == RunStatus.ACTIVE
    # The debrief of an unfinished run sends the trainee back to the call.
    assert client.get(f"/practice/runs/{new_id}/debrief").status_code == 302


def test_the_debtor_speaks_each_sentence(
    client: FlaskClient, sign_in_as, app: Flask, people: dict[str, Login]
) -> None:
    sign_in_as("priya")
    run_id = start(client)
    audio = client.get(f"/practice/runs/{run_id}/voice/0/0.wav")
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    assert audio.data[:4] == b"RIFF" and len(audio.data) > 10_000  # a real spoken word or more
    assert client.get(f"/practice/runs/{run_id}/voice/0/9.wav").status_code == 404
    assert client.get(f"/practice/runs/{run_id}/voice/5/0.wav").status_code == 404
    sam = client_of(app, people["sam"])
    assert sam.get(f"/practice/runs/{run_id}/voice/0/0.wav").status_code == 404


def test_reply_text_is_escaped(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("priya")
    run_id = start(client)
    say(client, run_id, "Hello, is this <b>Daniel</b>? <script>alert(1)</script>", turn=0)
    page = client.get(f"/practice/runs/{run_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_spoken_reply_that_is_not_audio_is_refused(
    client: FlaskClient, sign_in_as, app: Flask
) -> None:
    sign_in_as("priya")
    run_id = start(client)
    token = csrf_token(client, f"/practice/runs/{run_id}")
    answer = client.post(
        f"/practice/runs/{run_id}/reply",
        data={"csrf_token": token, "turn": "0", "audio": (io.BytesIO(b"not audio" * 50), "r.webm")},
        content_type="multipart/form-data",
        headers=JSON,
    )
    assert answer.status_code == 400
    assert "record" in answer.get_json()["error"].lower()
    assert turns_of(app, run_id) == []
