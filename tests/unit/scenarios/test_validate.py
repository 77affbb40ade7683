"""Scenario validation: every problem of a graph listed at once, and the catalog's checks
against skills, intents and the jurisdiction's rule packs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from coach.catalog import load_catalog
from coach.scenarios.model import Scenario
from coach.scenarios.validate import check_scenario
from tests.unit.catalog.test_loader import RULE_PACK, errors_of, minimal, write
from tests.unit.scenarios.tiny import tiny, tiny_data

__all__ = ["minimal"]  # the fixture, imported so pytest finds it here

INTENTS = """\
intents:
  - id: empathise
    title: Empathise
    definition: Acknowledges feelings.
  - id: confirm_commitment
    title: Confirm commitment
    definition: Confirms the agreed payment.
  - id: pressure
    title: Pressure
    definition: Pushes for payment.
"""


def test_a_sound_scenario_has_no_errors() -> None:
    assert check_scenario(tiny()) == []


def test_every_graph_problem_is_listed_at_once() -> None:
    data = tiny_data()
    hello, warm, wary = data["states"]
    data["start"] = "nowhere"
    data["timeout"] = "hello"  # a state, not an ending
    data["meters"] += [
        {"id": "trust", "title": "Again", "initial": 0},
        {"id": "mood", "title": "Mood", "min": 0, "max": 10, "initial": 11},
    ]
    hello["transitions"][0]["to"] = "wram"
    hello["transitions"][0]["effects"][0]["meter"] = "patience"
    hello["transitions"][1]["when"]["meters"] = [{"meter": "trust", "at_least": 12}]
    warm["transitions"].append({"otherwise": True, "to": "hello"})
    wary["transitions"] = [
        {"otherwise": True, "to": "wary"},
        {"when": {"intents_any": ["x"]}, "to": "deal"},
    ]
    data["states"].append(dict(wary, id="hello"))
    for ending in data["endings"]:
        ending["meets_objective"] = False

    assert check_scenario(Scenario.model_validate(data)) == [
        "states.3.id: duplicate id 'hello' (also states.0)",
        "meters.1.id: duplicate id 'trust' (also meters.0)",
        "start: 'nowhere' is not a state",
        "timeout: 'hello' is not an ending",
        "endings: no ending meets the objective (set meets_objective: true)",
        "states.0.transitions.0.to: unknown state or ending 'wram' (did you mean 'warm'?)",
        "states.1.transitions.2: the fallback must be the last transition"
        " (the ones after it could never fire)",
        "states.1.transitions.3: only one 'otherwise: true' per state",
        "states.2.transitions.0: the fallback must be the last transition"
        " (the ones after it could never fire)",
        "states.3.transitions.0: the fallback must be the last transition"
        " (the ones after it could never fire)",
        "meters.2.initial: 11 is outside [0, 10]",
        "states.0.transitions.1.when.meters.0.at_least: 12 is outside trust [0, 10]",
        "states.0.transitions.0.effects.0.meter: unknown meter 'patience'",
    ]


def test_unreachable_nodes_and_dead_loops_are_reported() -> None:
    data = tiny_data()
    hello, warm, _wary = data["states"]
    hello["transitions"] = [
        {"when": {"intents_any": ["empathise"]}, "to": "warm"},
        {"otherwise": True, "to": "hello"},
    ]  # nothing leads to 'wary' any more
    warm["transitions"] = [{"otherwise": True, "to": "hello"}]  # and no way out to 'deal'
    data["states"].append(
        {"id": "limbo", "lines": ["..."], "transitions": [{"otherwise": True, "to": "deal"}]}
    )
    assert check_scenario(Scenario.model_validate(data)) == [
        "states.2: 'wary' can never be reached from the start, 'hello'",
        "states.3: 'limbo' can never be reached from the start, 'hello'",
        "endings.0: 'deal' can never be reached from the start, 'hello'",
        "states.0: no ending can be reached from 'hello'; only the turn limit would end the call",
        "states.1: no ending can be reached from 'warm'; only the turn limit would end the call",
    ]


def test_a_state_without_a_fallback_is_reported() -> None:
    data = tiny_data()
    data["states"][2]["transitions"] = [{"when": {"intents_any": ["empathise"]}, "to": "hello"}]
    assert check_scenario(Scenario.model_validate(data)) == [
        "states.2.transitions: needs a last transition with 'otherwise: true', "
        "so every reply leads somewhere"
    ]


def test_meter_ranges_and_contradictory_thresholds_are_reported() -> None:
    data = tiny_data()
    data["meters"][0].update(min=10, max=0)
    data["states"][1]["transitions"][0]["when"]["meters"] = [
        {"meter": "trust", "at_least": 8, "at_most": 3},
        {"meter": "calm", "at_most": 3},
    ]
    errors = check_scenario(Scenario.model_validate(data))
    assert errors[0] == "meters.0.max: must be above min (10)"
    assert (
        "states.1.transitions.0.when.meters.0: at_least 8 is above at_most 3, so it never holds"
        in errors
    )
    assert "states.1.transitions.0.when.meters.1.meter: unknown meter 'calm'" in errors


@pytest.mark.parametrize(
    ("transition", "message"),
    [
        ({"when": {"intents_any": ["empathise"]}, "otherwise": True, "to": "deal"}, "not both"),
        ({"to": "deal"}, "either 'when' or 'otherwise: true'"),
        ({"when": {}, "to": "deal"}, "write 'otherwise: true' instead"),
        ({"when": {"meters": [{"meter": "trust"}]}, "to": "deal"}, "needs at_least or at_most"),
        ({"when": {"intent_any": ["empathise"]}, "to": "deal"}, "Extra inputs are not permitted"),
    ],
)
def test_malformed_transitions_are_schema_errors(transition: dict, message: str) -> None:
    data = tiny_data()
    data["states"][0]["transitions"].insert(0, transition)
    with pytest.raises(ValidationError, match=message):
        Scenario.model_validate(data)


def test_an_ending_kind_outside_the_list_is_a_schema_error() -> None:
    data = tiny_data()
    data["endings"][0]["kind"] = "victory"
    with pytest.raises(ValidationError, match=r"endings\.0\.kind"):
        Scenario.model_validate(data)


def _with_scenario(root: Path, name: str, data: dict) -> None:
    write(root, "intents/intents.yaml", INTENTS)
    write(root, "rules/us_demo.yaml", RULE_PACK)
    write(root, f"scenarios/{name}.yaml", yaml.safe_dump(data, sort_keys=False))


def test_the_catalog_loads_a_scenario_with_its_identity(minimal: Path) -> None:
    data = tiny_data()
    data["states"][0]["transitions"][1]["when"]["findings_any"] = ["US-DEMO.1", "critical"]
    _with_scenario(minimal, "tiny", data)
    catalog = load_catalog(minimal)
    [scenario] = catalog.get("scenarios")
    assert scenario.id == "tiny"
    [pin] = catalog.pins("scenarios")
    assert (pin["id"], pin["version"]) == ("tiny", "1.0.0")


def test_the_catalog_checks_names_against_the_rest_of_the_content(minimal: Path) -> None:
    data = tiny_data()
    data["skills"] = ["empathy", "negotation"]
    data["jurisdiction"] = "UK"
    hello, warm, _wary = data["states"]
    hello["transitions"][0]["when"]["intents_any"] = ["empathize"]
    hello["transitions"][1]["when"]["findings_any"] = ["US-DEMO.1"]  # a US rule in a UK call
    warm["transitions"][1]["when"]["intents_none"] = ["pressure"]
    _with_scenario(minimal, "other-name", data)
    assert errors_of(minimal) == [
        "scenarios/other-name.yaml:id: 'tiny' must match the file name, 'other-name'",
        "scenarios/other-name.yaml:skills.1: unknown skill 'negotation': not defined in"
        " skills.yaml (did you mean 'negotiation'?)",
        "scenarios/other-name.yaml:states.0.transitions.0.when.intents_any.0: unknown intent"
        " 'empathize': not defined in intents.yaml (did you mean 'empathise'?)",
        "scenarios/other-name.yaml:states.0.transitions.1.when.findings_any.0: unknown rule"
        " 'US-DEMO.1': no UK rule pack defines it (or write 'critical' for any critical"
        " finding)",
    ]


def test_disclosures_and_findings_none_are_checked_against_the_rule_packs(minimal: Path) -> None:
    data = tiny_data()
    hello, warm, _wary = data["states"]
    hello["transitions"][1]["when"] = {"disclosed_any": ["US-DEMO.1", "US-DEMO.9"]}
    warm["transitions"][1]["when"]["findings_none"] = ["critical", "US-DEMO.2"]
    _with_scenario(minimal, "tiny", data)
    assert errors_of(minimal) == [
        "scenarios/tiny.yaml:states.1.transitions.1.when.findings_none.1: unknown rule"
        " 'US-DEMO.2': no US rule pack defines it (or write 'critical' for any critical"
        " finding) (did you mean 'US-DEMO.1'?)",
        "scenarios/tiny.yaml:states.0.transitions.1.when.disclosed_any.0: 'US-DEMO.1' is not a"
        " required disclosure of a US rule pack",
        "scenarios/tiny.yaml:states.0.transitions.1.when.disclosed_any.1: 'US-DEMO.9' is not a"
        " required disclosure of a US rule pack",
    ]


def test_graph_errors_in_a_file_carry_its_name(minimal: Path) -> None:
    data = tiny_data()
    data["on_critical"] = "braech"
    _with_scenario(minimal, "tiny", data)
    assert errors_of(minimal) == [
        "scenarios/tiny.yaml:on_critical: 'braech' is not an ending",
        "scenarios/tiny.yaml:endings.1: 'breach' can never be reached from the start, 'hello'",
    ]


def test_schema_errors_point_at_the_yaml_line(minimal: Path) -> None:
    data = tiny_data()
    data["states"][1]["lines"] = []
    _with_scenario(minimal, "tiny", data)
    assert errors_of(minimal) == [
        "scenarios/tiny.yaml:states.1.lines: tuple should have at least 1 item after"
        " validation, not 0 (line 64)"
    ]
