"""Cheap guards on the container files; `scripts/container-smoke.sh` is what proves the image works."""

from __future__ import annotations

import ast
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from .support import ROOT


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs of a Dockerfile, with continued lines joined."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    return instructions(ROOT / "Dockerfile")


def final_stage(steps: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_the_base_is_a_build_argument_defaulting_to_official_python(dockerfile):
    assert dockerfile[0] == ("ARG", "BASE=python:3.11-slim")
    froms = [args for keyword, args in dockerfile if keyword == "FROM"]
    assert froms == ["${BASE} AS build", "${BASE}"]


def test_the_build_stage_makes_a_wheel_and_a_venv_the_runtime_copies(dockerfile):
    run = " ".join(args for keyword, args in dockerfile if keyword == "RUN")
    assert "python3 -m venv /opt/telemock" in run and "pip wheel" in run
    copies = [args for keyword, args in final_stage(dockerfile) if keyword == "COPY"]
    assert copies == ["--from=build /opt/telemock /opt/telemock"]


def test_the_runtime_runs_telemock_as_a_non_root_user(dockerfile):
    stage = final_stage(dockerfile)
    users = [args for keyword, args in stage if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    assert ("EXPOSE", "8780") in stage
    entrypoint = next(args for keyword, args in stage if keyword == "ENTRYPOINT")
    assert yaml.safe_load(entrypoint) == ["telemock", "serve", "--host", "0.0.0.0"]


def test_the_healthcheck_calls_telemock_healthcheck(dockerfile):
    check = next(args for keyword, args in final_stage(dockerfile) if keyword == "HEALTHCHECK")
    options, _, command = check.partition("CMD")
    assert yaml.safe_load(command.strip()) == ["telemock", "healthcheck"]
    assert "--interval=" in options and "--timeout=" in options


def test_dockerignore_keeps_what_the_wheel_needs_and_nothing_else():
    patterns = [line for line in (ROOT / ".dockerignore").read_text().splitlines() if line and not line.startswith("#")]
    assert patterns[0] == "*"
    kept = {p.lstrip("!").rstrip("/") for p in patterns if p.startswith("!")}
    assert {"pyproject.toml", "setup.py", "README.md", "telemock", "emulator", "contracts", "fixtures"} <= kept
    assert "tests" not in kept and ".git" not in kept


def test_the_github_actions_example_waits_for_the_healthcheck():
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text())
    service = workflow["jobs"]["test"]["services"]["telemock"]
    assert "8780:8780" in service["ports"]
    assert '--health-cmd "telemock healthcheck"' in service["options"]
    assert all(name.startswith("TELEMOCK_") for name in service["env"])


def test_the_compose_example_gates_its_client_on_health():
    compose = yaml.safe_load((ROOT / "examples" / "docker-compose.yml").read_text())
    telemock = compose["services"]["telemock"]
    assert telemock["healthcheck"]["test"] == ["CMD", "telemock", "healthcheck"]
    assert all(port.startswith("127.0.0.1:") for port in telemock["ports"])
    assert any(volume.endswith(":/fixtures:ro") for volume in telemock["volumes"])
    assert telemock["environment"]["TELEMOCK_FIXTURES"].startswith("/fixtures/")
    assert compose["services"]["client"]["depends_on"]["telemock"]["condition"] == "service_healthy"


def test_the_compose_example_mounts_an_existing_fixture():
    compose = yaml.safe_load((ROOT / "examples" / "docker-compose.yml").read_text())
    telemock = compose["services"]["telemock"]
    source = next(v for v in telemock["volumes"] if v.endswith(":/fixtures:ro")).split(":")[0]
    name = telemock["environment"]["TELEMOCK_FIXTURES"].removeprefix("/fixtures/")
    assert (ROOT / "examples" / source / name).is_file()


def test_the_testcontainers_example_is_python_and_not_collected():
    path = ROOT / "examples" / "testcontainers_example.py"
    assert not path.name.startswith("test_")
    tree = ast.parse(path.read_text())
    assert "telemock_url" in {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_the_smoke_script_is_executable_and_parses():
    script = ROOT / "scripts" / "container-smoke.sh"
    assert os.access(script, os.X_OK)
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    help_text = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=10).stdout
    assert "--base IMAGE" in help_text and "BASE" in help_text
