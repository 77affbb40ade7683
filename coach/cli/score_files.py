"""File and JSONL entry points for the CLI: ``flask coach score`` and ``--batch``.

The models are loaded once by the caller; each batch line is scored on its own, so one bad
line becomes ``{"line": n, "error": "..."}`` on that line instead of stopping the batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from coach.scoring.pipeline import ScoringModels, score_transcript
from coach.scoring.result import Scorecard

DEFAULT_JURISDICTION = "US"


def read_json(path: str | Path, what: str) -> Any:
    """Parse a JSON file, or raise ``ValueError`` naming the file and what it should hold."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {what} file {path}: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: {what} is not valid JSON: {exc}") from None


def score_file(
    path: str | Path,
    jurisdiction: str,
    metadata_path: str | Path | None,
    models: ScoringModels,
    scorecard_id: str = "default",
) -> Scorecard:
    """Score one transcript JSON file (the public transcript shape) with optional metadata."""
    transcript = read_json(path, "transcript")
    metadata = read_json(metadata_path, "metadata") if metadata_path is not None else None
    return score_transcript(transcript, jurisdiction, metadata, models, scorecard_id)


def score_batch(
    lines: Iterable[str], models: ScoringModels, scorecard_id: str = "default"
) -> Iterator[str]:
    """One JSON scorecard (or error object) per input line; blank lines are skipped."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            result = _score_line(line, models, scorecard_id).to_json_dict()
        except ValueError as exc:
            result = {"line": number, "error": str(exc)}
        yield json.dumps(result, ensure_ascii=False, sort_keys=False)


def _score_line(line: str, models: ScoringModels, scorecard_id: str) -> Scorecard:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc}") from None
    if not isinstance(record, dict) or "transcript" not in record:
        raise ValueError(
            'each line must be an object with "transcript" (and optional '
            '"jurisdiction", "metadata")'
        )
    return score_transcript(
        record["transcript"],
        record.get("jurisdiction", DEFAULT_JURISDICTION),
        record.get("metadata"),
        models,
        scorecard_id,
    )
