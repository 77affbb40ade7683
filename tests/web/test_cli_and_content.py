"""`flask coach …` commands and the refusal to start on invalid content."""

import json
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask

from coach import create_app
from coach.config import REPO_ROOT
from coach.engines import EXTENSION as ENGINES
from coach.engines import Engines
from coach.speech.model_files import BASE_FOLDER, BASE_SIZE
from coach.speech.transcriber import AsrSettings
from coach.wiring import InvalidContent
from tests.fakes import FakeEncoder, FakeTranscriber


def _broken_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO_ROOT / "content", content)
    skills = content / "skills.yaml"
    skills.write_text(skills.read_text() + "\nunexpected_key: 1\n")
    (content / "typo.yaml").write_text("a: [unclosed\n")
    return content


def test_content_check_passes_on_shipped_content(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["coach", "content", "check"])
    assert result.exit_code == 0, result.output
    assert "Content OK" in result.output


def test_content_check_lists_every_error_and_fails(app: Flask, tmp_path: Path) -> None:
    content = _broken_content(tmp_path)
    result = app.test_cli_runner().invoke(
        args=["coach", "content", "check", "--content-dir", str(content)]
    )
    assert result.exit_code != 0
    assert "skills.yaml" in result.output and "unexpected_key" in result.output
    assert "typo.yaml" in result.output


def test_content_stats_json_counts_every_kind_and_the_questions(app: Flask) -> None:
    from tests.content import repo_catalog

    result = app.test_cli_runner().invoke(args=["coach", "content", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    catalog = repo_catalog()
    assert stats["scenarios"] == len(catalog.get("scenarios")) >= 12
    assert stats["rules"] == len(catalog.get("rules"))
    questions = [(b.jurisdiction, q.type) for b in catalog.get("quizzes") for q in b.questions]
    assert stats["questions"]["total"] == len(questions)
    assert set(stats["questions"]["per_jurisdiction"]) == {"US", "UK", "IN"}
    assert sum(stats["questions"]["per_jurisdiction"].values()) == len(questions)
    assert stats["questions"]["per_type"]["spot_violation"] == sum(
        1 for _, kind in questions if kind == "spot_violation"
    )
    assert sum(stats["questions"]["per_type"].values()) == len(questions)


def test_content_stats_on_broken_content_lists_the_errors(app: Flask, tmp_path: Path) -> None:
    content = _broken_content(tmp_path)
    result = app.test_cli_runner().invoke(
        args=["coach", "content", "stats", "--json", "--content-dir", str(content)]
    )
    assert result.exit_code != 0
    assert "typo.yaml" in result.output


def test_certifications_recheck_reports_what_it_flagged(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["coach", "certifications", "recheck"])
    assert result.exit_code == 0, result.output
    assert "recertification after rule-pack changes: 0 new" in result.output


def test_app_refuses_to_start_on_invalid_content(tmp_path: Path) -> None:
    content = _broken_content(tmp_path)
    with pytest.raises(InvalidContent) as caught:
        create_app({"INSTANCE_PATH": tmp_path / "instance", "CONTENT_DIR": str(content)})
    assert len(caught.value.errors) >= 2
    assert "Coach cannot start" in caught.value.format_message()


def test_users_create_reports_duplicate_email_clearly(app: Flask, people) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "coach",
            "users",
            "create",
            "--email",
            people["sam"].email,
            "--name",
            "Sam",
            "--role",
            "trainee",
        ]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output and "Traceback" not in result.output


def _engines_on(app: Flask, cache: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEncoder:
    """New engines for ``app`` on fake models and ``cache``, as a new process would have, with
    the real Whisper settings of each use (calls: base, replies: tiny.en) for set-up."""
    encoder = FakeEncoder()
    asr = [AsrSettings(model=m, model_cache_dir=str(cache)) for m in ("base", "tiny.en")]
    engines = Engines(
        app.extensions["coach.catalog"], cache, FakeTranscriber, lambda: encoder, asr=asr
    )
    monkeypatch.setitem(app.extensions, ENGINES, engines)
    return encoder


def test_setup_prepares_the_scoring_models_once(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = app.test_cli_runner()
    cache = tmp_path / "model-cache"
    encoder = _engines_on(app, cache, monkeypatch)

    first = runner.invoke(args=["coach", "setup"])

    assert first.exit_code == 0, first.output
    assert "Demo logins" in first.output
    assert re.search(r"Preparing speech models: base… tiny\.en… done in \d+\.\d s", first.output)
    assert (cache / BASE_FOLDER / "model.bin").stat().st_size == BASE_SIZE
    assert re.search(
        r"Preparing scoring models .*: encoder… tone head… debtor head… rule exemplars… "
        r"rule models… listening heads… outcome head… done in \d+\.\d s",
        first.output,
    )
    assert encoder.texts_encoded > 0
    assert len(list(cache.glob("tone-*.pkl"))) == 1
    assert len(list(cache.glob("debtor-affect-*.pkl"))) == 1
    assert len(list(cache.glob("moment-*.pkl"))) == 2
    assert len(list(cache.glob("outcome-*.pkl"))) == 1
    assert re.search(r"Preparing role-play intent heads… done in \d+\.\d s", first.output)
    assert len(list(cache.glob("intent-*.pkl"))) == len(
        app.extensions["coach.catalog"].get("intent_set")[0].ids
    )
    assert len(list(cache.glob("exemplars-*.npz"))) == len(
        app.extensions["coach.catalog"].get("rules")
    )

    later = _engines_on(app, cache, monkeypatch)
    second = runner.invoke(args=["coach", "setup"])

    assert second.exit_code == 0 and "already present" in second.output
    assert "Preparing speech models: base… tiny.en… done" in second.output  # verified again
    assert "outcome head… done" in second.output
    assert "Preparing role-play intent heads… done" in second.output
    assert len(list(cache.glob("rule-*.pkl"))) > 0
    assert later.texts_encoded == 0  # heads and exemplar rows came from the cache
