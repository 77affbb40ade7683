"""Scripted paths through each shipped scenario, one module per scenario (named after its id,
dashes as underscores), each with ``LAWFUL`` and ``UNLAWFUL``: a :class:`Path` each."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass

from coach.scenarios.engine import EndingReached, ReplyFinding

Turn = tuple[str, Iterable[str], Iterable[ReplyFinding]]


@dataclass(frozen=True)
class Path:
    """Replies with what each does, and where the call must end."""

    turns: tuple[Turn, ...]
    ending: EndingReached


def scenario_paths() -> dict[str, tuple[Path, Path]]:
    """(lawful, unlawful) by scenario id, from every module of this package."""
    found = {}
    for module in pkgutil.iter_modules(__path__):
        paths = importlib.import_module(f"{__name__}.{module.name}")
        found[module.name.replace("_", "-")] = (paths.LAWFUL, paths.UNLAWFUL)
    return found
