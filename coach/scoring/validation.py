"""Turning request JSON into scoring's models, with one message a caller can show as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


def validated(
    model: type[Model],
    value: Mapping[str, Any],
    name: str,
    root: str,
    error: type[ValueError] = ValueError,
) -> Model:
    """``model`` from ``value``, or ``error("invalid <name>: <path>: <problem>; …")`` naming
    every bad field by its dotted path (``root`` when the fault is the whole value)."""
    try:
        return model.model_validate(dict(value))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or root}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise error(f"invalid {name}: {problems}") from None
