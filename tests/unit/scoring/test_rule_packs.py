"""Rule packs: the three shipped packs load, match the catalog, and pass their own examples."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from coach.catalog import ContentError, load_catalog
from coach.catalog.kinds import load_rule_pack
from coach.scoring.compliance.assess import assess_compliance
from coach.scoring.compliance.rules import RULE_TYPES, check_rule_examples
from coach.transcript import Transcript, Turn
from tests.content import CONTENT_DIR, repo_packs
from tests.rule_catalog import rule_kinds

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def packs():
    return repo_packs()


def _minimal_pack(pattern: str) -> dict:
    """A one-rule pack whose only pattern is ``pattern``."""
    return {
        "pack": "tmp_pack",
        "version": "1",
        "jurisdiction": "US",
        "rules": [
            {
                "id": "US-TEST-RULE",
                "jurisdiction": "US",
                "kind": "prohibited-statement",
                "severity": "major",
                "title": "Test",
                "citation": "none",
                "explanation": "Test rule.",
                "suggestion": "Say something else.",
                "detection": [{"type": "phrase", "patterns": [pattern]}],
                "examples": {
                    "compliant": ["hello there", "good morning", "thank you"],
                    "violating": ["forbidden words", "more forbidden words", "forbidden again"],
                },
            }
        ],
    }


SOURCE = "rules/tmp_pack.yaml"


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "tmp_pack.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_all_three_packs_load_with_versions(packs):
    names = {p.pack: p for ps in packs.values() for p in ps}
    assert set(names) == {"us_fdcpa_regf", "uk_fca_conc7", "in_rbi"}
    assert set(packs) == {"US", "UK", "IN"}
    assert all(p.version for p in names.values())


def test_rule_ids_are_exactly_the_catalog_ids(packs):
    ids = [r.id for ps in packs.values() for p in ps for r in p.rules]
    catalog = list(rule_kinds())
    assert len(catalog) == 50
    assert len(ids) == len(set(ids)) == 50
    assert set(ids) == set(catalog)


def test_every_rule_has_enough_examples_and_plain_text(packs):
    for pack in (p for ps in packs.values() for p in ps):
        for rule in pack.rules:
            assert len(rule.examples.compliant) >= 3, rule.id
            assert len(rule.examples.violating) >= 3, rule.id
            assert rule.citation and rule.explanation and rule.suggestion, rule.id
            assert all(d.type in RULE_TYPES for d in rule.detection), rule.id


def test_each_rule_gets_its_own_examples_right(packs):
    for pack in (p for ps in packs.values() for p in ps):
        assert check_rule_examples(pack) == [], pack.pack


def test_broken_regex_is_reported_with_file_and_path(tmp_path):
    path = _write(tmp_path, _minimal_pack(r"forbidden (words"))
    with pytest.raises(ContentError) as err:
        load_rule_pack(path, SOURCE)
    assert len(err.value.errors) == 1
    message = err.value.errors[0]
    assert message.startswith(f"{SOURCE}:rules.0.detection.0.")
    assert "patterns.0: invalid regex 'forbidden (words'" in message


def test_unknown_lexicon_and_bad_examples_are_all_reported(tmp_path):
    data = _minimal_pack("@nowhere")
    path = _write(tmp_path, data)
    with pytest.raises(ContentError) as err:
        load_rule_pack(path, SOURCE)
    assert err.value.errors == [
        f"{SOURCE}:rules.0.detection.0.patterns.0: unknown lexicon @nowhere"
    ]


def test_rule_that_misses_its_own_example_is_an_error(tmp_path):
    path = _write(tmp_path, _minimal_pack(r"\bforbidden words\b"))
    with pytest.raises(ContentError) as err:
        load_rule_pack(path, SOURCE)
    assert err.value.errors == [
        f"{SOURCE}:rules.0.examples.violating.2: US-TEST-RULE misses its own violating example "
        "(wanted missing/violation, got nothing)"
    ]


def test_unknown_detector_type_and_extra_keys_are_rejected(tmp_path):
    data = _minimal_pack("x")
    data["rules"][0]["detection"] = [{"type": "magic"}]
    data["rules"][0]["colour"] = "red"
    with pytest.raises(ContentError) as err:
        load_rule_pack(_write(tmp_path, data), SOURCE)
    joined = "\n".join(err.value.errors)
    assert "rules.0.detection.0: input tag 'magic'" in joined
    assert "rules.0.colour: unknown key 'colour'" in joined


def test_errors_from_several_files_are_raised_together(tmp_path):
    shutil.copytree(CONTENT_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "rules" / "a.yaml").write_text("pack: [unclosed", encoding="utf-8")
    (tmp_path / "rules" / "b.yaml").write_text(yaml.safe_dump({"pack": "b"}), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_catalog(tmp_path)
    files = {e.split(":", 1)[0] for e in err.value.errors}
    assert files == {"rules/a.yaml", "rules/b.yaml"}


# --- phrasing classes the packs must generalise to (patterns only, own wording) ------------


def _result(packs, jurisdiction: str, line: str, metadata=None):
    """Compliance result for a one-turn call in which the agent says ``line``."""
    transcript = Transcript(turns=(Turn(speaker="agent", text=line),))
    return assess_compliance(transcript, jurisdiction, packs, metadata)


def _statuses(packs, jurisdiction: str, line: str) -> dict[str, set[str]]:
    """rule id -> finding statuses for ``line``."""
    found: dict[str, set[str]] = {}
    for finding in _result(packs, jurisdiction, line).findings:
        found.setdefault(finding.rule_id, set()).add(finding.status)
    return found


def _violates(packs, jurisdiction: str, line: str, rule: str) -> bool:
    return "violation" in _statuses(packs, jurisdiction, line).get(rule, set())


MIRANDA = "US-FDCPA-1692e11-MINI-MIRANDA"


def _miranda(packs, line: str, metadata=None) -> tuple[bool, set[str]]:
    """Whether ``line`` is credited as the mini-Miranda, and the rule's finding statuses."""
    result = _result(packs, "US", line, metadata)
    statuses = {f.status for f in result.findings if f.rule_id == MIRANDA}
    return MIRANDA in result.satisfies[0], statuses


def test_mini_miranda_asr_garbles_and_paraphrases_are_credited(packs):
    for line in (
        "this is an attempt to collect a net any information obtained will be use for that purpose",
        "collecting a debt and any info we get will be used for that",
        "we're a debt collection agency and whatever you tell me is used to collect the debt",
        "this call is an attempt to collect a debt, anything you say will be used for that purpose",
    ):
        assert _miranda(packs, line) == (True, set()), line


def test_debt_collector_statement_alone_is_suspected_when_call_type_unknown(packs):
    line = "Just so you know, this message is from a debt collector."
    assert _miranda(packs, line) == (True, {"suspected"})
    assert _miranda(packs, line, {"call_type": "follow_up"}) == (True, set())
    assert _miranda(packs, line, {"call_type": "initial"}) == (False, {"missing"})


def test_talk_about_debt_collectors_or_other_collections_is_not_a_mini_miranda(packs):
    for line in (
        "Have you ever spoken to a debt collector before?",
        "Debt collectors have to follow the law, so don't worry.",
        "the attempt to collect the payment did not go through",
        "This is an attempt to reach Maria, please call back.",
    ):
        assert _miranda(packs, line)[0] is False, line


def test_police_case_threat_is_false_representation(packs):
    rule = "IN-RBI-RA-FALSE-REPRESENTATION"
    assert _violates(packs, "IN", "police case will be filed against you today itself", rule)
    assert _violates(packs, "IN", "sir fir will be lodged if emi not paid by evening", rule)
    assert not _violates(packs, "IN", "Sir, nobody will arrest you, it is a civil matter.", rule)


def test_people_sent_to_home_or_office_is_intimidation(packs):
    rule = "IN-RBI-RA-INTIMIDATION"
    for line in (
        "If you don't clear it we will send our field staff to your office.",
        "our people will come to your home and sit there till you pay",
        "you have kids na, think about them and pay",
        "then you will understand what happens when you ignore the bank",
    ):
        assert _violates(packs, "IN", line, rule), line
    for line in (
        "Sir, nobody will come to your house, only phone and letters.",
        "Think about which EMI date suits your salary and let me know.",
    ):
        assert not _violates(packs, "IN", line, rule), line


def test_indian_english_insults_are_abusive_language(packs):
    rule = "IN-RBI-RA-ABUSIVE-LANGUAGE"
    for line in (
        "Cheap fellow, you took the loan and now you are hiding.",
        "stop this drama and tell me the date",
        "are you deaf or what, i said pay today",
    ):
        assert _violates(packs, "IN", line, rule), line


def test_notice_on_gate_and_relatives_finding_out_is_public_humiliation(packs):
    rule = "IN-RBI-RA-PUBLIC-HUMILIATION"
    assert _violates(packs, "IN", "we will put a banner outside your house", rule)
    assert _violates(packs, "IN", "your whole building will come to know", rule)
    assert not _violates(packs, "IN", "Your relatives will not be contacted about this.", rule)
    assert not _violates(packs, "IN", "Our office will let you know the new EMI date.", rule)


def test_uk_condescension_and_hostility_are_unfair_tone(packs):
    rule = "UK-CONC-7.3-FAIR-TONE"
    for line in (
        "I've listened to enough of your excuses, when are you paying?",
        "Let me say it slowly for you: the payment is late.",
        "Maybe stop spending on nights out and you'd manage fine.",
        "Get it sorted or life will get very difficult for you, trust me.",
        "The enforcement agents are booked to come round on Monday.",
        "Everybody's got problems, that's life.",
    ):
        assert _violates(packs, "UK", line, rule), line
    for line in (
        "It isn't complicated: you can pay online or by phone, whichever you prefer.",
        "Nobody is coming round, and there are no bailiffs involved.",
    ):
        assert not _violates(packs, "UK", line, rule), line


def test_uk_short_deadlines_and_suggested_borrowing_are_undue_pressure(packs):
    rule = "UK-CONC-7.3.10-UNDUE-PRESSURE"
    for line in (
        "We need the entire £1,800 by the end of this week.",
        "Why not put it on a credit card and clear the arrears?",
        "We need three quarters of the arrears within 72 hours.",
        "The least we'll take is £250, by this Friday.",
        "could you not borrow it off a mate and stick it on a credit card",
    ):
        assert _violates(packs, "UK", line, rule), line
    for line in (
        "Please don't borrow from family to pay us; let's agree something affordable.",
        "You can pay the full balance whenever it suits you, or spread it.",
    ):
        assert not _violates(packs, "UK", line, rule), line


def test_agent_restating_a_request_then_overriding_it_is_a_violation(packs):
    cases = (
        (
            "US",
            "I know you said you're in a meeting, but this will just be a minute.",
            "US-REGF-1006.6b1-INCONVENIENT-TIME-PLACE",
        ),
        (
            "US",
            "we got your cease letter, but that doesn't mean anything",
            "US-FDCPA-1692cc-CEASE-COMMUNICATION",
        ),
        (
            "US",
            "I understand your lawyer is on it, but you and I can sort this out today.",
            "US-REGF-1006.6b2-ATTORNEY-REPRESENTED",
        ),
        (
            "UK",
            "I know you said it isn't yours, but you still have to pay it.",
            "UK-CONC-7.14-DISPUTED-DEBT",
        ),
    )
    for jurisdiction, line, rule in cases:
        assert _violates(packs, jurisdiction, line, rule), line


def test_agent_restating_a_request_and_honouring_it_is_compliant(packs):
    for jurisdiction, line in (
        ("US", "I understand you're at work, so when's a better time to reach you?"),
        ("US", "I know your attorney is handling this; could I get their phone number?"),
        ("UK", "I know you said it's not your debt, so I'll put the account on hold."),
    ):
        flagged = {r for r, s in _statuses(packs, jurisdiction, line).items() if "violation" in s}
        assert not flagged - {"US-FDCPA-1692cb-RPV-BEFORE-DISCLOSURE"}, line


def test_suit_threat_on_a_debt_the_agent_calls_old_is_time_barred_violation(packs):
    rule = "US-REGF-1006.26b-TIME-BARRED-SUIT-THREAT"
    assert _violates(
        packs, "US", "This is from 2010, but we're still going to take you to court.", rule
    )
    # "I don't care that..." frames the age; it denies nothing.
    scoffed = "I don't care that it's past the statute of limitations, we will file a lawsuit."
    assert _violates(packs, "US", scoffed, rule)
    denied = "Because of how old this debt is, we cannot sue you, and paying is voluntary."
    assert not _violates(packs, "US", denied, rule)
    uk = "UK-CONC-7.15-STATUTE-BARRED"
    assert _violates(
        packs, "UK", "Being over six years old doesn't stop us taking you to court.", uk
    )
    fair = "As this is more than six years old, we can't take court action; paying is your choice."
    assert not _violates(packs, "UK", fair, uk)


def test_threat_of_daily_contact_until_payment_is_harassment(packs):
    rule = "US-FDCPA-1692d-HARASS-OPPRESS"
    assert _violates(
        packs, "US", "You'll be hearing from me every single day until it's paid.", rule
    )
    assert not _violates(packs, "US", "You'll hear from me once next week, as we agreed.", rule)
