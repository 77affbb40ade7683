"""Configuration: defaults → instance/config.py → COACH_* environment → test mapping → validate.

Every key Coach reads is declared once in :data:`SETTINGS`, with its type and allowed values,
so a bad value fails at start-up with a message that names the key instead of surfacing
later as an obscure error.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """Raised when a configuration value is missing or invalid; the message names the key."""


@dataclass(frozen=True)
class Setting:
    """One configuration key: its default, how to parse it from text, and what is allowed."""

    default: Any
    parse: Callable[[str], Any] = str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true/false, got {text!r}")


SETTINGS: dict[str, Setting] = {
    "SECRET_KEY": Setting(None),
    "DATABASE_URL": Setting(None),
    "CONTENT_DIR": Setting(str(REPO_ROOT / "content")),
    "RECORDINGS_DIR": Setting(None),
    "MODEL_CACHE_DIR": Setting(None),
    "JOB_RUNNER": Setting("thread", choices=("inline", "thread", "rq")),
    "JOB_WORKERS": Setting(2, int, minimum=1),
    "REDIS_URL": Setting("redis://127.0.0.1:6379/0"),
    "RQ_QUEUE": Setting("coach"),
    # A running job's lease: renewed every third of it while it runs; once it has expired
    # (its runner died) any runner's sweep, every JOB_SWEEP_SECONDS, queues the job again,
    # up to JOB_MAX_INTERRUPTIONS times before failing it.
    "JOB_LEASE_SECONDS": Setting(60, int, minimum=3),
    "JOB_SWEEP_SECONDS": Setting(15, int, minimum=1),
    "JOB_MAX_INTERRUPTIONS": Setting(3, int, minimum=1),
    # Per user and minute: rescores asked for, and transcript edits saved (429 beyond).
    "RESCORES_PER_MINUTE": Setting(6, int, minimum=1),
    "TRANSCRIPT_EDITS_PER_MINUTE": Setting(30, int, minimum=1),
    # Each spoken role-play reply runs Whisper while the trainee waits.
    "SPOKEN_REPLIES_PER_MINUTE": Setting(20, int, minimum=1),
    # Per API token and minute (an HR or LMS sync pages through lists; 429 beyond).
    "API_REQUESTS_PER_MINUTE": Setting(120, int, minimum=1),
    "ASR_BACKEND": Setting("faster-whisper", choices=("faster-whisper", "openai-whisper")),
    # Which Whisper, per use: a packaged model by name ("tiny.en", "base") or a model folder's
    # path. ASR_MODEL, when set, wins for every use; else uploaded and recorded practice calls
    # use ASR_MODEL_CALLS (accuracy) and spoken role-play replies ASR_MODEL_REPLIES (latency).
    # Why these defaults: docs/decisions.md, "Whisper per use".
    "ASR_MODEL": Setting(None),
    "ASR_MODEL_CALLS": Setting("base"),
    "ASR_MODEL_REPLIES": Setting("tiny.en"),
    "ASR_DEVICE": Setting("cpu", choices=("cpu", "cuda")),
    "ASR_SWAP_CHANNELS": Setting(False, _parse_bool),
    "ASR_BEAM_SIZE": Setting(1, int, minimum=1),
    # 0: every core, up to 4 (see docs/decisions.md); transcriptions take turns on one model.
    "ASR_CPU_THREADS": Setting(0, int, minimum=0),
    "MAX_UPLOAD_MB": Setting(200, int, minimum=1),
    "MAX_CALL_MINUTES": Setting(60, int, minimum=1),
    # Each upload is decoded in a child process: address space beyond the samples, and the
    # CPU and wall-clock seconds it may take before it is stopped (coach/speech/isolation.py).
    "DECODE_MEMORY_MB": Setting(512, int, minimum=64),
    "DECODE_SECONDS": Setting(120, int, minimum=1),
    "RETENTION_DAYS": Setting(365, int, minimum=1),
    # How often each app process queues the retention job; 0: never (run it from cron).
    "RETENTION_EVERY_HOURS": Setting(24, float, minimum=0),
    # How often each app process checks certificates against the loaded rule packs (a new
    # major version asks holders to recertify); 0: never (run `flask coach certifications
    # recheck` from cron, or after changing content).
    "RECERTIFY_EVERY_HOURS": Setting(6, float, minimum=0),
    "PASSWORD_MIN_LENGTH": Setting(12, int, minimum=8),
    "PASSWORD_HASH_COST": Setting("standard", choices=("standard", "low")),
    "SESSION_COOKIE_SECURE": Setting(False, _parse_bool),
    # Served over HTTPS: cookies are marked Secure (so is any request a trusted proxy says is).
    "HTTPS": Setting(False, _parse_bool),
    # How many reverse proxies in front may set X-Forwarded-For/-Proto (0: trust none).
    "TRUST_PROXY": Setting(0, int, minimum=0),
    "SESSION_IDLE_MINUTES": Setting(60, int, minimum=1),
    "SESSION_MAX_HOURS": Setting(12, int, minimum=1),
    # Failed sign-ins allowed per account and per client address within the window.
    "SIGNIN_MAX_FAILURES": Setting(5, int, minimum=1),
    "SIGNIN_MAX_FAILURES_PER_ADDRESS": Setting(20, int, minimum=1),
    "SIGNIN_WINDOW_MINUTES": Setting(15, int, minimum=1),
    "LOG_LEVEL": Setting("INFO", str.upper, choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    # "json": one JSON object per line (a log shipper's input); "text": for a terminal.
    "LOG_FORMAT": Setting("text", str.lower, choices=("text", "json")),
    # GET /metrics (Prometheus text format) answers only with "Authorization: Bearer <this>";
    # unset, the endpoint does not exist (404).
    "METRICS_TOKEN": Setting(None),
}


def load_config(
    instance_path: Path,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Resolve every setting in precedence order and return the validated mapping."""
    values = _layered(instance_path, os.environ if environ is None else environ)
    values.update(overrides or {})
    _validate(values)
    _fill_derived(values, instance_path)
    return values


def read_setting(key: str, environ: Mapping[str, str] | None = None) -> Any:
    """One validated setting of the instance the environment names, without deriving paths
    or secrets: for gunicorn's arbiter, which logs before (and without) building an app."""
    environ = os.environ if environ is None else environ
    values = _layered(instance_path_from(environ), environ)
    _validate(values)
    return values[key]


def instance_path_from(environ: Mapping[str, str]) -> Path:
    """``COACH_INSTANCE_PATH``, else ``<repo>/instance``."""
    return Path(environ.get("COACH_INSTANCE_PATH") or REPO_ROOT / "instance").resolve()


def _layered(instance_path: Path, environ: Mapping[str, str]) -> dict[str, Any]:
    """Defaults, then the instance file, then ``COACH_*`` variables."""
    values: dict[str, Any] = {key: setting.default for key, setting in SETTINGS.items()}
    values.update(_read_instance_file(instance_path / "config.py"))
    for key, setting in SETTINGS.items():
        text = environ.get(f"COACH_{key}")
        if text is not None and text != "":
            values[key] = _parse(key, setting, text)
    return values


def _read_instance_file(path: Path) -> dict[str, Any]:
    """Read upper-case names from an optional instance/config.py (the operator's own file)."""
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102
    unknown = sorted(k for k in namespace if k.isupper() and k not in SETTINGS)
    if unknown:
        raise ConfigError(f"{path.name}: unknown setting(s) {', '.join(unknown)}")
    return {k: v for k, v in namespace.items() if k in SETTINGS}


def _parse(key: str, setting: Setting, text: str) -> Any:
    try:
        return setting.parse(text)
    except ValueError as exc:
        raise ConfigError(f"COACH_{key}: {exc}") from None


def _validate(values: Mapping[str, Any]) -> None:
    for key, setting in SETTINGS.items():
        value = values[key]
        if setting.choices is not None and value not in setting.choices:
            allowed = ", ".join(str(c) for c in setting.choices)
            raise ConfigError(f"COACH_{key} must be one of {allowed} (got {value!r})")
        if setting.minimum is not None and (
            not isinstance(value, int | float) or value < setting.minimum
        ):
            raise ConfigError(f"COACH_{key} must be a number ≥ {setting.minimum} (got {value!r})")
    url = values["DATABASE_URL"]
    if url is not None and not str(url).startswith(("sqlite:", "postgresql")):
        raise ConfigError(f"COACH_DATABASE_URL must be a sqlite: or postgresql URL (got {url!r})")
    if values["JOB_RUNNER"] == "rq" and not values["REDIS_URL"]:
        raise ConfigError("COACH_REDIS_URL is required when COACH_JOB_RUNNER is rq")


def _fill_derived(values: dict[str, Any], instance_path: Path) -> None:
    """Derive paths and secrets that default to files under ``instance/``."""
    if values["DATABASE_URL"] is None:
        values["DATABASE_URL"] = f"sqlite:///{instance_path / 'coach.sqlite3'}"
    if values["RECORDINGS_DIR"] is None:
        values["RECORDINGS_DIR"] = str(instance_path / "recordings")
    if values["MODEL_CACHE_DIR"] is None:
        values["MODEL_CACHE_DIR"] = str(instance_path / "model-cache")
    if values["SECRET_KEY"] is None:
        values["SECRET_KEY"] = _instance_secret(instance_path / "secret_key")


def _instance_secret(path: Path) -> str:
    """Return the instance's secret key, generating it (mode 600) on first run."""
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def flask_settings(values: Mapping[str, Any]) -> dict[str, Any]:
    """Translate Coach settings into the keys Flask and its extensions read."""
    return {
        "SECRET_KEY": values["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": values["DATABASE_URL"],
        # A connection the server dropped (a restart) is replaced, not handed to a request;
        # SQL logs never carry values (transcripts, names): only the statements.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "MAX_CONTENT_LENGTH": values["MAX_UPLOAD_MB"] * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": values["SESSION_COOKIE_SECURE"] or values["HTTPS"],
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": values["SESSION_COOKIE_SECURE"] or values["HTTPS"],
        "WTF_CSRF_TIME_LIMIT": None,
    }
