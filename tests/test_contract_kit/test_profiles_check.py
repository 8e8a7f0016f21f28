"""check_profiles: which of VoIPBIN's sources (docs pages, published OpenAPI, the running service) a client matches."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from telemock.contracts.kit.control import LocalControl
from telemock.contracts.kit.profiles_check import check_profiles
from telemock.emulator import Config, create_app

from . import profile_clients as clients

AUTH = {"params": {"accesskey": "voipbin_demo_accesskey"}}


@pytest.fixture(scope="module")
def control() -> Iterator[LocalControl]:
    local = LocalControl(create_app(Config(providers=["voipbin"])))
    yield local
    local.close()


def check(control, scenario, **options):
    return check_profiles(control, "voipbin", scenario, base_url=f"{control.base_url}/voipbin", credentials=AUTH, **options)


def test_each_client_is_told_which_sources_it_matches(control):
    docs = check(control, clients.reads_the_docs_timestamps)
    assert docs.summary() == "works with documented; breaks with openapi, observed"
    assert "openapi: it raised ValueError: time data '20" in docs.render()
    assert "#1 GET /voipbin/v1.0/numbers?accesskey=**** → 200" in docs.render()
    deletes = check(control, clients.expects_tm_delete)
    assert deletes.summary() == "works with documented, observed; breaks with openapi"
    assert "openapi: it raised KeyError: 'tm_delete'" in deletes.render()
    tolerant = check(control, clients.tolerant)
    assert tolerant.ok and tolerant.summary() == "works with documented, openapi, observed"
    assert control.call("GET", "/profiles")["voipbin"]["profile"] == "documented"  # put back


def test_a_scenario_that_makes_no_request_fails_and_unknown_profiles_are_refused(control):
    report = check(control, clients.silent)
    assert not report.ok and report.summary() == "the scenario made no request to voipbin under any profile: nothing was exercised"
    with pytest.raises(LookupError, match="voipbin has no profile 'docs' \\(it has: documented, openapi, observed\\)"):
        check(control, clients.tolerant, profiles=["docs"])


USER_TESTS = '''
import pytest
import profile_clients as clients
from telemock.contracts.kit.profiles_check import ProfileMismatch


def test_required_profile_works(telemock):
    report = telemock.voipbin.check_profiles(clients.expects_tm_delete, require=["documented", "observed"])
    assert report.breaks_with == ["openapi"]


def test_any_break_fails(telemock):
    telemock.voipbin.check_profiles(clients.reads_the_docs_timestamps)
'''


@pytest.mark.timeout(300)
def test_from_a_user_project_and_the_command_line(pytester, tmp_path):
    shutil.copy(Path(__file__).with_name("profile_clients.py"), pytester.path / "profile_clients.py")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "--telemock-provider", "voipbin",
                                           timeout=240)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*ProfileMismatch: voipbin profiles: works with documented; breaks with openapi, observed*"])

    shutil.copy(Path(__file__).with_name("profile_clients.py"), tmp_path / "profile_clients.py")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "telemock", "check", "profiles", "--provider", "voipbin", *args],
                              cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)

    breaks = cli("--scenario", "profile_clients:expects_tm_delete")
    assert breaks.returncode == 1 and "works with documented, observed; breaks with openapi" in breaks.stdout
    required = cli("--scenario", "profile_clients:expects_tm_delete", "--require", "observed")
    assert required.returncode == 0, required.stdout + required.stderr
    unknown = cli("--scenario", "profile_clients:tolerant", "--profile", "docs")
    assert unknown.returncode == 2 and "Error: --profile: voipbin has no profile 'docs'" in unknown.stderr
