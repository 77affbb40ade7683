"""The registry of job kinds: each maps to one service function ``(payload, progress)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coach.services import calls, scoring

Task = Callable[[dict[str, Any], Callable[[float], None]], None]

TASKS: dict[str, Task] = {
    calls.TRANSCRIBE: calls.transcribe_task,
    scoring.SCORE: scoring.score_task,
}
