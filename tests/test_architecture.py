"""The import rules of ARCHITECTURE.md §1, enforced by walking every module's AST."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "coach"
PURE_PACKAGES = ("scenarios", "quizzes", "scoring", "progress", "catalog")
FRAMEWORK = (
    "flask",
    "flask_sqlalchemy",
    "flask_login",
    "flask_wtf",
    "flask_migrate",
    "sqlalchemy",
    "wtforms",
    "werkzeug",
)
APP_LAYERS = (
    "coach.models",
    "coach.services",
    "coach.web",
    "coach.jobs",
    "coach.extensions",
    "coach.db",
    "coach.cli",
    "coach.wiring",
)
ML_LIBRARIES = (
    "faster_whisper",
    "whisper",
    "torch",
    "transformers",
    "sentence_transformers",
    "onnx",
    "onnxruntime",
    "ctranslate2",
    "sklearn",
    "parselmouth",
)


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, top_level_only: bool) -> list[str]:
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    names: list[str] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _matches(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _violations(rule) -> list[str]:
    found = []
    for path in _modules():
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [f"{module} imports {name}" for name in rule(module, tree)]
    return found


def test_pure_packages_import_no_framework_and_no_app_layer() -> None:
    def rule(module: str, tree: ast.AST) -> list[str]:
        if not _matches(module, tuple(f"coach.{p}" for p in PURE_PACKAGES)):
            return []
        return [n for n in _imports(tree, False) if _matches(n, FRAMEWORK + APP_LAYERS)]

    assert _violations(rule) == []


def test_ml_libraries_are_never_imported_at_module_level() -> None:
    assert (
        _violations(lambda _m, tree: [n for n in _imports(tree, True) if _matches(n, ML_LIBRARIES)])
        == []
    )


def test_models_do_not_import_services_or_web() -> None:
    def rule(module: str, tree: ast.AST) -> list[str]:
        if not _matches(module, ("coach.models",)):
            return []
        return [
            n
            for n in _imports(tree, False)
            if _matches(n, ("coach.services", "coach.web", "coach.jobs"))
        ]

    assert _violations(rule) == []


def test_services_do_not_import_web() -> None:
    def rule(module: str, tree: ast.AST) -> list[str]:
        if not _matches(module, ("coach.services",)):
            return []
        return [n for n in _imports(tree, False) if _matches(n, ("coach.web",))]

    assert _violations(rule) == []


def test_views_never_write_to_the_database() -> None:
    """Only services write and commit: views validate, call one service and render."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "web").rglob("*.py")
        if any(w in path.read_text(encoding="utf-8") for w in (".commit(", "session.add", "db."))
    ]
    assert offenders == []


def test_building_the_app_loads_no_ml_library(tmp_path: Path) -> None:
    code = (
        "import sys; from coach import create_app; "
        f"create_app({{'INSTANCE_PATH': {str(tmp_path)!r}}}); "
        f"print(sorted(m for m in {ML_LIBRARIES!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"
