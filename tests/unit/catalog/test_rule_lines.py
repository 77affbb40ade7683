"""Rule lines (rule_lines/<writer>/<jurisdiction>.jsonl): checked line by line and against the
rule packs before any detector trains on them."""

from __future__ import annotations

import json
from pathlib import Path

from coach.catalog import load_catalog
from tests.unit.catalog.test_loader import RULE_PACK, errors_of, minimal, write

__all__ = ["minimal"]  # the fixture, imported so pytest finds it here


def _line(**fields: str) -> str:
    row = {"rule": "US-DEMO.1", "label": "positive", "kind": "direct", "text": "You'll be jailed."}
    row.update(fields)
    return json.dumps(row) + "\n"


def test_lines_load_with_their_writer_and_jurisdiction(minimal: Path) -> None:
    write(minimal, "rules/us_demo.yaml", RULE_PACK)
    write(
        minimal,
        "rule_lines/ana/us.jsonl",
        _line()
        + _line(
            label="negative",
            kind="negation",
            text="Nobody is going to arrest you.",
            debtor_before="Am I going to jail?",
        ),
    )
    [lines] = load_catalog(minimal).get("rule_lines")
    assert (lines.writer, lines.jurisdiction) == ("ana", "US")
    assert [(line.label, line.kind) for line in lines.lines] == [
        ("positive", "direct"),
        ("negative", "negation"),
    ]
    assert lines.lines[1].debtor_before == "Am I going to jail?"


def test_bad_lines_are_reported_with_file_and_line(minimal: Path) -> None:
    write(minimal, "rules/us_demo.yaml", RULE_PACK)
    rows = [
        _line(label="violating"),
        _line(kind="negation"),
        _line(text=" "),
        _line(speaker="agent"),
    ]
    write(minimal, "rule_lines/bex/us.jsonl", "".join(rows))
    assert errors_of(minimal) == [
        "rule_lines/bex/us.jsonl:line 1: label 'violating' is not one of positive, negative",
        "rule_lines/bex/us.jsonl:line 2: kind 'negation' is not a positive kind (direct, implied,"
        " euphemism, sarcastic_denial, conditional_false, run_on, partial, asr_garbled,"
        " code_mixed, other)",
        "rule_lines/bex/us.jsonl:line 3: 'text' must be non-empty text",
        "rule_lines/bex/us.jsonl:line 4: unknown key 'speaker' (allowed: rule, label, text, kind,"
        " debtor_before, source)",
    ]


def test_an_unknown_rule_id_gets_a_suggestion(minimal: Path) -> None:
    write(minimal, "rules/us_demo.yaml", RULE_PACK)
    write(minimal, "rule_lines/bex/us.jsonl", _line() + _line(rule="US-DEMO.2"))
    assert errors_of(minimal) == [
        "rule_lines/bex/us.jsonl: unknown rule id 'US-DEMO.2': no US rule pack defines it"
        " (did you mean 'US-DEMO.1'?)",
    ]


def test_a_rule_of_another_jurisdiction_is_refused(minimal: Path) -> None:
    write(minimal, "rules/us_demo.yaml", RULE_PACK)
    write(minimal, "rule_lines/cal/uk.jsonl", _line())
    assert errors_of(minimal) == [
        "rule_lines/cal/uk.jsonl: unknown rule id 'US-DEMO.1': a US rule in a UK file"
    ]


def test_the_file_name_says_the_jurisdiction(minimal: Path) -> None:
    write(minimal, "rules/us_demo.yaml", RULE_PACK)
    write(minimal, "rule_lines/ana/usa.jsonl", _line())
    assert errors_of(minimal) == [
        "rule_lines/ana/usa.jsonl: the file name must be one of us.jsonl, uk.jsonl, in.jsonl"
    ]
