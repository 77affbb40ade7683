"""The question editor's pages: officers browse, preview, edit, add, retire and restore; trainees
and coaches are refused; a refused form comes back (400) with every problem and with what the
officer typed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from coach.extensions import db
from coach.models import User
from coach.quizzes.model import QUESTION_TYPES
from coach.services import question_edits
from coach.web.question_forms import SECTIONS
from tests.helpers import Login, csrf_token

BANK = "uk-vulnerability-and-contact"
QUESTION = "ukv-01"
ROOT = "/certification/questions"
PAGE = f"{ROOT}/banks/{BANK}/questions/{QUESTION}"


class _Fields(HTMLParser):
    """Collects a page's form fields as a browser would send them (ticked boxes only)."""

    def __init__(self) -> None:
        super().__init__()
        self.data = MultiDict[str, str]()
        self._open: tuple[str, str] | None = None  # a textarea or select being read
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "input" and a.get("name") and a.get("type") != "submit":
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.data.add(a["name"], a.get("value", ""))
        elif tag in {"textarea", "select"} and a.get("name"):
            self._open, self._text = (tag, a["name"]), ""
        elif tag == "option" and self._open and "selected" in a:
            self._text = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._open and self._open[0] == "textarea":
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == self._open[0]:
            self.data.add(self._open[1], self._text.removeprefix("\n"))
            self._open = None


def form_fields(page: str) -> MultiDict[str, str]:
    """The fields of the page's form, filled in as it was sent to the browser."""
    parser = _Fields()
    parser.feed(page)
    return parser.data


def test_every_question_type_has_editor_sections() -> None:
    assert set(SECTIONS) == set(QUESTION_TYPES)


def test_an_officer_browses_banks_and_previews_a_question(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("compliance")
    banks = client.get(f"{ROOT}/")
    assert banks.status_code == 200
    assert f'id="bank-{BANK}"' in banks.get_data(as_text=True)
    bank = client.get(f"{ROOT}/banks/{BANK}?difficulty=easy&q=husband")
    text = bank.get_data(as_text=True)
    assert bank.status_code == 200 and f'id="question-{QUESTION}"' in text
    assert 'id="question-ukv-02"' not in text  # a medium question, filtered out
    page = client.get(PAGE).get_data(as_text=True)
    assert 'id="question-1"' in page  # the trainee's own question markup
    assert "Right answer" in page and "FCA FG21/1" in page
    assert client.get(f"{ROOT}/banks/{BANK}/new?type=spot_violation").status_code == 200
    assert client.get(f"{ROOT}/banks/no-such-bank").status_code == 404
    assert client.get(f"{ROOT}/banks/{BANK}/questions/nope").status_code == 404


@pytest.mark.parametrize("who", ["priya", "coach"])
def test_trainees_and_coaches_are_refused(client: FlaskClient, sign_in_as, who: str) -> None:
    sign_in_as(who)
    for path in (f"{ROOT}/", f"{ROOT}/banks/{BANK}", PAGE, f"{PAGE}/edit"):
        assert client.get(path).status_code == 403


def test_an_edit_through_the_form_is_a_new_revision(
    app: Flask, client: FlaskClient, sign_in_as, people: dict[str, Login]
) -> None:
    sign_in_as("compliance")
    data = form_fields(client.get(f"{PAGE}/edit").get_data(as_text=True))
    data.setlist("prompt", ["Margaret tells you her husband died three weeks ago. What now?"])
    data.setlist("note", ["Shorter prompt"])
    saved = client.post(f"{PAGE}/edit", data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    page = client.get(PAGE).get_data(as_text=True)
    assert "edited · revision 1" in page and "Shorter prompt" in page
    with app.app_context():
        officer = db.session.get(User, people["compliance"].user_id)
        assert officer is not None
        entry = question_edits.entry(officer, BANK, QUESTION)
        assert entry.question.prompt == data["prompt"]
        assert [o.id for o in entry.question.options] == ["a", "b", "c", "d"]


def test_bad_input_comes_back_with_every_problem_and_the_officers_text(
    client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("compliance")
    data = form_fields(client.get(f"{PAGE}/edit").get_data(as_text=True))
    typed = "My <b>new</b> wording, kept & escaped"
    data["prompt"] = typed
    data["options-1-correct"] = "y"  # a second correct option on a single choice
    data["note"] = ""
    refused = client.post(f"{PAGE}/edit", data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "note: say what changed and why" in page
    assert "needs exactly one correct option, has 2" in page
    assert str(escape(typed)) in page and typed not in page


def test_a_new_question_with_a_taken_id_is_refused_and_kept(
    client: FlaskClient, sign_in_as
) -> None:
    sign_in_as("compliance")
    path = f"{ROOT}/banks/{BANK}/new?type=true_false"
    data = form_fields(client.get(path).get_data(as_text=True))
    for key, value in {
        "id": "ukf-01",
        "topic": "vulnerability",
        "difficulty": "easy",
        "prompt": "A customer who mentions a bereavement may be vulnerable.",
        "answer": "true",
        "rules": "UK-FCA-FG21-1-VULNERABILITY",
        "explanation": "FG21/1 names bereavement as a life event.",
        "citation": "FCA FG21/1",
        "note": "New item",
    }.items():
        data[key] = value  # replaces, where MultiDict.update would add a second value
    refused = client.post(path, data=data)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "id: &#39;ukf-01&#39; is already a question of uk-arrears-and-forbearance" in page
    assert "A customer who mentions a bereavement may be vulnerable." in page
    data["id"] = "ukv-officer-01"
    added = client.post(path, data=data)
    assert added.status_code == 302
    assert added.headers["Location"].endswith(f"/banks/{BANK}/questions/ukv-officer-01")


def test_retire_needs_a_note_then_restores(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("compliance")
    token = csrf_token(client, PAGE)
    refused = client.post(f"{PAGE}/retire", data={"csrf_token": token, "note": ""})
    assert refused.status_code == 400
    assert "Say what changed and why" in refused.get_data(as_text=True)
    retired = client.post(f"{PAGE}/retire", data={"csrf_token": token, "note": "Outdated"})
    assert retired.status_code == 302
    bank = client.get(f"{ROOT}/banks/{BANK}").get_data(as_text=True)
    retired_part = bank.split('id="retired"', 1)[1]
    assert f'id="question-{QUESTION}"' in retired_part
    restored = client.post(f"{PAGE}/restore", data={"csrf_token": token, "note": "Back"})
    assert restored.status_code == 302


def test_a_form_without_its_csrf_token_is_refused(client: FlaskClient, sign_in_as) -> None:
    sign_in_as("compliance")
    refused = client.post(f"{PAGE}/retire", data={"note": "no token"})
    assert refused.status_code == 400


@pytest.mark.parametrize("question", ["inp-01", "inp-04", "inp-05", "inp-07", "inp-08", "inp-14"])
def test_every_type_round_trips_through_its_form(
    client: FlaskClient, sign_in_as, question: str
) -> None:
    """Sent back as the form shows it, each type's question is the same question: the form
    carries every field, row and id (so the service answers "nothing changed")."""
    sign_in_as("compliance")
    page = f"{ROOT}/banks/in-calls-and-privacy/questions/{question}"
    assert client.get(page).status_code == 200  # its preview, key and history
    path = f"{page}/edit"
    data = form_fields(client.get(path).get_data(as_text=True))
    data["note"] = "Unchanged"
    refused = client.post(path, data=data)
    assert refused.status_code == 400
    errors = re.findall(r'<li class="error">(.*?)</li>', refused.get_data(as_text=True))
    assert errors == ["nothing changed: the question is the same as the version in use"]
