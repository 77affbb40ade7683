"""Practice calls: upload and validate a recording, transcribe it in a job, edit transcripts."""

from __future__ import annotations

import contextlib
import errno
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select

from coach.engines import engines_of
from coach.errors import Forbidden, NoRoom, NotFound, ServiceError, TooLarge, UnusableRecording
from coach.extensions import db
from coach.models import (
    Call,
    CallScore,
    CallStatus,
    Job,
    JobKind,
    JobStatus,
    Role,
    TranscriptVersion,
    User,
)
from coach.privacy import redact_transcript
from coach.services import access, audit, practice_assignments, user_limits
from coach.services.queueing import job_queue
from coach.speech.audio import AudioError, AudioLimits, DecodedAudio
from coach.speech.isolation import DecodeBudget, decode_isolated
from coach.speech.transcriber import default_channels
from coach.storage import LocalRecordingStore, RecordingStore, temporary_file
from coach.transcript import Transcript, Turn

log = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = ("wav", "mp3", "m4a", "aac", "ogg", "oga", "opus", "webm", "flac")
CALL_TYPES = {"initial": "Initial contact", "follow_up": "Follow-up call"}
JURISDICTIONS = {"US": "United States", "UK": "United Kingdom", "IN": "India"}
SPEAKERS = {"one": "Only me (the agent)", "two": "Me and the debtor"}
_ORPHAN_AFTER_S = 3600


@dataclass(frozen=True)
class NewCall:
    """What the trainee states about a recording they hand in."""

    title: str
    call_type: str
    jurisdiction: str
    speakers: str
    consent: bool
    source: str = "upload"


def store() -> RecordingStore:
    return LocalRecordingStore(Path(current_app.config["COACH"]["RECORDINGS_DIR"]))


def create_call(owner: User, details: NewCall, stream: BinaryIO, filename: str) -> Call:
    """Validate and store a recording, then queue its transcription."""
    _check_details(details)
    extension = _extension(filename)
    settings = current_app.config["COACH"]
    with _spooled(stream, settings["MAX_UPLOAD_MB"]) as (temp, size):
        audio = decode_recording(temp)
        with disk_space_checked():
            sha256 = store().put(temp, extension)
    call = Call(
        organisation_id=owner.organisation_id,
        owner_id=owner.id,
        title=details.title.strip()[:120] or "Practice call",
        call_type=details.call_type,
        jurisdiction=details.jurisdiction,
        channels_mode=_channels_mode(audio, details.speakers),
        consent=True,
        source=details.source,
        recording_sha256=sha256,
        recording_ext=extension,
        audio_format=f"{audio.container}/{audio.codec}"[:64],
        size_bytes=size,
        duration=round(audio.duration, 3),
        channels=audio.channels,
        sample_rate=audio.source_rate,
        status=CallStatus.TRANSCRIBING,
    )
    db.session.add(call)
    db.session.flush()
    audit.record(owner, "call_uploaded", "call", call.id, seconds=call.duration)
    practice_assignments.complete_for_call(call)
    db.session.commit()
    log.info("call %s stored (%.1f s, %d channel(s))", call.id, call.duration, call.channels)
    job = job_queue().enqueue(JobKind.TRANSCRIBE, {"call_id": call.id}, owner_id=owner.id)
    call = db.session.get(Call, call.id)
    call.job_id = job.id
    db.session.commit()
    return call


def transcribe_task(payload: dict, progress: Callable[[float], None]) -> None:
    """Job task: decode the stored recording, transcribe it, store version 1 of the transcript.

    Run again after an interruption, it finds the version (and scoring job) it made."""
    call = db.session.get(Call, payload["call_id"])
    if call is None:
        raise ServiceError("The call no longer exists.")
    if _asr_version(call) is None:
        _transcribe(call, progress)
    call.status = CallStatus.TRANSCRIBED
    db.session.commit()
    if call.score_job_id is None:  # else this task queued it before being interrupted
        queue_scoring(call, call.owner_id)


def _transcribe(call: Call, progress: Callable[[float], None]) -> None:
    try:
        audio = decode_recording(store().path(call.recording_sha256, call.recording_ext))
        engine = engines_of().transcriber()
        transcript = engine.transcribe(audio, call.channels_mode, progress)
        if not transcript.turns:
            raise ServiceError(
                "No speech was found in this recording (it may be silent or too quiet)."
            )
    except ServiceError:
        call.status = CallStatus.FAILED
        db.session.commit()
        raise
    _add_version(call, transcript, origin="asr", author=None, model_id=engine.model_id)
    db.session.commit()


def _asr_version(call: Call) -> TranscriptVersion | None:
    return db.session.scalar(
        select(TranscriptVersion)
        .where(TranscriptVersion.call_id == call.id, TranscriptVersion.origin == "asr")
        .limit(1)
    )


def transcribe_path(path: Path, channels: str | None = None) -> Transcript:
    """Transcribe any file with the configured engine (the CLI's way into the same pipeline)."""
    audio = decode_recording(path)
    mode = channels or default_channels(audio)
    if mode == "stereo" and audio.channels != 2:
        raise ServiceError(
            f"Stereo transcription needs a two-channel recording; this one has {audio.channels}."
        )
    return redact_transcript(engines_of().transcriber().transcribe(audio, mode))


def visible_call(viewer: User, call_id: int) -> Call:
    """The call if ``viewer`` may see it (owner, their coach, compliance, an admin), else
    NotFound. Read only: a change goes through :func:`changeable_call`."""
    call = db.session.get(Call, call_id)
    if call is None or not access.may_view_user_records(viewer, call.owner):
        raise NotFound("No such call.")
    return call


def changeable_call(actor: User, call_id: int) -> Call:
    """The call if ``actor`` may change it (owner, their coach, an admin); NotFound if they
    may not see it, Forbidden if they may only read it (a compliance officer)."""
    call = visible_call(actor, call_id)
    if not access.may_change_user_records(actor, call.owner):
        raise Forbidden("Compliance officers can read this call but not change it.")
    return call


def calls_of(viewer: User, subject: User) -> list[Call]:
    """``subject``'s calls, when ``viewer`` may see their records (else none)."""
    if not access.may_view_user_records(viewer, subject):
        return []
    query = select(Call).where(Call.owner_id == subject.id)
    return list(db.session.scalars(query.order_by(Call.created_at.desc(), Call.id.desc())))


@dataclass(frozen=True)
class Progress:
    """Where a call stands, read without loading a transcript or a scorecard: what the call
    page polls to know when its transcript or scorecard is out of date."""

    transcript_version: int | None
    score_id: int | None
    score_version: int | None  # the transcript version the latest score read
    pending: bool  # a transcription or scoring job is queued or running

    @property
    def score_stale(self) -> bool:
        """The latest scorecard is of an older transcript version than the latest."""
        return self.score_id is not None and self.score_version != self.transcript_version


def progress_of(call: Call) -> Progress:
    version = db.session.scalar(
        select(func.max(TranscriptVersion.version)).where(TranscriptVersion.call_id == call.id)
    )
    score = db.session.execute(
        select(CallScore.id, CallScore.transcript_version)
        .where(CallScore.call_id == call.id)
        .order_by(CallScore.id.desc())
        .limit(1)
    ).first()
    running = (JobStatus.QUEUED, JobStatus.RUNNING)
    pending = call.status == CallStatus.TRANSCRIBING or (
        call.score_job is not None and call.score_job.status in running
    )
    return Progress(version, score[0] if score else None, score[1] if score else None, pending)


def latest_transcript(call: Call) -> TranscriptVersion | None:
    return db.session.scalar(
        select(TranscriptVersion)
        .where(TranscriptVersion.call_id == call.id)
        .order_by(TranscriptVersion.version.desc())
        .limit(1)
    )


def edit_transcript(editor: User, call_id: int, edits: list[dict]) -> TranscriptVersion:
    """Save a new version with edited turn texts and speakers (scoring reads the latest).

    Like every stored version, it is redacted: an editor cannot type a card number back in.
    Edits that change nothing save nothing (the current version is returned); saved edits
    are limited per user and minute (RateLimited)."""
    call = changeable_call(editor, call_id)
    current = latest_transcript(call)
    if current is None:
        raise ServiceError("This call has no transcript to edit yet.")
    transcript = Transcript.model_validate(current.data)
    turns = list(transcript.turns)
    if not isinstance(edits, list) or not edits:
        raise ServiceError("Send a list of turn edits.")
    for edit in edits:
        turns = _apply_edit(turns, edit)
    if tuple(turns) == transcript.turns:
        return current
    user_limits.check(editor, user_limits.TRANSCRIPT_EDIT)
    version = _add_version(
        call, transcript.model_copy(update={"turns": tuple(turns)}), "edit", editor, None
    )
    audit.record(editor, "transcript_edited", "call", call.id, version=version.version)
    db.session.commit()
    queue_scoring(call, editor.id)
    return version


def retry_transcription(actor: User, call_id: int) -> Job:
    """Re-queue a failed transcription, or one whose worker died (the owner or an admin)."""
    call = visible_call(actor, call_id)
    if call.owner_id != actor.id and not actor.has_role(Role.ADMIN):
        raise Forbidden("Only the call's owner or an administrator can retry it.")
    if call.job is None:
        raise ServiceError("Only a failed transcription can be retried.")
    call.status = CallStatus.TRANSCRIBING
    audit.record(actor, "call_retried", "call", call.id)
    return job_queue().retry(call.job.id)  # commits both with the job, or rolls them back


def _apply_edit(turns: list[Turn], edit: dict) -> list[Turn]:
    index = edit.get("index")
    if not isinstance(index, int) or not 0 <= index < len(turns):
        raise ServiceError(f"There is no turn {index!r} in this transcript.")
    turn = turns[index]
    update: dict = {}
    if "speaker" in edit:
        if edit["speaker"] not in ("agent", "debtor"):
            raise ServiceError("A speaker is either 'agent' or 'debtor'.")
        update.update(speaker=edit["speaker"], speaker_confidence=1.0)
    if "text" in edit:
        text = edit["text"]
        if not isinstance(text, str) or not text.strip():
            raise ServiceError(f"Turn {index} cannot be empty.")
        if text.strip() != turn.text:
            # Word timings belong to the recognised words; edited text keeps the turn's span.
            update.update(text=text.strip()[:5000], words=())
    turns[index] = turn.model_copy(update=update)
    return turns


def _add_version(
    call: Call, transcript: Transcript, origin: str, author: User | None, model_id: str | None
) -> TranscriptVersion:
    current = latest_transcript(call)
    version = TranscriptVersion(
        call_id=call.id,
        version=(current.version + 1) if current else 1,
        origin=origin,
        author_id=author.id if author else None,
        data=redact_transcript(transcript).to_json_dict(),
        model_id=model_id,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _check_details(details: NewCall) -> None:
    if not details.consent:
        raise ServiceError("Confirm that everyone on the recording agreed to be recorded.")
    if details.call_type not in CALL_TYPES:
        raise ServiceError("Choose the call type.")
    if details.jurisdiction not in JURISDICTIONS:
        raise ServiceError("Choose the jurisdiction: US, UK or IN.")
    if details.speakers not in SPEAKERS:
        raise ServiceError("Say who is on the recording.")


def _extension(filename: str) -> str:
    extension = Path(filename or "").suffix.lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        shown = f".{extension}" if extension else "without an extension"
        raise UnusableRecording(
            f"Coach accepts {', '.join(ALLOWED_EXTENSIONS)} recordings; this file is {shown}."
        )
    return extension


@contextmanager
def _spooled(stream: BinaryIO, limit_mb: int) -> Iterator[tuple[Path, int]]:
    """Copy an upload to its own owner-only temporary file, refusing it past the size limit
    or when the disk is full; the file is removed however the block ends."""
    folder = Path(current_app.instance_path) / "uploads"
    with disk_space_checked():
        folder.mkdir(parents=True, exist_ok=True)
    _remove_orphaned_uploads(folder, 2 * current_app.config["COACH"]["DECODE_SECONDS"])
    with temporary_file(folder, ".upload") as (out, path):
        with disk_space_checked():
            size = copy_within(stream, out, limit_mb)
            out.close()
        if size == 0:
            raise UnusableRecording("The file is empty.")
        yield path, size


def _remove_orphaned_uploads(folder: Path, decode_seconds: float) -> None:
    """Remove spooled files a killed process left behind (SIGKILL, power loss): a live one
    never outlasts its decode, so one older than that plus an hour is an orphan."""
    cutoff = time.time() - decode_seconds - _ORPHAN_AFTER_S
    for path in folder.glob("*.upload"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                log.warning("removed an orphaned upload file left by a stopped process")


def copy_within(stream: BinaryIO, out: BinaryIO, limit_mb: int) -> int:
    """Copy ``stream`` to ``out``, refusing it (TooLarge) past ``limit_mb``; the bytes copied."""
    size, limit = 0, limit_mb * 1024 * 1024
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The file is larger than the {limit_mb} MB limit.")
        out.write(chunk)
    return size


@contextmanager
def disk_space_checked() -> Iterator[None]:
    """Turn a full disk (or quota) into :class:`NoRoom`, which the web shows as HTTP 507."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        log.error("no space left to store an upload")
        raise NoRoom(
            "The server has no room to store this recording right now. Nothing was saved; "
            "please try again later or tell your administrator."
        ) from None


def decode_recording(path: Path) -> DecodedAudio:
    """Decode a recording in an isolated child process within the configured limits; an
    unusable file raises :class:`UnusableRecording` with a message for the user."""
    settings = current_app.config["COACH"]
    limits = AudioLimits(max_seconds=settings["MAX_CALL_MINUTES"] * 60)
    budget = DecodeBudget(
        memory_mb=settings["DECODE_MEMORY_MB"], seconds=settings["DECODE_SECONDS"]
    )
    try:
        return decode_isolated(path, limits, budget)
    except AudioError as error:
        raise UnusableRecording(str(error)) from None


def _channels_mode(audio: DecodedAudio, speakers: str) -> str:
    if default_channels(audio) == "stereo":
        return "stereo"
    return "mono2" if speakers == "two" else "mono1"


def queue_scoring(call: Call, owner_id: int | None) -> Job:
    """Queue a scorecard of the call's latest transcript version (every new version gets one).

    A scoring job of the call still queued is that scorecard already (it reads the latest
    version when it runs), so it is returned instead of queueing a second."""
    pending = call.score_job
    if pending is not None and pending.status == JobStatus.QUEUED:
        return pending
    job = job_queue().enqueue(JobKind.SCORE, {"call_id": call.id}, owner_id=owner_id)
    call = db.session.get(Call, call.id)
    call.score_job_id = job.id
    db.session.commit()
    return job
