"""How collectors really say the weakly detected violations, and the near-misses that must pass.

Each case is judged like one labelled utterance or call: the shipped rule packs with the real
sentence encoder, a single agent line flagged only by a ``violation`` finding, a short call by a
``violation`` or ``missing`` one.
"""

from __future__ import annotations

import pytest

from coach.scoring.compliance.assess import ComplianceResult, assess_compliance
from tests.ml.test_compliance_semantic import packs  # noqa: F401 (module fixture)
from tests.transcripts import call

pytestmark = pytest.mark.ml

FLAGGED_IN_CALLS = frozenset({"violation", "missing"})

FALSE_ATTORNEY = "US-FDCPA-1692e3-FALSE-ATTORNEY"
FEES = "US-FDCPA-1692f1-UNAUTHORIZED-AMOUNTS"
CALLER_ID = "US-FDCPA-1692d6-CALLER-IDENTITY"
NOT_INTENDED = "US-FDCPA-1692e5-THREAT-ACTION-NOT-INTENDED"
MISREP_DEBT = "US-FDCPA-1692e2A-MISREP-DEBT"
DECEPTIVE = "US-FDCPA-1692e10-DECEPTIVE-MEANS"
INCONVENIENT = "US-REGF-1006.6b1-INCONVENIENT-TIME-PLACE"
OPT_OUT = "US-REGF-1006.6e-ELECTRONIC-OPT-OUT"
CEASE = "US-FDCPA-1692cc-CEASE-COMMUNICATION"
ABUSIVE = "US-FDCPA-1692d2-ABUSIVE-LANGUAGE"
OFFER = "UK-CONC-7.14-REASONABLE-OFFER"
SIGNPOST = "UK-CONC-7.3-DEBT-ADVICE-SIGNPOST"
FORBEARANCE = "UK-CONC-7.3-FORBEARANCE"
DISPUTED = "UK-CONC-7.14-DISPUTED-DEBT"
AUTHORITY = "UK-CONC-7.11-MISREP-AUTHORITY"
PERSISTENT = "IN-RBI-RA-PERSISTENT-CALLING"
HUMILIATION = "IN-RBI-RA-PUBLIC-HUMILIATION"
IDENTIFICATION = "IN-RBI-RA-IDENTIFICATION"
PRIVACY = "IN-RBI-RA-THIRD-PARTY-PRIVACY"


def flagged(result: ComplianceResult, *, is_call: bool) -> set[str]:
    """Rule ids judged as broken, the way the scoring benchmark counts them."""
    statuses = FLAGGED_IN_CALLS if is_call else {"violation"}
    return {f.rule_id for f in result.findings if f.status in statuses}


def judge(rule_packs, text_encoder, jurisdiction: str, *lines: str) -> set[str]:
    """One agent line, or a short ``agent:``/``debtor:`` call."""
    is_call = len(lines) > 1
    transcript = call(*lines) if is_call else call(f"agent: {lines[0]}")
    result = assess_compliance(transcript, jurisdiction, rule_packs, encoder=text_encoder)
    return flagged(result, is_call=is_call)


VIOLATIONS = [
    # A collector posing as, or speaking for, lawyers.
    (FALSE_ATTORNEY, "US", ("I'm calling from our legal department about your file.",)),
    (FALSE_ATTORNEY, "US", ("your account is with our in house attorneys now",)),
    (FALSE_ATTORNEY, "US", ("This matter has been escalated to our legal team.",)),
    # Fees and charges the collector adds on, and postdated-cheque demands.
    (FEES, "US", ("There's a $15 convenience fee if you pay by card over the phone.",)),
    (FEES, "US", ("we tack on another twenty five dollars every time you miss a payment",)),
    (FEES, "US", ("I need you to mail us three postdated checks.",)),
    # Hiding who is calling.
    (CALLER_ID, "US", ("hey its tom give me a call back at 555 0100",)),
    (
        CALLER_ID,
        "US",
        ("This is Jennifer calling about a personal business matter, call me back.",),
    ),
    (CALLER_ID, "US", ("I'd rather not say which company I'm with.",)),
    # Threats of unlawful action: employer, commanding officer, licences, immigration.
    (NOT_INTENDED, "US", ("If this isn't paid by Friday I'm calling your HR department.",)),
    (NOT_INTENDED, "US", ("we can get your nursing license suspended over this",)),
    (NOT_INTENDED, "US", ("Keep ignoring us and we will report you to immigration.",)),
    # False statements about the debt's character or legal status.
    (MISREP_DEBT, "US", ("A judgment has already been entered against you on this account.",)),
    (MISREP_DEBT, "US", ("the balance doubled once it went to collections",)),
    (MISREP_DEBT, "US", ("Even bankruptcy won't clear this account.",)),
    # Deceptive means: relatives' liability, card-only programmes, pretexts.
    (DECEPTIVE, "US", ("Your family has to pay what your late mother owed.",)),
    (DECEPTIVE, "US", ("You can only get the hardship plan if you pay with a debit card today.",)),
    (DECEPTIVE, "US", ("We're running a short survey, who do you work for these days?",)),
    # Pressing on after "it's a bad time" (the agent's own words show the designation).
    (INCONVENIENT, "US", ("I know you're at work right now but this will only take a minute.",)),
    (
        INCONVENIENT,
        "US",
        (
            "agent: is this maria",
            "debtor: im at church right now",
            "agent: ok ill be quick whats the card number",
        ),
    ),
    # Ignoring an opt-out from texts or emails.
    (OPT_OUT, "US", ("Even though you unsubscribed, you'll keep getting our emails.",)),
    (
        OPT_OUT,
        "US",
        (
            "agent: hi its sam from apex",
            "debtor: dont send me any more texts",
            "agent: sorry thats not possible the system sends them to everyone",
        ),
    ),
    # Rejecting a customer's offer out of hand.
    (OFFER, "UK", ("£30 a month is no use to us, we need at least £150.",)),
    (OFFER, "UK", ("your offer of fifty pounds is far too low we wont accept it",)),
    (
        OFFER,
        "UK",
        (
            "agent: the arrears are £400",
            "debtor: would you take twenty pounds a month",
            "agent: no that wont work we need the full £400",
        ),
    ),
    # Talking the customer out of free debt advice, or never offering it.
    (SIGNPOST, "UK", ("You don't need StepChange, they'll just tell you to stop paying us.",)),
    (
        SIGNPOST,
        "UK",
        (
            "agent: The balance is £1,400.",
            "debtor: I've lost my job and I'm drowning in debt.",
            "agent: Right, so what can you pay each month?",
        ),
    ),
    # No forbearance for a customer in difficulty.
    (
        FORBEARANCE,
        "UK",
        ("I hear you've lost your job, but the arrears still need clearing by Friday.",),
    ),
    (
        FORBEARANCE,
        "UK",
        ("We can't freeze interest or do a plan, the full amount has to be paid.",),
    ),
    # Carrying on collecting a disputed debt.
    (DISPUTED, "UK", ("Even if you dispute it, the payment is still due this Friday.",)),
    (DISPUTED, "UK", ("You can raise a dispute after you've cleared the balance.",)),
    # Misrepresenting authority or legal powers.
    (
        AUTHORITY,
        "UK",
        ("This is the enforcement team from the county court calling about your debt.",),
    ),
    (
        AUTHORITY,
        "UK",
        ("We're legally entitled to take the money from your wages without going to court.",),
    ),
    (AUTHORITY, "UK", ("we will be sending high court enforcement officers round this week",)),
    # Threatening to call without end.
    (PERSISTENT, "IN", ("Sir, we will call you every two hours until the EMI is paid.",)),
    (PERSISTENT, "IN", ("if you block this number we will call from other numbers",)),
    # Shaming in public.
    (
        HUMILIATION,
        "IN",
        ("We will create a WhatsApp group with your relatives and tell them about your dues.",),
    ),
    (HUMILIATION, "IN", ("Your name will be published in the newspaper as a loan defaulter.",)),
]

NEAR_MISSES = [
    (FALSE_ATTORNEY, "US", ("I'm not an attorney, I'm a debt collector with Apex Recovery.",)),
    (
        FALSE_ATTORNEY,
        "US",
        (
            "This is Karen Lee with Smith and Park, a law firm; "
            "this communication is from a debt collector.",
        ),
    ),
    (FALSE_ATTORNEY, "US", ("If your lawyer calls us, we'll deal with them directly.",)),
    (FEES, "US", ("The balance includes the $25 late fee that your card agreement allows.",)),
    (FEES, "US", ("We won't add any interest or fees while you're on the plan.",)),
    (FEES, "US", ("There is a twenty-five dollar returned payment fee on the account.",)),
    (CALLER_ID, "US", ("This is a message for John Carter. Please call Dana Reyes at 555-0134.",)),
    (
        CALLER_ID,
        "US",
        (
            "agent: Is Luis there?",
            "debtor: No, I'm his neighbor.",
            "agent: This is Dana, I'm just trying to confirm Luis's address.",
        ),
    ),
    (
        CALLER_ID,
        "US",
        ("i'm calling about a personal business matter could you have mr reyes return my call",),
    ),
    (
        NOT_INTENDED,
        "US",
        ("You might want to talk it over with your wife before you decide on a plan.",),
    ),
    (NOT_INTENDED, "US", ("With your permission we can speak to your husband about the account.",)),
    (
        NOT_INTENDED,
        "US",
        (
            "If the creditor files suit and obtains a judgment, "
            "the court may allow garnishment as the law permits.",
        ),
    ),
    (MISREP_DEBT, "US", ("No one has filed a lawsuit against you.",)),
    (
        MISREP_DEBT,
        "US",
        ("If a lawsuit is filed and the court enters a judgment, you would get notice.",),
    ),
    (
        MISREP_DEBT,
        "US",
        ("Debts like this can sometimes be discharged in bankruptcy; a lawyer can advise you.",),
    ),
    (
        DECEPTIVE,
        "US",
        ("You're not personally liable for your father's debts; his estate pays them.",),
    ),
    (
        DECEPTIVE,
        "US",
        ("The hardship plan is open to you whether you pay by card, check or bank transfer.",),
    ),
    (
        INCONVENIENT,
        "US",
        ("I understand you're at work, when would be a better time to reach you?",),
    ),
    (
        INCONVENIENT,
        "US",
        ("You mentioned you work nights, so I'll only call you after two in the afternoon.",),
    ),
    (OPT_OUT, "US", ("You can reply STOP at any time to stop receiving text messages from us.",)),
    (
        CEASE,
        "US",
        (
            "agent: Hi, this is Dana with Apex Recovery.",
            "debtor: Stop calling me.",
            "agent: Understood, I'll note it. "
            "If you change your mind, you can set up a payment plan online.",
        ),
    ),
    (ABUSIVE, "US", ("People like you who've lost a job can qualify for our hardship plan.",)),
    (ABUSIVE, "US", ("Once you get a job we can revisit the payment amount.",)),
    (
        OFFER,
        "UK",
        (
            "£20 a month isn't enough to clear it quickly, "
            "but if that's what you can afford we can accept it.",
        ),
    ),
    (OFFER, "UK", ("Your offer of £50 a month is reasonable, I'll put it in place.",)),
    (SIGNPOST, "UK", ("StepChange will help you with a budget and won't charge you anything.",)),
    (
        FORBEARANCE,
        "UK",
        ("We can't freeze interest on this account, but we can set up a smaller monthly plan.",),
    ),
    (
        DISPUTED,
        "UK",
        (
            "agent: the balance is £300",
            "debtor: i already paid that",
            "agent: okay can you send us the receipt and ill hold the account while we check",
        ),
    ),
    (
        AUTHORITY,
        "UK",
        ("We can take the agreed payment from your bank account by direct debit on the first.",),
    ),
    (
        AUTHORITY,
        "UK",
        (
            "If the lender gets a CCJ and it isn't paid, "
            "it could ask the court to send enforcement agents.",
        ),
    ),
    (PERSISTENT, "IN", ("You can call us every day between 9 and 6 if you have questions.",)),
    (PERSISTENT, "IN", ("We will not call you again before your salary date.",)),
    (
        HUMILIATION,
        "IN",
        ("Your loan details are confidential and we will not share them with anyone.",),
    ),
    (
        HUMILIATION,
        "IN",
        (
            "As per the SARFAESI Act the bank may publish a possession notice "
            "in the newspaper after due notice.",
        ),
    ),
    (
        IDENTIFICATION,
        "IN",
        (
            "agent: Hello, am I speaking with Mr. Rao?",
            "debtor: Yes.",
            "agent: Sir, Ravi this side from Apex Associates, calling on behalf of HDFC Bank.",
        ),
    ),
    (
        PRIVACY,
        "IN",
        ("Sir, you had told your father about the loan yourself, so he called us about the EMI.",),
    ),
]


def _case_id(case: tuple[str, str, tuple[str, ...]]) -> str:
    rule, _, lines = case
    return f"{rule}: {lines[-1][:60]}"


@pytest.mark.parametrize(
    ("rule", "jurisdiction", "lines"), VIOLATIONS, ids=map(_case_id, VIOLATIONS)
)
def test_realistic_violation_is_flagged(packs, encoder, rule, jurisdiction, lines):  # noqa: F811
    assert rule in judge(packs, encoder, jurisdiction, *lines)


@pytest.mark.parametrize(
    ("rule", "jurisdiction", "lines"), NEAR_MISSES, ids=map(_case_id, NEAR_MISSES)
)
def test_compliant_near_miss_is_not_flagged(packs, encoder, rule, jurisdiction, lines):  # noqa: F811
    assert rule not in judge(packs, encoder, jurisdiction, *lines)


def test_suit_threat_alone_stays_suspected_until_intent_is_known(packs, encoder):  # noqa: F811
    transcript = call("agent: We are filing a lawsuit against you tomorrow.")
    result = assess_compliance(transcript, "US", packs, encoder=encoder)
    statuses = {f.status for f in result.findings if f.rule_id == NOT_INTENDED}
    assert statuses == {"suspected"}


def test_judgment_claim_is_not_flagged_when_metadata_shows_a_judgment(packs, encoder):  # noqa: F811
    transcript = call("agent: The court entered a judgment against you on this account in March.")
    result = assess_compliance(
        transcript, "US", packs, metadata={"judgment_exists": True}, encoder=encoder
    )
    assert MISREP_DEBT not in {f.rule_id for f in result.findings}
