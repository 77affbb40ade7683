"""Catalog checks that need more than one file: a bank's rule ids against the rule packs of
its jurisdiction, its skill tags against skills.yaml, question ids across banks, and a
program's banks, scenarios, rule packs and pools against what loaded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from coach.hints import did_you_mean
from coach.quizzes.assembly import shortfalls
from coach.quizzes.model import QuestionBank
from coach.quizzes.program import CertificationProgram

QUIZZES, RULES, SCENARIOS = "quizzes", "rules", "scenarios"


def check_bank(bank: QuestionBank, source: str, context: Any) -> list[str]:
    """The bank id is its file name; rule ids and skills must exist."""
    errors = []
    if bank.bank != _stem(source):
        errors.append(f"{source}:bank: {bank.bank!r} must match the file name, {_stem(source)!r}")
    errors += [f"{source}:{error}" for error in _unknown_rules(bank, context)]
    skills = {
        f"questions.{i}.skills.{k}": skill
        for i, question in enumerate(bank.questions)
        for k, skill in enumerate(question.skills)
    }
    return errors + context.unknown_skills(source, skills)


def _unknown_rules(bank: QuestionBank, context: Any) -> list[str]:
    if RULES in context.failed:
        return []
    refs = {
        f"questions.{i}.rules.{k}": rule_id
        for i, question in enumerate(bank.questions)
        for k, rule_id in enumerate(question.rules)
    }
    return unknown_rules(refs, bank.jurisdiction, context.loaded.get(RULES, {}).values())


def unknown_rules(refs: Mapping[str, str], jurisdiction: str, packs: Iterable[Any]) -> list[str]:
    """Errors for each ``dotted.path -> rule id`` in ``refs`` that no rule pack of
    ``jurisdiction`` defines (shared by the catalog and the question editor)."""
    known = {rule.id for pack in packs if pack.jurisdiction == jurisdiction for rule in pack.rules}
    return [
        f"{path}: unknown rule {rule_id!r}: no {jurisdiction} rule pack defines it"
        + did_you_mean(rule_id, known)
        for path, rule_id in refs.items()
        if rule_id not in known
    ]


def unique_question_ids(banks: Mapping[str, QuestionBank]) -> list[str]:
    """A question id names one question everywhere (reports and item analysis use it)."""
    first: dict[str, str] = {}
    errors = []
    for source, bank in banks.items():
        for i, question in enumerate(bank.questions):
            if question.id in first:
                errors.append(
                    f"{source}:questions.{i}.id: {question.id!r} is already a question of "
                    f"{first[question.id]}"
                )
            first.setdefault(question.id, source)
    return errors


def check_program(program: CertificationProgram, source: str, context: Any) -> list[str]:
    """Banks, scenarios and rule packs exist, and the banks can fill every pool."""
    errors = []
    if program.id != _stem(source):
        errors.append(f"{source}:id: {program.id!r} must match the file name, {_stem(source)!r}")
    if QUIZZES in context.failed:
        return errors
    banks = list(context.loaded.get(QUIZZES, {}).values())
    errors += _unknown_refs(
        source, "pools.{i}.banks", [p.banks for p in program.pools], {b.bank for b in banks}
    )
    errors += _wrong_jurisdiction(program, source, banks)
    if SCENARIOS not in context.failed:
        scenarios = {s.id for s in context.loaded.get(SCENARIOS, {}).values()}
        errors += _unknown_refs(
            source, "prerequisites.scenarios", [program.prerequisites.scenarios], scenarios
        )
    if RULES not in context.failed:
        packs = {p.pack for p in context.loaded.get(RULES, {}).values()}
        errors += _unknown_refs(source, "rule_packs", [program.rule_packs], packs)
    if not errors:
        errors += [f"{source}:{problem}" for problem in shortfalls(program, banks)]
    return errors


def _unknown_refs(
    source: str, path: str, groups: list[tuple[str, ...]], known: set[str]
) -> list[str]:
    noun = path.rsplit(".", 1)[-1].rstrip("s").replace("_", " ")  # "rule_packs" -> "rule pack"
    return [
        f"{source}:{path.format(i=i)}.{k}: unknown {noun} {ref!r}" + did_you_mean(ref, known)
        for i, refs in enumerate(groups)
        for k, ref in enumerate(refs)
        if ref not in known
    ]


def _wrong_jurisdiction(
    program: CertificationProgram, source: str, banks: list[QuestionBank]
) -> list[str]:
    jurisdiction = {bank.bank: bank.jurisdiction for bank in banks}
    return [
        f"{source}:pools.{i}.banks.{k}: {ref!r} is a {jurisdiction[ref]} bank; this program "
        f"certifies {program.jurisdiction}"
        for i, pool in enumerate(program.pools)
        for k, ref in enumerate(pool.banks)
        if jurisdiction.get(ref, program.jurisdiction) != program.jurisdiction
    ]


def _stem(source: str) -> str:
    return source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
