"""Model-cache files are read back only while their digest sidecar matches them."""

from __future__ import annotations

from pathlib import Path

from coach.nlp.cache_files import read_verified, write_verified


def test_written_file_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "head-1.pkl"
    write_verified(path, b"payload")
    assert read_verified(path) == b"payload"
    assert sorted(p.name for p in path.parent.iterdir()) == ["head-1.pkl", "head-1.sha256"]


def test_edited_file_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "head-1.pkl"
    write_verified(path, b"payload")
    path.write_bytes(b"payload, edited")
    assert read_verified(path) is None


def test_file_without_its_digest_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "head-1.pkl"
    write_verified(path, b"payload")
    (tmp_path / "head-1.sha256").unlink()
    assert read_verified(path) is None
    assert read_verified(tmp_path / "missing.pkl") is None


def test_rewriting_replaces_the_file_and_its_digest(tmp_path: Path) -> None:
    path = tmp_path / "head-1.pkl"
    write_verified(path, b"old")
    write_verified(path, b"new")
    assert read_verified(path) == b"new"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
