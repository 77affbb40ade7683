"""Reads ``content/`` into frozen, validated values; reports every error as file:path: message."""

from coach.catalog.errors import ContentError
from coach.catalog.identity import ContentIdentity
from coach.catalog.kinds import CONTENT_KINDS, CheckContext, ContentKind, schema
from coach.catalog.loader import Catalog, check_content, load_catalog

__all__ = [
    "CONTENT_KINDS",
    "Catalog",
    "CheckContext",
    "ContentError",
    "ContentIdentity",
    "ContentKind",
    "check_content",
    "load_catalog",
    "schema",
]
