"""Semantic rule matching with the real sentence encoder: paraphrases and veiled threats."""

from __future__ import annotations

import pytest

from coach.scoring.compliance.assess import assess_compliance
from coach.scoring.compliance.rules import check_rule_examples
from tests.content import repo_packs
from tests.transcripts import call, rule_ids

pytestmark = pytest.mark.ml

MIRANDA = "US-FDCPA-1692e11-MINI-MIRANDA"
VIOLENCE = "US-FDCPA-1692d1-THREAT-VIOLENCE-HARM"


@pytest.fixture(scope="module")
def packs():
    return repo_packs()


def test_paraphrased_mini_miranda_is_credited_by_meaning(encoder, packs):
    transcript = call(
        "agent: Hi, is this John Carter?",
        "debtor: Yes.",
        "agent: Hi John, Dana with Apex Recovery here. I'm a debt collector, and anything you "
        "share with me goes toward collecting this debt.",
        "agent: Your balance with Capital Bank is $300.",
    )
    patterns_only = assess_compliance(transcript, "US", packs)
    with_encoder = assess_compliance(transcript, "US", packs, encoder=encoder)
    assert MIRANDA in rule_ids(patterns_only)
    assert MIRANDA not in rule_ids(with_encoder)
    assert MIRANDA in with_encoder.satisfies[2]
    assert with_encoder.model_ids == (encoder.model_id,)


def test_veiled_threat_is_caught_by_meaning(encoder, packs):
    transcript = call("agent: Shame if something bad happened to your car, isn't it?")
    assert VIOLENCE not in rule_ids(assess_compliance(transcript, "US", packs))
    result = assess_compliance(transcript, "US", packs, encoder=encoder)
    [finding] = [f for f in result.findings if f.rule_id == VIOLENCE]
    assert finding.status == "violation"
    assert finding.quote == "Shame if something bad happened to your car, isn't it"


def test_reassurance_is_not_mistaken_for_a_threat(encoder, packs):
    transcript = call(
        "agent: Nobody is going to hurt you or your car, don't worry.",
        "agent: Let's find a payment plan that works for your family.",
    )
    result = assess_compliance(transcript, "US", packs, encoder=encoder)
    assert VIOLENCE not in rule_ids(result)


def test_every_pack_passes_its_own_examples_with_the_encoder(encoder, packs):
    for pack in (p for ps in packs.values() for p in ps):
        assert check_rule_examples(pack, encoder) == [], pack.pack
