"""Listening pairs (listening/<writer>.jsonl) and outcome calls (outcomes/<writer>.jsonl):
checked line by line before the listening and outcome heads train on them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from coach.catalog import load_catalog
from coach.corpus import ListeningPair, OutcomeCall
from tests.unit.catalog.test_loader import errors_of, minimal, write

__all__ = ["minimal"]  # the fixture, imported so pytest finds it here


def _pair(**fields: Any) -> str:
    row = {
        "debtor": "My hours got cut in March.",
        "agent": "So since March you've had fewer shifts. How is that affecting things?",
        "active_listening": True,
        "empathy": False,
        "locale": "UK",
    }
    row.update(fields)
    return json.dumps(row) + "\n"


def _call(**fields: Any) -> str:
    row = {
        "id": "w-1",
        "locale": "US",
        "turns": [
            {"speaker": "agent", "text": "Can you pay fifty on Friday?"},
            {"speaker": "debtor", "text": "No. I can't pay anything."},
        ],
        "outcome": "refusal",
    }
    row.update(fields)
    return json.dumps(row) + "\n"


def test_pairs_and_calls_load_with_their_writer(minimal: Path) -> None:
    write(minimal, "listening/jo.jsonl", _pair() + _pair(agent="Okay.", active_listening=False))
    write(minimal, "outcomes/gus.jsonl", _call())
    catalog = load_catalog(minimal)
    [pairs] = catalog.get("listening_pairs")
    [calls] = catalog.get("outcome_calls")
    assert pairs.writer == "jo"
    assert pairs.items[1] == ListeningPair(
        "My hours got cut in March.", "Okay.", active_listening=False, empathy=False
    )
    assert calls.writer == "gus"
    assert calls.items == (
        OutcomeCall(
            (("agent", "Can you pay fifty on Friday?"), ("debtor", "No. I can't pay anything.")),
            "refusal",
        ),
    )


def test_bad_pairs_are_reported_with_file_and_line(minimal: Path) -> None:
    rows = [_pair(empathy="yes"), _pair(agent=" "), _pair(tone="warm"), _pair(locale="FR")]
    write(minimal, "listening/kit.jsonl", "".join(rows))
    assert errors_of(minimal) == [
        "listening/kit.jsonl:line 1: 'empathy' must be true or false",
        "listening/kit.jsonl:line 2: 'agent' must be non-empty text",
        "listening/kit.jsonl:line 3: unknown key 'tone' (allowed: debtor, agent,"
        " active_listening, empathy, locale)",
        "listening/kit.jsonl:line 4: locale 'FR' is not one of US, UK, IN",
    ]


def test_bad_calls_are_reported_with_file_and_line(minimal: Path) -> None:
    rows = [
        _call(outcome="promise"),
        _call(turns=[]),
        _call(turns=[{"speaker": "caller", "text": "Hello?"}]),
        _call(turns=[{"speaker": "agent"}]),
        "[1, 2]\n",
    ]
    write(minimal, "outcomes/hal.jsonl", "".join(rows))
    assert errors_of(minimal) == [
        "outcomes/hal.jsonl:line 1: outcome 'promise' is not one of promise_to_pay,"
        " payment_plan, dispute, refusal, callback, none",
        "outcomes/hal.jsonl:line 2: 'turns' must be a list of 1 to 40 turns",
        "outcomes/hal.jsonl:line 3: turn 1: speaker 'caller' is not one of agent, debtor",
        'outcomes/hal.jsonl:line 4: turn 1 must be {"speaker": ..., "text": ...}',
        "outcomes/hal.jsonl:line 5: each line must be a JSON object like"
        ' {"turns": [{"speaker": "agent", "text": "..."}], "outcome": "refusal"}',
    ]
