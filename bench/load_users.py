"""The simulated floor for ``bench/load.py`` (a locustfile; never imported by Coach or its
tests: importing locust patches the standard library for gevent).

Fifty people by default: trainees who open their dashboard, call list and calls, play a
role-play scenario by typing and answer certification questions; coaches on their team's
heat map, review queue and call lists; a compliance officer on the floor's reports; an admin;
and one trainee uploading a short practice call every ten seconds. Each person thinks for 2 to
8 seconds between actions. Accounts and what each may touch come from the JSON file named by
``COACH_LOAD_PEOPLE`` (written by bench/load.py). Requests are named by route, so the
statistics are per endpoint.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import FastHttpUser, between, constant_pacing, events, task

PEOPLE: dict[str, Any] = json.loads(Path(os.environ["COACH_LOAD_PEOPLE"]).read_text())
RECORDING = Path(PEOPLE["recording"])
_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
_TURN = re.compile(r'name="turn" (?:type="hidden" )?value="(\d+)"')
_VERSION = re.compile(r'name="version" (?:type="hidden" )?value="(\d+)"')
_CHOICE = re.compile(r'name="q(\d+)" value="([^"]+)"')
_CALL_LINK = re.compile(r'href="/calls/(\d+)"')
_NEXT = {role: itertools.count() for role in ("trainees", "coaches")}
REPLIES = (
    "Hello, this is Alex calling from Northside Recovery about a personal business matter.",
    "This is an attempt to collect a debt and any information obtained will be used for that "
    "purpose.",
    "Before we go on, can you please confirm your date of birth for me?",
    "I understand this has been a difficult few months for you.",
    "What would be a monthly amount you could realistically manage?",
    "So to confirm, you can pay fifty dollars on the first of each month starting next month.",
    "Is there anything else going on that I should know about, so we get this right for you?",
    "Thank you for your time today, I will send the plan to you in writing.",
)


# Every request as it ends (time, name, milliseconds, failed), for bench/load.py to read
# percentiles over a window of the run (Locust's own statistics cover all of it).
_TIMINGS = Path(os.environ["COACH_LOAD_TIMINGS"]).open("a", encoding="utf-8")  # noqa: SIM115


@events.request.add_listener
def _record(name: str, response_time: float, exception: object, **_rest: object) -> None:
    _TIMINGS.write(f"{time.time():.3f}\t{name}\t{response_time:.1f}\t{int(bool(exception))}\n")


@events.quitting.add_listener
def _close(**_rest: object) -> None:
    _TIMINGS.close()


def _next(role: str) -> str:
    accounts = PEOPLE[role]
    return accounts[next(_NEXT[role]) % len(accounts)]


def csrf(page: str) -> str:
    match = _CSRF.search(page)
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


def multipart_form(
    fields: dict[str, str], file_field: str, file_name: str, content: bytes, mime: str
) -> tuple[bytes, str]:
    """A multipart/form-data body with one file, and its content type, built by hand: the
    fast client (geventhttpclient) sends bytes, not ``files=`` as requests does."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
        f'filename="{file_name}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Person(FastHttpUser):
    """A signed-in person. The fast client (geventhttpclient) spends a fraction of the CPU
    python-requests does per request, and Locust shares the cores with the Coach it
    measures."""

    abstract = True
    wait_time = between(2, 8)
    email = ""

    def on_start(self) -> None:
        self.email = self.account()
        token = csrf(self.page("/login", "sign-in page"))
        form = {"email": self.email, "password": PEOPLE["password"], "csrf_token": token}
        with self.client.post(
            "/login", data=form, name="sign-in", allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in answered {answer.status_code}")

    def account(self) -> str:
        raise NotImplementedError

    def listed_call(self, pick: Callable[[list[str]], str]) -> None:
        """The call list, then the call ``pick`` chooses among those it links to."""
        found = _CALL_LINK.findall(self.page("/calls", "call list"))
        if found:
            self.page(f"/calls/{pick(found)}", "call page")

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
            return answer.text


class Trainee(Person):
    weight = 40

    def on_start(self) -> None:
        super().on_start()
        self.run_path: str | None = None
        self.turn = 0
        self.attempt = PEOPLE["attempts"].get(self.email)
        self.answered: set[int] = set()

    def account(self) -> str:
        return _next("trainees")

    @task(3)
    def dashboard(self) -> None:
        self.page("/", "dashboard (trainee)")

    @task(2)
    def calls(self) -> None:
        self.listed_call(lambda found: found[0])  # their latest

    @task(1)
    def library(self) -> None:
        self.page("/practice/", "role-play library")

    @task(4)
    def role_play_turn(self) -> None:
        if self.run_path is None:
            scenario = PEOPLE["scenarios"][hash(self.email) % len(PEOPLE["scenarios"])]
            brief = self.page(f"/practice/scenarios/{scenario}", "role-play brief")
            with self.client.post(
                f"/practice/scenarios/{scenario}/start",
                data={"csrf_token": csrf(brief)},
                name="role-play start",
                allow_redirects=False,
                catch_response=True,
            ) as started:
                if started.status_code != 302 or "/practice/runs/" not in started.headers.get(
                    "Location", ""
                ):
                    started.failure(f"start answered {started.status_code}")
                    return
                self.run_path = urlsplit(started.headers["Location"]).path
            screen = self.page(self.run_path, "role-play call page")
            self.turn = int(_TURN.search(screen).group(1))
            self.token = csrf(screen)
        reply = REPLIES[self.turn % len(REPLIES)]
        with self.client.post(
            f"{self.run_path}/reply",
            data={"csrf_token": self.token, "text": reply, "turn": str(self.turn)},
            headers={"Accept": "application/json"},
            name="role-play typed turn",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
                self.run_path = None
                return
            result = answer.json()
        self.turn = result["turn"]
        if result["ending"] is not None:
            self.page(result["debrief"], "role-play debrief")
            self.run_path = None

    @task(3)
    def quiz_answer(self) -> None:
        if self.attempt is None:
            return
        sheet = self.page(f"/certification/attempts/{self.attempt}", "certification attempt")
        version = _VERSION.search(sheet)
        choices = [(int(n), value) for n, value in _CHOICE.findall(sheet)]
        pending = [(n, value) for n, value in choices if n not in self.answered]
        if version is None or not pending:
            self.attempt = None  # answered all there is to pick (or submitted by the clock)
            return
        number, value = pending[0]
        with self.client.post(
            f"/certification/attempts/{self.attempt}/answers/{number}",
            data={"csrf_token": csrf(sheet), "version": version.group(1), f"q{number}": value},
            headers={"Accept": "application/json"},
            name="certification answer",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}")
        self.answered.add(number)


class Coach(Person):
    weight = 6

    def account(self) -> str:
        return _next("coaches")

    @task(3)
    def dashboard(self) -> None:
        self.page("/", "dashboard (coach)")

    @task(2)
    def heat_map(self) -> None:
        self.page("/team/skills", "team heat map")

    @task(2)
    def review_queue(self) -> None:
        self.page("/team/review", "review queue")

    @task(3)
    def calls(self) -> None:
        self.listed_call(lambda found: found[len(found) // 2])  # somewhere in the team's


class Compliance(Person):
    weight = 2

    def account(self) -> str:
        return PEOPLE["compliance"]

    @task(2)
    def overview(self) -> None:
        self.page("/", "dashboard (compliance)")

    @task(1)
    def teams(self) -> None:
        self.page("/compliance/teams", "compliance teams")

    @task(1)
    def rules(self) -> None:
        self.page("/compliance/rules", "compliance rules")

    @task(2)
    def calls(self) -> None:
        self.page("/calls", "call list")


class Admin(Person):
    weight = 1

    def account(self) -> str:
        return PEOPLE["admin"]

    @task
    def dashboard(self) -> None:
        self.page("/", "dashboard (admin)")

    @task
    def people(self) -> None:
        self.page("/admin/users", "admin people")


class Uploader(Person):
    """One trainee uploading a short practice call every ten seconds."""

    fixed_count = 1
    wait_time = constant_pacing(10)

    def account(self) -> str:
        return PEOPLE["uploader"]

    def on_start(self) -> None:
        super().on_start()
        self.recording = RECORDING.read_bytes()  # once, not every ten seconds

    @task
    def upload(self) -> None:
        form = self.page("/calls/new", "upload form")
        fields = {
            "csrf_token": csrf(form),
            "title": "Load test call",
            "call_type": "initial",
            "jurisdiction": "US",
            "speakers": "two",
            "consent": "y",
        }
        body, content_type = multipart_form(
            fields, "recording", RECORDING.name, self.recording, "audio/flac"
        )
        with self.client.post(
            "/calls/new",
            data=body,
            headers={"Accept": "application/json", "Content-Type": content_type},
            name="upload",
            catch_response=True,
        ) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {answer.text[:200]}")
