"""Question banks and certification programs in the catalog: every cross-file error at once."""

from __future__ import annotations

from pathlib import Path

import yaml

from coach.catalog import load_catalog
from tests.unit.catalog.test_loader import RULE_PACK, errors_of, minimal, write
from tests.unit.quizzes.sample import ONE_OF_EACH

__all__ = ["minimal"]

RULE = "US-DEMO.1"


def bank_yaml(name: str = "us-sample", questions: list[dict] | None = None) -> str:
    questions = [{**q, "rules": [RULE]} for q in (ONE_OF_EACH if questions is None else questions)]
    return yaml.safe_dump(
        {
            "bank": name,
            "version": "1.0.0",
            "title": "Sample",
            "jurisdiction": "US",
            "questions": questions,
        }
    )


def program_yaml(**changes: object) -> str:
    data = {
        "id": "us-cert",
        "version": "1.0.0",
        "title": "Sample certification",
        "summary": "Knows the basics.",
        "jurisdiction": "US",
        "pools": [{"title": "All", "banks": ["us-sample"], "draw": 4}],
        "time_limit_minutes": 20,
        "pass_mark": 80,
        "attempts_allowed": 2,
        "valid_for_days": 365,
        "rule_packs": ["us_demo"],
    }
    return yaml.safe_dump({**data, **changes})


def with_quizzes(root: Path) -> Path:
    write(root, "rules/us_demo.yaml", RULE_PACK)
    write(root, "quizzes/us-sample.yaml", bank_yaml())
    write(root, "certifications/us-cert.yaml", program_yaml())
    return root


def test_banks_and_programs_load_with_their_identities(minimal: Path) -> None:
    catalog = load_catalog(with_quizzes(minimal))
    assert [b.bank for b in catalog.get("quizzes")] == ["us-sample"]
    assert [p.id for p in catalog.get("certifications")] == ["us-cert"]
    assert catalog.pins("quizzes")[0]["version"] == "1.0.0"


def test_unknown_rule_and_skill_are_reported_with_their_paths(minimal: Path) -> None:
    root = with_quizzes(minimal)
    broken = [{**ONE_OF_EACH[0], "rules": ["US-DEMO.2"], "skills": ["empathyy"]}]
    write(
        root,
        "quizzes/us-sample.yaml",
        bank_yaml(questions=broken).replace("US-DEMO.1", "US-DEMO.2"),
    )
    errors = errors_of(root)
    assert any(
        "quizzes/us-sample.yaml:questions.0.rules.0: unknown rule 'US-DEMO.2'" in e
        and "did you mean 'US-DEMO.1'" in e
        for e in errors
    )
    assert any("questions.0.skills.0: unknown skill 'empathyy'" in e for e in errors)


def test_a_question_type_error_names_the_file_path_and_type(minimal: Path) -> None:
    root = with_quizzes(minimal)
    text = bank_yaml().replace("type: true_false", "type: truefalse")
    write(root, "quizzes/us-sample.yaml", text)
    errors = errors_of(root)
    assert any(
        e.startswith("quizzes/us-sample.yaml:questions.2") and "truefalse" in e for e in errors
    )


def test_question_ids_are_unique_across_banks_and_bank_ids_match_files(minimal: Path) -> None:
    root = with_quizzes(minimal)
    write(root, "quizzes/us-other.yaml", bank_yaml(name="us-wrong-name"))
    errors = errors_of(root)
    renamed = "quizzes/us-other.yaml:bank: 'us-wrong-name' must match the file name, 'us-other'"
    assert renamed in errors
    assert (
        "quizzes/us-sample.yaml:questions.0.id: 'q-single' is already a question of "
        "quizzes/us-other.yaml"
    ) in errors


def test_a_bank_too_small_for_a_pool_is_a_content_error(minimal: Path) -> None:
    root = with_quizzes(minimal)
    write(
        root,
        "certifications/us-cert.yaml",
        program_yaml(pools=[{"title": "All", "banks": ["us-sample"], "draw": 7}]),
    )
    assert errors_of(root) == [
        "certifications/us-cert.yaml:pools.0: draws 7 question(s) but its banks and filters hold 6"
    ]


def test_programs_name_banks_scenarios_and_packs_that_exist(minimal: Path) -> None:
    root = with_quizzes(minimal)
    write(
        root,
        "certifications/us-cert.yaml",
        program_yaml(
            pools=[{"title": "All", "banks": ["us-sampel"], "draw": 1}],
            prerequisites={"scenarios": ["us-nowhere"]},
            rule_packs=["us_dem"],
        ),
    )
    errors = errors_of(root)
    assert any(
        "pools.0.banks.0: unknown bank 'us-sampel'" in e and "us-sample" in e for e in errors
    )
    assert any("prerequisites.scenarios.0: unknown scenario 'us-nowhere'" in e for e in errors)
    assert any("rule_packs.0: unknown rule pack 'us_dem'" in e for e in errors)


def test_a_program_draws_only_from_banks_of_its_jurisdiction(minimal: Path) -> None:
    root = with_quizzes(minimal)
    write(root, "certifications/us-cert.yaml", program_yaml(jurisdiction="UK"))
    assert any(
        "pools.0.banks.0: 'us-sample' is a US bank; this program certifies UK" in e
        for e in errors_of(root)
    )
