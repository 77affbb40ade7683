"""The registry of content kinds: adding a kind is one schema plus one entry here."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from coach.catalog.conversations import load_listening_pairs, load_outcome_calls
from coach.catalog.corpora import corpus_loader
from coach.catalog.errors import ContentError, located, validation_messages
from coach.catalog.intent_lines import check_intent_lines, load_intent_lines
from coach.catalog.rule_lines import check_rule_lines, load_rule_lines
from coach.catalog.source import line_locator, read_mapping
from coach.hints import did_you_mean
from coach.progress.situations import PracticePlan, check_plan
from coach.progress.targets import SkillTargets, check_targets
from coach.progress.taxonomy import SkillTaxonomy
from coach.quizzes.model import QUESTION_TYPES, QuestionBank
from coach.quizzes.program import CertificationProgram
from coach.quizzes.validate import check_bank, check_program, unique_question_ids
from coach.scenarios.intents import IntentSet
from coach.scenarios.model import Scenario
from coach.scenarios.validate import check_scenario_content
from coach.scoring.compliance.rules import RULE_TYPES, RulePack, check_rule_pack
from coach.scoring.scorecard import ScorecardDefinition, check_scorecard
from coach.scoring.tone import DEBTOR_AFFECT_CLASSES, TONE_CLASSES

SKILLS = "skills"
TONE = "tone"
DEBTOR_AFFECT = "debtor_affect"
RULE_LINES = "rule_lines"
LISTENING_PAIRS = "listening_pairs"
OUTCOME_CALLS = "outcome_calls"
INTENT_SET = "intent_set"
INTENT_LINES = "intent_lines"
SCENARIOS = "scenarios"
QUIZZES = "quizzes"
CERTIFICATIONS = "certifications"

Load = Callable[[Path, str], Any]
# A value's id and the version its file declares (None: the file declares none).
Identify = Callable[[Any, str], tuple[str, str | None]]


@dataclass(frozen=True)
class CheckContext:
    """Everything that loaded cleanly, by kind then source file, for cross-file checks."""

    loaded: Mapping[str, Mapping[str, Any]]
    # Kinds with a file that failed to load: checks against them stay silent (its own errors
    # say why), so one broken file is not reported again by every file that refers to it.
    failed: frozenset[str] = frozenset()

    @property
    def skill_ids(self) -> frozenset[str] | None:
        """Ids from skills.yaml, or ``None`` when it did not load (its own errors say why)."""
        taxonomies = list(self.loaded.get(SKILLS, {}).values())
        return taxonomies[0].ids if taxonomies else None

    def unknown_skills(self, source: str, refs: Mapping[str, str]) -> list[str]:
        """Errors for each ``dotted.path -> skill id`` in ``refs`` that skills.yaml lacks.

        Silent while skills.yaml itself is broken, so one typo there is not reported once
        per tag in every other file.
        """
        known = self.skill_ids
        if known is None:
            return []
        errors = []
        for path, skill_id in refs.items():
            if skill_id not in known:
                hint = did_you_mean(skill_id, known)
                message = f"unknown skill {skill_id!r}: not defined in skills.yaml{hint}"
                errors.append(located(source, path.split("."), message))
        return errors


Check = Callable[[Any, str, CheckContext], list[str]]
# A check of every file of one kind together, by source (e.g. each class has examples).
CheckAll = Callable[[Mapping[str, Any]], list[str]]


def file_stem_id(_value: Any, source: str) -> tuple[str, str | None]:
    """The default identity: the path without its suffix, versioned by the file's hash."""
    return source.rsplit(".", 1)[0], None


@dataclass(frozen=True)
class ContentKind:
    """One kind of content: the files it claims, how one becomes a frozen value, its
    identity, and optional checks against everything else that loaded."""

    name: str
    pattern: str
    load: Load
    check: Check | None = None
    required: bool = False
    identify: Identify = file_stem_id
    check_all: CheckAll | None = None


def schema(model: type[BaseModel], union_tags: Collection[str] = ()) -> Load:
    """A loader that validates a file's YAML mapping against ``model`` (frozen, no extras);
    ``union_tags``: see :func:`~coach.catalog.errors.validation_messages`."""

    def load(path: Path, source: str) -> BaseModel:
        text, data = read_mapping(path, source)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            messages = validation_messages(source, exc, line_locator(text), union_tags)
            raise ContentError(messages) from None

    return load


_validate_rule_pack = schema(RulePack, union_tags=RULE_TYPES)


def load_rule_pack(path: Path, source: str) -> RulePack:
    """Syntax and schema errors worded like every other kind's (with lines), then the rules
    module's own checks, which include each rule's examples (run without an encoder)."""
    pack = _validate_rule_pack(path, source)
    errors = check_rule_pack(pack)
    if errors:
        raise ContentError([f"{source}:{error}" for error in errors])
    return pack


def _check_rule_pack(pack: RulePack, source: str, context: CheckContext) -> list[str]:
    """The pack id is its file name (rules/<pack>.yaml), so pack ids are unique by design."""
    expected = Path(source).stem
    if pack.pack == expected:
        return []
    return [located(source, ("pack",), f"{pack.pack!r} must match the file name, {expected!r}")]


def _every_class_has_examples(classes: tuple[str, ...]) -> CheckAll:
    """A head cannot learn a class it never sees: each must occur in some file of the kind."""

    def check(corpora: Mapping[str, Any]) -> list[str]:
        if not corpora:
            return []
        seen = frozenset().union(*(corpus.labels for corpus in corpora.values()))
        folder = next(iter(corpora)).rsplit("/", 1)[0]
        return [
            f"{folder}/: no examples labelled {label!r}" for label in classes if label not in seen
        ]

    return check


CONTENT_KINDS: tuple[ContentKind, ...] = (
    ContentKind(
        name=SKILLS,
        pattern="skills.yaml",
        load=schema(SkillTaxonomy),
        required=True,
        identify=lambda skills, _source: ("skills", str(skills.version)),
    ),
    ContentKind(
        name="skill_targets",
        pattern="skill_targets.yaml",
        load=schema(SkillTargets),
        check=check_targets,
        identify=lambda targets, _source: ("skill_targets", str(targets.version)),
    ),
    ContentKind(
        name="practice_plan",
        pattern="practice_plan.yaml",
        load=schema(PracticePlan),
        check=check_plan,
        identify=lambda plan, _source: ("practice_plan", str(plan.version)),
    ),
    ContentKind(
        name="rules",
        pattern="rules/*.yaml",
        load=load_rule_pack,
        check=_check_rule_pack,
        identify=lambda pack, _source: (pack.pack, pack.version),
    ),
    ContentKind(
        name="scorecards",
        pattern="scorecards/*.yaml",
        load=schema(ScorecardDefinition),
        check=check_scorecard,
        identify=lambda card, _source: (card.id, card.version),
    ),
    ContentKind(
        name=TONE,
        pattern="tone/*.jsonl",
        load=corpus_loader(TONE_CLASSES),
        required=True,
        check_all=_every_class_has_examples(TONE_CLASSES),
    ),
    ContentKind(
        name=DEBTOR_AFFECT,
        pattern="tone/debtor/*.jsonl",
        load=corpus_loader(DEBTOR_AFFECT_CLASSES),
        required=True,
        check_all=_every_class_has_examples(DEBTOR_AFFECT_CLASSES),
    ),
    ContentKind(
        name=RULE_LINES,
        pattern="rule_lines/*/*.jsonl",
        load=load_rule_lines,
        check=check_rule_lines,
    ),
    ContentKind(name=LISTENING_PAIRS, pattern="listening/*.jsonl", load=load_listening_pairs),
    ContentKind(name=OUTCOME_CALLS, pattern="outcomes/*.jsonl", load=load_outcome_calls),
    ContentKind(name=INTENT_SET, pattern="intents/intents.yaml", load=schema(IntentSet)),
    ContentKind(
        name=INTENT_LINES,
        pattern="intents/*.jsonl",
        load=load_intent_lines,
        check=check_intent_lines,
    ),
    ContentKind(
        name=SCENARIOS,
        pattern="scenarios/*.yaml",
        load=schema(Scenario),
        check=check_scenario_content,
        identify=lambda scenario, _source: (scenario.id, scenario.version),
    ),
    ContentKind(
        name=QUIZZES,
        pattern="quizzes/*.yaml",
        load=schema(QuestionBank, union_tags=QUESTION_TYPES),
        check=check_bank,
        identify=lambda bank, _source: (bank.bank, bank.version),
        check_all=unique_question_ids,
    ),
    ContentKind(
        name=CERTIFICATIONS,
        pattern="certifications/*.yaml",
        load=schema(CertificationProgram),
        check=check_program,
        identify=lambda program, _source: (program.id, program.version),
    ),
)
