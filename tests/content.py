"""The repository's own content, loaded once per test process through the real catalog."""

from __future__ import annotations

import functools
from pathlib import Path

from coach.catalog import Catalog, load_catalog
from coach.scoring.compliance.rules import RulePack, group_by_jurisdiction

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


@functools.cache
def repo_catalog() -> Catalog:
    """Everything under ``content/``, validated."""
    return load_catalog(CONTENT_DIR)


def repo_packs() -> dict[str, list[RulePack]]:
    """The shipped rule packs by jurisdiction."""
    return group_by_jurisdiction(repo_catalog().get("rules"))
