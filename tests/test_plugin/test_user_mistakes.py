"""Mistakes a user makes with the pytest plugin: one clear line, once, not a trace per test."""

from __future__ import annotations

import socket

import pytest

TESTS = '''
def test_one(telemock):
    assert telemock.voipbin.client().get("/v1.0/numbers").status_code == 200


def test_two(telemock):
    assert telemock.voipbin.client().get("/v1.0/numbers").status_code == 200
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist"])
def test_an_unreachable_telemock_url_stops_the_run_once(pytester, workers):
    url = f"http://127.0.0.1:{free_port()}"
    pytester.makepyfile(test_user=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--telemock-url={url}", *workers, timeout=120)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1 and errors[0].startswith(f"ERROR: --telemock-url {url}: nothing answers (")
    assert errors[0].endswith("start it (telemock serve) or fix the URL (TELEMOCK_URL)")
    output = result.stdout.str() + result.stderr.str()
    assert "Traceback" not in output and "httpx" not in output and "test_one" not in output


def test_an_unknown_marker_keyword_is_an_error_naming_the_valid_one(pytester):
    pytester.makepyfile(test_user='''
import pytest


@pytest.mark.telemock(strikt=True)
def test_misspelled(telemock):
    pass


@pytest.mark.telemock("strict")
def test_positional(telemock):
    pass


@pytest.mark.telemock(strict="yes")
def test_not_a_bool(telemock):
    pass


@pytest.mark.telemock(strict=False)
def test_fine(telemock):
    pass
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "--telemock-provider", "voipbin",
                                           timeout=120)
    result.assert_outcomes(passed=1, errors=3)
    output = result.stdout.str()
    assert "@pytest.mark.telemock: unknown argument strikt (valid: strict=True|False)" in output
    assert "@pytest.mark.telemock: unknown argument 'strict' (valid: strict=True|False)" in output
    assert "@pytest.mark.telemock: strict must be True or False, not 'yes'" in output
    assert "Traceback" not in output
