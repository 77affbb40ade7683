"""Rule-exemplar rows kept in the model cache: read back by a later process, else embedded."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coach.nlp.exemplar_cache import cached_matcher
from coach.nlp.semantic import matcher_for
from tests.fakes import FakeEncoder

EXEMPLARS = ["this is an attempt to collect a debt", "we will take you to court"]


def _key(tmp_path: Path) -> str:
    """A pack key of this test alone (matchers are registered per process by key)."""
    return f"pack-{tmp_path.name}"


def test_a_later_process_reads_the_rows_instead_of_embedding(tmp_path: Path) -> None:
    first = FakeEncoder()
    made = cached_matcher(_key(tmp_path), first, [*EXEMPLARS, EXEMPLARS[0]], tmp_path)
    later = FakeEncoder()  # a new process: a new encoder object with the same model id

    read = cached_matcher(_key(tmp_path), later, EXEMPLARS, tmp_path)

    assert (first.texts_encoded, later.texts_encoded) == (2, 0)
    np.testing.assert_array_equal(read.exemplar_rows(EXEMPLARS), made.exemplar_rows(EXEMPLARS))
    # Scoring asks for the pack's matcher by key and encoder and gets the one read from disk.
    assert matcher_for(_key(tmp_path), later, EXEMPLARS) is read


def test_tampered_rows_are_embedded_again(tmp_path: Path) -> None:
    cached_matcher(_key(tmp_path), FakeEncoder(), EXEMPLARS, tmp_path)
    (stored,) = tmp_path.glob("exemplars-*.npz")
    stored.write_bytes(stored.read_bytes()[:-8] + bytes(8))
    later = FakeEncoder()

    cached_matcher(_key(tmp_path), later, EXEMPLARS, tmp_path)

    assert later.texts_encoded == len(EXEMPLARS)


def test_other_texts_under_the_same_key_are_embedded_again(tmp_path: Path) -> None:
    cached_matcher(_key(tmp_path), FakeEncoder(), EXEMPLARS, tmp_path)
    later = FakeEncoder()

    matcher = cached_matcher(_key(tmp_path), later, ["you owe us money"], tmp_path)

    assert later.texts_encoded == 1
    assert matcher.exemplar_rows(["you owe us money"]).shape == (1, 384)


def test_another_encoder_keeps_its_own_rows(tmp_path: Path) -> None:
    cached_matcher(_key(tmp_path), FakeEncoder(), EXEMPLARS, tmp_path)
    other = FakeEncoder()
    other.model_id = "fake:another-model"

    cached_matcher(_key(tmp_path), other, EXEMPLARS, tmp_path)

    assert other.texts_encoded == len(EXEMPLARS)
    assert len(list(tmp_path.glob("exemplars-*.npz"))) == 2
