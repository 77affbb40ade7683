"""The registry of content kinds: adding a kind is one schema plus one entry here."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from coach.catalog.errors import ContentError, located, validation_messages
from coach.catalog.source import line_locator, read_mapping
from coach.progress.taxonomy import SkillTaxonomy
from coach.scoring.compliance.rules import RulePack, RulePackError, load_rule_pack
from coach.scoring.scorecard import ScorecardDefinition, check_scorecard

SKILLS = "skills"

Load = Callable[[Path, str], Any]


@dataclass(frozen=True)
class CheckContext:
    """Everything that loaded cleanly, by kind then source file, for cross-file checks."""

    loaded: Mapping[str, Mapping[str, Any]]

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
                close = difflib.get_close_matches(skill_id, sorted(known), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                message = f"unknown skill {skill_id!r}: not defined in skills.yaml{hint}"
                errors.append(located(source, path.split("."), message))
        return errors


Check = Callable[[Any, str, CheckContext], list[str]]


@dataclass(frozen=True)
class ContentKind:
    """One kind of content: the files it claims, how one becomes a frozen value, and an
    optional check of that value against everything else that loaded."""

    name: str
    pattern: str
    load: Load
    check: Check | None = None
    required: bool = False


def schema(model: type[BaseModel]) -> Load:
    """A loader that validates a file's YAML mapping against ``model`` (frozen, no extras)."""

    def load(path: Path, source: str) -> BaseModel:
        text, data = read_mapping(path, source)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            raise ContentError(validation_messages(source, exc, line_locator(text))) from None

    return load


_validate_rule_pack = schema(RulePack)


def _load_rule_pack(path: Path, source: str) -> RulePack:
    """Syntax and schema errors worded like every other kind's (with lines), then the rules
    module's own checks, which include each rule's examples (run without an encoder)."""
    _validate_rule_pack(path, source)
    try:
        return load_rule_pack(path)
    except RulePackError as exc:
        prefix = f"{path}:"
        errors = [
            f"{source}:{e.removeprefix(prefix)}" if e.startswith(prefix) else e for e in exc.errors
        ]
        raise ContentError(errors) from None


def _check_rule_pack(pack: RulePack, source: str, context: CheckContext) -> list[str]:
    """The pack id is its file name (rules/<pack>.yaml), so pack ids are unique by design."""
    expected = Path(source).stem
    if pack.pack == expected:
        return []
    return [located(source, ("pack",), f"{pack.pack!r} must match the file name, {expected!r}")]


CONTENT_KINDS: tuple[ContentKind, ...] = (
    ContentKind(name=SKILLS, pattern="skills.yaml", load=schema(SkillTaxonomy), required=True),
    ContentKind(name="rules", pattern="rules/*.yaml", load=_load_rule_pack, check=_check_rule_pack),
    ContentKind(
        name="scorecards",
        pattern="scorecards/*.yaml",
        load=schema(ScorecardDefinition),
        check=check_scorecard,
    ),
)
