"""The trainee intents a role-play reply can carry (``content/intents/intents.yaml``): ids,
titles and the definitions the corpus writers were given. Pure data, no model here."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field, field_validator

INTENT_ID = r"^[a-z][a-z0-9_]*$"


class IntentDefinition(BaseModel):
    """One intent: what a reply must do to carry it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=INTENT_ID)
    title: str = Field(min_length=1)
    definition: str = Field(min_length=1)


class IntentSet(BaseModel):
    """Every intent, in the order the writers read them; ids are unique."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    intents: tuple[IntentDefinition, ...] = Field(min_length=1)

    @field_validator("intents")
    @classmethod
    def _unique(cls, intents: tuple[IntentDefinition, ...]) -> tuple[IntentDefinition, ...]:
        counts = Counter(i.id for i in intents)
        repeated = sorted(intent for intent, n in counts.items() if n > 1)
        if repeated:
            raise ValueError(f"intent ids must be unique: {', '.join(repeated)}")
        return intents

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(i.id for i in self.intents)
