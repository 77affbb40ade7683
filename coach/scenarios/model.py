"""The schema of a role-play scenario (``content/scenarios/<id>.yaml``): who the debtor is, the
case file the trainee reads first, and the dialogue graph the engine walks.

Shape only lives here (frozen, no extra keys, so a misspelt key is an error); rules that need
the whole graph (targets exist, every state reachable, meters in range) are in
:mod:`coach.scenarios.validate`, so an author gets every problem listed at once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Jurisdiction = Literal["US", "UK", "IN"]
Difficulty = Literal["easy", "medium", "hard"]
EndingKind = Literal[
    "agreement", "plan", "dispute_logged", "callback", "hang_up", "escalation", "breach"
]
ObjectiveKind = Literal[
    "promise_to_pay",
    "plan",
    "settlement",
    "dispute_handled",
    "cease_honoured",
    "attorney_honoured",
    "callback",
    "no_disclosure",
]
# Scenario ids are file stems (``us-first-contact``); node and meter ids are snake_case.
SCENARIO_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
NODE_ID = r"^[a-z][a-z0-9_]*$"
SEMVER = r"^\d+\.\d+\.\d+$"
# Stands for "any critical-severity finding" in ``findings_any``, instead of a rule id.
CRITICAL = "critical"
# A flag the graph remembers (``verified``, ``disclosed``): snake_case, like node ids.
FLAG_ID = NODE_ID

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Persona(_Frozen):
    """The debtor Coach plays, and the voice that speaks their lines."""

    name: Text
    background: Text
    temperament: Text
    vulnerabilities: tuple[str, ...] = ()
    voice: Text


class CaseFile(_Frozen):
    """What the trainee reads before the call; ``affordable_monthly`` is the truth the
    debtor knows, ``floor`` the least the creditor accepts (a plan's or a settlement's)."""

    creditor: Text
    balance: float = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    days_past_due: int = Field(ge=0)
    debt_type: Text
    time_barred: bool = False
    prior_contacts: tuple[str, ...] = ()
    payment_history: tuple[str, ...] = ()
    affordable_monthly: float = Field(ge=0)
    floor: float | None = Field(default=None, ge=0)


class Objective(_Frozen):
    """What counts as success on this call; the endings say which of them meet it."""

    kind: ObjectiveKind
    description: Text
    min_amount: float | None = Field(default=None, ge=0)
    max_amount: float | None = Field(default=None, ge=0)
    by_days: int | None = Field(default=None, ge=1)


class Meter(_Frozen):
    """A hidden dial of the debtor's mood (trust, irritation, willingness to pay)."""

    id: str = Field(pattern=NODE_ID)
    title: Text
    min: int = 0
    max: int = 100
    initial: int


class MeterThreshold(_Frozen):
    """Holds while the meter (before this reply's effects) is within the given bounds."""

    meter: str
    at_least: int | None = None
    at_most: int | None = None

    @model_validator(mode="after")
    def _bounded(self) -> MeterThreshold:
        if self.at_least is None and self.at_most is None:
            raise ValueError("a meter threshold needs at_least or at_most")
        return self


FlagId = Annotated[str, StringConstraints(pattern=FLAG_ID)]


class Condition(_Frozen):
    """What a reply must do for a transition to fire; every given part must hold.

    ``findings_*`` read the findings the debtor heard (``violation`` or ``suspected``;
    ``violations_only`` narrows them to ``violation``), ``disclosed_any`` the required
    disclosures the reply made, ``flags_*`` what earlier transitions remembered, and
    ``confidence`` lowers or raises the probability from which the intents here count as
    heard (the heads' own threshold when unset).
    """

    intents_any: tuple[str, ...] = ()
    intents_all: tuple[str, ...] = ()
    intents_none: tuple[str, ...] = ()
    confidence: float | None = Field(default=None, gt=0, le=1)
    findings_any: tuple[str, ...] = ()
    findings_none: tuple[str, ...] = ()
    violations_only: bool = False
    disclosed_any: tuple[str, ...] = ()
    flags_all: tuple[FlagId, ...] = ()
    flags_none: tuple[FlagId, ...] = ()
    meters: tuple[MeterThreshold, ...] = ()

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        tests = (
            self.intents_any,
            self.intents_all,
            self.intents_none,
            self.findings_any,
            self.findings_none,
            self.disclosed_any,
            self.flags_all,
            self.flags_none,
            self.meters,
        )
        if not any(tests):
            raise ValueError("an empty 'when' always holds: write 'otherwise: true' instead")
        return self


class Effect(_Frozen):
    """A change to one meter, with the reason the trainee is shown in the debrief."""

    meter: str
    delta: int
    reason: Text


class Transition(_Frozen):
    """One way out of a state: ``when`` it holds (or ``otherwise``), apply ``effects``, remember
    the flags in ``sets`` and go ``to`` a state or an ending."""

    when: Condition | None = None
    otherwise: bool = False
    effects: tuple[Effect, ...] = ()
    sets: tuple[FlagId, ...] = ()
    to: str

    @model_validator(mode="after")
    def _when_or_otherwise(self) -> Transition:
        if (self.when is None) == (not self.otherwise):
            raise ValueError("a transition needs either 'when' or 'otherwise: true', not both")
        return self


class State(_Frozen):
    """A point in the call: the debtor says one of ``lines``, then the first transition
    whose condition holds for the trainee's reply fires."""

    id: str = Field(pattern=NODE_ID)
    lines: tuple[Text, ...] = Field(min_length=1)
    transitions: tuple[Transition, ...] = Field(min_length=1)


class Ending(_Frozen):
    """How a call ends: the debtor's last words and what it means against the objective."""

    id: str = Field(pattern=NODE_ID)
    kind: EndingKind
    lines: tuple[Text, ...] = Field(min_length=1)
    outcome: Text
    meets_objective: bool = False


class Scenario(_Frozen):
    """One role-play: persona, case file, objective, meters and the dialogue graph."""

    id: str = Field(pattern=SCENARIO_ID)
    version: str = Field(pattern=SEMVER)
    title: Text
    summary: Text
    jurisdiction: Jurisdiction
    difficulty: Difficulty
    skills: tuple[str, ...] = Field(min_length=1)
    persona: Persona
    case_file: CaseFile
    # Call facts handed to the scoring engine (call_type, local_time, ...); it checks keys.
    metadata: dict[str, str | bool | int | float] = {}
    objective: Objective
    meters: tuple[Meter, ...] = ()
    start: str
    max_turns: int = Field(ge=1)
    on_critical: str
    timeout: str
    states: tuple[State, ...] = Field(min_length=1)
    endings: tuple[Ending, ...] = Field(min_length=1)

    def state(self, node: str) -> State | None:
        """The state called ``node``, or ``None`` (it may be an ending)."""
        return next((s for s in self.states if s.id == node), None)

    def ending(self, node: str) -> Ending | None:
        """The ending called ``node``, or ``None``."""
        return next((e for e in self.endings if e.id == node), None)

    def meter(self, meter_id: str) -> Meter | None:
        """The meter called ``meter_id``, or ``None``."""
        return next((m for m in self.meters if m.id == meter_id), None)
