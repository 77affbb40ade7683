"""Rule packs: the three shipped packs load, match the catalog, and pass their own examples."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from coach.scoring.rules import (
    RULE_TYPES,
    RulePackError,
    check_rule_examples,
    load_rule_pack,
    load_rule_packs,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
RULES_DIR = REPO_ROOT / "content" / "rules"
CATALOG = REPO_ROOT.parent / "shared" / "domain" / "compliance-rules.md"


@pytest.fixture(scope="module")
def packs():
    return load_rule_packs(RULES_DIR)


def _catalog_ids() -> list[str]:
    return re.findall(r"^\| \d+ \| (\S+) \|", CATALOG.read_text(encoding="utf-8"), re.MULTILINE)


def _minimal_pack(pattern: str) -> dict:
    """A one-rule pack whose only pattern is ``pattern``."""
    return {
        "pack": "tmp_pack",
        "version": "1",
        "jurisdiction": "US",
        "rules": [
            {
                "id": "US-TEST-RULE",
                "jurisdiction": "US",
                "kind": "prohibited-statement",
                "severity": "major",
                "title": "Test",
                "citation": "none",
                "explanation": "Test rule.",
                "suggestion": "Say something else.",
                "detection": [{"type": "phrase", "patterns": [pattern]}],
                "examples": {
                    "compliant": ["hello there", "good morning", "thank you"],
                    "violating": ["forbidden words", "more forbidden words", "forbidden again"],
                },
            }
        ],
    }


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "tmp_pack.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_all_three_packs_load_with_versions(packs):
    names = {p.pack: p for ps in packs.values() for p in ps}
    assert set(names) == {"us_fdcpa_regf", "uk_fca_conc7", "in_rbi"}
    assert set(packs) == {"US", "UK", "IN"}
    assert all(p.version for p in names.values())


@pytest.mark.skipif(not CATALOG.exists(), reason="shared domain catalog not present")
def test_rule_ids_are_exactly_the_catalog_ids(packs):
    ids = [r.id for ps in packs.values() for p in ps for r in p.rules]
    catalog = _catalog_ids()
    assert len(catalog) == 50
    assert len(ids) == len(set(ids)) == 50
    assert set(ids) == set(catalog)


def test_every_rule_has_enough_examples_and_plain_text(packs):
    for pack in (p for ps in packs.values() for p in ps):
        for rule in pack.rules:
            assert len(rule.examples.compliant) >= 3, rule.id
            assert len(rule.examples.violating) >= 3, rule.id
            assert rule.citation and rule.explanation and rule.suggestion, rule.id
            assert all(d.type in RULE_TYPES for d in rule.detection), rule.id


def test_each_rule_gets_its_own_examples_right(packs):
    for pack in (p for ps in packs.values() for p in ps):
        assert check_rule_examples(pack) == [], pack.pack


def test_broken_regex_is_reported_with_file_and_path(tmp_path):
    path = _write(tmp_path, _minimal_pack(r"forbidden (words"))
    with pytest.raises(RulePackError) as err:
        load_rule_pack(path)
    assert len(err.value.errors) == 1
    message = err.value.errors[0]
    assert message.startswith(f"{path}:rules.0.detection.0.")
    assert "patterns.0: invalid regex 'forbidden (words'" in message


def test_unknown_lexicon_and_bad_examples_are_all_reported(tmp_path):
    data = _minimal_pack("@nowhere")
    path = _write(tmp_path, data)
    with pytest.raises(RulePackError) as err:
        load_rule_pack(path)
    assert err.value.errors == [f"{path}:rules.0.detection.0.patterns.0: unknown lexicon @nowhere"]


def test_rule_that_misses_its_own_example_is_an_error(tmp_path):
    path = _write(tmp_path, _minimal_pack(r"\bforbidden words\b"))
    with pytest.raises(RulePackError) as err:
        load_rule_pack(path)
    assert err.value.errors == [
        f"{path}:rules.0.examples.violating.2: US-TEST-RULE misses its own violating example "
        "(wanted missing/violation, got nothing)"
    ]


def test_unknown_detector_type_and_extra_keys_are_rejected(tmp_path):
    data = _minimal_pack("x")
    data["rules"][0]["detection"] = [{"type": "magic"}]
    data["rules"][0]["colour"] = "red"
    with pytest.raises(RulePackError) as err:
        load_rule_pack(_write(tmp_path, data))
    joined = "\n".join(err.value.errors)
    assert "rules.0.detection.0: Input tag 'magic'" in joined
    assert "rules.0.colour: Extra inputs are not permitted" in joined


def test_errors_from_several_files_are_raised_together(tmp_path):
    (tmp_path / "a.yaml").write_text("pack: [unclosed", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(yaml.safe_dump({"pack": "b"}), encoding="utf-8")
    with pytest.raises(RulePackError) as err:
        load_rule_packs(tmp_path)
    files = {e.split(":", 1)[0] for e in err.value.errors}
    assert files == {str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")}
