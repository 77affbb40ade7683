"""The deployment files (Dockerfile, .dockerignore, compose.yaml, docs/deployment.md), checked
without a container engine (the project's machines run none, so the image is never built
here): every Coach command they run exists in the CLI with the options given, every
``COACH_*`` variable they set is one Coach reads and its value passes Coach's validation, the
lock is installed with its hashes, the image runs offline as a non-root user, and what it
copies exists and is not kept out of the build context."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from coach.cli import coach_group
from coach.config import SETTINGS, load_config

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deployment.md"
# Read by coach.create_app itself, not a SETTINGS key.
EXTRA_COACH_VARIABLES = {"COACH_INSTANCE_PATH"}
COACH_SERVICES = ("setup", "web", "worker", "speech-gpu")
WORKER_COMMAND = ["flask", "--app", "coach", "coach", "jobs", "worker"]
# Stand-ins for the values compose requires from .env (${NAME:?message}).
REQUIRED_FROM_ENV = {"POSTGRES_PASSWORD": "example", "COACH_SECRET_KEY": "0" * 64}
_SHELL_SEPARATORS = {"&&", "||", ";", "|"}
_INTERPOLATION = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


# --- compose.yaml ----------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def service(name: str) -> dict[str, Any]:
    return compose()["services"][name]


def environment(definition: dict[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping, whichever of compose's two forms it uses."""
    env = definition.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def interpolate(value: str, required: set[str]) -> str:
    """``value`` as compose would pass it with an empty .env: ``${X:-default}`` gives the
    default, ``${X:?message}`` (recorded in ``required``) a stand-in, ``${X}`` nothing."""

    def one(match: re.Match[str]) -> str:
        name, operator, argument = match.groups()
        if operator == "?":
            required.add(name)
            return REQUIRED_FROM_ENV.get(name, "stand-in")
        return argument if operator == "-" else ""

    return _INTERPOLATION.sub(one, value)


def test_compose_parses_with_every_service() -> None:
    services = compose()["services"]
    assert set(COACH_SERVICES) | {"postgres", "redis"} <= set(services)
    assert service("postgres")["image"].startswith("postgres:15")
    assert service("redis")["image"].startswith("redis:7")
    assert "pg_isready" in " ".join(service("postgres")["healthcheck"]["test"])


def test_web_runs_gunicorn_with_the_project_settings_on_loopback() -> None:
    web = service("web")
    command = web["command"]
    assert command[0] == "gunicorn" and command[-1] == "coach.wsgi:app"
    assert command[command.index("-c") + 1] == "deploy/gunicorn.conf.py"
    assert command[command.index("--bind") + 1] == "0.0.0.0:8000"
    assert (ROOT / "deploy" / "gunicorn.conf.py").is_file()
    assert web["ports"] and all(str(port).startswith("127.0.0.1:") for port in web["ports"])


def test_web_health_check_asks_readyz_without_curl() -> None:
    test = service("web")["healthcheck"]["test"]
    assert test[0] == "CMD" and test[1] == "python"
    joined = " ".join(test)
    assert "/readyz" in joined and "127.0.0.1:8000" in joined
    assert "curl" not in joined and "wget" not in joined  # not in the slim image


def test_workers_run_the_rq_worker_command() -> None:
    worker = service("worker")
    assert worker["command"] == WORKER_COMMAND
    env = environment(worker)
    assert env["COACH_JOB_RUNNER"] == "rq" and env["COACH_REDIS_URL"]
    assert env["COACH_ASR_CPU_THREADS"]
    assert worker["deploy"]["replicas"] == 2


def test_gpu_worker_is_a_profile_with_a_gpu_reservation_and_an_existing_target() -> None:
    gpu = service("speech-gpu")
    assert gpu["profiles"] == ["gpu"]
    assert gpu["command"] == WORKER_COMMAND
    assert environment(gpu)["COACH_ASR_DEVICE"] == "cuda"
    devices = gpu["deploy"]["resources"]["reservations"]["devices"]
    assert any("gpu" in device["capabilities"] for device in devices)
    assert gpu["build"]["target"] in stages()


def test_every_coach_service_builds_a_target_of_the_dockerfile() -> None:
    for name in COACH_SERVICES:
        assert service(name)["build"]["target"] in stages(), name


def test_setup_runs_before_web_and_workers() -> None:
    assert service("setup")["command"][:5] == ["flask", "--app", "coach", "coach", "setup"]
    assert "--no-demo" in service("setup")["command"]
    for name in ("web", "worker", "speech-gpu"):
        depends = service(name)["depends_on"]
        assert depends["setup"]["condition"] == "service_completed_successfully", name


def test_coach_services_share_database_secret_and_storage() -> None:
    shared = (
        "COACH_DATABASE_URL",
        "COACH_SECRET_KEY",
        "COACH_JOB_RUNNER",
        "COACH_REDIS_URL",
        "COACH_INSTANCE_PATH",
        "COACH_RECORDINGS_DIR",
        "COACH_MODEL_CACHE_DIR",
    )
    envs = {name: environment(service(name)) for name in COACH_SERVICES}
    for key in shared:
        values = {env.get(key) for env in envs.values()}
        assert len(values) == 1 and None not in values, key
    assert envs["web"]["COACH_SECRET_KEY"].startswith("${COACH_SECRET_KEY:?")
    for name in COACH_SERVICES:  # each shared folder is a volume mounted where Coach looks
        mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in service(name)["volumes"]}
        for key in ("COACH_INSTANCE_PATH", "COACH_RECORDINGS_DIR", "COACH_MODEL_CACHE_DIR"):
            assert mounts[envs[name][key]] in compose()["volumes"], (name, key)


@pytest.mark.parametrize("name", COACH_SERVICES)
def test_compose_environment_passes_coach_validation(name: str, tmp_path: Path) -> None:
    required: set[str] = set()
    env = {key: interpolate(value, required) for key, value in environment(service(name)).items()}
    assert required == set(REQUIRED_FROM_ENV)
    values = load_config(tmp_path, environ=env)  # ConfigError names a bad key
    assert values["DATABASE_URL"].startswith("postgresql+psycopg://")
    assert values["JOB_RUNNER"] == "rq"
    assert values["LOG_FORMAT"] == "json" and values["HTTPS"] is True
    assert not (tmp_path / "secret_key").exists()  # the key came from the environment


# --- Dockerfile ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[Instruction]


def instructions() -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    parsed: list[Instruction] = []
    pending = ""
    for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        parsed.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return parsed


def stages() -> dict[str, Stage]:
    """Build stages by name, in order (the last one is what a plain build produces)."""
    found: dict[str, Stage] = {}
    for instruction in instructions():
        if instruction.keyword == "FROM":
            words = instruction.arguments.split()
            name = words[2] if len(words) == 3 and words[1].lower() == "as" else f"#{len(found)}"
            found[name] = Stage(name, words[0], [])
        elif found:
            found[next(reversed(found))].instructions.append(instruction)
    return found


def env_assignments(instruction: Instruction) -> dict[str, str]:
    words = shlex.split(instruction.arguments)
    if words and "=" not in words[0]:  # the legacy form: ENV NAME value
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) for word in words)


def stage_user(name: str) -> str:
    """The user a stage's processes run as: its last USER, else its base stage's, else the
    base image's (root for the Python images)."""
    stage = stages()[name]
    users = [i.arguments for i in stage.instructions if i.keyword == "USER"]
    if users:
        return users[-1]
    return stage_user(stage.base) if stage.base in stages() else "root"


def stage_env(name: str) -> dict[str, str]:
    stage = stages()[name]
    env = stage_env(stage.base) if stage.base in stages() else {}
    for instruction in stage.instructions:
        if instruction.keyword == "ENV":
            env.update(env_assignments(instruction))
    return env


def runs() -> list[list[str]]:
    return [shlex.split(i.arguments) for i in instructions() if i.keyword == "RUN"]


def copied_sources() -> list[str]:
    """What COPY takes from the build context (not from another stage)."""
    sources: list[str] = []
    for instruction in instructions():
        if instruction.keyword in {"COPY", "ADD"}:
            words = shlex.split(instruction.arguments)
            if any(word.startswith("--from") for word in words):
                continue
            paths = [word for word in words if not word.startswith("--")]
            assert instruction.keyword == "COPY", "ADD fetches URLs and unpacks: use COPY"
            sources += paths[:-1]
    return sources


def test_image_installs_exactly_the_lock_with_hashes() -> None:
    installs = [run for run in runs() if run[:2] == ["pip", "install"] and "-r" in run]
    assert len(installs) == 1
    install = installs[0]
    assert install[install.index("-r") + 1] == "requirements.lock"
    assert "--require-hashes" in install and "--no-deps" in install
    # The CPU build of torch the lock pins comes from PyTorch's own index.
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert re.search(r"^torch==[\w.]+\+cpu ", lock, re.M)
    assert stage_env("base")["PIP_EXTRA_INDEX_URL"] == "https://download.pytorch.org/whl/cpu"


def test_coach_is_installed_editable_beside_its_templates_and_content() -> None:
    """The app finds templates/ and content/ beside the package (coach.config.REPO_ROOT);
    a wheel of the project would carry neither, nor the static files and migrations."""
    readme = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "readme"
    ]
    sources = {source.rstrip("/") for source in copied_sources()}
    needed = {"requirements.lock", "pyproject.toml", readme, "coach", "templates", "content"}
    assert needed | {"deploy"} <= sources
    editable = [run for run in runs() if run[:2] == ["pip", "install"] and "-e" in run]
    assert editable and editable[0][editable[0].index("-e") + 1] == "."


def test_every_stage_runs_as_a_non_root_user() -> None:
    for name in stages():
        user = stage_user(name)
        assert user.split(":")[0] not in {"root", "0", ""}, name
    assert next(reversed(stages())) == "runtime"  # the default target is the CPU image


def test_image_never_downloads_a_model() -> None:
    for name in stages():
        env = stage_env(name)
        assert env.get("HF_HUB_OFFLINE") == "1", name
        assert env.get("TRANSFORMERS_OFFLINE") == "1", name


def test_default_command_is_the_web_server() -> None:
    final = stages()[next(reversed(stages()))]
    commands = [i for i in final.instructions if i.keyword == "CMD"]
    command = json.loads(commands[-1].arguments) if commands else image_command("base")
    assert command == service("web")["command"]


def image_command(name: str) -> list[str]:
    stage = stages()[name]
    commands = [i for i in stage.instructions if i.keyword == "CMD"]
    return json.loads(commands[-1].arguments) if commands else image_command(stage.base)


def test_gpu_target_runs_the_worker_on_cuda() -> None:
    assert image_command("speech-gpu") == WORKER_COMMAND
    assert stage_env("speech-gpu")["COACH_ASR_DEVICE"] == "cuda"


# --- .dockerignore ---------------------------------------------------------------------------


def ignore_patterns() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str) -> bool:
    """Whether .dockerignore keeps ``path`` (or a folder above it) out of the context."""
    parts = Path(path.rstrip("/")).parts
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for pattern in ignore_patterns():
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        anywhere = pattern.startswith("**/")
        for prefix in prefixes:
            candidate = prefix.rsplit("/", 1)[-1] if anywhere else prefix
            if fnmatch.fnmatchcase(candidate, pattern.removeprefix("**/")):
                verdict = not negated
    return verdict


def test_copied_paths_exist_and_reach_the_build_context() -> None:
    for source in copied_sources():
        assert (ROOT / source).exists(), source
        assert not ignored(source), f"{source} is excluded by .dockerignore"


def test_dockerignore_keeps_out_environments_data_and_secrets() -> None:
    for path in (".venv", "instance", "node_modules", ".git", ".env", "coach/__pycache__"):
        assert ignored(path), path
    for path in ("coach", "templates", "content", "deploy", "requirements.lock"):
        assert not ignored(path), path


# --- variables and commands across the files -------------------------------------------------


def set_variables() -> dict[str, str]:
    """Every variable compose or the Dockerfile sets, with where."""
    found = {}
    for name, definition in compose()["services"].items():
        for key in environment(definition):
            found[key] = f"compose.yaml: {name}"
    for instruction in instructions():
        if instruction.keyword == "ENV":
            for key in env_assignments(instruction):
                found[key] = "Dockerfile"
    return found


def test_every_coach_variable_set_or_documented_is_one_coach_reads() -> None:
    known = {f"COACH_{key}" for key in SETTINGS} | EXTRA_COACH_VARIABLES
    named = {key: where for key, where in set_variables().items() if key.startswith("COACH_")}
    for key in re.findall(r"\bCOACH_[A-Z0-9_]+\b", DOC.read_text(encoding="utf-8")):
        named.setdefault(key, "docs/deployment.md")
    compose_text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    for key in re.findall(r"\$\{(COACH_\w+)", compose_text):  # read from .env
        named.setdefault(key, "compose.yaml interpolation")
    unknown = sorted(f"{key} ({where})" for key, where in named.items() if key not in known)
    assert unknown == []
    assert {"COACH_DATABASE_URL", "COACH_SECRET_KEY", "COACH_RECORDINGS_DIR"} <= set(named)


def flask_invocations(words: list[str]) -> list[list[str]]:
    """The arguments of each ``flask …`` in a command line, up to a shell separator."""
    found: list[list[str]] = []
    current: list[str] | None = None
    for word in words:
        if word in _SHELL_SEPARATORS:
            current = None
        elif current is not None:
            current.append(word)
        elif word == "flask" or word.endswith("/flask"):
            current = []
            found.append(current)
    return found


def command_lines() -> list[tuple[str, list[str]]]:
    """(where, words) of every command line in compose.yaml, the Dockerfile and the doc."""
    lines: list[tuple[str, list[str]]] = []
    for name, definition in compose()["services"].items():
        command = definition.get("command")
        if command:
            lines.append((f"compose {name}", command if isinstance(command, list) else []))
        test = (definition.get("healthcheck") or {}).get("test")
        if isinstance(test, list):
            lines.append((f"compose {name} healthcheck", test))
    for instruction in instructions():
        if instruction.keyword in {"RUN", "CMD", "ENTRYPOINT"}:
            text = instruction.arguments
            words = json.loads(text) if text.startswith("[") else shlex.split(text)
            lines.append((f"Dockerfile {instruction.keyword}", words))
    doc = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"^```sh\n(.*?)^```", doc, re.M | re.S)  # not ```text (diagrams)
    snippets = [line for block in blocks for line in block.splitlines()]
    snippets += re.findall(r"`([^`\n]*flask [^`\n]*)`", doc)
    for snippet in snippets:
        if "flask" in snippet:
            lines.append(("docs/deployment.md", shlex.split(snippet, comments=True)))
    return lines


def coach_commands() -> dict[tuple[str, ...], str]:
    """Each distinct ``flask`` argument list, with the first place it appears."""
    found: dict[tuple[str, ...], str] = {}
    for where, words in command_lines():
        for arguments in flask_invocations(words):
            found.setdefault(tuple(arguments), where)
    return found


def test_the_files_run_coach_commands() -> None:
    wheres = {where.split()[0] for where, _words in command_lines()}
    assert {"compose", "Dockerfile", "docs/deployment.md"} <= wheres
    assert ("--app", "coach", "coach", "setup", "--no-demo") in coach_commands()


@pytest.mark.parametrize(
    "arguments", list(coach_commands()), ids=lambda arguments: " ".join(arguments[3:])
)
def test_every_coach_command_exists_with_its_options(arguments: tuple[str, ...]) -> None:
    assert arguments[:3] == ("--app", "coach", "coach"), "use flask --app coach coach …"
    command: click.Command = coach_group
    rest = arguments[3:]
    while isinstance(command, click.Group) and rest and not rest[0].startswith("-"):
        assert rest[0] in command.commands, f"no command {rest[0]!r} in {command.name}"
        command, rest = command.commands[rest[0]], rest[1:]
    assert not isinstance(command, click.Group), f"{command.name} needs a subcommand"
    command.make_context(command.name or "", list(rest))  # UsageError: unknown option, …


def test_setup_has_the_no_demo_flag() -> None:
    setup = coach_group.commands["setup"]
    flags = {option for param in setup.params for option in param.opts}
    assert "--no-demo" in flags


# --- docs/deployment.md ----------------------------------------------------------------------


def test_doc_says_the_image_was_not_built_here_and_its_links_resolve() -> None:
    text = " ".join(DOC.read_text(encoding="utf-8").split())
    assert "not been built on the project's machines, which run no container engine" in text
    assert "rehearsed without containers by `make stack` and its integration test" in text
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text):
        assert (DOC.parent / target).resolve().exists(), target
    assert (ROOT / "deploy" / "stack.py").is_file()
    assert re.search(r"^stack:", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
