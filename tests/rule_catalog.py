"""The compliance rule catalog's summary table, committed as ``tests/data/compliance_rules.csv``
so the rule packs and the scoring dev set are checked against it without any outside file."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

CATALOG = Path(__file__).resolve().parent / "data" / "compliance_rules.csv"


@cache
def rule_kinds() -> dict[str, str]:
    """Rule id -> kind, in catalog order (the file's ``#`` lines say where it comes from)."""
    with CATALOG.open(encoding="utf-8", newline="") as stream:
        rows = csv.DictReader(line for line in stream if not line.startswith("#"))
        return {row["id"]: row["kind"] for row in rows}
