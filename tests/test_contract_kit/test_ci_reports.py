"""`--junit-xml` and `--json-report` of `check server`, `check receiver` and `report`: files a CI dashboard
reads, checked by parsing them and against the JUnit schema CI tools accept."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from telemock.cli import main

from .test_receivers import SECRET, Receiver
from .test_server_check import broken_voipbin, free_port, serve  # noqa: F401 - broken_voipbin is a fixture

SCHEMA = Path(__file__).parent / "data" / "junit.xsd"
SIGNALWIRE_BASIC = "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f:PTdemo_token"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def valid_junit(path: Path) -> ET.Element:
    """The file parsed, after checking it against the JUnit schema (lxml, where installed)."""
    etree = pytest.importorskip("lxml.etree")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    document = etree.parse(str(path))
    assert schema.validate(document), schema.error_log
    root = ET.parse(path).getroot()
    suites = root.findall("testsuite")
    for suite in suites:  # the counts say what the cases are
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None)
        assert int(suite.get("errors")) == sum(1 for c in cases if c.find("error") is not None)
        assert int(suite.get("skipped")) == sum(1 for c in cases if c.find("skipped") is not None)
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
    return root


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name"): case for case in root.iter("testcase")}


def test_check_server_writes_a_testcase_per_operation_and_mode(server, tmp_path):
    junit, report = tmp_path / "server.xml", tmp_path / "server.json"
    code, out, err = run("check", "server", "--provider", "signalwire", "--url", f"{server.url}/signalwire",
                         "--basic", SIGNALWIRE_BASIC, "--examples", "3", "--operation", "phone_numbers_list",
                         "--operation", "phone_numbers_get", "--junit-xml", str(junit), "--json-report", str(report))
    assert code == 0, out + err
    root = valid_junit(junit)
    found = cases(root)
    assert set(found) == {f"{op} [{mode}]" for op in ("phone_numbers_list", "phone_numbers_get")
                          for mode in ("positive", "negative")}
    assert {c.get("classname") for c in found.values()} == {"telemock.check.server.signalwire"}
    assert all(len(c) == 0 for c in found.values())  # passed: no failure, error or skipped child
    suite = root.find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert properties == {"provider": "signalwire", "base_url": f"{server.url}/signalwire"}
    document = json.loads(report.read_text())
    assert document["ok"] is True and document["runs"]["passed"] == 4
    listed = {(r["operation"], r["mode"]): r for r in document["results"]}
    assert listed[("phone_numbers_list", "positive")]["reached"] > 0
    assert document["cases"] == sum(r["cases"] for r in document["results"])


def test_check_server_failures_carry_the_readable_message(broken_voipbin, tmp_path):  # noqa: F811
    junit, report = tmp_path / "broken.xml", tmp_path / "broken.json"
    code, out, _ = run("check", "server", "--provider", "voipbin", "--url", f"{broken_voipbin}/voipbin",
                       "--query", "accesskey=voipbin_demo_accesskey", "--operation", "numbers_list",
                       "--examples", "10", "--junit-xml", str(junit), "--json-report", str(report))
    assert code == 1
    found = cases(valid_junit(junit))
    failure = found["numbers_list [positive]"].find("failure")
    assert failure is not None
    assert "Response violates schema" in failure.get("message")
    assert "minimal case: curl -X GET" in failure.text and '"no" is not of type "boolean"' in failure.text
    assert failure.text.strip() in out  # the same words the terminal shows
    assert "voipbin_demo_accesskey" not in junit.read_text()
    document = json.loads(report.read_text())
    assert document["ok"] is False and document["runs"]["failed"] == 2
    [positive] = [r for r in document["results"] if r["mode"] == "positive"]
    assert positive["failures"] and positive["failures"][0]["reproduction"].startswith("curl -X GET")


def test_a_check_that_cannot_run_leaves_files_that_say_why(tmp_path):
    junit, report = tmp_path / "none.xml", tmp_path / "none.json"
    url = f"http://127.0.0.1:{free_port()}/voipbin"
    code, _, err = run("check", "server", "--provider", "voipbin", "--url", url,
                       "--junit-xml", str(junit), "--json-report", str(report))
    assert code == 2 and "nothing answers" in err
    [case] = cases(valid_junit(junit)).values()
    assert "nothing answers" in case.find("error").get("message")
    assert json.loads(report.read_text()) == {"command": "check server", "ok": False, "error": err.strip().removeprefix("Error: ")}


def test_check_receiver_writes_a_testcase_per_check(tmp_path):
    sloppy = Receiver(verify=False)
    url, receiver_server, thread = serve(sloppy.app)
    junit, report = tmp_path / "receiver.xml", tmp_path / "receiver.json"
    try:
        code, out, _ = run("check", "receiver", "--provider", "gigs", "--url", f"{url}/hook", "--secret", SECRET,
                           "--examples", "3", "--seed", "1", "--junit-xml", str(junit), "--json-report", str(report))
    finally:
        receiver_server.should_exit = True
        thread.join(5)
    assert code == 1 and "[forged-signature]" in out
    found = {name.split(":")[0]: case for name, case in cases(valid_junit(junit)).items()}
    assert set(found) == {"rejected-valid", "duplicate-refused", "not-idempotent", "reordered-refused",
                          "forged-signature", "tampered-body", "wrong-secret", "stale-timestamp", "no-answer"}
    forged = found["forged-signature"].find("failure")
    assert forged is not None and forged.get("type") == "forged-signature"
    assert "accepted an event whose signature was tampered with" in forged.get("message")
    assert found["not-idempotent"].find("skipped").get("message") == "no effects counter given"
    assert len(found["rejected-valid"]) == 0  # it accepts genuine events: passed
    document = json.loads(report.read_text())
    outcomes = {c["check"]: c["outcome"] for c in document["checks"]}
    assert outcomes["forged-signature"] == "failed" and outcomes["rejected-valid"] == "passed"
    assert document["events"] == 3 and document["deliveries"] > 3


def test_report_writes_a_testcase_per_operation_with_the_violations(server, tmp_path):
    client = server.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    client.post("/v1.0/numbers", json={"number": "+15550101010", "type": "virtul"})
    client.get("/v1.0/numbers")
    junit, report = tmp_path / "report.xml", tmp_path / "report.json"
    code, out, _ = run("report", "--url", server.url, "--junit-xml", str(junit), "--json-report", str(report))
    assert code == 0
    found = cases(valid_junit(junit))
    assert len(found["numbers_list"]) == 0
    failure = found["numbers_create"].find("failure")
    assert failure.get("message") == "1 of 1 requests broke the documented contract (1 violations)"
    assert "POST /voipbin/v1.0/numbers" in failure.text and "body/type" in failure.text
    assert found["numbers_create"].get("classname") == "telemock.report.voipbin"
    document = json.loads(report.read_text())
    assert document["violating"] == 1 and document["summary"]["voipbin"]["numbers_list"]["requests"] == 1
    assert document["violations"][0]["operation"] == "numbers_create"


def test_junit_text_keeps_no_control_characters(tmp_path):
    from telemock.contracts.kit.junit import Case, Suite, write_junit

    path = tmp_path / "odd.xml"
    write_junit(path, [Suite("odd", [Case("q\x00\x1b[31m", "c", "failed", message="bad \x07", detail="x\x0by", kind="k")])])
    root = valid_junit(path)
    [case] = cases(root).values()
    assert case.get("name") == "q\\x00\\x1b[31m" and case.find("failure").text == "x\\x0by"


def test_a_report_file_that_cannot_be_written_is_one_line(server, tmp_path):
    target = tmp_path / "missing" / "report.xml"
    code, _, err = run("report", "--url", server.url, "--junit-xml", str(target))
    assert code == 1 and not target.exists()
    assert err.strip() == f"Error: --junit-xml {target}: No such file or directory"
