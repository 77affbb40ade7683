"""Value types shared by transcription and scoring.

The JSON shape of :class:`Transcript` is a public contract (``flask coach calls transcribe
--json`` prints it and ``flask coach score`` reads it), so field names here must not change.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Speaker = Literal["agent", "debtor"]


class Word(BaseModel):
    """One recognised word with its time span in seconds."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    w: str
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class Turn(BaseModel):
    """A stretch of speech by one speaker; times are optional for text-only transcripts."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    speaker: Speaker
    text: str
    start: float | None = Field(default=None, ge=0)
    end: float | None = Field(default=None, ge=0)
    words: tuple[Word, ...] = ()
    speaker_confidence: float | None = Field(default=None, ge=0, le=1)

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Turn:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("turn end is before its start")
        return self


class Transcript(BaseModel):
    """A whole call as ordered turns; ``duration`` is the audio length when there was audio."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    duration: float | None = Field(default=None, ge=0)
    language: str = "en"
    turns: tuple[Turn, ...] = ()

    def to_json_dict(self) -> dict:
        """The public JSON shape (None-valued optional fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)
