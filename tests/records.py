"""Records made directly in the database for web tests that need a call but not its audio."""

from __future__ import annotations

import hashlib

from coach.extensions import db
from coach.models import Call, CallStatus, Organisation, Role, TranscriptVersion, User
from coach.services import accounts, calls
from coach.services.passwords import generate_password
from coach.transcript import Transcript, Turn
from tests.helpers import Login

RECORDING = b"OggS not really audio, only bytes to serve"


def transcribed_call(owner_id: int) -> int:
    """A transcribed call of the user, its transcript and recording file stored; its id."""
    owner = db.session.get(User, owner_id)
    assert owner is not None
    sha256 = hashlib.sha256(RECORDING).hexdigest()
    path = calls.store().path(sha256, "ogg")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(RECORDING)
    call = Call(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        title="Practice call",
        call_type="initial",
        jurisdiction="US",
        channels_mode="stereo",
        consent=True,
        source="upload",
        recording_sha256=sha256,
        recording_ext="ogg",
        audio_format="ogg/opus",
        size_bytes=len(RECORDING),
        duration=2.0,
        channels=2,
        sample_rate=16000,
        status=CallStatus.TRANSCRIBED,
    )
    db.session.add(call)
    db.session.flush()
    turns = (Turn(speaker="agent", text="Hello, this is a practice call.", start=0.0, end=1.0),)
    db.session.add(
        TranscriptVersion(
            call_id=call.id,
            version=1,
            origin="asr",
            data=Transcript(duration=2.0, turns=turns).to_json_dict(),
        )
    )
    db.session.commit()
    return call.id


def other_organisation_trainee() -> Login:
    """A trainee of a second organisation, to prove that nothing crosses organisations."""
    organisation = Organisation(name="Other Collections")
    db.session.add(organisation)
    db.session.flush()
    password = generate_password()
    invitation = accounts.create_user(
        None,
        organisation_id=organisation.id,
        email="olga@other.example",
        name="Olga Outsider",
        roles=[Role.TRAINEE],
        password=password,
    )
    return Login(Role.TRAINEE, invitation.user.email, password, invitation.user.id)
