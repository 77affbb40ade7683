"""`flask coach roleplay list|play`: the JSON lines others drive Coach through, on the real
intent heads and scoring engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from coach import create_app
from tests.content import repo_catalog
from tests.unit.scenarios.paths import us_first_contact

pytestmark = pytest.mark.ml

SUMMARY_KEYS = ["id", "title", "jurisdiction", "difficulty", "skills"]
TURN_KEYS = ["turn", "trainee", "intents", "findings", "meters", "debtor", "state"]
ARREST = "US-FDCPA-1692e4-THREAT-ARREST"


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, model_cache: Path) -> FlaskCliRunner:
    instance = tmp_path_factory.mktemp("roleplay-instance")
    # Inline jobs: a thread runner's sweeper would outlive the test, sweeping an unmigrated
    # database and logging tracebacks from a thread while other tests run.
    app: Flask = create_app(
        {"INSTANCE_PATH": instance, "MODEL_CACHE_DIR": str(model_cache), "JOB_RUNNER": "inline"}
    )
    return app.test_cli_runner()


def _replies(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "replies.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_list_prints_one_object_per_scenario_easiest_first(cli: FlaskCliRunner) -> None:
    result = cli.invoke(args=["coach", "roleplay", "list", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert all(list(row) == SUMMARY_KEYS for row in rows)
    assert sorted(r["id"] for r in rows) == sorted(s.id for s in repo_catalog().get("scenarios"))
    order = ["easy", "medium", "hard"]
    assert [order.index(r["difficulty"]) for r in rows] == sorted(
        order.index(r["difficulty"]) for r in rows
    )


def test_a_threat_ends_the_run_in_a_breach_and_the_rest_is_not_played(
    cli: FlaskCliRunner, tmp_path: Path
) -> None:
    opening = us_first_contact.LAWFUL.turns[0][0]
    threat = "If you don't pay today we'll have you arrested."
    replies = _replies(tmp_path, opening, "", threat, "Sorry, I didn't mean that.")
    result = cli.invoke(
        args=["coach", "roleplay", "play", "us-first-contact", "--replies", replies, "--json"]
    )
    assert result.exit_code == 0, result.output
    *turns, last = [json.loads(line) for line in result.output.splitlines()]
    assert [list(t) for t in turns] == [TURN_KEYS, TURN_KEYS]  # the blank line is skipped
    assert [t["trainee"] for t in turns] == [opening, threat]
    assert "verify_identity" in turns[0]["intents"] and turns[0]["findings"] == []
    [finding] = [f for f in turns[1]["findings"] if f["rule_id"] == ARREST]
    assert finding["status"] == "violation" and finding["turn"] == 3
    assert {"detector", "confidence", "citation", "suggestion", "quote"} <= set(finding)
    assert turns[1]["state"] == "reports_you"
    assert last["ending"] == {"id": "reports_you", "kind": "breach"}
    assert last["outcome"]["meets_objective"] is False
    assert ARREST in {f["rule_id"] for f in last["scorecard"]["findings"]}


def test_the_same_seed_and_replies_give_the_same_run(cli: FlaskCliRunner, tmp_path: Path) -> None:
    replies = _replies(tmp_path, *(t[0] for t in us_first_contact.LAWFUL.turns[:3]))
    args = ["coach", "roleplay", "play", "us-first-contact", "--replies", replies, "--json"]
    first = cli.invoke(args=[*args, "--seed", "7"])
    again = cli.invoke(args=[*args, "--seed", "7"])
    assert first.exit_code == 0, first.output
    assert first.output == again.output


@pytest.mark.parametrize(
    ("scenario", "lines", "message"),
    [
        ("no-such-scenario", ["Hello?"], "no scenario 'no-such-scenario'; known: "),
        ("us-first-contact", ["", "  "], "no replies in it"),
        ("us-first-contact", ["Hello.", "x" * 5000], ":2: a reply of 5000 characters"),
    ],
)
def test_bad_input_is_a_clear_error(
    cli: FlaskCliRunner, tmp_path: Path, scenario: str, lines: list[str], message: str
) -> None:
    replies = _replies(tmp_path, *lines)
    result = cli.invoke(args=["coach", "roleplay", "play", scenario, "--replies", replies])
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
