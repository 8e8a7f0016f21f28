"""`telemock healthcheck`: the image's HEALTHCHECK; exit 0 or 1 with one line, never a traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from .support import ROOT, clean_env, telemock


def output_lines(result) -> list[str]:
    return (result.stdout + result.stderr).splitlines()


def test_a_running_server_is_healthy(server):
    result = telemock("healthcheck", "--url", f"{server.url}/_telemock/health")
    assert result.returncode == 0, result.stderr
    assert output_lines(result) == [f"telemock healthy: {server.url}/_telemock/health"]


def test_the_default_url_follows_telemock_port(server):
    port = str(urlsplit(server.url).port)
    result = telemock("healthcheck", env=clean_env(TELEMOCK_PORT=port))
    assert result.returncode == 0, result.stderr
    assert f"http://127.0.0.1:{port}/_telemock/health" in result.stdout


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_closed_port_is_unhealthy_in_one_line(closed_port):
    result = telemock("healthcheck", "--url", f"http://127.0.0.1:{closed_port}/_telemock/health")
    assert result.returncode == 1
    lines = output_lines(result)
    assert len(lines) == 1 and lines[0].startswith("telemock unhealthy:"), lines
    assert "refused" in lines[0].lower()
    assert "Traceback" not in result.stderr


def test_the_default_port_when_nothing_listens_there_is_unhealthy(closed_port):
    result = telemock("healthcheck", env=clean_env(TELEMOCK_PORT=str(closed_port)))
    assert result.returncode == 1 and len(output_lines(result)) == 1


@pytest.mark.parametrize(
    "path, reason",
    [("/_telemock/no-such-thing", "HTTP 404"), ("/_telemock/profiles", "status is None")],
)
def test_an_answer_that_is_not_a_healthy_status_is_unhealthy(server, path, reason):
    result = telemock("healthcheck", "--url", f"{server.url}{path}")
    assert result.returncode == 1
    lines = output_lines(result)
    assert len(lines) == 1 and reason in lines[0], lines


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        yield sock.getsockname()[1]


def test_a_server_that_does_not_answer_times_out(silent_port):
    result = telemock("healthcheck", "--timeout", "0.3", "--url", f"http://127.0.0.1:{silent_port}/_telemock/health")
    assert result.returncode == 1
    lines = output_lines(result)
    assert len(lines) == 1 and "timed out" in lines[0], lines


@pytest.mark.parametrize("url", ["file:///etc/hostname", "not a url", "http://127.0.0.1:notaport/", "http://[::1/"])
def test_a_bad_url_is_unhealthy_not_a_crash(url):
    result = telemock("healthcheck", "--url", url)
    assert result.returncode == 1 and len(output_lines(result)) == 1
    assert "Traceback" not in result.stderr


def test_it_loads_no_server_code(closed_port):
    """Containers run it every few seconds: the server's imports would dominate its cost."""
    probe = (
        "import sys\n"
        "from telemock.cli import main\n"
        "try:\n"
        f"    main(['healthcheck', '--url', 'http://127.0.0.1:{closed_port}/'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in ('uvicorn', 'starlette', 'pydantic', 'yaml', 'telemock.emulator.app') if m in sys.modules)\n"
        "print('loaded:', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, cwd=ROOT, env=clean_env())
    assert "loaded: []" in result.stdout, result.stdout + result.stderr
