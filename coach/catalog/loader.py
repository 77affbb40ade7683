"""Load every content file into frozen values, or fail with every error at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from types import MappingProxyType
from typing import Any

from coach.catalog.errors import ContentError, located
from coach.catalog.identity import ContentIdentity, derived_version, file_digest
from coach.catalog.kinds import CONTENT_KINDS, SKILLS, CheckContext, ContentKind
from coach.progress.taxonomy import SkillTaxonomy

# Other files (README.md, notes) may sit beside content; only these suffixes are content.
CONTENT_SUFFIXES = frozenset({".yaml", ".yml", ".jsonl"})


@dataclass(frozen=True)
class Catalog:
    """All content, validated: one frozen value per file, by kind, in file-name order, each
    with the identity (kind, id, version, sha256) that usage rows pin."""

    by_kind: Mapping[str, tuple[Any, ...]]
    identities: Mapping[str, tuple[ContentIdentity, ...]]

    @property
    def skills(self) -> SkillTaxonomy:
        """The skill taxonomy from skills.yaml."""
        return self.by_kind[SKILLS][0]

    def get(self, kind: str) -> tuple[Any, ...]:
        """Every value of content kind ``kind`` (``KeyError`` for a kind not registered)."""
        return self.by_kind[kind]

    def pins(self, kind: str, ids: Iterable[str] | None = None) -> list[dict[str, str]]:
        """The identities of ``kind`` (only ``ids`` when given), as a usage row stores them."""
        wanted = None if ids is None else set(ids)
        return [
            identity.as_pin()
            for identity in self.identities[kind]
            if wanted is None or identity.id in wanted
        ]


def load_catalog(content_dir: Path, kinds: Sequence[ContentKind] = CONTENT_KINDS) -> Catalog:
    """The whole catalog, or ``ContentError`` listing every problem; never a partial one."""
    if not content_dir.is_dir():
        raise ContentError([f"{content_dir}: content directory not found"])
    loaded: dict[str, dict[str, Any]] = {kind.name: {} for kind in kinds}
    identities: dict[str, dict[str, ContentIdentity]] = {kind.name: {} for kind in kinds}
    errors: list[str] = []
    claimed: set[str] = set()
    failed: set[str] = set()
    for source, path in _content_files(content_dir):
        kind = _claimant(source, kinds)
        if kind is None:
            errors.append(located(source, (), _unclaimed_message(kinds)))
            continue
        claimed.add(kind.name)
        try:
            value = kind.load(path, source)
        except ContentError as exc:
            errors.extend(exc.errors)
            failed.add(kind.name)
            continue
        loaded[kind.name][source] = value
        identities[kind.name][source] = _identity(kind, value, source, path)
    errors.extend(
        located(kind.pattern, (), "required file is missing")
        for kind in kinds
        if kind.required and kind.name not in claimed
    )
    errors.extend(_cross_file_errors(kinds, CheckContext(loaded, frozenset(failed))))
    errors.extend(_duplicate_ids(identities))
    if errors:
        raise ContentError(errors)
    return Catalog(
        MappingProxyType({name: tuple(v.values()) for name, v in loaded.items()}),
        MappingProxyType({name: tuple(v.values()) for name, v in identities.items()}),
    )


def check_content(content_dir: Path) -> list[str]:
    """Every content error as ``file:path: message`` lines; empty when all is valid."""
    try:
        load_catalog(content_dir)
    except ContentError as exc:
        return exc.errors
    return []


def _identity(kind: ContentKind, value: Any, source: str, path: Path) -> ContentIdentity:
    digest = file_digest(path.read_bytes())
    entry_id, version = kind.identify(value, source)
    return ContentIdentity(kind.name, entry_id, version or derived_version(digest), digest)


def _duplicate_ids(identities: Mapping[str, Mapping[str, ContentIdentity]]) -> list[str]:
    """Two files of one kind may not share an id: a pin must name one file."""
    errors = []
    for by_source in identities.values():
        first: dict[str, str] = {}
        for source, identity in by_source.items():
            if identity.id in first:
                message = f"duplicate id {identity.id!r}: {first[identity.id]} has it already"
                errors.append(located(source, (), message))
            first.setdefault(identity.id, source)
    return errors


def _content_files(content_dir: Path) -> Iterator[tuple[str, Path]]:
    """(relative posix name, path) of each content file, sorted; hidden folders and files
    (``.git``, ``.github``) are tooling, not content, and other suffixes are notes."""
    for path in sorted(content_dir.rglob("*")):
        relative = path.relative_to(content_dir)
        if path.suffix.lower() not in CONTENT_SUFFIXES or not path.is_file():
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


def _cross_file_errors(kinds: Sequence[ContentKind], context: CheckContext) -> list[str]:
    loaded = context.loaded
    per_file = [
        error
        for kind in kinds
        if kind.check is not None
        for source, value in loaded[kind.name].items()
        for error in kind.check(value, source, context)
    ]
    per_kind = [
        error
        for kind in kinds
        if kind.check_all is not None
        for error in kind.check_all(loaded[kind.name])
    ]
    return per_file + per_kind
