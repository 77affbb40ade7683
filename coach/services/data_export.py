"""A person's own data as one zip: profile, calls, every transcript version, scorecards, audio,
role-play runs.

What a data-subject access request needs: everything Coach holds about the person, in
open formats (JSON, the original recording), built in an anonymous temporary file that
disappears when it is closed, so no copy is left on the server.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from typing import IO, Any

from sqlalchemy import select

from coach.extensions import db
from coach.models import AuditEntry, Call, CallScore, ScenarioRun, TranscriptVersion, User
from coach.services.calls import store


def export_own_data(user: User) -> IO[bytes]:
    """A zip of everything Coach holds about ``user``, positioned at its start."""
    # Unlinked already (never visible to others); the caller closes it after sending it.
    archive = tempfile.TemporaryFile()  # noqa: SIM115
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        _write_json(out, "profile.json", _profile(user))
        calls = list(db.session.scalars(select(Call).where(Call.owner_id == user.id)))
        _write_json(out, "calls.json", [_call_facts(call) for call in calls])
        for call in calls:
            _write_call(out, call)
        runs = db.session.scalars(select(ScenarioRun).where(ScenarioRun.owner_id == user.id))
        _write_json(out, "roleplay-runs.json", [_run(run) for run in runs])
        _write_json(out, "activity.json", _activity(user))
    archive.seek(0)
    return archive


def _write_call(out: zipfile.ZipFile, call: Call) -> None:
    folder = f"calls/{call.id}"
    versions = db.session.scalars(
        select(TranscriptVersion)
        .where(TranscriptVersion.call_id == call.id)
        .order_by(TranscriptVersion.version)
    )
    for version in versions:
        _write_json(out, f"{folder}/transcript-v{version.version}.json", version.data)
    scores = db.session.scalars(
        select(CallScore).where(CallScore.call_id == call.id).order_by(CallScore.id)
    )
    for number, score in enumerate(scores, start=1):
        _write_json(out, f"{folder}/scorecard-{number}.json", score.data)
    if call.recording_deleted_at is None:
        path = store().path(call.recording_sha256, call.recording_ext)
        if path.is_file():
            out.write(path, f"{folder}/recording.{call.recording_ext}")


def _run(run: ScenarioRun) -> dict[str, Any]:
    """A role-play run with every turn the trainee said and how it was judged."""
    return {
        "id": run.id,
        "scenario": {"id": run.scenario_id, "version": run.scenario_version},
        "status": run.status.value,
        "started": run.created_at.isoformat(),
        "ending": run.ending_kind,
        "meets_objective": run.meets_objective,
        "opening": run.opening,
        "turns": [
            {
                "number": t.number,
                "you": t.trainee,
                "spoken": t.spoken,
                "intents": t.intents,
                "findings": t.findings,
                "debtor": t.debtor,
            }
            for t in run.turns
        ],
        "scorecard": run.scorecard,
    }


def _profile(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "roles": sorted(user.roles),
        "organisation": user.organisation.name,
        "created_at": user.created_at.isoformat(),
        "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None,
    }


def _call_facts(call: Call) -> dict[str, Any]:
    return {
        "id": call.id,
        "title": call.title,
        "call_type": call.call_type,
        "jurisdiction": call.jurisdiction,
        "source": call.source,
        "created_at": call.created_at.isoformat(),
        "duration_seconds": call.duration,
        "audio_format": call.audio_format,
        "status": call.status.value,
        "recording_deleted_at": (
            call.recording_deleted_at.isoformat() if call.recording_deleted_at else None
        ),
    }


def _activity(user: User) -> list[dict[str, Any]]:
    """What the person did in Coach, from the audit log (ids and flags only)."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.id)
    )
    return [
        {
            "at": entry.at.isoformat(),
            "action": entry.action,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "detail": entry.detail,
        }
        for entry in entries
    ]


def _write_json(out: zipfile.ZipFile, name: str, value: Any) -> None:
    out.writestr(name, json.dumps(value, ensure_ascii=False, indent=2) + "\n")
