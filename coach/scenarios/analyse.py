"""The engine's :class:`~coach.scenarios.engine.Analyse` port on the real models: the intent
heads read the reply beside the debtor's last line, and the scoring engine judges the call so
far with the reply as its last agent turn (its compliance only: the rest waits for the
debrief), so rules about order (identity before disclosure,
the mini-Miranda in the first contact) see the call as a real one would be seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from coach.scenarios.engine import Line, ReplyAnalysis, ReplyFinding
from coach.scenarios.intent_model import INTENT_THRESHOLD, IntentHeads
from coach.scenarios.model import Scenario
from coach.scoring.compliance.assess import Finding
from coach.scoring.pipeline import ScoringModels, assess_call_compliance, score_transcript
from coach.scoring.result import Scorecard

# The trainee is the collector: the scoring engine's "agent".
SPEAKERS = {"trainee": "agent", "debtor": "debtor"}


def run_transcript(history: Sequence[Line]) -> dict[str, Any]:
    """A run's lines in the public transcript shape the scoring engine reads."""
    return {"turns": [{"speaker": SPEAKERS[who], "text": text} for who, text in history]}


def score_run(scenario: Scenario, history: Sequence[Line], models: ScoringModels) -> Scorecard:
    """The scorecard of a run so far, under the scenario's jurisdiction and call facts."""
    return score_transcript(
        run_transcript(history), scenario.jurisdiction, scenario.metadata, models
    )


class ModelAnalyse:
    """What a reply does, by the intent heads and the scoring engine (one call per reply):
    its intents (with their probabilities), its findings and the disclosures it made."""

    def __init__(self, scenario: Scenario, intents: IntentHeads, models: ScoringModels) -> None:
        self._scenario = scenario
        self._intents = intents
        self._models = models

    def __call__(self, transcript: Sequence[Line], reply: str) -> ReplyAnalysis:
        debtor = next((text for who, text in reversed(transcript) if who == "debtor"), "")
        [scores] = self._intents.judge([(debtor, reply)])
        heard = frozenset(i for i, p in scores.items() if p >= INTENT_THRESHOLD)
        call = run_transcript([*transcript, ("trainee", reply)])
        scenario = self._scenario
        result = assess_call_compliance(
            call, scenario.jurisdiction, scenario.metadata, self._models
        )
        turn = len(transcript)
        return ReplyAnalysis(
            heard,
            reply_findings(result.findings, turn),
            frozenset(result.satisfies[turn]),
            scores,
        )


def reply_findings(findings: Sequence[Finding], turn: int) -> tuple[ReplyFinding, ...]:
    """The findings located on ``turn`` (a "never said" finding has no turn: it belongs to
    the debrief, not to one reply), each with its public JSON (as the scorecard prints it)."""
    return tuple(
        ReplyFinding(f.rule_id, f.status, f.severity, f.explanation, f.model_dump(mode="json"))
        for f in findings
        if f.turn == turn
    )
