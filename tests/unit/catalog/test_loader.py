"""Loading content/: every error reported as file:path: message, nothing half-loaded."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ConfigDict

from coach.catalog import (
    CONTENT_KINDS,
    CheckContext,
    ContentError,
    ContentIdentity,
    ContentKind,
    check_content,
    load_catalog,
    schema,
)
from coach.scoring.tone import TONE_CLASSES

REAL_CONTENT = Path(__file__).resolve().parents[3] / "content"

MINIMAL_SKILLS = """\
version: 1
skills:
  - id: empathy
    name: Empathy
    description: Understanding the debtor.
    behaviours:
      - Acknowledges the debtor's situation.
  - id: negotiation
    name: Negotiation
    description: Reaching an agreement.
    behaviours:
      - Offers more than one payment option.
"""

RULE_PACK = r"""
pack: us_demo
version: "2026.1"
jurisdiction: US
rules:
  - id: US-DEMO.1
    jurisdiction: US
    kind: prohibited-statement
    severity: critical
    title: No threat of arrest
    citation: 15 U.S.C. 1692e(4)
    explanation: A collector may not threaten arrest for non-payment.
    suggestion: Explain the real options, such as a payment plan.
    detection:
      - type: phrase
        patterns: ['\barrest(ed)?\b']
    examples:
      compliant:
        - We can set up a payment plan today.
        - Would a smaller payment on Friday work for you?
        - Thank you for your payment last month.
      violating:
        - You will be arrested if you do not pay.
        - The police will arrest you tomorrow.
        - Pay now or you get arrested.
"""


class Drill(BaseModel):
    """A toy content kind, standing in for the scenario and quiz kinds added later."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    skills: tuple[str, ...] = ()


def check_drill(drill: Drill, source: str, context: CheckContext) -> list[str]:
    return context.unknown_skills(source, {f"skills.{i}": s for i, s in enumerate(drill.skills)})


DRILLS = ContentKind(name="drills", pattern="drills/*.yaml", load=schema(Drill), check=check_drill)
WITH_DRILLS = (*CONTENT_KINDS, DRILLS)


TONE_CORPUS = "".join(
    f'{{"text": "a {label} line", "label": "{label}"}}\n' for label in TONE_CLASSES
)
DEBTOR_CORPUS = (
    '{"text": "I am fine", "label": "calm"}\n{"text": "Stop it!", "label": "agitated"}\n'
)


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """The smallest valid content folder: skills and the two required corpora."""
    root = tmp_path / "minimal"
    write(root, "skills.yaml", MINIMAL_SKILLS)
    write(root, "tone/all.jsonl", TONE_CORPUS)
    write(root, "tone/debtor/affect.jsonl", DEBTOR_CORPUS)
    return root


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def errors_of(root: Path, kinds: tuple[ContentKind, ...] = CONTENT_KINDS) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_catalog(root, kinds)
    return caught.value.errors


def test_shipped_content_loads_clean() -> None:
    assert check_content(REAL_CONTENT) == []
    assert "compliance" in load_catalog(REAL_CONTENT).skills.ids


def test_malformed_yaml_is_reported_with_file_and_line(minimal: Path) -> None:
    write(minimal, "skills.yaml", "version: 1\nskills:\n  - id: [empathy\n    name: x\n")
    [error] = errors_of(minimal)
    assert error.startswith("skills.yaml:line 4: invalid YAML:")


def test_unknown_key_is_named_with_its_path_and_line(minimal: Path) -> None:
    write(
        minimal,
        "skills.yaml",
        MINIMAL_SKILLS.replace(
            "    name: Negotiation\n", "    name: Negotiation\n    colour: red\n"
        ),
    )
    assert errors_of(minimal) == [
        "skills.yaml:skills.1.colour: unknown key 'colour': extra keys are not allowed (line 10)"
    ]


def test_missing_field_is_reported_at_its_item(minimal: Path) -> None:
    write(
        minimal,
        "skills.yaml",
        MINIMAL_SKILLS.replace("    description: Reaching an agreement.\n", ""),
    )
    assert errors_of(minimal) == ["skills.yaml:skills.1.description: field required (line 8)"]


def test_wrong_value_is_shown_back_to_the_author(minimal: Path) -> None:
    write(minimal, "skills.yaml", MINIMAL_SKILLS.replace("version: 1", "version: first"))
    [error] = errors_of(minimal)
    assert error.startswith("skills.yaml:version: ")
    assert "got 'first'" in error


def test_duplicate_skill_id_is_reported(minimal: Path) -> None:
    write(minimal, "skills.yaml", MINIMAL_SKILLS.replace("id: negotiation", "id: empathy"))
    [error] = errors_of(minimal)
    assert error.startswith(
        "skills.yaml:skills: duplicate skill id 'empathy' at skills.0, skills.1"
    )


@pytest.mark.parametrize("name", ["skill.yaml", "skills.yml", "rulez/us.yaml", "Skills.YAML"])
def test_yaml_file_no_kind_claims_is_an_error(minimal: Path, name: str) -> None:
    write(minimal, name, "version: 1\n")
    [error] = errors_of(minimal)
    assert error.startswith(f"{name}: not a known content file")
    assert "skills.yaml" in error


def test_notes_and_hidden_files_are_not_content(minimal: Path) -> None:
    write(minimal, "README.md", "# content\n")
    write(minimal, "tone/notes.txt", "labelling conventions\n")
    write(minimal, ".github/workflows/ci.yml", "on: push\n")
    write(minimal, ".drafts/tone/new.jsonl", "not json at all\n")
    assert check_content(minimal) == []


@pytest.mark.parametrize(
    ("text", "found"), [("", "an empty file"), ("- a\n- b\n", "a list"), ("hello\n", "plain text")]
)
def test_file_whose_top_level_is_not_a_mapping_is_rejected(
    minimal: Path, text: str, found: str
) -> None:
    write(minimal, "skills.yaml", text)
    assert errors_of(minimal) == [
        f"skills.yaml: the top level must be a mapping of keys to values, found {found}"
    ]


def test_missing_required_files_are_reported(tmp_path: Path) -> None:
    assert check_content(tmp_path) == [
        "skills.yaml: required file is missing",
        "tone/*.jsonl: required file is missing",
        "tone/debtor/*.jsonl: required file is missing",
    ]


def test_missing_content_folder_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert check_content(missing) == [f"{missing}: content directory not found"]


def test_errors_in_several_files_are_all_reported_together(minimal: Path) -> None:
    write(minimal, "skills.yaml", MINIMAL_SKILLS.replace("version: 1", "version: 1\nowner: qa"))
    write(minimal, "drills/broken.yaml", "title: [unclosed\n")
    write(minimal, "drills/extra.yaml", "title: Opening\nlevel: 2\n")
    write(minimal, "drill.yaml", "title: typo in the folder name\n")
    write(minimal, "rules/us_demo.yaml", RULE_PACK.replace("Pay now or you get arrested.", "Pay."))

    errors = errors_of(minimal, WITH_DRILLS)

    assert [error.split(":")[0] for error in errors] == [
        "drill.yaml",
        "drills/broken.yaml",
        "drills/extra.yaml",
        "rules/us_demo.yaml",
        "skills.yaml",
    ]


def test_nothing_is_returned_when_any_file_is_invalid(minimal: Path) -> None:
    write(minimal, "drills/good.yaml", "title: Opening\n")
    write(minimal, "drills/bad.yaml", "title: Closing\nsteps: 3\n")
    with pytest.raises(ContentError) as caught:
        load_catalog(minimal, WITH_DRILLS)
    assert caught.value.errors == [
        "drills/bad.yaml:steps: unknown key 'steps': extra keys are not allowed (line 2)"
    ]
    assert str(caught.value) == caught.value.errors[0]


def test_new_kind_is_one_schema_and_one_registry_entry(minimal: Path) -> None:
    write(minimal, "drills/b.yaml", "title: Closing\nskills: [negotiation]\n")
    write(minimal, "drills/a.yaml", "title: Opening\nskills: [empathy]\n")

    catalog = load_catalog(minimal, WITH_DRILLS)

    assert [d.title for d in catalog.get("drills")] == ["Opening", "Closing"]
    assert catalog.skills.ids == {"empathy", "negotiation"}


def test_kind_pattern_does_not_reach_into_subfolders(minimal: Path) -> None:
    write(minimal, "drills/old/a.yaml", "title: Opening\n")
    [error] = errors_of(minimal, WITH_DRILLS)
    assert error.startswith("drills/old/a.yaml: not a known content file")


def test_unknown_skill_tag_is_reported_with_a_suggestion(minimal: Path) -> None:
    write(minimal, "drills/a.yaml", "title: Opening\nskills: [empathy, negotation]\n")
    assert errors_of(minimal, WITH_DRILLS) == [
        "drills/a.yaml:skills.1: unknown skill 'negotation': not defined in skills.yaml"
        " (did you mean 'negotiation'?)"
    ]


def test_skill_tags_are_not_checked_while_skills_file_is_broken(minimal: Path) -> None:
    write(minimal, "skills.yaml", "version: 1\n")
    write(minimal, "drills/a.yaml", "title: Opening\nskills: [anything]\n")
    assert errors_of(minimal, WITH_DRILLS) == ["skills.yaml:skills: field required"]


def test_catalog_is_frozen(minimal: Path) -> None:
    catalog = load_catalog(minimal)
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.by_kind = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        catalog.by_kind["skills"] = ()  # type: ignore[index]


def test_rule_pack_loads_as_the_rules_kind(minimal: Path) -> None:
    write(minimal, "rules/us_demo.yaml", RULE_PACK)
    [pack] = load_catalog(minimal).get("rules")
    assert pack.rules[0].id == "US-DEMO.1"


def test_rule_pack_schema_errors_name_the_file_under_content(minimal: Path) -> None:
    write(
        minimal,
        "rules/us_demo.yaml",
        RULE_PACK.replace("jurisdiction: US\nrules:", "region: US\nrules:"),
    )
    assert errors_of(minimal) == [
        "rules/us_demo.yaml:jurisdiction: field required",
        "rules/us_demo.yaml:region: unknown key 'region': extra keys are not allowed (line 4)",
    ]


def test_rule_that_misses_its_own_example_is_reported(minimal: Path) -> None:
    write(
        minimal, "rules/us_demo.yaml", RULE_PACK.replace("Pay now or you get arrested.", "Pay now.")
    )
    [error] = errors_of(minimal)
    assert error.startswith("rules/us_demo.yaml:rules.0.examples.violating.2: US-DEMO.1 misses")


def test_rule_pack_id_must_match_its_file_name(minimal: Path) -> None:
    write(minimal, "rules/us_other.yaml", RULE_PACK)
    assert errors_of(minimal) == [
        "rules/us_other.yaml:pack: 'us_demo' must match the file name, 'us_other'"
    ]


def test_every_registered_kind_has_a_unique_name() -> None:
    names = [kind.name for kind in CONTENT_KINDS]
    assert len(names) == len(set(names))


def test_bad_corpus_lines_are_reported_with_file_and_line(minimal: Path) -> None:
    lines = [
        '{"text": "Thanks for your time.", "label": "professional"}',
        '{"text": "Pay now.", "label": "rude"}',
        "",
        '{"text": "", "label": "neutral"}',
        '{"text": "unclosed", "label": "neutral"',
        '["text", "neutral"]',
    ]
    write(minimal, "tone/extra.jsonl", "\n".join(lines) + "\n")
    assert errors_of(minimal) == [
        "tone/extra.jsonl:line 2: label 'rude' is not one of empathetic, professional, neutral,"
        " pushy, hostile, threatening, condescending",
        "tone/extra.jsonl:line 4: 'text' must be non-empty text",
        "tone/extra.jsonl:line 5: invalid JSON: Expecting ',' delimiter (column 40)",
        'tone/extra.jsonl:line 6: each line must be a JSON object like {"text": "...", "label":'
        ' "..."}',
    ]


def test_corpus_kind_needs_every_class_somewhere(minimal: Path) -> None:
    write(minimal, "tone/debtor/affect.jsonl", '{"text": "I am fine", "label": "calm"}\n')
    assert errors_of(minimal) == ["tone/debtor/: no examples labelled 'agitated'"]


def test_corpora_load_as_labelled_examples(minimal: Path) -> None:
    [corpus] = load_catalog(minimal).get("debtor_affect")
    assert [(e.text, e.label) for e in corpus.examples] == [
        ("I am fine", "calm"),
        ("Stop it!", "agitated"),
    ]


def test_every_entry_carries_kind_id_version_and_hash(minimal: Path) -> None:
    write(minimal, "rules/us_demo.yaml", RULE_PACK)
    catalog = load_catalog(minimal)
    [pack] = catalog.identities["rules"]
    assert (pack.kind, pack.id, pack.version) == ("rules", "us_demo", "2026.1")
    assert pack.sha256 == hashlib.sha256(RULE_PACK.encode()).hexdigest()
    [corpus] = catalog.identities["tone"]
    assert corpus.id == "tone/all" and corpus.version == f"sha256:{corpus.sha256[:12]}"
    assert catalog.pins("rules", ["us_demo"]) == [pack.as_pin()]
    assert isinstance(pack, ContentIdentity)


def test_editing_a_corpus_gives_it_a_new_version(minimal: Path) -> None:
    before = load_catalog(minimal).identities["tone"][0]
    write(minimal, "tone/all.jsonl", TONE_CORPUS + '{"text": "Sure.", "label": "neutral"}\n')
    after = load_catalog(minimal).identities["tone"][0]
    assert after.id == before.id and after.version != before.version


def test_two_files_of_one_kind_may_not_share_an_id(minimal: Path) -> None:
    card = (REAL_CONTENT / "scorecards" / "default.yaml").read_text(encoding="utf-8")
    write(minimal, "rules/us_demo.yaml", RULE_PACK)
    write(minimal, "scorecards/a.yaml", card)
    write(minimal, "scorecards/b.yaml", card)
    errors = errors_of(minimal)
    assert "scorecards/b.yaml: duplicate id 'default': scorecards/a.yaml has it already" in errors


def test_rule_pack_with_a_broken_pattern_is_named_by_file_and_path(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    pack = content / "rules" / "us_fdcpa_regf.yaml"
    data = yaml.safe_load(pack.read_text(encoding="utf-8"))
    data["lexicons"]["debt_mention"][0] = r"\bdebts?(\b"
    pack.write_text(yaml.safe_dump(data), encoding="utf-8")
    [error] = errors_of(content)
    assert error.startswith("rules/us_fdcpa_regf.yaml:lexicons.debt_mention.0: invalid regex")
