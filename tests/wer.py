"""Accuracy measures against reference transcripts, shared by the ML tests and ``bench/asr.py``."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from coach.transcript import Speaker, Transcript

_WORD = re.compile(r"[a-z0-9']+")
_SCRIPT_SPEAKERS: dict[str, Speaker] = {"A": "agent", "D": "debtor"}


def normalise_words(text: str) -> list[str]:
    """Lower-case words without punctuation, so only recognition errors count."""
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def word_error_rate(reference: str, hypothesis: str) -> float:
    """(substitutions + deletions + insertions) / reference words, by edit distance."""
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    if not ref:
        return float(bool(hyp))
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i]
        for j, hyp_word in enumerate(hyp, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_word != hyp_word))
            )
        previous = current
    return previous[-1] / len(ref)


def read_script(path: str | os.PathLike[str]) -> list[tuple[Speaker, str]]:
    """Reference turns from a ``.script`` file (``A|text`` / ``D|text`` lines)."""
    turns = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            tag, _, text = line.partition("|")
            turns.append((_SCRIPT_SPEAKERS[tag.strip()], text.strip()))
    return turns


def speaker_accuracy(reference: Sequence[tuple[Speaker, str]], transcript: Transcript) -> float:
    """Share of correctly recognised words that are also attributed to the right speaker."""
    ref = [(speaker, w) for speaker, text in reference for w in normalise_words(text)]
    hyp = [(turn.speaker, w) for turn in transcript.turns for w in normalise_words(turn.text)]
    matcher = difflib.SequenceMatcher(a=[w for _, w in ref], b=[w for _, w in hyp], autojunk=False)
    matched = agreed = 0
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            matched += 1
            agreed += ref[block.a + k][0] == hyp[block.b + k][0]
    return agreed / matched if matched else 0.0
