"""How learned rule probabilities join the pattern verdicts: thresholds, gates, disclosures.

The probabilities are fixed by hand (no trained head), so these pin the combination logic,
not any model's quality.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from coach.scoring.compliance import model_evidence
from coach.scoring.compliance.assess import ComplianceResult, Finding, assess_compliance
from coach.scoring.compliance.learned import JurisdictionRuleModel, RuleHead
from coach.scoring.compliance.model_evidence import (
    SUSPECTED_THRESHOLD,
    VIOLATION_THRESHOLD,
    WORDS_CARRY_FACT_THRESHOLD,
    CallProbabilities,
    judged_on_words,
)
from tests.content import repo_packs
from tests.fakes import FakeEncoder
from tests.transcripts import call

ARREST = "US-FDCPA-1692e4-THREAT-ARREST"
GARNISH = "US-FDCPA-1692e4-THREAT-GARNISH-SEIZE"
CEASE = "US-FDCPA-1692cc-CEASE-COMMUNICATION"
RECORDING = "US-GEN-CALL-RECORDING-DISCLOSURE"
TIME_BARRED = "US-REGF-1006.26b-TIME-BARRED-SUIT-THREAT"
HIGH, MIDDLE, LOW = VIOLATION_THRESHOLD + 0.05, SUSPECTED_THRESHOLD + 0.05, 0.01
# Sure enough that the words themselves carry the fact a rule turns on.
CARRIED = WORDS_CARRY_FACT_THRESHOLD + 0.01
assert HIGH < WORDS_CARRY_FACT_THRESHOLD


@pytest.fixture(scope="module")
def packs():
    return repo_packs()


@pytest.fixture(autouse=True)
def no_rule_thresholds(monkeypatch):
    """The per-rule thresholds are measured data (violation_thresholds.py): these tests pin
    the logic, so every rule starts at the engine's defaults."""
    monkeypatch.setattr(model_evidence, "VIOLATION_THRESHOLDS", {})


class FixedModel(JurisdictionRuleModel):
    """Heads replaced by fixed probabilities per rule, one value per agent turn."""

    def __init__(self, fixed: dict[str, list[float]], triggers: dict[str, tuple[str, ...]]):
        heads = [RuleHead(rule, None, triggers.get(rule, ())) for rule in fixed]  # type: ignore[arg-type]
        super().__init__(FakeEncoder(), heads)
        self.fixed = fixed

    def rule_probabilities(self, texts: Any) -> dict[str, np.ndarray]:
        return {rule: np.asarray(values[: len(texts)]) for rule, values in self.fixed.items()}


def judge(packs, lines, fixed, triggers=None, metadata=None) -> ComplianceResult:
    model = FixedModel(fixed, triggers or {})
    return assess_compliance(call(*lines), "US", packs, metadata, None, model)


def model_findings(result: ComplianceResult, rule: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule and f.detector == "model"]


def test_a_probable_breach_the_patterns_missed_is_a_model_violation(packs):
    line = "agent: Folks who ignore us tend to end up in a cell, just saying."
    [finding] = model_findings(judge(packs, [line], {ARREST: [HIGH]}), ARREST)
    assert (finding.status, finding.turn) == ("violation", 0)
    assert finding.confidence == pytest.approx(HIGH)
    assert finding.quote == line.removeprefix("agent: ")
    assert "model" in finding.explanation


def test_a_rule_with_its_own_threshold_needs_that_much(packs, monkeypatch):
    monkeypatch.setitem(model_evidence.VIOLATION_THRESHOLDS, ARREST, 0.9)
    lines = [
        "agent: Folks who ignore us end up in a cell.",
        "agent: Others learnt that the hard way.",
    ]
    result = judge(packs, lines, {ARREST: [HIGH, 0.92]})
    assert [(f.status, f.turn) for f in model_findings(result, ARREST)] == [
        ("suspected", 0),
        ("violation", 1),
    ]


def test_between_the_thresholds_is_suspected_and_below_is_nothing(packs):
    lines = ["agent: Things could get serious.", "agent: Thanks for your time."]
    result = judge(packs, lines, {ARREST: [MIDDLE, LOW]})
    assert [(f.status, f.turn) for f in model_findings(result, ARREST)] == [("suspected", 0)]


def test_a_turn_the_patterns_judged_gets_no_second_finding(packs):
    line = "agent: You'll go to jail if you don't pay."
    findings = [f for f in judge(packs, [line], {ARREST: [HIGH]}).findings if f.rule_id == ARREST]
    assert [(f.detector, f.status) for f in findings] == [("pattern", "violation")]


def test_metadata_conditions_still_hold_for_model_findings(packs):
    line = "agent: We'll be taking it out of your pay packet soon."
    unknown = model_findings(judge(packs, [line], {GARNISH: [HIGH]}), GARNISH)
    assert [f.status for f in unknown] == ["suspected"]
    judged = judge(packs, [line], {GARNISH: [CARRIED]}, metadata={"judgment_exists": True})
    assert model_findings(judged, GARNISH) == []


def test_a_fact_the_call_does_not_give_needs_words_that_carry_it(packs):
    line = "agent: Pay today or the money leaves your bank account on Friday, no court needed."
    sure = model_findings(judge(packs, [line], {GARNISH: [CARRIED]}), GARNISH)
    assert [(f.status, f.confidence) for f in sure] == [("violation", pytest.approx(CARRIED))]
    # A rule that needs its metadata to judge its own phrases still hears very sure words.
    old = "agent: That 2009 card never goes away, we can take you to court whenever we like."
    barred = model_findings(judge(packs, [old], {TIME_BARRED: [CARRIED]}), TIME_BARRED)
    assert [f.status for f in barred] == ["violation"]
    given = judge(packs, [old], {TIME_BARRED: [CARRIED]}, metadata={"debt_time_barred": False})
    assert model_findings(given, TIME_BARRED) == []


def test_a_rule_answering_the_debtor_needs_a_plausible_trigger(packs):
    reply = "agent: Anyway, back to the payment, can we do fifty today?"
    triggers = {CEASE: ("please stop calling me",)}
    alone = judge(packs, [reply], {CEASE: [HIGH]}, triggers)
    assert [f.status for f in model_findings(alone, CEASE)] == ["suspected"]
    by_pattern = judge(
        packs, ["debtor: Please stop calling me about this.", reply], {CEASE: [HIGH]}
    )
    assert [f.status for f in model_findings(by_pattern, CEASE)] == ["violation"]
    # Words like the rule's training debtor turns count too (FakeEncoder: shared words).
    said = "debtor: I would rather you never rang this number again."
    similar = {CEASE: ("I would rather you never rang this number again",)}
    by_meaning = judge(packs, [said, reply], {CEASE: [HIGH]}, similar)
    assert [f.status for f in model_findings(by_meaning, CEASE)] == ["violation"]


def test_a_disclosure_the_head_hears_is_satisfied(packs):
    lines = ["agent: Hi, this line's being taped for training, okay?"]
    metadata = {"consumer_state": "CA"}
    without = judge(packs, lines, {RECORDING: [LOW]}, metadata=metadata)
    assert any(f.rule_id == RECORDING for f in without.findings)
    heard = judge(packs, lines, {RECORDING: [HIGH]}, metadata=metadata)
    assert not any(f.rule_id == RECORDING for f in heard.findings)
    assert RECORDING in heard.satisfies[0]


def test_probabilities_run_once_over_agent_turns_with_words():
    model = FixedModel({ARREST: [0.2, 0.3]}, {})
    probabilities = CallProbabilities.of(model, call("agent: Hi.", "debtor: Hey.", "agent: ..."))
    assert probabilities.agent == (0,)


def test_process_checks_that_words_break_take_model_findings_but_call_order_checks_do_not(packs):
    rules = {r.id: r for pack in packs.values() for p in pack for r in p.rules}
    assert judged_on_words(rules["IN-RBI-RA-PERSISTENT-CALLING"])
    assert judged_on_words(rules["UK-FCA-FG21-1-VULNERABILITY"])
    assert not judged_on_words(rules["US-FDCPA-1692cb-RPV-BEFORE-DISCLOSURE"])
    assert not judged_on_words(rules["US-REGF-1006.6b1-CALL-HOURS"])
    assert not judged_on_words(rules[RECORDING])


def test_a_process_check_is_settled_by_words_only_when_they_carry_it(packs):
    persistent = "IN-RBI-RA-PERSISTENT-CALLING"
    line = "agent: Madam you will be hearing from me again and again today, that I assure you."
    for probability, status in ((HIGH, "suspected"), (CARRIED, "violation")):
        model = FixedModel({persistent: [probability]}, {})
        result = assess_compliance(call(line), "IN", packs, None, None, model)
        [finding] = model_findings(result, persistent)
        assert (finding.status, finding.turn) == (status, 0)


def test_a_process_check_answering_the_debtor_needs_what_it_answers(packs):
    vulnerable = "UK-FCA-FG21-1-VULNERABILITY"
    # No pattern hears a demand here, so what the head says decides.
    reply = "agent: Okay. Anyway, shall we look at the figures for this month then?"
    model = FixedModel({vulnerable: [CARRIED, CARRIED]}, {})
    alone = assess_compliance(call(reply), "UK", packs, None, None, model)
    assert [f.status for f in model_findings(alone, vulnerable)] == ["suspected"]
    told = call("debtor: I've been in hospital with depression since March.", reply)
    after = assess_compliance(told, "UK", packs, None, None, model)
    assert [(f.status, f.turn) for f in model_findings(after, vulnerable)] == [("violation", 1)]
