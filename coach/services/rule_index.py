"""The loaded rule packs' rules by id: how reports, lists and recommendations name a rule."""

from __future__ import annotations

from flask import current_app

from coach.scoring.compliance.rules import Rule


def loaded_rules() -> dict[str, Rule]:
    """Every rule of every loaded pack, by id."""
    packs = current_app.extensions["coach.catalog"].get("rules")
    return {rule.id: rule for pack in packs for rule in pack.rules}


def rule_titles() -> dict[str, str]:
    """Every loaded rule's title by id."""
    return {rule_id: rule.title for rule_id, rule in loaded_rules().items()}
