"""The checks' results as one JSON document, for scripts and dashboards that read more than JUnit holds:
per operation the cases, the 2xx reached, the refusals, the departures used, each failure with its
reproduction; per receiver check its outcome; per journal operation its counts and violations."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import orjson

from .junit import write_whole
from .receivers import RECEIVER_CHECKS, ReceiverReport
from .server_check import ServerReport


def server_json(report: ServerReport) -> dict[str, Any]:
    refused = report.credentials_refused
    return {
        "command": "check server",
        "ok": report.ok,
        "provider": report.provider,
        "base_url": report.base_url,
        "cases": report.cases,
        "runs": {outcome: report.count(outcome) for outcome in ("passed", "failed", "error", "skipped")},
        "server_errors": report.server_errors,
        "nonconforming": report.nonconforming,
        "never_reached": report.never_reached,
        "credentials_refused": {"refused": refused[0], "cases": refused[1]} if refused else None,
        "departures": report.departures,
        "results": [asdict(result) for result in report.results],
    }


def receiver_json(report: ReceiverReport) -> dict[str, Any]:
    failures = {failure.kind: failure for failure in report.failures}
    checks = []
    for kind, what in RECEIVER_CHECKS.items():
        outcome = "failed" if kind in failures else "skipped" if kind in report.skipped_checks else "passed"
        check: dict[str, Any] = {"check": kind, "description": what, "outcome": outcome}
        if kind in failures:
            check["failure"] = asdict(failures[kind])
        if kind in report.skipped_checks:
            check["reason"] = report.skipped_checks[kind]
        checks.append(check)
    return {
        "command": "check receiver",
        "ok": report.ok,
        "provider": report.provider,
        "target": report.target,
        "events": report.examples,
        "deliveries": report.deliveries,
        "seconds": report.seconds,
        "not_checked": report.not_applicable,
        "checks": checks,
    }


def journal_json(summary: dict[str, dict[str, dict[str, Any]]], violations: list[dict[str, Any]]) -> dict[str, Any]:
    violating = sum(counts.get("violating", 0) for operations in summary.values() for counts in operations.values())
    return {"command": "report", "ok": violating == 0, "violating": violating, "summary": summary, "violations": violations}


def error_json(command: str, message: str) -> dict[str, Any]:
    """A check that could not run: what a script reads instead of a report."""
    return {"command": command, "ok": False, "error": message}


def write_json(path: Path, document: dict[str, Any]) -> None:
    write_whole(path, orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS) + b"\n")
