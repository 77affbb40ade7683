"""Erasure: deleting a call, all of one's calls, or one's account; the audit trail stays.

Who may delete a call (docs/decisions.md): its owner, because it is their own practice and
their personal data, and an administrator of the organisation, who answers erasure requests
and the retention duties of the agency. A coach reviews trainees' calls but does not destroy
them, and a compliance officer audits what exists; either asks an administrator.

Deleting removes the recording (unless another call keeps the same bytes), every transcript
version, every scorecard, the call's jobs, and what its scoring fed elsewhere: the practice
activity (the dashboard's "recent practice", its title included), its skill evidence, rule
breaches and flagged moments, and the owner's cached skill profile is rebuilt without them.
One audit entry remains, holding ids only.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select

from coach.errors import Forbidden, ServiceError
from coach.extensions import db
from coach.models import (
    Activity,
    ActivityKind,
    Call,
    CallScore,
    Job,
    JobKind,
    Role,
    TeamMember,
    TranscriptVersion,
    User,
)
from coach.services import audit, progress
from coach.services.calls import visible_call
from coach.services.retention import release_recording


def may_delete_call(actor: User, call: Call) -> bool:
    """The owner, or an administrator of the call's organisation."""
    return call.owner_id == actor.id or (
        actor.has_role(Role.ADMIN) and actor.organisation_id == call.organisation_id
    )


def deletable_call(actor: User, call_id: int) -> Call:
    """The call if ``actor`` may delete it; NotFound if they may not see it, else Forbidden."""
    call = visible_call(actor, call_id)
    if not may_delete_call(actor, call):
        raise Forbidden("Only the call's owner or an administrator can delete it.")
    return call


def delete_call(actor: User, call_id: int) -> None:
    """Delete one call and everything made from it, leaving an audit entry of ids."""
    call = deletable_call(actor, call_id)
    _erase(actor, call)
    progress.refresh_profile(call.owner_id)
    db.session.commit()


def delete_own_calls(user: User) -> int:
    """Delete every call ``user`` owns; returns how many."""
    calls = list(db.session.scalars(select(Call).where(Call.owner_id == user.id)))
    for call in calls:
        _erase(user, call)
    progress.refresh_profile(user.id)
    db.session.commit()
    return len(calls)


def delete_own_account(user: User) -> None:
    """Erase a person's data and anonymise their account; the anonymous audit trail stays.

    The user row is kept (audit entries point at it) but holds nothing personal, cannot sign
    in and belongs to no team. An administrator's account is closed by another administrator,
    so that an organisation is never left without one by a click.
    """
    if user.has_role(Role.ADMIN):
        raise ServiceError("Administrators' accounts are closed by another administrator.")
    for call in list(db.session.scalars(select(Call).where(Call.owner_id == user.id))):
        _erase(user, call)
    progress.refresh_profile(user.id)
    db.session.execute(delete(TeamMember).where(TeamMember.user_id == user.id))
    user.name = "Deleted user"
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.password_hash = "!" + secrets.token_hex(32)  # no password hashes to this
    user.active = False
    user.last_login_at = None
    audit.record(user, "account_deleted", "user", user.id)
    db.session.commit()


def _erase(actor: User, call: Call) -> None:
    """Everything of one call; the caller then rebuilds the owner's skill profile, once for
    however many calls it erased."""
    if call.recording_deleted_at is None:
        release_recording(call)
    job_ids = {call.job_id, call.score_job_id} | set(
        db.session.scalars(
            select(Job.id).where(
                Job.kind.in_([JobKind.TRANSCRIBE, JobKind.SCORE]),
                Job.payload["call_id"].as_integer() == call.id,
            )
        )
    )
    db.session.execute(delete(CallScore).where(CallScore.call_id == call.id))
    db.session.execute(delete(TranscriptVersion).where(TranscriptVersion.call_id == call.id))
    # Its evidence, breaches and flagged moments go with it (ON DELETE CASCADE).
    db.session.execute(
        delete(Activity).where(Activity.kind == ActivityKind.CALL, Activity.source_id == call.id)
    )
    audit.record(
        actor,
        "call_deleted",
        "call",
        call.id,
        organisation_id=call.organisation_id,
        by="owner" if actor.id == call.owner_id else "admin",
    )
    db.session.delete(call)
    db.session.flush()
    db.session.execute(delete(Job).where(Job.id.in_(job_ids - {None})))
