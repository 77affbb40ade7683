"""Negotiation metrics of one call: stages reached, options offered, commitment, outcome.

Pure and rule-based: every stage, option, commitment and outcome carries the turn and the
words that evidence it, so feedback can quote the trainee.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from coach.scoring.payment_terms import (
    AMOUNT,
    DATE,
    METHOD,
    OPTIONS,
    amounts,
    is_split,
    options_in,
)
from coach.scoring.questions import questions_in
from coach.scoring.text_cues import (
    CLOSE,
    RECAP,
    TurnEvidence,
    cue,
    cue_text,
    quote,
    search,
    sentences,
)
from coach.transcript import Transcript, Turn

Stage = Literal[
    "greeting_identification",
    "verification",
    "disclosure",
    "purpose",
    "discovery",
    "options_offered",
    "commitment",
    "recap",
    "close",
]
Outcome = Literal["promise_to_pay", "payment_plan", "dispute", "refusal", "callback", "none"]
STAGES: tuple[Stage, ...] = get_args(Stage)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)
# Greetings and self-identification only count near the start of the call.
OPENING_TURNS = 3

GREETING = cue(
    r"hello",
    r"hi",
    r"hey",
    r"namaste",
    r"(?:good )?(?:morning|afternoon|evening)",
    r"you're (?:through to|speaking (?:to|with))",
    r"my name(?:'s| is)",
    r"(?:this is|it's|i am|i'm) \w+(?: \w+)? (?:from|with|calling)",
    r"calling (?:from|on behalf of)",
)
IDENTIFIER = cue(
    r"date of birth",
    r"dob",
    r"birth",
    r"last (?:four|4)",
    r"social",
    r"zip(?: code)?",
    r"post ?code",
    r"address",
    r"account number",
    r"loan account",
    r"digits",
)
VERIFY_ASK = cue(
    r"confirm",
    r"verif\w*",
    r"security",
    r"data protection",
    r"please",
    r"(?:can|could) (?:you|i (?:take|have|get|check))",
)
DISCLOSURE = cue(
    r"attempt\w* to collect",
    r"(?:from|with|for|is|am|are|i'm|we're|speaking with) (?:a )?debt collect(?:or|ion agency)",
    r"(?:calls?|this call) (?:is |are |may be |will be )?(?:being )?(?:recorded|monitored)",
)
PURPOSE = cue(
    r"calling about",
    r"(?:it's|this is) about",
    r"regarding",
    r"following up on",
    r"balance",
    r"arrears",
    r"past[- ]due",
    r"overdue",
    r"owing",
    r"owe[sd]?",
    r"outstanding",
    r"pending",
    r"behind on",
)
CIRCUMSTANCES = cue(
    r"income",
    r"outgoings",
    r"expenses",
    r"expenditure",
    r"bring in",
    r"earn",
    r"salary",
    r"(?:get|are you|you're) paid",
    r"pay ?check",
    r"pay ?day",
    r"wages",
    r"budget",
    r"bills",
    r"what happened",
    r"going on",
    r"circumstances",
    r"situation",
    r"manageable",
    r"afford",
    r"tell me (?:a bit |a little )?about",
)
AGREE = cue(
    r"^(?:yes|yeah|yep|ok|okay|sure|fine|alright|perfect|great|deal)",
    r"i(?: can| could| will|'ll) (?:try to )?(?:pay|do|manage|make)",
    r"i'll pay",
    r"sounds (?:good|best|fine|great)",
    r"(?:that )?works for me",
    r"let's do (?:it|that)",
)
DECLINE = cue(r"can't", r"cannot", r"won't", r"not", r"no", r"don't", r"maybe", r"suppose")
PAY_TALK = cue(r"pay\w*", r"emi", r"instal?ments?", r"plan")
DISPUTE = cue(
    r"not mine",
    r"not my (?:debt|account|card|loan|bill)",
    r"(?:i )?don't owe",
    r"already paid",
    r"paid (?:it|that|them|the \w+(?: \w+)?) (?:in full|off)",
    r"paid the final bill",
    r"i (?:already )?paid (?:\w+ )?(?:back|off|in full)",
    r"(?:that's|that is) wrong",
    r"i have (?:the|a) (?:receipt|confirmation|proof)",
    r"wrong amount",
    r"amount is wrong",
    r"(?:that's|that is) not right",
    r"i want proof",
    r"prove it",
    r"(?:i'm|i am) disputing",
    r"(?<!to )dispute (?:it|this|the)",
    r"never (?:had|opened)",
    r"identity theft",
)
REFUSAL = cue(
    r"(?:i'm|i am) not (?:going to )?pay\w*",
    r"(?:won't|will not|not going to|refuse to) pay",
    r"not paying",
    r"no way",
    r"not (?:giving|paying) you (?:a dime|a penny|a cent|anything)",
    r"not interested",
    r"don't (?:ever )?call me again",
)
# "half now and the balance on the tenth": a split payment agreed as a plan.
REST_LATER = cue(r"(?:balance|rest|remaining|remainder) (?:on|by|next|later)")
CALLBACK = cue(
    r"(?:i'll|i will) (?:call|ring|phone) (?:you|back|again)",
    r"call you back",
    r"call me (?:back|tomorrow|later|after|on|in)",
    r"ring me",
)


@dataclass(frozen=True)
class Commitment:
    """The debtor's agreement to pay and which of amount, date and method were settled."""

    turns: tuple[int, ...]
    amount: str | None
    date: str | None
    method: str | None

    @property
    def complete(self) -> bool:
        """Amount, date and method are all known: the standard for a usable promise."""
        return None not in (self.amount, self.date, self.method)


@dataclass(frozen=True)
class NegotiationResult:
    """Stages reached (first evidence each), options offered, commitment and outcome."""

    stages: dict[Stage, TurnEvidence]
    options: dict[str, TurnEvidence]
    commitment: Commitment | None
    outcome: Outcome
    outcome_evidence: TurnEvidence | None

    @property
    def payment_options_offered(self) -> int:
        """Number of distinct kinds of payment option the agent put forward."""
        return len(self.options)


def assess_negotiation(transcript: Transcript) -> NegotiationResult:
    """Detect the call's stages, the options offered, any commitment and the outcome."""
    turns = transcript.turns
    commit_turns = _commitment_turns(turns)
    options = _options(turns, commit_turns[-1] if commit_turns else len(turns) - 1)
    commitment = _commitment(turns, commit_turns) if commit_turns else None
    stages = _stages(turns, options, commit_turns)
    outcome, evidence = _outcome(turns, commitment, stages.get("recap"))
    return NegotiationResult(stages, options, commitment, outcome, evidence)


def _stages(
    turns: Sequence[Turn], options: dict[str, TurnEvidence], commit_turns: Sequence[int]
) -> dict[Stage, TurnEvidence]:
    found: dict[Stage, TurnEvidence] = {}
    agent = [(i, t.text) for i, t in enumerate(turns) if t.speaker == "agent"]

    def first(stage: Stage, hits: Sequence[tuple[int, str]]) -> None:
        if hits:
            found[stage] = TurnEvidence(hits[0][0], quote(hits[0][1]))

    first(
        "greeting_identification", [(i, x) for i, x in agent[:OPENING_TURNS] if search(GREETING, x)]
    )
    first(
        "verification",
        [(i, x) for i, x in agent if search(IDENTIFIER, x) and search(VERIFY_ASK, x)],
    )
    first("disclosure", [(i, x) for i, x in agent if search(DISCLOSURE, x)])
    first("purpose", [(i, x) for i, x in agent if search(PURPOSE, x)])
    first("discovery", [(i, q) for i, x in agent for q in _discovery_questions(x)])
    if options:
        first_offer = min(options.values(), key=lambda e: e.turn)
        found["options_offered"] = first_offer
    if commit_turns:
        first("commitment", [(commit_turns[0], turns[commit_turns[0]].text)])
    first("recap", [(i, x) for i, x in agent if _is_recap(i, x, turns, commit_turns)])
    closing = agent[-2:]
    first(
        "close",
        [(i, x) for i, x in closing if search(CLOSE, x)]
        or [
            (i, x)
            for i, x in closing[-1:]
            if cue_text(x).rstrip(".!").endswith(("thanks", "thank you"))
        ],
    )
    return {stage: found[stage] for stage in STAGES if stage in found}


def _discovery_questions(text: str) -> list[str]:
    """Questions exploring the debtor's circumstances; "so …?" reflections are not discovery."""
    return [
        q.text
        for q in questions_in(text)
        if search(CIRCUMSTANCES, q.text) and not cue_text(q.text).startswith("so ")
    ]


def _is_recap(i: int, text: str, turns: Sequence[Turn], commit_turns: Sequence[int]) -> bool:
    if i < len(turns) / 2:
        return False
    if search(RECAP, text):
        return True
    if not any(c < i for c in commit_turns):
        return False
    # Restating terms after an agreement is a recap; asking "this or that?" is still an offer.
    return any(not s.endswith("?") and _term_count(s) >= 2 for s in sentences(text))


def _commitment_turns(turns: Sequence[Turn]) -> list[int]:
    """Debtor turns agreeing to pay, without a hedge.

    Either an agreement ("yes", "I can pay") to a proposal that named an amount or a method
    (or that names terms itself), or the debtor stating at least two concrete terms.
    """
    found = []
    for i, turn in enumerate(turns):
        if turn.speaker != "debtor" or search(DECLINE, turn.text):
            continue
        proposal = turns[i - 1].text if i and turns[i - 1].speaker == "agent" else ""
        agreed = search(AGREE, turn.text) and (
            any(search(p, turn.text) for p in (AMOUNT, METHOD, PAY_TALK))
            or any(search(p, proposal) for p in (AMOUNT, METHOD))
        )
        if agreed or _term_count(turn.text) >= 2:
            found.append(i)
    return found


def _term_count(text: str) -> int:
    return sum(search(p, text) is not None for p in (AMOUNT, DATE, METHOD))


def _commitment(turns: Sequence[Turn], commit_turns: Sequence[int]) -> Commitment:
    """Terms from each agreement, the proposal it answers and the agent's confirmation."""
    texts = []
    for i in commit_turns:
        texts += [t.text for t in turns[max(0, i - 1) : i + 2] if t.speaker == "agent"]
        texts.append(turns[i].text)

    def term(pattern: re.Pattern[str]) -> str | None:
        hits = [m.group(0) for t in texts if (m := search(pattern, t))]
        return hits[0] if hits else None

    return Commitment(tuple(commit_turns), term(AMOUNT), term(DATE), term(METHOD))


def _options(turns: Sequence[Turn], last: int) -> dict[str, TurnEvidence]:
    """Kinds of option the agent offered up to the final agreement, with first evidence."""
    stated = [
        (i, a[0]) for i, t in enumerate(turns) if t.speaker == "agent" if (a := amounts(t.text))
    ]
    balance_turn, balance = stated[0] if stated else (-1, None)
    found: dict[str, TurnEvidence] = {}
    disputed = False
    for i, turn in enumerate(turns[: last + 1]):
        if turn.speaker == "debtor":
            disputed = disputed or search(DISPUTE, turn.text) is not None
            continue
        # Stating the balance is not yet offering to take it in full.
        asked = None if i == balance_turn else balance
        for kind in sorted(options_in(turn.text, balance=asked, after_dispute=disputed)):
            found.setdefault(kind, TurnEvidence(i, quote(turn.text)))
    return {kind: found[kind] for kind in OPTIONS if kind in found}


def _outcome(
    turns: Sequence[Turn], commitment: Commitment | None, recap: TurnEvidence | None
) -> tuple[Outcome, TurnEvidence | None]:
    """Agreement beats everything said before it; then dispute, refusal, callback.

    Whether an agreement is a plan is read from what was agreed (the debtor's words and the
    agent's recap), not from the options the agent floated on the way.
    """
    if commitment is not None:
        agreed = [turns[i].text for i in commitment.turns]
        if recap is not None:
            agreed.append(turns[recap.turn].text)
        plan = any(
            search(OPTIONS["instalments"], t) or search(REST_LATER, t) or is_split(t)
            for t in agreed
        )
        kind: Outcome = "payment_plan" if plan else "promise_to_pay"
        last = commitment.turns[-1]
        return kind, TurnEvidence(last, quote(turns[last].text))
    checks: tuple[tuple[Outcome, re.Pattern[str], tuple[str, ...]], ...] = (
        ("dispute", DISPUTE, ("debtor",)),
        ("refusal", REFUSAL, ("debtor",)),
        ("callback", CALLBACK, ("agent", "debtor")),
    )
    for outcome, pattern, speakers in checks:
        for i, turn in enumerate(turns):
            if turn.speaker in speakers and search(pattern, turn.text):
                return outcome, TurnEvidence(i, quote(turn.text))
    return "none", None
