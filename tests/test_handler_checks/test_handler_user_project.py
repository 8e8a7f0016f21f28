"""check_handler from a user's project (the plugin's handle) and from the command line against a served handler."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import uvicorn

from . import apps

APPS = Path(__file__).with_name("apps.py")

USER_TESTS = '''
import apps


def test_careful(telemock):
    report = telemock.signalwire.check_handler(apps.cxml_app(), kind="cxml-call", url="/voice", signing_key=apps.KEY)
    assert report.ok


def test_careless(telemock):
    telemock.signalwire.check_handler(apps.cxml_app(verify=False), kind="cxml-call", url="/voice", signing_key=apps.KEY)
'''


@pytest.mark.timeout(300)
def test_the_plugin_handle_checks_a_handler_in_a_user_project(pytester):
    shutil.copy(APPS, pytester.path / "apps.py")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "--telemock-provider", "signalwire",
                                           timeout=240)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*HandlerError: signalwire cxml-call handler at ASGI app/voice*",
                                 "*[[]forgery[]] a request unsigned was accepted (200); it must be refused (401 or 403)*"])


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(apps.careful_cxml, log_level="error"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "telemock", "check", "handler", *args],
                          capture_output=True, text=True, timeout=240, check=False)


@pytest.mark.timeout(300)
def test_the_command_line_exit_codes(served):
    clean = run_cli("--provider", "signalwire", "--url", f"{served}/voice", "--signing-key", apps.KEY, "--examples", "5")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "every answer could be run and every forgery was refused" in clean.stdout
    wrong_key = run_cli("--provider", "signalwire", "--url", f"{served}/voice", "--signing-key", "PSK_other", "--examples", "3")
    assert wrong_key.returncode == 1 and "[genuine] a correctly signed" in wrong_key.stdout and "(HTTP 403)" in wrong_key.stdout
    nobody = run_cli("--provider", "signalwire", "--url", "http://127.0.0.1:9/voice")
    assert nobody.returncode == 2 and "Error: --url: nothing answers at http://127.0.0.1:9/voice" in nobody.stderr
    unknown = run_cli("--provider", "signalwire", "--kind", "laml", "--url", f"{served}/voice")
    assert unknown.returncode == 2 and "Error: --kind: signalwire has no handler kind 'laml'" in unknown.stderr
