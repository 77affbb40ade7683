"""Compliance findings from the shipped rule packs, patterns only (no encoder)."""

from __future__ import annotations

import pytest

from coach.scoring.compliance.assess import (
    ComplianceResult,
    Finding,
    MetadataError,
    assess_compliance,
)
from coach.transcript import Transcript, Turn, Word
from tests.content import repo_packs
from tests.transcripts import call

US_OPENING = (
    "agent: Hi, may I speak with John Carter?",
    "debtor: Speaking.",
    "agent: Thanks John. My name is Dana Reyes with Apex Recovery, on a recorded line. "
    "This is an attempt to collect a debt and any information obtained will be used for "
    "that purpose.",
)


@pytest.fixture(scope="module")
def packs():
    return repo_packs()


def assess(packs, jurisdiction: str, *lines: str, metadata=None) -> ComplianceResult:
    return assess_compliance(call(*lines), jurisdiction, packs, metadata)


def findings_for(result: ComplianceResult, rule_id: str) -> list[Finding]:
    return [f for f in result.findings if f.rule_id == rule_id]


ARREST = "US-FDCPA-1692e4-THREAT-ARREST"
GARNISH = "US-FDCPA-1692e4-THREAT-GARNISH-SEIZE"
MIRANDA = "US-FDCPA-1692e11-MINI-MIRANDA"


# --- prohibited statements: negation and conditionals -------------------------------------


def test_negated_arrest_threat_is_compliant(packs):
    result = assess(packs, "US", *US_OPENING, "agent: Nobody is going to arrest you over this.")
    assert findings_for(result, ARREST) == []


def test_negated_arrest_threat_in_asr_text_is_compliant(packs):
    result = assess(packs, "US", *US_OPENING, "agent: no one is going to arrest you sir")
    assert findings_for(result, ARREST) == []


def test_not_saying_but_arrest_is_violation(packs):
    line = "agent: I'm not saying you'll be arrested, but you know how these things go."
    result = assess(packs, "US", *US_OPENING, line)
    [finding] = findings_for(result, ARREST)
    assert finding.status == "violation"
    assert finding.turn == 3
    assert finding.quote == "I'm not saying you'll be arrested, but you know how these things go"
    assert finding.severity == "critical"
    assert finding.citation.startswith("15 U.S.C. §1692e(4)")


def test_denial_undone_by_a_payment_condition_is_violation(packs):
    line = "agent: nobody will arrest you as long as you pay today"
    assert findings_for(assess(packs, "US", *US_OPENING, line), ARREST)


def test_definite_arrest_threat_without_punctuation_is_violation(packs):
    line = "agent: if you dont pay today the sheriff is coming to your house"
    [finding] = findings_for(assess(packs, "US", *US_OPENING, line), ARREST)
    assert finding.quote == "if you dont pay today the sheriff is coming to your house"


@pytest.mark.parametrize(
    "line",
    [
        # "isnt" belongs to the payment condition, not to the arrest that follows.
        "agent: if this isnt paid by friday the police will arrest you",
        # The "no" answers the debtor.
        "agent: no the police will arrest you if you keep this up",
        # "won't hesitate" and "you don't want ..." affirm the threat they negate.
        "agent: We won't hesitate to have you arrested if this stays unpaid.",
        "agent: You don't want the police turning up to arrest you at work, do you?",
    ],
    ids=[
        "negation-in-the-condition",
        "leading-no-answers-the-debtor",
        "wont-hesitate",
        "you-dont-want",
    ],
)
def test_a_negation_that_belongs_elsewhere_denies_no_threat(packs, line):
    [finding] = findings_for(assess(packs, "US", *US_OPENING, line), ARREST)
    assert finding.status == "violation"


@pytest.mark.parametrize(
    "line",
    [
        "agent: Because of the age of this debt, we will not sue you for it.",
        "agent: We will never take you to court over this one.",
        "agent: Your last payment was in 2017, so it's past the time limit for a lawsuit.",
    ],
)
def test_saying_an_old_debt_will_not_be_sued_on_is_no_suit_threat(packs, line):
    result = assess(packs, "US", *US_OPENING, line)
    suit = {
        "US-FDCPA-1692e5-THREAT-ACTION-NOT-INTENDED",
        "US-REGF-1006.26b-TIME-BARRED-SUIT-THREAT",
    }
    assert [f for f in result.findings if f.rule_id in suit] == []


def test_a_denial_inside_the_payment_condition_leaves_the_suit_threat(packs):
    line = "agent: If this is not paid by Friday we will sue you."
    [finding] = findings_for(
        assess(packs, "US", *US_OPENING, line), "US-FDCPA-1692e5-THREAT-ACTION-NOT-INTENDED"
    )
    assert finding.status == "suspected"


def test_debtor_words_never_violate(packs):
    result = assess(packs, "US", *US_OPENING, "debtor: Are you going to have me arrested?")
    assert findings_for(result, ARREST) == []


def test_truthful_conditional_garnishment_is_compliant(packs):
    line = (
        "agent: If the creditor sues and wins, the court may allow garnishment as the law permits."
    )
    result = assess(packs, "US", *US_OPENING, line)
    assert [f for f in result.findings if f.status == "violation"] == []
    assert findings_for(result, GARNISH) == []


def test_definite_garnishment_threat_is_violation(packs):
    line = "agent: We will garnish your wages starting next week."
    [finding] = findings_for(assess(packs, "US", *US_OPENING, line), GARNISH)
    assert finding.status == "violation"
    assert (finding.detector, finding.confidence) == ("pattern", 1.0)


def test_garnishment_mention_without_judgment_metadata_is_suspected(packs):
    line = "agent: Your wages can be garnished."
    [finding] = findings_for(assess(packs, "US", *US_OPENING, line), GARNISH)
    assert finding.status == "suspected"
    assert "judgment_exists" in finding.explanation
    assert finding.detector == "metadata"  # a pattern hit downgraded for want of metadata


def test_garnishment_with_a_judgment_is_not_flagged(packs):
    line = "agent: Your wages can be garnished under the judgment."
    result = assess(packs, "US", *US_OPENING, line, metadata={"judgment_exists": True})
    assert findings_for(result, GARNISH) == []


def test_suit_threat_on_time_barred_debt_is_violation(packs):
    line = "agent: If the creditor sues and wins, the court may allow garnishment."
    rule = "US-REGF-1006.26b-TIME-BARRED-SUIT-THREAT"
    barred = assess(packs, "US", *US_OPENING, line, metadata={"debt_time_barred": True})
    assert [f.status for f in findings_for(barred, rule)] == ["violation"]
    unknown = assess(packs, "US", *US_OPENING, line)
    assert findings_for(unknown, rule) == []
    assert rule in {n.rule_id for n in unknown.not_assessable}


# --- required disclosures and sequence ------------------------------------------------------


def test_mini_miranda_missing_on_initial_call(packs):
    result = assess(
        packs,
        "US",
        "agent: Hi, is this John?",
        "debtor: Yes.",
        "agent: This is Dana from Apex. You have a balance of $500 on your Visa.",
        metadata={"call_type": "initial"},
    )
    [finding] = findings_for(result, MIRANDA)
    assert finding.status == "missing"
    assert finding.turn is None and finding.quote == ""
    assert finding.detector == "sequence"


def test_mini_miranda_given_late_is_missing(packs):
    result = assess(
        packs,
        "US",
        "agent: Is this John?",
        "debtor: Yes.",
        "agent: You owe $500 on your Visa.",
        "agent: This is an attempt to collect a debt and any information obtained will be used "
        "for that purpose.",
    )
    [finding] = findings_for(result, MIRANDA)
    assert "after the deadline" in finding.explanation
    assert MIRANDA in result.satisfies[3]


def test_mini_miranda_not_required_on_follow_up(packs):
    result = assess(
        packs,
        "US",
        "agent: Hi, is this John?",
        "debtor: Yes.",
        "agent: This is Dana with Apex Recovery, a debt collector, following up on your balance.",
        metadata={"call_type": "follow_up"},
    )
    assert findings_for(result, MIRANDA) == []
    assert MIRANDA in result.satisfies[2]


def test_paraphrased_mini_miranda_in_asr_text_satisfies(packs):
    result = assess(
        packs,
        "US",
        "agent: is this john carter",
        "debtor: yeah",
        "agent: john im a debt collector and any details you give me today will be used to "
        "collect the debt",
        "agent: you owe five hundred dollars",
    )
    assert findings_for(result, MIRANDA) == []
    assert MIRANDA in result.satisfies[2]


def test_recording_notice_is_not_a_mini_miranda(packs):
    result = assess(
        packs,
        "US",
        "agent: Is this John?",
        "debtor: Yes.",
        "agent: This call may be recorded for quality purposes. Your balance is $640.",
    )
    assert [f.status for f in findings_for(result, MIRANDA)] == ["missing"]


def test_mini_miranda_heard_by_asr_as_net_collector_satisfies(packs):
    # Speech recognition often returns "debt" as "net" on phone audio.
    result = assess(
        packs,
        "US",
        "agent: hi this is sam from northway is this john carter",
        "debtor: yes",
        "agent: thank you this call is from a net collector its about your visa balance",
        metadata={"call_type": "follow_up"},
    )
    assert findings_for(result, MIRANDA) == []
    assert MIRANDA in result.satisfies[2]


RECORDING = "US-GEN-CALL-RECORDING-DISCLOSURE"
NO_RECORDING_NOTICE = (
    "agent: Hi, this is Dana Reyes from Apex Recovery, a debt collector. Is this John?",
    "debtor: Yes.",
)


def test_missing_recording_notice_is_only_suspected_without_the_consumers_state(packs):
    result = assess(packs, "US", *NO_RECORDING_NOTICE)
    [finding] = findings_for(result, RECORDING)
    assert finding.status == "suspected"
    assert "consumer_state" in finding.explanation


def test_missing_recording_notice_in_an_all_party_consent_state_is_missing(packs):
    result = assess(packs, "US", *NO_RECORDING_NOTICE, metadata={"consumer_state": "CA"})
    assert [f.status for f in findings_for(result, RECORDING)] == ["missing"]


def test_no_recording_notice_is_owed_in_a_one_party_consent_state(packs):
    result = assess(packs, "US", *NO_RECORDING_NOTICE, metadata={"consumer_state": "TX"})
    assert findings_for(result, RECORDING) == []


def test_consumer_state_must_be_a_two_letter_code(packs):
    with pytest.raises(MetadataError, match="consumer_state"):
        assess(packs, "US", *NO_RECORDING_NOTICE, metadata={"consumer_state": "California"})


VALIDATION = "US-REGF-1006.34-VALIDATION-INFO"


def test_validation_notice_never_mentioned_is_suspected_not_missing(packs):
    # The notice may still be mailed within five days: the call alone cannot show a breach.
    result = assess(packs, "US", *NO_RECORDING_NOTICE, metadata={"call_type": "initial"})
    [finding] = findings_for(result, VALIDATION)
    assert finding.status == "suspected"
    assert "within five days" in finding.explanation


def test_saying_nothing_comes_in_writing_is_a_validation_violation(packs):
    result = assess(
        packs,
        "US",
        "agent: We don't send letters on these accounts, so let's settle it now.",
        metadata={"call_type": "initial"},
    )
    assert "violation" in {f.status for f in findings_for(result, VALIDATION)}


def test_debt_disclosed_before_right_party_verification(packs):
    rule = "US-FDCPA-1692cb-RPV-BEFORE-DISCLOSURE"
    result = assess(
        packs,
        "US",
        "agent: Hi, I'm calling from Apex about John's past due balance. Is he there?",
        "debtor: Who's asking?",
    )
    [finding] = findings_for(result, rule)
    assert finding.turn == 0
    assert "past due balance" in finding.quote
    assert finding.detector == "sequence"


def test_verified_before_disclosure_is_compliant(packs):
    rule = "US-FDCPA-1692cb-RPV-BEFORE-DISCLOSURE"
    result = assess(packs, "US", *US_OPENING, "agent: Your balance is $480.")
    assert findings_for(result, rule) == []


def test_third_party_disclosure_after_wrong_person(packs):
    rule = "US-FDCPA-1692cb-THIRD-PARTY-DISCLOSURE"
    result = assess(
        packs,
        "US",
        "agent: May I speak with John?",
        "debtor: He's not here, this is his brother.",
        "agent: Please tell him he owes $900 and needs to pay today.",
    )
    [finding] = findings_for(result, rule)
    assert finding.turn == 2


# --- triggers in the debtor's words ---------------------------------------------------------


def test_continues_collecting_after_attorney_mentioned(packs):
    rule = "US-REGF-1006.6b2-ATTORNEY-REPRESENTED"
    result = assess(
        packs,
        "US",
        *US_OPENING,
        "debtor: I have a lawyer handling this.",
        "agent: Lawyers just cost you more. Can you make a payment today?",
    )
    [finding] = findings_for(result, rule)
    assert finding.turn == 4
    assert finding.status == "violation"


def test_asking_for_attorney_details_is_compliant(packs):
    rule = "US-REGF-1006.6b2-ATTORNEY-REPRESENTED"
    result = assess(
        packs,
        "US",
        *US_OPENING,
        "debtor: Talk to my attorney.",
        "agent: Of course. Could I have your attorney's name and phone number?",
    )
    assert findings_for(result, rule) == []


def test_payment_push_after_dispute_is_violation(packs):
    rule = "US-REGF-1006.38-DISPUTE-OVERSHADOW"
    result = assess(
        packs,
        "US",
        *US_OPENING,
        "debtor: That's not my debt.",
        "agent: Disputing won't change anything, you still need to pay today.",
    )
    assert [f.turn for f in findings_for(result, rule)] == [4]


def test_pressing_on_after_bad_time_is_violation(packs):
    rule = "US-REGF-1006.6b1-INCONVENIENT-TIME-PLACE"
    result = assess(
        packs,
        "US",
        *US_OPENING,
        "debtor: I'm at the hospital, it's a bad time.",
        "agent: This will only take a minute, can you make a payment today?",
    )
    assert findings_for(result, rule)


# --- metadata -------------------------------------------------------------------------------


def test_call_hours_suspected_without_metadata(packs):
    rule = "US-REGF-1006.6b1-CALL-HOURS"
    result = assess(packs, "US", "agent: Sorry for calling so late, this is Dana from Apex.")
    [finding] = findings_for(result, rule)
    assert finding.status == "suspected"
    assert finding.quote == "Sorry for calling so late, this is Dana from Apex"


def test_call_hours_not_assessable_without_metadata_or_hint(packs):
    result = assess(packs, "US", *US_OPENING)
    reasons = {n.rule_id: n.reason for n in result.not_assessable}
    assert reasons["US-REGF-1006.6b1-CALL-HOURS"] == "needs call metadata local_time"
    assert reasons["US-REGF-1006.14b-CALL-FREQUENCY-7IN7"] == (
        "needs call metadata attempts_last_7_days"
    )


def test_call_hours_violation_at_2230_local(packs):
    rule = "US-REGF-1006.6b1-CALL-HOURS"
    result = assess(packs, "US", *US_OPENING, metadata={"local_time": "22:30"})
    [finding] = findings_for(result, rule)
    assert finding.status == "violation"
    assert finding.turn is None
    assert "22:30" in finding.explanation
    assert (finding.detector, finding.confidence) == ("metadata", 1.0)


def test_india_call_hours_end_at_1900(packs):
    rule = "IN-RBI-RA-CALL-HOURS"
    line = "agent: Good evening sir, myself Ravi from Apex Associates on behalf of HDFC Bank."
    late = assess(packs, "IN", line, metadata={"local_time": "19:30"})
    early_evening = assess(packs, "IN", line, metadata={"local_time": "18:30"})
    assert [f.status for f in findings_for(late, rule)] == ["violation"]
    assert findings_for(early_evening, rule) == []


def test_too_many_attempts_is_violation(packs):
    rule = "US-REGF-1006.14b-CALL-FREQUENCY-7IN7"
    result = assess(packs, "US", *US_OPENING, metadata={"attempts_last_7_days": 9})
    assert [f.status for f in findings_for(result, rule)] == ["violation"]


def test_unknown_jurisdiction_is_a_clear_error(packs):
    with pytest.raises(ValueError, match=r"unknown jurisdiction 'FR'; allowed: US, UK, IN"):
        assess(packs, "FR", *US_OPENING)


def test_metadata_with_wrong_types_is_a_clear_error(packs):
    bad = {"attempts_last_7_days": "three", "local_time": "25:99", "debt_time_barred": "yes"}
    with pytest.raises(MetadataError) as err:
        assess(packs, "US", *US_OPENING, metadata=bad)
    message = str(err.value)
    assert "attempts_last_7_days" in message
    assert "local_time" in message
    assert "debt_time_barred" in message


def test_unknown_metadata_key_is_a_clear_error(packs):
    with pytest.raises(ValueError, match="call_typ"):
        assess(packs, "US", *US_OPENING, metadata={"call_typ": "initial"})


# --- degenerate input and output shape ------------------------------------------------------


def test_empty_transcript_is_not_assessable(packs):
    result = assess_compliance(Transcript(), "US", packs)
    assert result.findings == ()
    assert len(result.not_assessable) == 29
    assert {n.reason for n in result.not_assessable} == {"no agent turns"}


def test_debtor_only_transcript_is_not_assessable(packs):
    result = assess(packs, "UK", "debtor: Hello? Who is this?")
    assert result.findings == ()
    assert result.satisfies == ((),)
    assert len(result.not_assessable) == 12


def test_result_records_pack_versions_and_models(packs):
    result = assess(packs, "uk", "agent: Hello, is that Emma?")
    assert result.jurisdiction == "UK"
    assert result.pack_versions == {"uk_fca_conc7": packs["UK"][0].version}
    assert result.model_ids == ()


def test_finding_json_matches_the_public_contract(packs):
    result = assess(packs, "US", *US_OPENING, "agent: You'll go to jail if you don't pay.")
    data = result.to_json_dict()
    finding = next(f for f in data["findings"] if f["rule_id"] == ARREST)
    assert set(finding) == {
        "rule_id",
        "status",
        "turn",
        "quote",
        "start",
        "end",
        "citation",
        "severity",
        "suggestion",
        "explanation",
        "detector",
        "confidence",
    }
    assert data["turns"][2]["satisfies"] == [
        MIRANDA,
        "US-FDCPA-1692d6-CALLER-IDENTITY",
        "US-GEN-CALL-RECORDING-DISCLOSURE",
    ]


def test_quote_times_come_from_word_timestamps(packs):
    words = tuple(
        Word(w=w, start=10.0 + i, end=10.5 + i)
        for i, w in enumerate(["Pay", "now", "or", "the", "police", "will", "come", "tonight."])
    )
    threat = Turn(
        speaker="agent",
        text="Pay now or the police will come tonight.",
        start=10.0,
        end=18.0,
        words=words,
    )
    result = assess_compliance(Transcript(turns=(*call(*US_OPENING).turns, threat)), "US", packs)
    [finding] = findings_for(result, ARREST)
    assert finding.quote == "Pay now or the police will come tonight"
    assert (finding.start, finding.end) == (10.0, 17.5)


def test_quote_in_a_long_asr_turn_is_the_words_around_the_threat(packs):
    filler = " ".join(["so we were talking about the account"] * 20)
    text = f"{filler} and if you dont pay the sheriff will come to your house tonight {filler}"
    result = assess_compliance(Transcript(turns=(Turn(speaker="agent", text=text),)), "US", packs)
    [finding] = findings_for(result, ARREST)
    assert "the sheriff will come to your house tonight" in finding.quote
    assert finding.quote in text
    assert len(finding.quote.split()) <= 30


def test_quote_times_fall_back_to_turn_times(packs):
    threat = Turn(speaker="agent", text="You will be arrested.", start=3.0, end=5.0)
    result = assess_compliance(Transcript(turns=(threat,)), "US", packs)
    [finding] = findings_for(result, ARREST)
    assert (finding.start, finding.end) == (3.0, 5.0)


# --- UK ------------------------------------------------------------------------------------


UK_OPENING = (
    "agent: Hello, could I speak to Emma Jones?",
    "debtor: Speaking.",
    "agent: Thanks. For security, can you confirm your date of birth?",
    "debtor: 2nd May 1979.",
)
FORBEARANCE = "UK-CONC-7.3-FORBEARANCE"
SIGNPOST = "UK-CONC-7.3-DEBT-ADVICE-SIGNPOST"


def test_uk_hardship_without_forbearance_or_signposting_is_missing(packs):
    result = assess(
        packs,
        "UK",
        *UK_OPENING,
        "agent: The arrears on your card are £900.",
        "debtor: I lost my job last month and I can't afford it.",
        "agent: I'm afraid the full balance is due today.",
    )
    statuses = {f.rule_id: f.status for f in result.findings}
    assert statuses[FORBEARANCE] in {"violation", "missing"}
    assert statuses[SIGNPOST] == "missing"


def test_uk_forbearance_and_signposting_after_hardship_are_satisfied(packs):
    result = assess(
        packs,
        "UK",
        *UK_OPENING,
        "agent: The arrears on your card are £900.",
        "debtor: I lost my job last month and I can't afford it.",
        "agent: I'm sorry to hear that. Let's go through your income and outgoings to find an "
        "affordable amount, and I can freeze interest while you get free debt advice from "
        "StepChange or National Debtline.",
    )
    assert findings_for(result, FORBEARANCE) == []
    assert findings_for(result, SIGNPOST) == []
    assert {FORBEARANCE, SIGNPOST} <= set(result.satisfies[6])


def test_uk_undue_pressure_to_borrow_is_violation(packs):
    rule = "UK-CONC-7.3.10-UNDUE-PRESSURE"
    line = "agent: could you not borrow it from your family and clear it today"
    assert findings_for(assess(packs, "UK", *UK_OPENING, line), rule)
    safe = "agent: Please don't borrow money to pay us."
    assert findings_for(assess(packs, "UK", *UK_OPENING, safe), rule) == []


def test_uk_vulnerability_met_with_payment_demand_is_violation(packs):
    rule = "UK-FCA-FG21-1-VULNERABILITY"
    result = assess(
        packs,
        "UK",
        *UK_OPENING,
        "debtor: My husband passed away last month.",
        "agent: Everyone has problems. Can you pay today?",
    )
    assert "violation" in {f.status for f in findings_for(result, rule)}


def test_uk_bailiff_impersonation_is_violation(packs):
    rule = "UK-CONC-7.11-MISREP-AUTHORITY"
    line = "agent: We are the bailiffs and we're coming round tomorrow."
    assert findings_for(assess(packs, "UK", *UK_OPENING, line), rule)


# --- India ---------------------------------------------------------------------------------


IN_OPENING = (
    "agent: Good morning sir, am I speaking with Mr. Sharma?",
    "debtor: Yes.",
    "agent: Sir, myself Ravi calling from Apex Associates on behalf of HDFC Bank.",
)


def test_in_intimidation_is_violation(packs):
    rule = "IN-RBI-RA-INTIMIDATION"
    line = "agent: if you dont pay by tomorrow we will send our boys to your house"
    [finding] = findings_for(assess(packs, "IN", *IN_OPENING, line), rule)
    assert finding.severity == "critical"


def test_in_public_humiliation_is_violation(packs):
    rule = "IN-RBI-RA-PUBLIC-HUMILIATION"
    line = "agent: We will message everyone in your contact list that you are a defaulter."
    assert findings_for(assess(packs, "IN", *IN_OPENING, line), rule)


def test_in_denied_humiliation_is_compliant(packs):
    rule = "IN-RBI-RA-PUBLIC-HUMILIATION"
    line = "agent: We will never contact your neighbours or colleagues about this."
    assert findings_for(assess(packs, "IN", *IN_OPENING, line), rule) == []


def test_in_cheque_bounce_case_is_not_a_false_representation(packs):
    rule = "IN-RBI-RA-FALSE-REPRESENTATION"
    truthful = "agent: If a cheque bounces, the lender may file a case under section 138."
    false_claim = "agent: Pay today otherwise police will come and arrest you."
    assert findings_for(assess(packs, "IN", *IN_OPENING, truthful), rule) == []
    assert findings_for(assess(packs, "IN", *IN_OPENING, false_claim), rule)


def test_in_payment_push_after_bereavement_is_violation(packs):
    rule = "IN-RBI-RA-INAPPROPRIATE-OCCASION"
    result = assess(
        packs,
        "IN",
        *IN_OPENING,
        "debtor: My father passed away yesterday.",
        "agent: Sorry sir, but you still have to pay the EMI today.",
    )
    assert [f.turn for f in findings_for(result, rule)] == [4]


def test_in_missing_identification(packs):
    rule = "IN-RBI-RA-IDENTIFICATION"
    result = assess(packs, "IN", "agent: Hello, your EMI is overdue, pay today.")
    assert [f.status for f in findings_for(result, rule)] == ["missing"]


def test_confirming_a_payment_the_bereaved_borrower_offered_is_not_pressing(packs):
    rule = "IN-RBI-RA-INAPPROPRIATE-OCCASION"
    opening = (
        "agent: Madam, I am calling about your gold loan.",
        "debtor: My mother passed away on Sunday.",
        "agent: I am so sorry madam, my condolences.",
    )
    offered = assess(
        packs,
        "IN",
        *opening,
        "debtor: No, I will pay it, I can transfer the full EMI tomorrow.",
        "agent: Thank you madam, can you pay through the UPI link I send?",
    )
    pressed = assess(packs, "IN", *opening, "agent: Madam, can you pay through the UPI link today?")
    assert findings_for(offered, rule) == []
    assert [f.status for f in findings_for(pressed, rule)] == ["violation"]
