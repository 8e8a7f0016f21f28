"""The checks' results as JUnit XML, the file every CI dashboard reads (GitHub, GitLab, Jenkins, Azure).

One testcase per operation and mode of `check server`, per check of `check receiver`, per
operation of `telemock report`; a failure carries the readable message the terminal shows. The
shape is the one the common JUnit schemas accept (Ant's and Jenkins'): `testsuites` › `testsuite`
(name, tests, failures, errors, skipped, time, timestamp, hostname, id, package; `properties`,
`system-out`, `system-err`) › `testcase` (name, classname, time) › `failure` / `error` (message,
type, text) or `skipped` (message).
"""

from __future__ import annotations

import socket
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from .receivers import RECEIVER_CHECKS, ReceiverReport
from .report import render_violations
from .server_check import ServerReport

CaseOutcome = Literal["passed", "failed", "error", "skipped"]


@dataclass
class Case:
    name: str
    classname: str
    outcome: CaseOutcome = "passed"
    message: str = ""  # one line: the failure's title, or why it was skipped
    detail: str = ""  # the readable text of a failure or error
    kind: str = ""  # the failure's type: which check
    seconds: float = 0.0


@dataclass
class Suite:
    name: str
    cases: list[Case] = field(default_factory=list)
    seconds: float = 0.0
    properties: dict[str, str] = field(default_factory=dict)
    timestamp: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def count(self, outcome: CaseOutcome) -> int:
        return sum(1 for case in self.cases if case.outcome == outcome)


def server_suite(report: ServerReport) -> Suite:
    """`check server`: a testcase per operation and mode (and the stateful phase); refused
    credentials are a failing testcase of their own, since they make the whole run check nothing."""
    classname = f"telemock.check.server.{report.provider}"
    suite = Suite(f"telemock check server {report.provider}", seconds=sum(r.seconds for r in report.results),
                  properties={"provider": report.provider, "base_url": report.base_url})
    for result in report.results:
        case = Case(f"{result.operation} [{result.mode}]", classname, result.outcome, seconds=result.seconds)
        if result.outcome == "failed":
            case.kind = result.failures[0].check if result.failures else "failed"
            case.message = f"{len(result.failures)} failed check(s): " + ", ".join(dict.fromkeys(f.check for f in result.failures))
            case.detail = result.describe()
        elif result.outcome == "error":
            case.kind, case.message, case.detail = "error", result.reason or "error", result.describe()
        elif result.outcome == "skipped":
            case.message = result.reason or "skipped"
        suite.cases.append(case)
    refused = report.credentials_refused
    if refused is not None:
        suite.cases.append(Case(
            "credentials", classname, "failed", kind="credentials refused",
            message=f"credentials were refused on {refused[0]} of {refused[1]} valid cases (HTTP 401/403)",
            detail="nothing got past authentication, so this run checked nothing",
        ))
    return suite


def receiver_suite(report: ReceiverReport) -> Suite:
    """`check receiver`: a testcase per check, failed with the first event it tripped on."""
    classname = f"telemock.check.receiver.{report.provider}"
    suite = Suite(f"telemock check receiver {report.provider}", seconds=report.seconds,
                  properties={"provider": report.provider, "target": report.target,
                              "events": str(report.examples), "deliveries": str(report.deliveries)})
    failures = {failure.kind: failure for failure in report.failures}
    for kind, what in RECEIVER_CHECKS.items():
        case = Case(f"{kind}: {what}", classname)
        if kind in failures:
            failure = failures[kind]
            case.outcome, case.kind = "failed", kind
            case.message, case.detail = f"{failure.event}: {failure.message}", failure.render()
        elif kind in report.skipped_checks:
            case.outcome, case.message = "skipped", report.skipped_checks[kind]
        suite.cases.append(case)
    return suite


def journal_suite(summary: dict[str, dict[str, dict[str, Any]]], violations: list[dict[str, Any]]) -> Suite:
    """`telemock report`: a testcase per provider and operation the journal saw, failed when a
    request broke the documented contract (with those requests and their violations); requests
    for operations telemock does not emulate are skipped cases."""
    suite = Suite("telemock report")
    for provider, operations in sorted(summary.items()):
        for operation, counts in sorted(operations.items()):
            case = Case(operation, f"telemock.report.{provider}")
            if counts.get("not_emulated"):
                case.outcome, case.message = "skipped", f"not emulated by telemock ({counts['requests']} requests)"
            elif counts.get("violating"):
                mine = [e for e in violations if e["provider"] == provider and (e.get("operation") or "(undocumented)") == operation]
                case.outcome, case.kind = "failed", "contract violation"
                case.message = (f"{counts['violating']} of {counts['requests']} requests broke the documented contract "
                                f"({counts['violations']} violations)")
                case.detail = render_violations(mine) if mine else case.message
            suite.cases.append(case)
    return suite


def error_suite(name: str, classname: str, message: str) -> Suite:
    """A check that could not run at all (nothing listening, a bad secret): one case in error, so
    a dashboard shows why instead of nothing."""
    return Suite(name, [Case("run", classname, "error", message=message, detail=message, kind="could not run")])


def junit_xml(suites: list[Suite]) -> bytes:
    root = ET.Element("testsuites", {
        "name": "telemock",
        "tests": str(sum(len(s.cases) for s in suites)),
        "failures": str(sum(s.count("failed") for s in suites)),
        "errors": str(sum(s.count("error") for s in suites)),
        "skipped": str(sum(s.count("skipped") for s in suites)),
        "time": seconds(sum(s.seconds for s in suites)),
    })
    hostname = socket.gethostname() or "localhost"
    for number, suite in enumerate(suites):
        element = ET.SubElement(root, "testsuite", {
            "name": suite.name,
            "tests": str(len(suite.cases)),
            "failures": str(suite.count("failed")),
            "errors": str(suite.count("error")),
            "skipped": str(suite.count("skipped")),
            "time": seconds(suite.seconds),
            "timestamp": suite.timestamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"),
            "hostname": hostname,
            "id": str(number),
            "package": "telemock",
        })
        properties = ET.SubElement(element, "properties")
        for name, value in suite.properties.items():
            ET.SubElement(properties, "property", {"name": name, "value": clean(value)})
        for case in suite.cases:
            testcase = ET.SubElement(element, "testcase", {
                "name": clean(case.name), "classname": case.classname, "time": seconds(case.seconds),
            })
            if case.outcome in ("failed", "error"):
                tag = "failure" if case.outcome == "failed" else "error"
                outcome = ET.SubElement(testcase, tag, {"message": clean(case.message), "type": clean(case.kind or tag)})
                outcome.text = clean(case.detail or case.message)
            elif case.outcome == "skipped":
                ET.SubElement(testcase, "skipped", {"message": clean(case.message)})
        ET.SubElement(element, "system-out")
        ET.SubElement(element, "system-err")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def seconds(value: float) -> str:
    return f"{value:.3f}"


def clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters (a generated request may hold some): escaped."""
    return "".join(
        c if c in "\t\n\r" or (" " <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c >= "\U00010000"
        else c.encode("unicode_escape").decode()
        for c in text
    )


def write_junit(path: Path, suites: list[Suite]) -> None:
    """Write the file whole or not at all (a partial file would read as a broken run)."""
    write_whole(path, junit_xml(suites))


def write_whole(path: Path, content: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(content)
    partial.replace(path)
