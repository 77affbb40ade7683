"""``flask coach roleplay …``: the scenario library and a scripted run, for people and for
tests that drive Coach from outside (the JSON lines are a contract, docs/scoring.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from coach.engines import EngineUnavailable, engines_of
from coach.scenarios.engine import RunState, Step, outcome, reply, start
from coach.scenarios.model import Scenario
from coach.scenarios.reply_text import MAX_REPLY_CHARS
from coach.services.roleplay import all_scenarios


@click.group("roleplay")
def roleplay_group() -> None:
    """Role-play scenarios: list them, or play one from a file of replies."""


@roleplay_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per scenario.")
@with_appcontext
def roleplay_list(as_json: bool) -> None:
    """The scenarios, easiest first."""
    for scenario in all_scenarios():
        if as_json:
            click.echo(json.dumps(_summary(scenario), ensure_ascii=False))
        else:
            skills = ", ".join(scenario.skills)
            click.echo(
                f"{scenario.id:32} {scenario.jurisdiction}  {scenario.difficulty:6}  "
                f"{scenario.title}  [{skills}]"
            )


@roleplay_group.command("play")
@click.argument("scenario_id")
@click.option(
    "--replies",
    "replies_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The trainee's replies, one per line (blank lines are skipped).",
)
@click.option("--seed", default=0, show_default=True, help="Picks the debtor's lines.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per turn, then the result.")
@with_appcontext
def roleplay_play(scenario_id: str, replies_path: Path, seed: int, as_json: bool) -> None:
    """Play SCENARIO_ID with the replies in a file; stops where the call ends."""
    from coach.scenarios.analyse import ModelAnalyse, score_run

    scenario = _scenario(scenario_id)
    replies = _read_replies(replies_path)
    engines = engines_of()
    try:
        models, intents = engines.scoring_models(), engines.intent_heads()
    except EngineUnavailable as error:
        raise click.ClickException(str(error)) from None
    analyse = ModelAnalyse(scenario, intents, models)
    state = start(scenario, seed)
    if not as_json:
        click.echo(f"{scenario.persona.name}: {state.history[0][1]}")
    for text in replies:  # non-blank, and the loop stops at the ending: reply() accepts each
        step = reply(scenario, state, text, analyse)
        state = step.state
        _echo_step(step, text, as_json, scenario)
        if step.ending is not None:
            break
    result = outcome(scenario, state)
    card = score_run(scenario, state.history, models)
    if as_json:
        last = {
            "ending": None if result.ending is None else vars(result.ending),
            "outcome": {
                "meets_objective": result.meets_objective,
                "objective": result.objective,
                "summary": result.summary,
            },
            "scorecard": card.to_json_dict(),
        }
        click.echo(json.dumps(last, ensure_ascii=False))
    else:
        ending = "still going" if result.ending is None else result.ending.kind
        click.echo(f"\nEnding: {ending}. {result.summary} Score: {card.total}")


def _echo_step(step: Step, text: str, as_json: bool, scenario: Scenario) -> None:
    if as_json:
        click.echo(json.dumps(_turn_record(step, text), ensure_ascii=False))
        return
    click.echo(f"You: {text}")
    for finding in step.findings:
        click.echo(f"  ! {finding.status}: {finding.rule_id}")
    click.echo(f"{scenario.persona.name}: {step.debtor_line}")


def _turn_record(step: Step, text: str) -> dict[str, Any]:
    """One turn as the CLI contract prints it."""
    state: RunState = step.state
    return {
        "turn": state.turn,
        "trainee": text,
        "intents": sorted(step.intents),
        "findings": [dict(f.detail) for f in step.findings],
        "meters": state.meter_values,
        "debtor": step.debtor_line,
        "state": state.node,
    }


def _summary(scenario: Scenario) -> dict[str, Any]:
    return {
        "id": scenario.id,
        "title": scenario.title,
        "jurisdiction": scenario.jurisdiction,
        "difficulty": scenario.difficulty,
        "skills": list(scenario.skills),
    }


def _scenario(scenario_id: str) -> Scenario:
    scenarios = {s.id: s for s in all_scenarios()}
    if scenario_id not in scenarios:
        known = ", ".join(sorted(scenarios))
        raise click.ClickException(f"no scenario {scenario_id!r}; known: {known}")
    return scenarios[scenario_id]


def _read_replies(path: Path) -> list[str]:
    """The non-blank lines of ``path``; a line too long to be a reply stops the run first."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"cannot read replies file {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: replies must be UTF-8 text") from None
    replies = list(_non_blank(text))
    for number, line in replies:
        if len(line) > MAX_REPLY_CHARS:
            raise click.ClickException(
                f"{path}:{number}: a reply of {len(line)} characters; "
                f"at most {MAX_REPLY_CHARS} (one thing said on a call)"
            )
    if not replies:
        raise click.ClickException(f"{path}: no replies in it")
    return [line for _, line in replies]


def _non_blank(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield number, line.strip()
