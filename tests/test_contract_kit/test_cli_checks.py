"""`telemock check server` and `telemock report`: exit codes and output, against real servers."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from telemock.emulator import Config
from telemock.cli import main

from .test_server_check import broken_voipbin, free_port  # noqa: F401 - broken_voipbin is a fixture

SIGNALWIRE_BASIC = "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f:PTdemo_token"
KEY = {"accesskey": "voipbin_demo_accesskey"}


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_check_server_passes_the_emulator_from_a_real_command_line(server):
    completed = subprocess.run(
        [sys.executable, "-m", "telemock", "check", "server", "--provider", "signalwire",
         "--url", f"{server.url}/signalwire", "--basic", SIGNALWIRE_BASIC, "--examples", "3",
         "--operation", "phone_numbers_list", "--operation", "phone_numbers_get"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    out = completed.stdout
    assert f"telemock check server: signalwire at {server.url}/signalwire" in out
    assert "ok    phone_numbers_list  positive" in out and "ok    phone_numbers_get   negative" in out
    assert "4 runs (2 operations): 4 passed, 0 failed, 0 errors, 0 skipped" in out


def test_check_server_pins_path_parameters_and_sends_headers(server):
    code, out, _ = run("check", "server", "--provider", "gigs", "--url", f"{server.url}/gigs",
                       "--header", "Authorization: Bearer gigs_demo_key", "--path-param", "project=demo",
                       "--mode", "positive", "--operation", "virtual_numbers_list", "--examples", "3")
    assert code == 0, out
    assert "ok    virtual_numbers_list  positive" in out and "negative" not in out
    entries = server.admin().get("/journal", params={"provider": "gigs"}).json()["entries"]
    statuses = {e["status"] for e in entries}
    assert 200 in statuses and not statuses & {401, 403}  # past authentication and the project check
    assert all(e["path"] == "/gigs/projects/demo/virtualNumbers" for e in entries)


def test_check_server_fails_a_broken_imitation_with_the_minimal_cases(broken_voipbin):  # noqa: F811
    code, out, _ = run("check", "server", "--provider", "voipbin", "--url", f"{broken_voipbin}/voipbin",
                       "--query", "accesskey=voipbin_demo_accesskey", "--operation", "numbers_list", "--examples", "10")
    assert code == 1
    assert "FAIL  numbers_list  positive" in out and "FAIL  numbers_list  negative" in out
    assert "- Response violates schema" in out and '"no" is not of type "boolean"' in out
    assert "- Server error" in out and "answered 500: Internal Server Error" in out
    assert "minimal case: curl -X GET" in out and "page_size=" in out
    assert "voipbin_demo_accesskey" not in out
    assert "0 passed, 2 failed" in out


def test_check_server_cannot_run_exits_2_with_the_reason(server):
    code, _, err = run("check", "server", "--provider", "voipbin", "--url", f"http://127.0.0.1:{free_port()}/voipbin")
    assert code == 2 and "Error: nothing answers at http://127.0.0.1:" in err
    code, _, err = run("check", "server", "--provider", "nosuch", "--url", f"{server.url}/voipbin")
    assert code == 2 and "'nosuch' has no documented spec (available: gigs, signalwire, voiceos, voipbin)" in err
    code, _, err = run("check", "server", "--provider", "voipbin", "--url", f"{server.url}/voipbin", "--header", "Bearer x")
    assert code == 2 and "'Bearer x' is not 'NAME: VALUE'" in err
    code, _, err = run("check", "server", "--provider", "voipbin", "--url", f"{server.url}/voipbin", "--operation", "nope")
    assert code == 2 and "voipbin documents no operation 'nope'" in err


def test_report_prints_the_verdicts_and_the_violations(server):
    voipbin = server.client("/voipbin", params=KEY)
    assert voipbin.get("/v1.0/numbers").status_code == 200
    assert voipbin.post("/v1.0/numbers", json={"number": "+899123000901", "type": "virtul"}).status_code in (200, 400)
    assert voipbin.get("/v1.0/numbers", params={"page_size": "ten"}).status_code == 400

    code, out, _ = run("report", "--url", server.url)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["provider", "operation", "requests", "violating", "violations"]
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in lines[2:-2]}
    assert rows[("voipbin", "numbers_list")] == ["2", "1", "1"]
    assert rows[("voipbin", "numbers_create")] == ["1", "1", "1"]
    assert lines[-1].split() == ["total", "3", "2", "2"]

    code, out, _ = run("report", "--url", server.url, "--violations")
    assert code == 0
    assert "POST /voipbin/v1.0/numbers?accesskey=" in out and "[voipbin numbers_create]" in out
    assert "- body/type:" in out and 'got "virtul"' in out
    assert "GET /voipbin/v1.0/numbers?accesskey=" in out and "- query.page_size:" in out
    assert "voipbin_demo_accesskey" not in out  # the journal masks credentials

    code, out, _ = run("report", "--url", server.url, "--fail-on-violations")
    assert code == 1


def test_report_sends_the_admin_token_of_a_guarded_server(server_factory):
    guarded = server_factory(Config(providers=["voipbin"], admin_token="s3cret"))
    guarded.client("/voipbin", params=KEY).post("/v1.0/numbers", json={"number": "+899123000902", "type": "virtul"})
    code, _, err = run("report", "--url", guarded.url)
    assert code == 2 and "answered 401" in err and "needs the admin token" in err
    code, out, _ = run("report", "--url", guarded.url, "--admin-token", "s3cret", "--violations", "--fail-on-violations")
    assert code == 1
    assert "voipbin   numbers_create" in out and 'got "virtul"' in out


def test_report_of_a_clean_journal_and_of_no_server(server):
    server.client("/voipbin", params=KEY).get("/v1.0/numbers")
    code, out, _ = run("report", "--url", server.url, "--violations", "--fail-on-violations")
    assert code == 0
    assert "no request broke a documented contract" in out
    code, out, _ = run("report", "--url", server.url, "--provider", "gigs")
    assert code == 0 and out.strip() == "no requests in the journal"
    code, _, err = run("report", "--url", f"http://127.0.0.1:{free_port()}")
    assert code == 2 and "Error: cannot reach telemock at" in err
