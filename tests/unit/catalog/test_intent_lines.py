"""Intent definitions (intents/intents.yaml) and the writers' labelled trainee replies
(intents/<writer>.jsonl): checked line by line, and against the definitions, before the
role-play intent heads train on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coach.catalog import load_catalog
from coach.corpus import IntentLine
from tests.unit.catalog.test_loader import errors_of, minimal, write

__all__ = ["minimal"]  # the fixture, imported so pytest finds it here

INTENTS = """\
intents:
  - id: greet
    title: Greet
    definition: Opens the conversation politely.
  - id: empathise
    title: Empathise
    definition: Acknowledges feelings without a demand.
"""


def _line(**fields: Any) -> str:
    row = {
        "intent": "empathise",
        "label": "positive",
        "kind": "direct",
        "text": "That sounds really hard, I'm sorry.",
        "debtor_before": "I lost my job in May.",
        "jurisdiction": "UK",
    }
    row.update(fields)
    return json.dumps(row) + "\n"


def test_intents_and_lines_load_with_their_writer(minimal: Path) -> None:
    write(minimal, "intents/intents.yaml", INTENTS)
    write(minimal, "intents/pia.jsonl", _line() + _line(label="negative", kind="near_miss"))
    catalog = load_catalog(minimal)
    [intents] = catalog.get("intent_set")
    [lines] = catalog.get("intent_lines")
    assert intents.ids == {"greet", "empathise"}
    assert lines.writer == "pia"
    assert lines.lines[1] == IntentLine(
        "empathise",
        "negative",
        "near_miss",
        "That sounds really hard, I'm sorry.",
        "I lost my job in May.",
        "UK",
    )


def test_bad_lines_are_reported_with_file_and_line(minimal: Path) -> None:
    write(minimal, "intents/intents.yaml", INTENTS)
    rows = [
        _line(kind="negation"),
        _line(label="maybe"),
        _line(jurisdiction="FR"),
        _line(text=" "),
        _line(speaker="agent"),
        _line(intent="empathize"),
    ]
    write(minimal, "intents/quinn.jsonl", "".join(rows))
    assert errors_of(minimal) == [
        "intents/quinn.jsonl:line 1: kind 'negation' is not a positive kind (direct, indirect,"
        " run_on, partial, asr_garbled, code_mixed, other)",
        "intents/quinn.jsonl:line 2: label 'maybe' is not one of positive, negative",
        "intents/quinn.jsonl:line 3: jurisdiction 'FR' is not one of US, UK, IN",
        "intents/quinn.jsonl:line 4: 'text' must be non-empty text",
        "intents/quinn.jsonl:line 5: unknown key 'speaker' (allowed: intent, label, kind, text,"
        " debtor_before, jurisdiction)",
    ]


def test_an_intent_the_definitions_lack_is_named_with_a_hint(minimal: Path) -> None:
    write(minimal, "intents/intents.yaml", INTENTS)
    write(minimal, "intents/rex.jsonl", _line(intent="empathize"))
    assert errors_of(minimal) == [
        "intents/rex.jsonl: unknown intent 'empathize': not defined in intents.yaml"
        " (did you mean 'empathise'?)"
    ]


def test_lines_without_definitions_say_what_is_missing(minimal: Path) -> None:
    write(minimal, "intents/rex.jsonl", _line())
    assert errors_of(minimal) == [
        "intents/rex.jsonl: intent lines need intents/intents.yaml to define their intents"
    ]


def test_repeated_intent_ids_are_an_error(minimal: Path) -> None:
    write(minimal, "intents/intents.yaml", INTENTS.replace("id: empathise", "id: greet"))
    [error] = errors_of(minimal)
    assert error.startswith("intents/intents.yaml")
    assert "intent ids must be unique: greet" in error
