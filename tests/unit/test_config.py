"""Configuration precedence and fail-fast validation."""

import os
import stat
from pathlib import Path

import pytest

from coach.config import ConfigError, load_config, read_setting
from coach.engines import ASR_USES, asr_model, asr_settings
from coach.speech.model_files import BASE_FOLDER, BASE_SIZE, base_path, tiny_en_path
from coach.speech.transcriber import AsrSettings, WhisperTranscriber


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


def test_one_setting_is_read_as_the_app_would_without_making_a_secret(tmp_path: Path) -> None:
    (tmp_path / "config.py").write_text("LOG_FORMAT = 'json'\nLOG_LEVEL = 'DEBUG'\n")
    environ = {"COACH_INSTANCE_PATH": str(tmp_path), "COACH_LOG_LEVEL": "warning"}
    assert read_setting("LOG_FORMAT", environ) == "json"  # the instance file's
    assert read_setting("LOG_LEVEL", environ) == "WARNING"  # the environment wins
    assert not (tmp_path / "secret_key").exists()
    with pytest.raises(ConfigError, match="COACH_LOG_FORMAT"):
        read_setting("LOG_FORMAT", {**environ, "COACH_LOG_FORMAT": "xml"})


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


def test_each_use_has_its_own_named_model_by_default(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={})

    calls, replies = asr_settings(config, "calls"), asr_settings(config, "replies")

    assert (calls.model, replies.model) == ("base", "tiny.en")
    assert asr_settings(config) == calls  # practice calls are the default use
    assert calls.model_cache_dir == str(tmp_path / "model-cache")  # assembled beside the heads
    assert calls.language == replies.language == "en"  # base is multilingual: never detect


def test_each_use_can_name_the_other_model(tmp_path: Path) -> None:
    environ = {"COACH_ASR_MODEL_CALLS": "tiny.en", "COACH_ASR_MODEL_REPLIES": "base"}
    config = load_config(tmp_path, environ=environ)

    assert asr_settings(config, "calls").model == "tiny.en"
    assert asr_settings(config, "replies").model == "base"


@pytest.mark.parametrize("named", ["tiny.en", "base"])
def test_asr_model_names_one_model_for_every_use(tmp_path: Path, named: str) -> None:
    config = load_config(tmp_path, environ={"COACH_ASR_MODEL": named})

    assert {asr_settings(config, use).model for use in ASR_USES} == {named}


def test_an_explicit_model_path_wins_for_every_use_as_before(tmp_path: Path) -> None:
    folder = tmp_path / "my-whisper"
    folder.mkdir()
    environ = {"COACH_ASR_MODEL": str(folder), "COACH_ASR_MODEL_CALLS": "base"}
    config = load_config(tmp_path, environ=environ)

    for use in ASR_USES:
        settings = asr_settings(config, use)
        assert settings.model_path() == str(folder)
        assert WhisperTranscriber(settings, recognizer=None).model_id == "faster-whisper:my-whisper"


def test_the_asr_version_names_the_packaged_model_used(tmp_path: Path) -> None:
    def model_id(**settings: str) -> str:
        return WhisperTranscriber(AsrSettings(**settings), recognizer=None).model_id

    assert model_id() == model_id(model="tiny.en") == "faster-whisper:tiny.en"
    assert model_id(model="base", model_cache_dir=str(tmp_path)) == "faster-whisper:base"
    assert model_id(backend="openai-whisper", model="base", model_cache_dir=str(tmp_path)) == (
        "openai-whisper:base"
    )
    assert not (tmp_path / BASE_FOLDER).exists()  # naming it assembles nothing


def test_named_models_resolve_to_the_packaged_folders(tmp_path: Path) -> None:
    tiny = AsrSettings(model="tiny.en").model_path()
    base = AsrSettings(model="base", model_cache_dir=str(tmp_path)).model_path()

    assert tiny == AsrSettings().model_path() == str(tiny_en_path())
    assert base == str(base_path(tmp_path))
    assert (Path(base) / "model.bin").stat().st_size == BASE_SIZE


@pytest.mark.parametrize(
    ("environ", "key", "says"),
    [
        ({"COACH_ASR_MODEL_CALLS": "small"}, "COACH_ASR_MODEL_CALLS", "unknown model name 'small'"),
        ({"COACH_ASR_MODEL_REPLIES": "base.en"}, "COACH_ASR_MODEL_REPLIES", "unknown model name"),
        ({"COACH_ASR_MODEL": "large-v3"}, "COACH_ASR_MODEL", "named models: tiny.en, base"),
        ({"COACH_ASR_MODEL_CALLS": "/no/such/model"}, "COACH_ASR_MODEL_CALLS", "missing path"),
    ],
)
def test_an_unknown_model_is_a_config_error_naming_its_key(
    tmp_path: Path, environ: dict[str, str], key: str, says: str
) -> None:
    config = load_config(tmp_path, environ=environ)
    use = "replies" if key.endswith("REPLIES") else "calls"

    with pytest.raises(ValueError, match=key) as raised:
        asr_settings(config, use)
    assert says in str(raised.value)


def test_an_unknown_model_name_stops_start_up(tmp_path: Path) -> None:
    from coach import create_app

    with pytest.raises(ConfigError, match="COACH_ASR_MODEL_REPLIES: unknown model name 'huge'"):
        create_app({"INSTANCE_PATH": tmp_path, "ASR_MODEL_REPLIES": "huge"})


def test_base_needs_a_cache_folder_and_a_language() -> None:
    with pytest.raises(ValueError, match="model cache"):
        AsrSettings(model="base")
    with pytest.raises(ValueError, match="language"):
        AsrSettings(language="")
    with pytest.raises(ValueError, match="no speech recognition use"):
        asr_model({"ASR_MODEL": None}, "voicemail")  # type: ignore[arg-type]
