"""How the outcome head's probabilities and the negotiation cues make one outcome."""

from __future__ import annotations

import numpy as np

from coach.scoring.outcome_model import OUTCOME_FLOOR, decide, outcome_fields

CLASSES = ("callback", "dispute", "none", "payment_plan", "promise_to_pay", "refusal")


def _row(**probabilities: float) -> np.ndarray:
    rest = (1 - sum(probabilities.values())) / (len(CLASSES) - len(probabilities))
    return np.array([probabilities.get(c, rest) for c in CLASSES])


def test_a_sure_head_decides_over_the_cues():
    assert decide(CLASSES, _row(refusal=0.7), "promise_to_pay") == "refusal"


def test_an_unsure_head_leaves_it_to_the_cues():
    unsure = _row(dispute=OUTCOME_FLOOR - 0.05, promise_to_pay=0.3)
    assert decide(CLASSES, unsure, "callback") == "callback"


def test_split_terms_the_cues_saw_make_a_single_payment_a_plan():
    assert decide(CLASSES, _row(promise_to_pay=0.9), "payment_plan") == "payment_plan"
    assert decide(CLASSES, _row(promise_to_pay=0.9), "none") == "promise_to_pay"


def test_the_head_reads_the_closing_turns_and_all_the_debtor_said():
    turns = [("agent", "a1"), ("debtor", "d1"), ("agent", "a2"), ("debtor", "d2"), ("agent", "a3")]
    closing, debtor = outcome_fields(turns)
    assert closing == "debtor: d1 agent: a2 debtor: d2 agent: a3"
    assert debtor == "d1 d2"
