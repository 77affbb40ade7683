"""Calibration rounds: sample scored calls, take an officer's blind labels, compare them with
Coach's answers, and keep uncalibrated criteria out of certification.

Coach's answer on a rule is whether the call's activity has a ``RuleBreach`` row for it (the
rows every report counts), on a dimension the engine's own score in the call's latest
scorecard, in its band (``coach.calibration.criteria.band``): a coach's override is a
person's judgement, not Coach's, so it is not what calibration measures. A rule the engine
could not assess on a call (``not_assessable``) has no answer there, and the pair is left out.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import exists, select

from coach.calibration.agreement import agreement
from coach.calibration.criteria import (
    DEFAULT_MIN_KAPPA,
    DIMENSIONS,
    Criterion,
    Kind,
    Verdict,
    band,
    failing_in,
    verdict,
)
from coach.errors import Conflict, NotFound, ServiceError
from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    CalibrationBar,
    CalibrationLabel,
    CalibrationRound,
    CalibrationSample,
    Call,
    CallScore,
    RuleBreach,
    User,
)
from coach.models._columns import utcnow
from coach.scoring.compliance.rules import Rule
from coach.services import access, audit
from coach.services.calls import JURISDICTIONS

MAX_SAMPLE = 100


@dataclass(frozen=True)
class CriterionResult:
    """One row of a round's report."""

    key: str
    label: str
    ordinal: bool
    n: int
    exact: float | None
    within_one: float | None
    kappa: float | None
    weighted_kappa: float | None
    verdict: Verdict
    undefined: str | None


# --- criteria ------------------------------------------------------------------------------


def rules_of(jurisdiction: str) -> list[Rule]:
    """The loaded rules of ``jurisdiction``'s rule packs, in pack order."""
    packs = current_app.extensions["coach.catalog"].get("rules")
    return [rule for pack in packs if pack.jurisdiction == jurisdiction for rule in pack.rules]


def criteria_for(jurisdiction: str) -> list[tuple[str, str]]:
    """(key, label) of every criterion an officer may label on calls of ``jurisdiction``."""
    dimensions = [(Criterion(Kind.DIMENSION, n).key, label) for n, label in DIMENSIONS.items()]
    rules = [
        (Criterion(Kind.RULE, rule.id).key, f"{rule.id}: {rule.title}")
        for rule in rules_of(jurisdiction)
    ]
    return dimensions + rules


def label_of(key: str, jurisdiction: str) -> str:
    return dict(criteria_for(jurisdiction)).get(key, key)


# --- the organisation's bar ----------------------------------------------------------------


def bar(organisation_id: int) -> float:
    """The minimum kappa a criterion needs to count as calibrated in this organisation."""
    row = db.session.scalar(
        select(CalibrationBar).where(CalibrationBar.organisation_id == organisation_id)
    )
    return row.min_kappa if row is not None else DEFAULT_MIN_KAPPA


def set_bar(officer: User, min_kappa: float) -> None:
    """Change the bar for rounds closed from now on (closed rounds keep the bar they had)."""
    access.require_compliance(officer, "change the calibration bar")
    if not 0 < min_kappa <= 1:
        raise ServiceError("The minimum kappa is a number above 0 and at most 1.")
    row = db.session.scalar(
        select(CalibrationBar).where(CalibrationBar.organisation_id == officer.organisation_id)
    )
    if row is None:
        row = CalibrationBar(organisation_id=officer.organisation_id, min_kappa=min_kappa)
        db.session.add(row)
    row.min_kappa, row.updated_by_id = min_kappa, officer.id
    audit.record(
        officer,
        "calibration.bar_changed",
        "organisation",
        officer.organisation_id,
        min_kappa=min_kappa,
    )
    db.session.commit()


# --- rounds --------------------------------------------------------------------------------


def scored_call_ids(organisation_id: int, jurisdiction: str) -> list[int]:
    """Calls of the organisation and jurisdiction with a scorecard and its activity row."""
    query = (
        select(Call.id)
        .join(Activity, (Activity.kind == ActivityKind.CALL) & (Activity.source_id == Call.id))
        .where(
            Call.organisation_id == organisation_id,
            Call.jurisdiction == jurisdiction,
            exists().where(CallScore.call_id == Call.id),
        )
        .order_by(Call.id)
    )
    return list(db.session.scalars(query))


def start_round(
    officer: User,
    jurisdiction: str,
    size: int,
    criteria: Sequence[str],
    seed: int | None = None,
) -> CalibrationRound:
    """Draw ``size`` scored calls at random (the seed is kept, so the draw can be repeated)."""
    access.require_compliance(officer, "run calibration")
    if jurisdiction not in JURISDICTIONS:
        raise ServiceError("Choose the jurisdiction: US, UK or IN.")
    if not 1 <= size <= MAX_SAMPLE:
        raise ServiceError(f"Sample between 1 and {MAX_SAMPLE} calls.")
    known = dict(criteria_for(jurisdiction))
    chosen = [key for key in dict.fromkeys(criteria) if key in known]
    if not chosen or len(chosen) != len(set(criteria)):
        raise ServiceError(f"Choose one or more criteria of {JURISDICTIONS[jurisdiction]} calls.")
    pool = scored_call_ids(officer.organisation_id, jurisdiction)
    if not pool:
        raise ServiceError(
            f"There are no scored {JURISDICTIONS[jurisdiction]} calls to sample yet."
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    drawn = random.Random(seed).sample(pool, min(size, len(pool)))  # noqa: S311 (a repeatable draw)
    found = CalibrationRound(
        organisation_id=officer.organisation_id,
        created_by_id=officer.id,
        jurisdiction=jurisdiction,
        seed=seed,
        criteria=chosen,
    )
    found.samples = [CalibrationSample(call_id=c, position=i) for i, c in enumerate(drawn)]
    db.session.add(found)
    db.session.flush()
    audit.record(
        officer,
        "calibration.started",
        "calibration_round",
        found.id,
        calls=len(drawn),
        criteria=len(chosen),
    )
    db.session.commit()
    return found


def rounds(officer: User) -> list[CalibrationRound]:
    access.require_compliance(officer, "run calibration")
    query = select(CalibrationRound).where(
        CalibrationRound.organisation_id == officer.organisation_id
    )
    return list(db.session.scalars(query.order_by(CalibrationRound.id.desc())))


def round_of(officer: User, round_id: int) -> CalibrationRound:
    """The round if it is in ``officer``'s organisation (and they may calibrate), else NotFound."""
    access.require_compliance(officer, "run calibration")
    found = db.session.get(CalibrationRound, round_id)
    if found is None or found.organisation_id != officer.organisation_id:
        raise NotFound("No such calibration round.")
    return found


def sampled_call(found: CalibrationRound, call_id: int) -> Call:
    for sample in found.samples:
        if sample.call_id == call_id:
            return sample.call
    raise NotFound("That call is not in this calibration round.")


def labelled_call_ids(found: CalibrationRound) -> set[int]:
    return {label.call_id for label in found.labels}


def next_unlabelled(found: CalibrationRound) -> int | None:
    done = labelled_call_ids(found)
    return next((s.call_id for s in found.samples if s.call_id not in done), None)


def labels_for(found: CalibrationRound, call_id: int) -> dict[str, CalibrationLabel]:
    return {label.criterion: label for label in found.labels if label.call_id == call_id}


# --- labels and Coach's answers ------------------------------------------------------------


def coach_answers(call: Call, keys: Sequence[str]) -> dict[str, int | None]:
    """Coach's answer per criterion on ``call`` (None where Coach gave none)."""
    score = db.session.scalar(
        select(CallScore).where(CallScore.call_id == call.id).order_by(CallScore.id.desc())
    )
    data: Mapping[str, Any] = score.data if score is not None else {}
    activity_id = db.session.scalar(
        select(Activity.id).where(Activity.kind == ActivityKind.CALL, Activity.source_id == call.id)
    )
    breached = set(
        db.session.scalars(select(RuleBreach.rule_id).where(RuleBreach.activity_id == activity_id))
    )
    unassessed = {item["rule_id"] for item in (data.get("not_assessable") or {}).get("rules", ())}
    answers: dict[str, int | None] = {}
    for key in keys:
        criterion = Criterion.parse(key)
        if criterion.ordinal:
            value = (data.get("dimensions") or {}).get(criterion.name)
            answers[key] = None if value is None else band(value)
        elif activity_id is None or criterion.name in unassessed:
            answers[key] = None
        else:
            answers[key] = int(criterion.name in breached)
    return answers


def save_labels(
    officer: User, round_id: int, call_id: int, values: Mapping[str, int]
) -> list[CalibrationLabel]:
    """Store the officer's label on every criterion of the round for one call, with Coach's
    answers beside them. Labels are final once saved: saving is when Coach's answers are
    shown, and a label changed after seeing them is no longer blind."""
    found = round_of(officer, round_id)
    if found.closed_at is not None:
        raise Conflict("This round is closed; its labels can no longer change.")
    call = sampled_call(found, call_id)
    if labels_for(found, call_id):
        raise Conflict("This call is already labelled in this round.")
    missing = [key for key in found.criteria if key not in values]
    if missing:
        raise ServiceError("Label every criterion before saving (nothing was saved).")
    for key in found.criteria:
        if values[key] not in Criterion.parse(key).scale:
            raise ServiceError(f"{values[key]!r} is not an answer to {key}.")
    answers = coach_answers(call, found.criteria)
    saved = [
        CalibrationLabel(
            round_id=found.id,
            call_id=call.id,
            criterion=key,
            value=values[key],
            coach_value=answers[key],
            labelled_by_id=officer.id,
        )
        for key in found.criteria
    ]
    db.session.add_all(saved)
    db.session.commit()
    return saved


# --- results -------------------------------------------------------------------------------


def report(found: CalibrationRound) -> list[CriterionResult]:
    """Per criterion: the stored results of a closed round, live figures of an open one."""
    results = found.results
    if results is None:
        results = _results(found, bar(found.organisation_id))
    return [_row(key, results[key]) for key in found.criteria if key in results]


def close_round(officer: User, round_id: int) -> CalibrationRound:
    """Judge every criterion against the organisation's bar now and keep the verdicts."""
    found = round_of(officer, round_id)
    if found.closed_at is not None:
        raise Conflict("This round is already closed.")
    if not found.labels:
        raise ServiceError("Label at least one call before closing the round.")
    found.min_kappa = bar(found.organisation_id)
    found.results = _results(found, found.min_kappa)
    found.closed_at = utcnow()
    audit.record(
        officer,
        "calibration.closed",
        "calibration_round",
        found.id,
        uncalibrated=sum(r["verdict"] == Verdict.UNCALIBRATED for r in found.results.values()),
    )
    db.session.commit()
    return found


def _results(found: CalibrationRound, min_kappa: float) -> dict[str, dict[str, Any]]:
    results = {}
    for key in found.criteria:
        criterion = Criterion.parse(key)
        pairs = [
            (label.value, label.coach_value)
            for label in found.labels
            if label.criterion == key and label.coach_value is not None
        ]
        stats = agreement(pairs, criterion.scale, ordinal=criterion.ordinal)
        results[key] = {
            "label": label_of(key, found.jurisdiction),
            "ordinal": criterion.ordinal,
            "n": stats.n,
            "exact": stats.exact,
            "within_one": stats.within_one,
            "kappa": stats.kappa,
            "weighted_kappa": stats.weighted_kappa,
            "undefined": stats.undefined,
            "verdict": verdict(stats, min_kappa).value,
        }
    return results


def _row(key: str, result: Mapping[str, Any]) -> CriterionResult:
    return CriterionResult(
        key=key,
        label=result["label"],
        ordinal=result["ordinal"],
        n=result["n"],
        exact=result["exact"],
        within_one=result["within_one"],
        kappa=result["kappa"],
        weighted_kappa=result["weighted_kappa"],
        verdict=Verdict(result["verdict"]),
        undefined=result["undefined"],
    )


def uncalibrated(organisation_id: int) -> dict[str, str]:
    """Criteria whose standing is "uncalibrated": label by key. A criterion's standing is its
    verdict in the latest closed round that settled it (enough labels, a defined kappa), so
    one that failed stays out until a round shows it passing."""
    closed = db.session.scalars(
        select(CalibrationRound)
        .where(
            CalibrationRound.organisation_id == organisation_id,
            CalibrationRound.closed_at.is_not(None),
        )
        .order_by(CalibrationRound.closed_at.desc(), CalibrationRound.id.desc())
    )
    settled: dict[str, tuple[Verdict, str]] = {}
    for found in closed:
        for key, result in (found.results or {}).items():
            standing = Verdict(result["verdict"])
            if key not in settled and standing.decides:
                settled[key] = (standing, result["label"])
    return {key: label for key, (v, label) in settled.items() if v is Verdict.UNCALIBRATED}


def held_back_by(scorecard: Mapping[str, Any] | None, waiting: Mapping[str, str]) -> list[str]:
    """Labels of the ``waiting`` (uncalibrated) criteria failing in ``scorecard``: while any
    is, the record it scores is no evidence either way (``docs/decisions.md``, calibration)."""
    return sorted(waiting[key] for key in failing_in(scorecard or {}) if key in waiting)


def progress_counts(found: CalibrationRound) -> tuple[int, int]:
    """(calls labelled, calls drawn)."""
    return len(labelled_call_ids(found)), len(found.samples)
