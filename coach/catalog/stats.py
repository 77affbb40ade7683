"""Counts of what the catalog holds, for ``flask coach content stats``."""

from __future__ import annotations

from collections import Counter
from typing import Any, get_args

from coach.catalog.kinds import QUIZZES
from coach.catalog.loader import Catalog
from coach.quizzes.model import QUESTION_TYPES, Jurisdiction


def content_stats(catalog: Catalog) -> dict[str, Any]:
    """How many entries of each content kind loaded, and the questions by jurisdiction and
    by type (every jurisdiction and registered type listed, zeros included)."""
    stats: dict[str, Any] = {kind: len(values) for kind, values in catalog.by_kind.items()}
    questions = [
        (bank.jurisdiction, q.type) for bank in catalog.get(QUIZZES) for q in bank.questions
    ]
    jurisdictions = Counter(jurisdiction for jurisdiction, _ in questions)
    types = Counter(question_type for _, question_type in questions)
    stats["questions"] = {
        "total": len(questions),
        "per_jurisdiction": {j: jurisdictions[j] for j in get_args(Jurisdiction)},
        "per_type": {t: types[t] for t in QUESTION_TYPES},
    }
    return stats
