"""Configuration precedence and fail-fast validation."""

import os
import stat
from pathlib import Path

import pytest

from coach.config import ConfigError, load_config
from coach.engines import asr_settings


def test_defaults_use_sqlite_and_recordings_in_instance(tmp_path: Path) -> None:
    values = load_config(tmp_path, environ={})
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path / 'coach.sqlite3'}"
    assert values["RECORDINGS_DIR"] == str(tmp_path / "recordings")
    assert values["JOB_RUNNER"] == "thread"


def test_secret_key_generated_once_with_owner_only_mode(tmp_path: Path) -> None:
    first = load_config(tmp_path, environ={})["SECRET_KEY"]
    second = load_config(tmp_path, environ={})["SECRET_KEY"]
    assert first == second and len(first) == 64
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_environment_overrides_instance_file(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("JOB_RUNNER = 'inline'\nMAX_UPLOAD_MB = 10\n")
    values = load_config(tmp_path, environ={"COACH_MAX_UPLOAD_MB": "50"})
    assert values["JOB_RUNNER"] == "inline"
    assert values["MAX_UPLOAD_MB"] == 50


def test_database_url_from_environment_switches_to_postgresql(tmp_path: Path) -> None:
    url = "postgresql+psycopg://coach@db.internal/coach"
    assert load_config(tmp_path, environ={"COACH_DATABASE_URL": url})["DATABASE_URL"] == url


@pytest.mark.parametrize(
    ("environ", "key"),
    [
        ({"COACH_JOB_RUNNER": "celery"}, "COACH_JOB_RUNNER"),
        ({"COACH_MAX_UPLOAD_MB": "lots"}, "COACH_MAX_UPLOAD_MB"),
        ({"COACH_MAX_UPLOAD_MB": "0"}, "COACH_MAX_UPLOAD_MB"),
        ({"COACH_ASR_SWAP_CHANNELS": "maybe"}, "COACH_ASR_SWAP_CHANNELS"),
        ({"COACH_DATABASE_URL": "mysql://x"}, "COACH_DATABASE_URL"),
    ],
)
def test_invalid_value_fails_fast_naming_the_key(
    tmp_path: Path, environ: dict[str, str], key: str
) -> None:
    with pytest.raises(ConfigError, match=key):
        load_config(tmp_path, environ=environ)


def test_unknown_setting_in_instance_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("JOB_RUNER = 'inline'\n")
    with pytest.raises(ConfigError, match="JOB_RUNER"):
        load_config(tmp_path, environ={})


def test_cpu_threads_default_to_every_core_up_to_four(tmp_path: Path) -> None:
    default = asr_settings(load_config(tmp_path, environ={}))
    pinned = asr_settings(load_config(tmp_path, environ={"COACH_ASR_CPU_THREADS": "1"}))

    assert default.cpu_threads == max(1, min(os.cpu_count() or 1, 4))
    assert pinned.cpu_threads == 1
