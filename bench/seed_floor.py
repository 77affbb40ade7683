"""A floor-sized organisation for the page-speed bench and the query-count test.

One organisation with a compliance officer, an admin and ``teams`` teams, each led by its
own coach, of ``trainees_per_team`` trainees with ``activities_per_trainee`` pieces of
practice each over the last ``days`` days: about half scored calls (a call, a small
transcript version and a real scorecard from ``tests/data/scorecard_contract`` with its
dimension scores varied), a third ended role-play runs (their debrief is a scorecard too) and
the rest submitted quiz attempts on a real paper, with a certificate for each person's latest
pass per program. Every piece carries the rows ``coach.services.progress`` writes with it
(activity, skill observations, rule breaches, flagged moments), computed by the same pure
functions, and each trainee's skill profile is rebuilt by ``progress.refresh_profile``.

Rows go in with bulk ``INSERT``s (ids read back in order), so 60,000 activities take about a
minute rather than the hours one ``record_*`` call per piece would; the services themselves are
not used for writing because each rebuilds the person's profile from all their rows.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import insert

from coach.catalog.kinds import CERTIFICATIONS, SCENARIOS
from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    AttemptAnswer,
    AttemptStatus,
    Call,
    CallScore,
    CallStatus,
    Certificate,
    CertificationAssignment,
    FlaggedMoment,
    Organisation,
    QuizAttempt,
    Role,
    RuleBreach,
    RunStatus,
    RunTurn,
    ScenarioRun,
    SkillObservationRow,
    Team,
    TeamMember,
    TranscriptVersion,
    User,
    UserRole,
)
from coach.models._columns import utcnow
from coach.progress.moments import Moment, call_moments, run_moments
from coach.progress.observations import Observation, from_quiz_attempt, from_scorecard
from coach.progress.scorecard_overrides import overridden_card
from coach.quizzes.assembly import assemble
from coach.services import certification, progress
from coach.services.certificates import rule_pack_versions
from coach.services.passwords import hash_password
from coach.transcript import Transcript

CONTRACT = Path(__file__).resolve().parents[1] / "tests" / "data" / "scorecard_contract"
# Scorecards with judged turns, per jurisdiction (the contract's empty ones are left out).
TEMPLATES = {
    "US": ("us_timed_with_metadata", "us_with_audio"),
    "UK": ("uk_hardship",),
    "IN": ("in_follow_up",),
}
PROGRAMS = {"US": "us-fdcpa-foundation", "UK": "uk-conc7-foundation", "IN": "in-rbi-recovery-agent"}
VARIANTS = 12  # varied scorecards per template
_BATCH = 2000


@dataclass(frozen=True)
class FloorSize:
    teams: int = 20
    trainees_per_team: int = 15
    activities_per_trainee: int = 200
    days: int = 120


@dataclass(frozen=True)
class Floor:
    """The seeded organisation: who signs in as what (every account has ``password``)."""

    organisation_id: int
    password: str
    admin: str  # e-mail addresses
    compliance: str
    coaches: tuple[str, ...]
    trainees: tuple[str, ...]
    ids: Mapping[str, int] = field(repr=False)  # e-mail -> user id
    teams: tuple[int, ...] = ()


@dataclass(frozen=True)
class _Card:
    """One varied scorecard and what the progress model draws from it."""

    data: dict[str, Any]
    skills: dict[str, float]
    breaches: list[dict[str, Any]]
    moments: list[Moment]  # the flagged moments of a call scored with it


def seed_floor(size: FloorSize = FloorSize(), *, name: str = "Floor", seed: int = 14) -> Floor:
    """Seed one organisation of ``size`` into the app's database and commit it."""
    rng = random.Random(seed)
    now = utcnow()
    slug = name.lower().replace(" ", "-")
    org = Organisation(name=name)
    db.session.add(org)
    db.session.flush()
    password = secrets.token_urlsafe(12)
    hashed = hash_password(password, current_app.config["COACH"]["PASSWORD_HASH_COST"])
    admin, officer = f"admin@{slug}.test", f"compliance@{slug}.test"
    coaches = [f"coach{t + 1}@{slug}.test" for t in range(size.teams)]
    trainees = [
        f"trainee{t + 1}-{i + 1}@{slug}.test"
        for t in range(size.teams)
        for i in range(size.trainees_per_team)
    ]
    roles = {admin: Role.ADMIN, officer: Role.COMPLIANCE}
    roles |= dict.fromkeys(coaches, Role.COACH)
    roles |= dict.fromkeys(trainees, Role.TRAINEE)
    ids = _users(org.id, roles, hashed, now - timedelta(days=size.days + 30))
    team_ids = _teams(org.id, size, ids, coaches, trainees)
    writer = _Writer(org.id, rng, now, size.days)
    for t, team_id in enumerate(team_ids):
        jurisdiction = ("US", "UK", "IN")[t % 3]
        members = trainees[t * size.trainees_per_team : (t + 1) * size.trainees_per_team]
        for email in members:
            writer.person(ids[email], team_id, jurisdiction, size.activities_per_trainee)
    writer.flush()
    for email in trainees:
        progress.refresh_profile(ids[email], now)
    db.session.commit()
    return Floor(
        org.id, password, admin, officer, tuple(coaches), tuple(trainees), ids, tuple(team_ids)
    )


def _users(
    organisation_id: int, roles: Mapping[str, Role], hashed: str, since: datetime
) -> dict[str, int]:
    rows = [
        {
            "organisation_id": organisation_id,
            "email": email,
            "name": _person_name(email),
            "password_hash": hashed,
            "active": True,
            "must_change_password": False,
            "created_at": since,
            "experience_level": "senior" if i % 4 == 0 else "new",
        }
        for i, email in enumerate(roles)
    ]
    user_ids = _insert_returning(User, rows)
    ids = dict(zip(roles, user_ids, strict=True))
    _insert(UserRole, [{"user_id": ids[email], "role": role} for email, role in roles.items()])
    return ids


def _person_name(email: str) -> str:
    local = email.split("@")[0]
    return local.replace("-", " ").replace("trainee", "Trainee ").replace("coach", "Coach ")


def _teams(
    organisation_id: int,
    size: FloorSize,
    ids: Mapping[str, int],
    coaches: Sequence[str],
    trainees: Sequence[str],
) -> list[int]:
    rows = [
        {"organisation_id": organisation_id, "name": f"Team {t + 1:02d}", "coach_id": ids[coach]}
        for t, coach in enumerate(coaches)
    ]
    team_ids = _insert_returning(Team, rows)
    members = [
        {"team_id": team_ids[t], "user_id": ids[email]}
        for t in range(size.teams)
        for email in trainees[t * size.trainees_per_team : (t + 1) * size.trainees_per_team]
    ]
    _insert(TeamMember, members)
    return team_ids


class _Writer:
    """Builds each person's practice in memory and writes it in bulk, table by table."""

    def __init__(self, organisation_id: int, rng: random.Random, now: datetime, days: int):
        self.organisation_id = organisation_id
        self.rng = rng
        self.now = now
        self.days = days
        catalog = current_app.extensions["coach.catalog"]
        self.cards = {j: _cards(names, rng) for j, names in TEMPLATES.items()}
        self.transcripts = {j: _transcript(names[0]) for j, names in TEMPLATES.items()}
        self.scenarios = {
            j: [s for s in catalog.get(SCENARIOS) if s.jurisdiction == j] for j in TEMPLATES
        }
        self.scenario_pins = {pin["id"]: pin["sha256"] for pin in catalog.pins(SCENARIOS)}
        self.programs = {j: certification.program(p) for j, p in PROGRAMS.items()}
        self.program_pins = {pin["id"]: pin["sha256"] for pin in catalog.pins(CERTIFICATIONS)}
        self.papers = {
            j: assemble(p, certification.banks(organisation_id), seed=7)
            for j, p in self.programs.items()
        }
        self.paper_json = {j: paper.as_json() for j, paper in self.papers.items()}
        self.pack_versions = rule_pack_versions()
        self._observations: dict[tuple[int, str, tuple[str, ...] | None], Sequence[Observation]]
        self._observations = {}
        self._reset()

    def _reset(self) -> None:
        self.calls: list[tuple[dict[str, Any], str, _Card]] = []
        self.runs: list[tuple[dict[str, Any], str, _Card, tuple[str, ...]]] = []
        self.attempts: list[tuple[dict[str, Any], str, list[float]]] = []
        self.assignments: list[dict[str, Any]] = []

    def person(self, person_id: int, team_id: int, jurisdiction: str, count: int) -> None:
        rng = self.rng
        kinds = [ActivityKind.CALL] * round(count * 0.5) + [ActivityKind.ROLEPLAY] * round(
            count * 0.35
        )
        kinds += [ActivityKind.QUIZ] * (count - len(kinds))
        for kind in kinds:
            at = self.now - timedelta(seconds=rng.uniform(60, self.days * 86400))
            if kind is ActivityKind.CALL:
                self._call(person_id, jurisdiction, at)
            elif kind is ActivityKind.ROLEPLAY:
                self._run(person_id, jurisdiction, at)
            else:
                self._attempt(person_id, jurisdiction, at)
        program = self.programs[jurisdiction]
        self.assignments.append(
            {
                "organisation_id": self.organisation_id,
                "user_id": person_id,
                "program_id": program.id,
                "due_on": (self.now + timedelta(days=rng.randint(-20, 40))).date(),
                "team_id": team_id,
                "created_at": self.now - timedelta(days=self.days),
            }
        )
        if len(self.calls) >= _BATCH:
            self.flush()

    def _call(self, person_id: int, jurisdiction: str, at: datetime) -> None:
        card = self.rng.choice(self.cards[jurisdiction])
        n = len(self.calls)
        row = {
            "organisation_id": self.organisation_id,
            "owner_id": person_id,
            "title": f"Practice call {n % 97 + 1}",
            "call_type": self.rng.choice(("initial", "follow_up")),
            "jurisdiction": jurisdiction,
            "channels_mode": "stereo",
            "consent": True,
            "source": "upload",
            "recording_sha256": hashlib.sha256(f"{person_id}-{at}".encode()).hexdigest(),
            "recording_ext": "flac",
            "audio_format": "flac",
            "size_bytes": 1_400_000,
            "duration": self.rng.uniform(60, 600),
            "channels": 2,
            "sample_rate": 16000,
            "status": CallStatus.TRANSCRIBED,
            "created_at": at,
        }
        self.calls.append((row, jurisdiction, card))

    def _run(self, person_id: int, jurisdiction: str, at: datetime) -> None:
        scenario = self.rng.choice(self.scenarios[jurisdiction])
        ending = self.rng.choice(scenario.endings)
        card = self.rng.choice(self.cards[jurisdiction])
        row = {
            "organisation_id": self.organisation_id,
            "owner_id": person_id,
            "scenario_id": scenario.id,
            "scenario_version": scenario.version,
            "scenario_sha256": self.scenario_pins[scenario.id],
            "seed": self.rng.randrange(2**31),
            "status": RunStatus.ENDED,
            "turn": 3,
            "node": ending.id,
            "meters": {},
            "opening": "Hello, who is this?",
            "ending_id": ending.id,
            "ending_kind": ending.kind,
            "meets_objective": ending.meets_objective,
            "scorecard": card.data,
            "total": card.data["total"],
            "created_at": at - timedelta(minutes=8),
            "updated_at": at,
            "ended_at": at,
            "row_version": 1,
        }
        self.runs.append((row, scenario.title, card, tuple(scenario.skills)))

    def _attempt(self, person_id: int, jurisdiction: str, at: datetime) -> None:
        program = self.programs[jurisdiction]
        paper = self.papers[jurisdiction]
        skill = self.rng.uniform(0.5, 1.0)
        credits = [1.0 if self.rng.random() < skill else 0.0 for _ in paper.items]
        score = round(100 * sum(credits) / len(credits), 1)
        started = at - timedelta(minutes=20)
        row = {
            "organisation_id": self.organisation_id,
            "user_id": person_id,
            "program_id": program.id,
            "program_version": program.version,
            "program_sha256": self.program_pins[program.id],
            "seed": 7,
            "paper": self.paper_json[jurisdiction],
            "pass_mark": program.pass_mark,
            "review": program.review,
            "status": AttemptStatus.SUBMITTED,
            "started_at": started,
            "deadline_at": started + timedelta(minutes=program.time_limit_minutes),
            "submitted_at": at,
            "last_saved_at": at,
            "score": score,
            "passed": score >= program.pass_mark,
            "row_version": 1,
        }
        self.attempts.append((row, jurisdiction, credits))

    # --- writing ------------------------------------------------------------------------------

    def flush(self) -> None:
        self._flush_calls()
        self._flush_runs()
        self._flush_attempts()
        _insert(CertificationAssignment, self.assignments)
        self._reset()

    def _flush_calls(self) -> None:
        call_ids = _insert_returning(Call, [row for row, _, _ in self.calls])
        _insert(
            TranscriptVersion,
            [
                {
                    "call_id": call_id,
                    "version": 1,
                    "origin": "asr",
                    "data": self.transcripts[jurisdiction],
                    "model_id": "faster-whisper:base",
                    "created_at": row["created_at"],
                }
                for call_id, (row, jurisdiction, _) in zip(call_ids, self.calls, strict=True)
            ],
        )
        _insert(
            CallScore,
            [
                {
                    "call_id": call_id,
                    "transcript_version": 1,
                    "total": card.data["total"],
                    "scorecard_id": "default",
                    "scorecard_version": "1",
                    "engine_version": card.data["versions"]["engine"],
                    "content": [],
                    "data": card.data,
                    "created_at": row["created_at"],
                }
                for call_id, (row, _, card) in zip(call_ids, self.calls, strict=True)
            ],
        )
        pieces = []
        for call_id, (row, _, card) in zip(call_ids, self.calls, strict=True):
            at = row["created_at"]
            observed = self._observed(card, "call", None)
            activity = self._activity(ActivityKind.CALL, call_id, row["owner_id"], row["title"], at)
            activity |= {"score": card.data["total"], "outcome": card.data.get("outcome")}
            pieces.append((activity, observed, card.breaches, card.moments))
        self._write_progress(pieces)

    def _flush_runs(self) -> None:
        run_ids = _insert_returning(ScenarioRun, [row for row, _, _, _ in self.runs])
        turns = []
        pieces = []
        for run_id, (row, title, card, focus) in zip(run_ids, self.runs, strict=True):
            turns += [
                {
                    "run_id": run_id,
                    "number": number,
                    "trainee": "I understand. Could we agree a small first payment?",
                    "spoken": False,
                    "intents": ["propose_plan"],
                    "findings": [],
                    "changes": [],
                    "meters": {},
                    "debtor": "I can manage something small.",
                    "node": row["node"],
                    "created_at": row["ended_at"],
                }
                for number in (1, 2, 3)
            ]
            at = row["ended_at"]
            observed = self._observed(card, "roleplay", focus)
            activity = self._activity(ActivityKind.ROLEPLAY, run_id, row["owner_id"], title, at)
            activity |= {"score": row["total"], "outcome": row["ending_kind"]}
            moments = run_moments(card.data, row["ending_kind"], row["turn"])
            pieces.append((activity, observed, card.breaches, moments))
        _insert(RunTurn, turns)
        self._write_progress(pieces)

    def _flush_attempts(self) -> None:
        attempt_ids = _insert_returning(QuizAttempt, [row for row, _, _ in self.attempts])
        answers = []
        pieces = []
        passes: dict[tuple[int, str], tuple[int, dict[str, Any]]] = {}
        for attempt_id, (row, jurisdiction, credits) in zip(
            attempt_ids, self.attempts, strict=True
        ):
            paper = self.papers[jurisdiction]
            answers += [
                {
                    "attempt_id": attempt_id,
                    "number": item.number,
                    "question_id": item.question.id,
                    "answer": ["a"],
                    "answered_at": row["submitted_at"],
                    "credit": credit,
                }
                for item, credit in zip(paper.items, credits, strict=True)
            ]
            at = row["submitted_at"]
            observed = from_quiz_attempt(
                [(item.question, c) for item, c in zip(paper.items, credits, strict=True)],
                {},
                source_id=f"quiz:{attempt_id}",
                at=at,
            )
            title = self.programs[jurisdiction].title
            activity = self._activity(ActivityKind.QUIZ, attempt_id, row["user_id"], title, at)
            activity |= {"score": row["score"], "outcome": "passed" if row["passed"] else "failed"}
            pieces.append((activity, observed, [], []))
            key = (row["user_id"], row["program_id"])
            if row["passed"] and (key not in passes or passes[key][1]["submitted_at"] < at):
                passes[key] = (attempt_id, row)
        _insert(AttemptAnswer, answers)
        self._write_progress(pieces)
        self._certificates(passes)

    def _certificates(self, passes: Mapping[tuple[int, str], tuple[int, dict[str, Any]]]) -> None:
        rows = []
        packs = self.pack_versions
        for (user_id, program_id), (attempt_id, attempt) in passes.items():
            program = certification.program(program_id)
            issued = attempt["submitted_at"]
            rows.append(
                {
                    "organisation_id": self.organisation_id,
                    "user_id": user_id,
                    "program_id": program.id,
                    "program_version": program.version,
                    "program_title": program.title,
                    "attempt_id": attempt_id,
                    "code": secrets.token_urlsafe(18),
                    "score": attempt["score"],
                    "issued_at": issued,
                    "expires_at": issued + timedelta(days=program.valid_for_days),
                    "rule_packs": {p: v for p, v in packs.items() if p in program.rule_packs},
                }
            )
        _insert(Certificate, rows)

    def _observed(
        self, card: _Card, source: str, focus: tuple[str, ...] | None
    ) -> Sequence[Observation]:
        """``from_scorecard``'s observations of ``card`` (their ``at`` is the activity's, set
        when written), made once per card, source and focus: the same for every use."""
        key = (id(card), source, focus)
        if key not in self._observations:
            self._observations[key] = from_scorecard(
                [_Scored(skill, value) for skill, value in card.skills.items()],
                source="call" if source == "call" else "roleplay",
                source_id=source,
                at=self.now,
                focus=set(focus) if focus is not None else None,
            )
        return self._observations[key]

    def _activity(
        self, kind: ActivityKind, source_id: int, person_id: int, title: str, at: datetime
    ) -> dict[str, Any]:
        return {
            "organisation_id": self.organisation_id,
            "person_id": person_id,
            "kind": kind,
            "source_id": source_id,
            "title": title,
            "at": at,
            "overridden": False,
            "updated_at": at,
        }

    def _write_progress(
        self,
        pieces: Sequence[
            tuple[dict[str, Any], Sequence[Observation], Sequence[dict[str, Any]], Sequence[Moment]]
        ],
    ) -> None:
        """Activities with their observations, breaches and flagged moments, as ``progress``
        writes them."""
        for activity, _, breaches, _ in pieces:
            activity["breaches"] = len(breaches)
            activity["critical_findings"] = sum(
                1 for f in breaches if f.get("severity") == "critical"
            )
        activity_ids = _insert_returning(Activity, [a for a, _, _, _ in pieces])
        observations, rule_breaches, flagged = [], [], []
        for activity_id, (activity, observed, breaches, moments) in zip(
            activity_ids, pieces, strict=True
        ):
            person = activity["person_id"]
            observations += [
                {
                    "activity_id": activity_id,
                    "person_id": person,
                    "skill": o.skill,
                    "score": o.score,
                    "weight": o.weight,
                    "source": o.source,
                    "at": activity["at"],
                }
                for o in observed
            ]
            rule_breaches += [
                {
                    "activity_id": activity_id,
                    "organisation_id": self.organisation_id,
                    "person_id": person,
                    "activity_kind": activity["kind"],
                    "rule_id": f["rule_id"],
                    "severity": f.get("severity") or "",
                    "status": f["status"],
                    "turn": f.get("turn"),
                    "at": activity["at"],
                }
                for f in breaches
            ]
            flagged += [{"activity_id": activity_id, **asdict(m)} for m in moments]
        _insert(SkillObservationRow, observations)
        _insert(RuleBreach, rule_breaches)
        _insert(FlaggedMoment, flagged)


@dataclass(frozen=True)
class _Scored:
    skill: str
    score: float


def _cards(names: Sequence[str], rng: random.Random) -> list[_Card]:
    """``VARIANTS`` scorecards per template: the judged dimensions other than compliance
    moved (the total and skill scores redone as a coach's override would redo them), and in
    half of them each broken rule swapped for another rule of the same pack and severity."""
    catalog = current_app.extensions["coach.catalog"]
    rules = [rule for pack in catalog.get("rules") for rule in pack.rules]
    skill_dimensions = next(c.skills for c in catalog.get("scorecards") if c.id == "default")
    cards = []
    for name in names:
        template = json.loads((CONTRACT / f"{name}.scorecard.json").read_text())
        for v in range(VARIANTS):
            moved = {
                d: max(0, min(100, int(score) + rng.randint(-25, 25)))
                for d, score in template["dimensions"].items()
                if score is not None and d != "compliance"
            }
            effective = overridden_card(template, moved, skill_dimensions)
            data = copy.deepcopy(template)
            data["dimensions"] |= moved
            data["total"] = effective.total
            for observation in data["skill_observations"]:
                observation["score"] = effective.skills[observation["skill"]]
            if v % 2:
                for finding in data["findings"]:
                    finding["rule_id"] = _similar_rule(finding, rules, rng)
            breaches = [f for f in data["findings"] if f["status"] in progress.BREACH_STATUSES]
            moments = call_moments(data)
            cards.append(_Card(data, dict(effective.skills), breaches, moments))
    return cards


def _similar_rule(finding: Mapping[str, Any], rules: Sequence[Any], rng: random.Random) -> str:
    prefix = finding["rule_id"].split("-")[0]
    same = [
        r.id
        for r in rules
        if r.id.split("-")[0] == prefix and r.severity == finding.get("severity")
    ]
    return rng.choice(same) if same else str(finding["rule_id"])


def _transcript(name: str) -> dict[str, Any]:
    raw = json.loads((CONTRACT / f"{name}.transcript.json").read_text())
    return Transcript.model_validate(raw).to_json_dict()


def _insert_returning(model: type[Any], rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert ``rows`` in one statement per batch; their ids in the order given."""
    if not rows:
        return []
    table = model.__table__
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, list(rows)))


def _insert(model: type[Any], rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        db.session.execute(insert(model.__table__), list(rows))
