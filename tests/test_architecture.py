"""The import rules of ARCHITECTURE.md §1, enforced by walking every module's AST."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "coach"
PURE_PACKAGES = ("scenarios", "quizzes", "scoring", "progress", "catalog", "privacy")
# The catalog is the one pure package that reads files: it is how content/ gets in.
NO_IO_PACKAGES = tuple(p for p in PURE_PACKAGES if p != "catalog")
IO_MODULES = (
    "os",
    "io",
    "shutil",
    "tempfile",
    "pickle",
    "socket",
    "urllib",
    "http",
    "requests",
    "httpx",
    "subprocess",
    "pathlib",
    "glob",
)
IO_CALLS = frozenset({"open"})
IO_METHODS = frozenset(
    {
        "read_text",
        "read_bytes",
        "write_text",
        "write_bytes",
        "open",
        "glob",
        "rglob",
        "iterdir",
        "mkdir",
        "unlink",
        "rename",
        "touch",
        "exists",
        "is_file",
        "is_dir",
    }
)
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


def test_services_never_import_jobs() -> None:
    """Jobs run services; services reach the queue through the ``queueing`` port only."""

    def rule(module: str, tree: ast.AST) -> list[str]:
        if not _matches(module, ("coach.services",)):
            return []
        return [n for n in _imports(tree, False) if _matches(n, ("coach.jobs",))]

    assert _violations(rule) == []


def test_no_relative_imports() -> None:
    """A relative import would slip past every rule here, which reads absolute names."""
    found = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [
            f"{_module_name(path)}:{node.lineno}"
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level > 0
        ]
    assert found == []


def test_pure_packages_do_no_file_or_network_io() -> None:
    """Scoring, progress, scenarios and quizzes take loaded values; the app does the I/O."""

    def rule(module: str, tree: ast.AST) -> list[str]:
        if not _matches(module, tuple(f"coach.{p}" for p in NO_IO_PACKAGES)):
            return []
        found = [n for n in _imports(tree, False) if _matches(n, IO_MODULES)]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id in IO_CALLS:
                found.append(f"{node.func.id}() at line {node.lineno}")
            elif isinstance(node.func, ast.Attribute) and node.func.attr in IO_METHODS:
                found.append(f".{node.func.attr}() at line {node.lineno}")
        return found

    assert _violations(rule) == []


def test_no_import_cycles_inside_coach() -> None:
    """Function-level imports count too: a cycle hidden inside a function is still a cycle.
    Imports under ``if TYPE_CHECKING:`` never run and are left out."""
    graph = _import_graph()
    cycles = [" <-> ".join(component) for component in _cycles(graph)]
    assert cycles == []


def _import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in _modules()}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for target in _runtime_imports(tree):
            for candidate in target:
                if candidate in modules and candidate != name:
                    graph[name].add(candidate)
                    break
    return graph


def _runtime_imports(tree: ast.AST) -> Iterator[list[str]]:
    """For each import, the module names it may load, most specific first."""
    for node in _walk_skipping_type_checking(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield [alias.name]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield [f"{node.module}.{alias.name}", node.module]


def _walk_skipping_type_checking(tree: ast.AST) -> Iterator[ast.AST]:
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each strongly connected component of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def test_cycle_finder_sees_a_cycle() -> None:
    """The cycle test above can fail: a two-module loop is found."""
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
