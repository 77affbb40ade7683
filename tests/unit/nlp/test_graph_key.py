"""The cached encoder graph's key follows the model folder's files, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.nlp.onnx_export import graph_key


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    model = tmp_path / "model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "config.json").write_text('{"hidden_size": 384}')
    (model / "model.safetensors").write_bytes(b"weights")
    return model


def test_key_is_stable_for_unchanged_files(folder: Path) -> None:
    assert graph_key(folder) == graph_key(folder)


def test_changed_weights_change_the_key(folder: Path) -> None:
    before = graph_key(folder)
    (folder / "model.safetensors").write_bytes(b"other weights")
    assert graph_key(folder) != before


def test_renamed_or_added_file_changes_the_key(folder: Path) -> None:
    before = graph_key(folder)
    (folder / "tokenizer.json").write_text("{}")
    added = graph_key(folder)
    (folder / "tokenizer.json").rename(folder / "vocab.txt")
    assert len({before, added, graph_key(folder)}) == 3


def test_subfolders_are_not_part_of_the_graph(folder: Path) -> None:
    before = graph_key(folder)
    (folder / "1_Pooling" / "config.json").write_text('{"pooling_mode_mean_tokens": true}')
    assert graph_key(folder) == before
