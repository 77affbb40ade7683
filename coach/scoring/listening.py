"""Active listening and conversation metrics of one call, each credit backed by evidence.

Pure: takes a :class:`Transcript` (times optional) and, for paraphrase detection, any
:class:`TextEncoder`; returns a frozen :class:`ListeningResult`. Acknowledgements and empathy
count only when the same breath does not go straight on to a payment demand ("I'm sorry
about your mum, but can you pay today?" is not listening).

With the learned moment heads (:mod:`coach.scoring.moments`), each agent turn's
active-listening and empathy flags, and the empathy credits, come from the heads reading the
reply beside the debtor turn it answers; the cue phrases remain for acknowledgements and as
the fallback when no heads are loaded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.nlp.encoder import TextEncoder
from coach.scoring import turn_timing
from coach.scoring.moments import MOMENT_THRESHOLD, Moment, MomentHeads
from coach.scoring.paraphrase import find_paraphrases
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
from coach.scoring.turn_timing import Interruption, Measure
from coach.transcript import Transcript, Turn

ACKNOWLEDGEMENT = cue(
    r"i (?:understand|hear you|see|get (?:it|that))",
    r"that makes sense",
    r"(?:that's|that is) (?:fair|understandable|completely understandable)",
    r"fair enough",
    r"understood",
    r"got it",
    r"no problem",
    r"thank(?:s| you) for (?:telling|explaining|letting me know|sharing"
    r"|being (?:so )?(?:open|honest))",
    r"i appreciate (?:you|that)",
    r"(?:i'm|i am) sorry about (?:that|the|all)",
)
EMPATHY = cue(
    r"(?:i'm|i am) (?:so |really |very |truly )?sorry (?:to hear|for your loss|you're going|that)",
    r"(?:very |so )?sorry (?:to hear|for your loss)",
    r"that (?:sounds|must be|must have been) (?:really |so |incredibly |very )?"
    r"(?:hard|difficult|tough|stressful|awful|frightening|worrying|upsetting)",
    r"i can (?:only )?imagine",
    r"(?:that )?can't be easy",
    r"(?:that's|that is|sounds like) a lot",
    r"i hope (?:he|she|you|they)(?:'s| is| are)? (?:recovering|feeling|doing|okay|better)",
    r"(?:please )?don't worry",
    r"take your time",
    r"congratulations",
    r"(?:i'm|i am) not here to judge",
    r"you're (?:definitely )?not alone",
)
DEMAND = cue(
    r"(?:can|could|will) you (?:make a |do a |do |manage )?pay",
    r"(?:can|could) you (?:do|manage|put down) (?:something|anything|a payment|[$£₹]?\d)",
    r"pay (?:something|anything|it|the|today|now|by|me|up)",
    r"make a payment",
    r"need (?:a|the|some) (?:payment|date)",
    r"when (?:can|will) you pay",
    r"(?:is|are) (?:overdue|pending|due)",
    r"needs (?:payment|paying)",
    r"(?:payment|pay) today",
    r"card number",
    r"what card",
)
FILLER = cue(
    r"um+",
    r"uh+",
    r"erm+",
    r"er",
    r"hmm+",
    r"basically",
    r"you know(?= *[,.?!]| *$| what i mean)",
    r"(?<=[,.] )like(?=[, ])",
    r"like(?=,)",
    r"(?<=um |uh )like",
)


@dataclass(frozen=True)
class TurnFlags:
    """Per-turn listening flags (debtor turns are always False)."""

    turn: int
    active_listening: bool
    empathy: bool


@dataclass(frozen=True)
class ListeningResult:
    """Conversation and active-listening metrics with the evidence for every credit."""

    talk_to_listen_ratio: Measure
    agent_word_share: float
    longest_monologue_s: Measure
    longest_monologue_words: int
    interruptions: tuple[Interruption, ...]
    agent_interruptions: Measure
    debtor_interruptions: Measure
    overtalk_s: Measure
    median_response_latency_s: Measure
    agent_questions: int
    open_questions: int
    open_question_evidence: tuple[TurnEvidence, ...]
    closed_questions: int
    question_rate: float
    acknowledgements: tuple[TurnEvidence, ...]
    paraphrases: tuple[TurnEvidence, ...]
    paraphrase_method: str
    empathy: tuple[TurnEvidence, ...]
    summary_before_close: TurnEvidence | None
    filler_words: tuple[TurnEvidence, ...]
    filler_rate_per_100_words: float
    turn_flags: tuple[TurnFlags, ...]


def assess_listening(
    transcript: Transcript,
    encoder: TextEncoder | None = None,
    moments: MomentHeads | None = None,
) -> ListeningResult:
    """Measure how the agent listened; pass an encoder to judge paraphrases semantically and
    the moment heads to judge listening and empathy moments."""
    turns = transcript.turns
    agent_turns = [(i, t) for i, t in enumerate(turns) if t.speaker == "agent"]
    agent_words = sum(turn_timing.word_count(t) for _, t in agent_turns)
    all_words = sum(turn_timing.word_count(t) for t in turns)
    events, overtalk = turn_timing.interruptions(turns)
    monologue_s, monologue_words = turn_timing.longest_agent_monologue(turns)
    questions = [(i, q) for i, t in agent_turns for q in questions_in(t.text)]
    acknowledgements = _credited(turns, ACKNOWLEDGEMENT)
    paraphrases = find_paraphrases(turns, encoder)
    fillers = tuple(
        TurnEvidence(i, m.group(0))
        for i, t in agent_turns
        for m in FILLER.finditer(cue_text(t.text))
    )
    if moments is None:
        empathy = _credited(turns, EMPATHY)
        listened = {e.turn for e in (*acknowledgements, *paraphrases.evidence, *empathy)}
    else:
        judged = _judged_moments(turns, moments)
        empathy = tuple(
            TurnEvidence(i, _empathy_quote(turns[i].text))
            for i, m in judged.items()
            if m.empathy >= MOMENT_THRESHOLD
        )
        listened = {i for i, m in judged.items() if m.active_listening >= MOMENT_THRESHOLD}
    empathic = {e.turn for e in empathy}
    return ListeningResult(
        talk_to_listen_ratio=turn_timing.talk_to_listen_ratio(turns),
        agent_word_share=round(_ratio(agent_words, all_words), 3),
        longest_monologue_s=monologue_s,
        longest_monologue_words=monologue_words,
        interruptions=events,
        agent_interruptions=_count(events, "agent", overtalk),
        debtor_interruptions=_count(events, "debtor", overtalk),
        overtalk_s=overtalk,
        median_response_latency_s=turn_timing.median_response_latency(turns),
        agent_questions=len(questions),
        open_questions=sum(q.open for _, q in questions),
        open_question_evidence=tuple(
            TurnEvidence(i, quote(q.text)) for i, q in questions if q.open
        ),
        closed_questions=sum(not q.open for _, q in questions),
        question_rate=round(_ratio(len(questions), len(agent_turns)), 2),
        acknowledgements=acknowledgements,
        paraphrases=paraphrases.evidence,
        paraphrase_method=paraphrases.method,
        empathy=empathy,
        summary_before_close=_summary_before_close(turns),
        filler_words=fillers,
        filler_rate_per_100_words=round(100 * _ratio(len(fillers), agent_words), 2),
        turn_flags=tuple(TurnFlags(i, i in listened, i in empathic) for i in range(len(turns))),
    )


def _judged_moments(turns: Sequence[Turn], moments: MomentHeads) -> dict[int, Moment]:
    """Each agent turn that says something, judged beside the debtor turn before it."""
    pairs: dict[int, tuple[str, str]] = {}
    debtor = ""
    for i, turn in enumerate(turns):
        if turn.speaker == "debtor":
            debtor = turn.text
        elif any(c.isalnum() for c in turn.text):
            pairs[i] = (debtor, turn.text)
    return dict(zip(pairs, moments.judge(list(pairs.values())), strict=True))


def _empathy_quote(text: str) -> str:
    """The sentence that carries the empathy when a cue phrase shows which, else the turn."""
    for sentence in sentences(text):
        if search(EMPATHY, sentence) or search(ACKNOWLEDGEMENT, sentence):
            return quote(sentence)
    return quote(text)


def _credited(turns: Sequence[Turn], pattern: re.Pattern[str]) -> tuple[TurnEvidence, ...]:
    """Agent sentences matching ``pattern`` that are not followed at once by a demand."""
    found = []
    for i, turn in enumerate(turns):
        if turn.speaker != "agent":
            continue
        parts = sentences(turn.text)
        for k, sentence in enumerate(parts):
            match = search(pattern, sentence)
            if match is None:
                continue
            rest = " ".join(
                [cue_text(sentence)[match.end() :], *parts[k + 1 :], _next_agent(turns, i)]
            )
            if search(DEMAND, rest) is None:
                found.append(TurnEvidence(i, quote(sentence)))
            break
    return tuple(found)


def _next_agent(turns: Sequence[Turn], i: int) -> str:
    """The agent's next turn when the debtor did not speak in between (the same breath)."""
    if i + 1 < len(turns) and turns[i + 1].speaker == "agent":
        return turns[i + 1].text
    return ""


def _summary_before_close(turns: Sequence[Turn]) -> TurnEvidence | None:
    """A recap in the last third of the call, before the agent says goodbye."""
    first = len(turns) - max(1, len(turns) // 3)
    for i in range(len(turns) - 1, first - 1, -1):
        turn = turns[i]
        if turn.speaker != "agent":
            continue
        for sentence in sentences(turn.text):
            if search(RECAP, sentence) is not None and search(CLOSE, sentence) is None:
                return TurnEvidence(i, quote(sentence))
    return None


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _count(events: tuple[Interruption, ...], speaker: str, overtalk: Measure) -> Measure:
    if not overtalk.assessable:
        return Measure(None, overtalk.note)
    return Measure(float(sum(e.speaker == speaker for e in events)))
