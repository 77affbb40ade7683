"""content/skill_targets.yaml in the catalog: optional, every skill known, every value 0..1."""

from __future__ import annotations

from pathlib import Path

import yaml

from coach.catalog import load_catalog
from coach.progress.targets import LEVELS, SkillTargets
from tests.unit.catalog.test_loader import REAL_CONTENT, errors_of, minimal, write

__all__ = ["minimal"]


def targets_yaml(new: dict[str, object], senior: dict[str, object] | None = None) -> str:
    levels = {"new": new, "senior": new if senior is None else senior}
    return yaml.safe_dump({"version": 1, "levels": levels})


def test_a_content_folder_without_targets_loads(minimal: Path) -> None:
    assert load_catalog(minimal).get("skill_targets") == ()


def test_valid_targets_load_with_their_version_as_identity(minimal: Path) -> None:
    write(minimal, "skill_targets.yaml", targets_yaml({"empathy": 0.6}, {"empathy": 0.8}))
    catalog = load_catalog(minimal)
    [targets] = catalog.get("skill_targets")
    assert targets.for_level("senior") == {"empathy": 0.8}
    assert [pin["version"] for pin in catalog.pins("skill_targets")] == ["1"]


def test_unknown_skill_id_is_named_with_its_path_and_a_hint(minimal: Path) -> None:
    write(minimal, "skill_targets.yaml", targets_yaml({"empathie": 0.6}, {"empathy": 0.8}))
    assert errors_of(minimal) == [
        "skill_targets.yaml:levels.new.empathie: unknown skill 'empathie': not defined in"
        " skills.yaml (did you mean 'empathy'?)"
    ]


def test_value_out_of_range_is_reported_with_its_line(minimal: Path) -> None:
    write(
        minimal,
        "skill_targets.yaml",
        "version: 1\nlevels:\n  new:\n    empathy: 1.5\n  senior:\n    empathy: -0.1\n",
    )
    assert errors_of(minimal) == [
        "skill_targets.yaml:levels.new.empathy: input should be less than or equal to 1,"
        " got 1.5 (line 4)",
        "skill_targets.yaml:levels.senior.empathy: input should be greater than or equal to 0,"
        " got -0.1 (line 6)",
    ]


def test_a_quoted_number_is_not_a_target(minimal: Path) -> None:
    write(minimal, "skill_targets.yaml", targets_yaml({"empathy": "0.6"}, {"empathy": 0.7}))
    [error] = errors_of(minimal)
    assert error.startswith("skill_targets.yaml:levels.new.empathy:")


def test_an_unknown_level_and_a_missing_one_are_reported(minimal: Path) -> None:
    write(
        minimal,
        "skill_targets.yaml",
        "version: 1\nlevels:\n  new: {empathy: 0.6}\n  junior: {empathy: 0.5}\n",
    )
    errors = errors_of(minimal)
    assert any(e.startswith("skill_targets.yaml:levels.junior: unknown key") for e in errors)
    assert any(e.startswith("skill_targets.yaml:levels.senior: field required") for e in errors)


def test_a_senior_target_below_the_new_one_is_refused(minimal: Path) -> None:
    write(minimal, "skill_targets.yaml", targets_yaml({"empathy": 0.7}, {"empathy": 0.6}))
    [error] = errors_of(minimal)
    assert error.startswith("skill_targets.yaml:levels:")
    assert "empathy (0.6 < 0.7)" in error


def test_shipped_targets_cover_every_skill_at_every_level() -> None:
    catalog = load_catalog(REAL_CONTENT)
    [targets] = catalog.get("skill_targets")
    assert isinstance(targets, SkillTargets)
    for level in LEVELS:
        assert set(targets.for_level(level)) == catalog.skills.ids
