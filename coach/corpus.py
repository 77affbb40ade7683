"""Labelled text corpora (``content/**/*.jsonl``): what the catalog loads and heads train on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LabelledText:
    """One training example (a jsonl line's other keys, e.g. locale, are not kept)."""

    text: str
    label: str


@dataclass(frozen=True)
class Corpus:
    """The examples of one corpus file, in file order."""

    examples: tuple[LabelledText, ...]

    @property
    def labels(self) -> frozenset[str]:
        """Every label used in the file."""
        return frozenset(e.label for e in self.examples)


def examples_of(corpora: tuple[Corpus, ...]) -> list[LabelledText]:
    """All examples of several corpus files (one head trains on a folder of them)."""
    return [example for corpus in corpora for example in corpus.examples]
