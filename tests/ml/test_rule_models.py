"""The learned rule heads on the real encoder, trained on a handful of hand-written lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.corpus import RuleLine, RuleLines
from coach.engines import rule_models
from coach.nlp.encoder import load_default_encoder
from coach.scoring.compliance.learned import (
    LINES_IN_ANOTHER_SENSE,
    debtor_triggers,
    rule_examples,
    rules_with_positives,
)

pytestmark = pytest.mark.ml

ARREST, CEASE = "US-X-ARREST", "US-X-CEASE"
THREATS = [
    "The police will arrest you if you don't pay today.",
    "You'll be locked up by Friday unless this is settled.",
    "We can have you taken into custody over this balance.",
    "Officers are on their way to pick you up for this debt.",
]
LAWFUL = [
    "Nobody is going to arrest you over a debt.",
    "Could you manage a payment this week?",
    "I can set up a plan of fifty dollars a month.",
    "Thanks for taking my call today.",
]
STOP = "Please stop calling me."
PRESSING = ["Anyway, about that payment today.", "Let's get a card payment sorted now."]


def lines(writer: str) -> RuleLines:
    rows = [RuleLine(ARREST, "positive", t, "direct") for t in THREATS]
    rows += [RuleLine(ARREST, "negative", t, "lawful_version") for t in LAWFUL]
    rows += [RuleLine(CEASE, "positive", t, "direct", debtor_before=STOP) for t in PRESSING]
    return RuleLines(writer=writer, jurisdiction="US", lines=tuple(rows))


def test_each_head_sees_its_positives_against_every_other_line():
    examples = rule_examples([lines("a")], CEASE)
    assert sum(e.label == "positive" for e in examples) == len(PRESSING)
    assert len(examples) == len(THREATS) + len(LAWFUL) + len(PRESSING)


def test_rules_answering_the_debtor_keep_their_debtor_turns():
    assert debtor_triggers([lines("a")], CEASE) == (STOP,)
    assert debtor_triggers([lines("a")], ARREST) == ()


def test_rule_probabilities_are_per_rule_deterministic_and_cached(tmp_path: Path):
    encoder = load_default_encoder(cache_dir=tmp_path)
    models = rule_models([lines("a")], encoder, tmp_path)
    us = models.get("US")
    assert us is not None and models.get("UK") is None
    texts = ["You will be arrested tonight.", "Would a plan of twenty a month help?"]
    first = us.rule_probabilities(texts)
    assert set(first) == {ARREST, CEASE}
    assert first[ARREST].shape == (2,) and first[ARREST][0] > first[ARREST][1]
    again = rule_models([lines("a")], encoder, tmp_path).get("US")
    assert again is not None
    np.testing.assert_array_equal(again.rule_probabilities(texts)[ARREST], first[ARREST])
    assert len(list(tmp_path.glob("rule-*.pkl"))) == 2
    similarity = us.trigger_similarity(CEASE, ["Stop calling me please.", "What is this about?"])
    assert similarity[0] > similarity[1]


def test_rules_labelled_in_another_sense_get_no_head():
    opt_out = next(iter(LINES_IN_ANOTHER_SENSE))
    given = RuleLine(opt_out, "positive", "Reply STOP to opt out of texts.", "direct")
    group = RuleLines(writer="a", jurisdiction="US", lines=(*lines("a").lines, given))
    assert rules_with_positives([group]) == [ARREST, CEASE]
