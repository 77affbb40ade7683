"""The lock file that `make run` and `make test` install from still covers pyproject.toml."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
# A pinned entry: "name==version \" followed by its "--hash=sha256:..." lines.
_ENTRY = re.compile(r"^([A-Za-z0-9_.\-]+)==(\S+)((?:\s*\\\n\s+--hash=sha256:[0-9a-f]{64})+)", re.M)


def _locked() -> dict[str, tuple[Version, int]]:
    text = (ROOT / "requirements.lock").read_text()
    return {
        canonicalize_name(name): (Version(version), hashes.count("--hash="))
        for name, version, hashes in _ENTRY.findall(text)
    }


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(line) for line in declared]


def test_every_declared_requirement_is_locked_within_its_range() -> None:
    locked = _locked()
    problems = []
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{requirement} is not in requirements.lock")
        elif not requirement.specifier.contains(locked[name][0], prereleases=True):
            problems.append(f"{requirement}: the lock pins {locked[name][0]}")
    assert problems == [], "run `make lock`:\n" + "\n".join(problems)


def test_every_locked_package_carries_a_hash() -> None:
    text = (ROOT / "requirements.lock").read_text()
    pins = re.findall(r"^[A-Za-z0-9_.\-]+==\S+", text, re.M)
    assert len(pins) == len(_locked()) > 50
    assert all(count >= 1 for _version, count in _locked().values())
