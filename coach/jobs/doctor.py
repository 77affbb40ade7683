"""``flask coach doctor``: is everything jobs need there, and if not, what and why."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import text

from coach.engines import ENGINE_NAMES, Engines, engines_of
from coach.extensions import db
from coach.jobs.core import job_queue
from coach.jobs.runners import RqRunner
from coach.speech.debtor_voice import DebtorVoice


@dataclass(frozen=True)
class Check:
    """One dependency: its name, and None when it works or why it does not; ``detail`` says
    which of several ways it works, where that matters to an operator."""

    name: str
    problem: str | None
    detail: str | None = None


def diagnose() -> list[Check]:
    """The database, Redis (rq runner only), the speech models' files, every engine and the
    debtor's voice, each loaded or pinged now."""
    checks = readiness()
    engines = engines_of(current_app)
    # Whisper models' files by hash (assembling Whisper base if it is not there yet).
    checks.append(Check("speech models", engines.speech_files_problem()))
    checks += [Check(name, engines.check(name)) for name in ENGINE_NAMES]
    checks.append(_debtor_voice(engines))
    return checks


def _debtor_voice(engines: Engines) -> Check:
    """The voice the role-play debtor speaks with. Never a problem (without Piper, espeak-ng
    speaks, and without either the trainee's browser), but a fallback is worth knowing: the
    warning logged while loading says why Piper did not load."""
    voice = engines.debtor_voice()
    if voice is None:
        return Check("debtor voice", None, "none here: the trainee's browser speaks")
    if isinstance(voice, DebtorVoice):  # Piper's
        return Check("debtor voice", None, voice.name)
    return Check("debtor voice", None, f"{voice.name}, standing in for Piper's voice")


def readiness() -> list[Check]:
    """What a web process needs to serve a request: the database, and Redis when jobs go
    through rq. Cheap enough for a load balancer to ask every few seconds (the engines load
    on first use and are :func:`diagnose`'s to check)."""
    checks = [Check("database", _database_problem())]
    runner = job_queue().runner
    if isinstance(runner, RqRunner):
        checks.append(Check("redis", _redis_problem(runner)))
    return checks


def _database_problem() -> str | None:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any failure is the answer here
        return f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    finally:
        db.session.rollback()
    return None


def _redis_problem(runner: RqRunner) -> str | None:
    try:
        runner.queue().connection.ping()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None
