"""The skill taxonomy schema and the shipped content/skills.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from coach.progress.taxonomy import Skill, SkillTaxonomy

SKILLS_FILE = Path(__file__).resolve().parents[3] / "content" / "skills.yaml"

CORE_SKILLS = {
    "compliance",
    "tone_professionalism",
    "empathy",
    "active_listening",
    "negotiation",
    "call_structure_preparation",
    "legal_knowledge",
}


def skill(skill_id: str = "empathy", **overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "id": skill_id,
        "name": skill_id.replace("_", " ").title(),
        "description": "Understanding the debtor.",
        "behaviours": ["Acknowledges the debtor's situation."],
    }
    return fields | overrides


@pytest.fixture(scope="module")
def shipped() -> SkillTaxonomy:
    return SkillTaxonomy.model_validate(yaml.safe_load(SKILLS_FILE.read_text(encoding="utf-8")))


def test_shipped_taxonomy_covers_the_core_collector_skills(shipped: SkillTaxonomy) -> None:
    assert shipped.ids >= CORE_SKILLS


def test_every_shipped_skill_names_several_behaviours_and_something_to_practise(
    shipped: SkillTaxonomy,
) -> None:
    thin = [s.id for s in shipped.skills if len(s.behaviours) < 3 or not s.practice]
    assert thin == []


def test_skill_is_found_by_id(shipped: SkillTaxonomy) -> None:
    assert shipped.get("negotiation").name == "Negotiation"


def test_looking_up_an_unknown_skill_raises_key_error(shipped: SkillTaxonomy) -> None:
    with pytest.raises(KeyError):
        shipped.get("telepathy")


def test_taxonomy_is_frozen(shipped: SkillTaxonomy) -> None:
    with pytest.raises(ValidationError):
        shipped.skills[0].name = "Renamed"  # type: ignore[misc]


def test_duplicate_skill_id_is_rejected_with_both_positions() -> None:
    with pytest.raises(
        ValidationError, match=r"duplicate skill id 'empathy' at skills.0, skills.1"
    ):
        SkillTaxonomy(
            version=1,
            skills=(skill(), skill(name="Another")),  # type: ignore[arg-type]
        )


def test_duplicate_skill_name_is_rejected() -> None:
    with pytest.raises(ValidationError, match="duplicate skill name 'Empathy'"):
        SkillTaxonomy(
            version=1,
            skills=(skill(), skill("care", name="Empathy")),  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("bad_id", ["Empathy", "active-listening", "2nd_try", "a__b", ""])
def test_skill_id_must_be_snake_case(bad_id: str) -> None:
    with pytest.raises(ValidationError, match="lower-case words joined by underscores"):
        Skill.model_validate(skill(bad_id))


def test_skill_without_behaviours_is_rejected() -> None:
    with pytest.raises(ValidationError, match="behaviours"):
        Skill.model_validate(skill(behaviours=[]))


def test_blank_behaviour_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"behaviours\.1"):
        Skill.model_validate(skill(behaviours=["Listens.", "   "]))


def test_unknown_skill_key_is_rejected() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Skill.model_validate(skill(colour="red"))


def test_version_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="version"):
        SkillTaxonomy.model_validate({"version": 0, "skills": [skill()]})
