"""`telemock serve` configured by TELEMOCK_* variables alone, as a container is; flags still win."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from .support import clean_env, start_serve, stop, telemock


def write_fixture(path: Path, tenant: str, key: str) -> Path:
    path.write_text(f"voipbin:\n  customers:\n    - tenant: {tenant}\n      accesskeys:\n        - key: {key}\n")
    return path


def numbers(base: str, key: str) -> httpx.Response:
    return httpx.get(f"{base}/voipbin/v1.0/numbers", params={"accesskey": key}, timeout=5)


def test_every_setting_comes_from_the_environment(tmp_path):
    fixture = write_fixture(tmp_path / "mine.yaml", "mine", "env_fixture_key")
    env = clean_env(
        TELEMOCK_HOST="127.0.0.1",
        TELEMOCK_PORT="0",
        TELEMOCK_PROFILE="observed",
        TELEMOCK_PROVIDERS="voipbin",
        TELEMOCK_FIXTURES=str(fixture),
        TELEMOCK_JOURNAL_SIZE="7",
        TELEMOCK_LOG_FORMAT="json",
        TELEMOCK_LOG_LEVEL="info",
    )
    process, base = start_serve(env=env)
    try:
        health = httpx.get(f"{base}/_telemock/health", timeout=5).json()
        assert health["status"] == "ok"
        assert health["providers"] == {"voipbin": {"profile": "observed", "tenants": 1}}
        profiles = httpx.get(f"{base}/_telemock/profiles", timeout=5).json()
        assert profiles == {"voipbin": {"profile": "observed", "available": ["documented", "openapi", "observed"]}}
        assert numbers(base, "env_fixture_key").status_code == 200
        assert numbers(base, "voipbin_demo_accesskey").status_code == 401  # the bundled set was replaced
        assert httpx.get(f"{base}/_telemock/journal", timeout=5).json()["capacity"] == 7
    finally:
        stderr = stop(process)
    records = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert any(r.get("operation") == "numbers_list" and r.get("tenant") == "mine" for r in records), stderr


def test_several_fixture_files_are_separated_by_the_path_separator(tmp_path):
    first = write_fixture(tmp_path / "first.yaml", "first", "first_key")
    second = write_fixture(tmp_path / "second file.yaml", "second", "second_key")
    env = clean_env(TELEMOCK_PORT="0", TELEMOCK_PROVIDERS="voipbin", TELEMOCK_FIXTURES=f"{first}{os.pathsep}{second}")
    process, base = start_serve(env=env)
    try:
        assert numbers(base, "first_key").status_code == 200
        assert numbers(base, "second_key").status_code == 200
    finally:
        stop(process)


def test_auto_tenants_from_the_environment():
    process, base = start_serve(env=clean_env(TELEMOCK_PORT="0", TELEMOCK_PROVIDERS="voipbin", TELEMOCK_AUTO_TENANTS="true"))
    try:
        assert numbers(base, "a_key_nobody_declared").status_code == 200
    finally:
        stop(process)


def test_a_flag_beats_its_environment_variable():
    """Each variable here would fail or change the run if it were used instead of the flag."""
    env = clean_env(
        TELEMOCK_PORT="1",
        TELEMOCK_PROVIDERS="no-such-provider",
        TELEMOCK_PROFILE="observed",
        TELEMOCK_FIXTURES="/no/such/fixture.yaml",
        TELEMOCK_JOURNAL_SIZE="7",
        TELEMOCK_AUTO_TENANTS="true",
        TELEMOCK_LOG_FORMAT="json",
    )
    process, base = start_serve(
        "--port", "0", "--provider", "voipbin", "--profile", "documented", "--fixtures", "default",
        "--journal-size", "3", "--no-auto-tenants", "--log-format", "text", env=env,
    )
    try:
        health = httpx.get(f"{base}/_telemock/health", timeout=5).json()
        assert health["providers"] == {"voipbin": {"profile": "documented", "tenants": 1}}
        assert numbers(base, "voipbin_demo_accesskey").status_code == 200
        assert numbers(base, "a_key_nobody_declared").status_code == 401
        assert httpx.get(f"{base}/_telemock/journal", timeout=5).json()["capacity"] == 3
    finally:
        stderr = stop(process)
    assert not any(line.startswith("{") for line in stderr.splitlines())


@pytest.mark.parametrize(
    "name, value",
    [("TELEMOCK_PORT", "eighty"), ("TELEMOCK_PROFILE", "imaginary"), ("TELEMOCK_AUTO_TENANTS", "maybe"),
     ("TELEMOCK_LOG_LEVEL", "loud"), ("TELEMOCK_JOURNAL_SIZE", "0")],
)
def test_a_bad_value_names_its_variable(name, value):
    result = telemock("serve", env=clean_env(**{name: value, "TELEMOCK_PROVIDERS": "voipbin"}))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert name in result.stderr or value in result.stderr, result.stderr


def test_help_lists_the_variables():
    result = telemock("serve", "--help")
    for name in ("TELEMOCK_HOST", "TELEMOCK_PORT", "TELEMOCK_PROFILE", "TELEMOCK_FIXTURES", "TELEMOCK_PROVIDERS",
                 "TELEMOCK_LOG_FORMAT", "TELEMOCK_LOG_LEVEL", "TELEMOCK_JOURNAL_SIZE", "TELEMOCK_AUTO_TENANTS"):
        assert name in result.stdout
