"""Load every content file into frozen values, or fail with every error at once."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from types import MappingProxyType
from typing import Any

from coach.catalog.errors import ContentError, located
from coach.catalog.kinds import CONTENT_KINDS, SKILLS, CheckContext, ContentKind
from coach.progress.taxonomy import SkillTaxonomy

YAML_SUFFIXES = frozenset({".yaml", ".yml"})


@dataclass(frozen=True)
class Catalog:
    """All content, validated: one frozen value per file, by kind, in file-name order."""

    by_kind: Mapping[str, tuple[Any, ...]]

    @property
    def skills(self) -> SkillTaxonomy:
        """The skill taxonomy from skills.yaml."""
        return self.by_kind[SKILLS][0]

    def get(self, kind: str) -> tuple[Any, ...]:
        """Every value of content kind ``kind`` (``KeyError`` for a kind not registered)."""
        return self.by_kind[kind]


def load_catalog(content_dir: Path, kinds: Sequence[ContentKind] = CONTENT_KINDS) -> Catalog:
    """The whole catalog, or ``ContentError`` listing every problem; never a partial one."""
    if not content_dir.is_dir():
        raise ContentError([f"{content_dir}: content directory not found"])
    loaded: dict[str, dict[str, Any]] = {kind.name: {} for kind in kinds}
    errors: list[str] = []
    claimed: set[str] = set()
    for source, path in _yaml_files(content_dir):
        kind = _claimant(source, kinds)
        if kind is None:
            errors.append(located(source, (), _unclaimed_message(kinds)))
            continue
        claimed.add(kind.name)
        try:
            loaded[kind.name][source] = kind.load(path, source)
        except ContentError as exc:
            errors.extend(exc.errors)
    errors.extend(
        located(kind.pattern, (), "required file is missing")
        for kind in kinds
        if kind.required and kind.name not in claimed
    )
    errors.extend(_cross_file_errors(kinds, loaded))
    if errors:
        raise ContentError(errors)
    return Catalog(MappingProxyType({name: tuple(v.values()) for name, v in loaded.items()}))


def check_content(content_dir: Path) -> list[str]:
    """Every content error as ``file:path: message`` lines; empty when all is valid."""
    try:
        load_catalog(content_dir)
    except ContentError as exc:
        return exc.errors
    return []


def _yaml_files(content_dir: Path) -> Iterator[tuple[str, Path]]:
    """(relative posix name, path) of each YAML file, sorted; hidden folders and files
    (``.git``, ``.github``) are tooling, not content. Other suffixes are not YAML content."""
    for path in sorted(content_dir.rglob("*")):
        relative = path.relative_to(content_dir)
        if path.suffix.lower() not in YAML_SUFFIXES or not path.is_file():
            continue
        if any(part.startswith(".") for part in relative.parts):
            continue
        yield relative.as_posix(), path


def _claimant(source: str, kinds: Sequence[ContentKind]) -> ContentKind | None:
    """The first kind whose pattern matches ``source`` part by part (``*`` stays in a folder)."""
    parts = source.split("/")
    for kind in kinds:
        pattern = kind.pattern.split("/")
        if len(pattern) == len(parts) and all(map(fnmatchcase, parts, pattern)):
            return kind
    return None


def _unclaimed_message(kinds: Sequence[ContentKind]) -> str:
    expected = ", ".join(kind.pattern for kind in kinds)
    return f"not a known content file (a typo in its name or folder?); expected {expected}"


def _cross_file_errors(
    kinds: Sequence[ContentKind], loaded: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    context = CheckContext(loaded=loaded)
    return [
        error
        for kind in kinds
        if kind.check is not None
        for source, value in loaded[kind.name].items()
        for error in kind.check(value, source, context)
    ]
