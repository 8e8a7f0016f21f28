"""The documentation's relative links lead to files that exist, and the CI example runs tests the
way the README says parallel tests share a server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "contracts" / "specs" / "README.md"]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(doc):
    targets = [t for t in LINK.findall(doc.read_text(encoding="utf-8")) if not re.match(r"[a-z]+:", t)]
    missing = [t for t in targets if not (doc.parent / t).exists()]
    assert not missing, f"{doc.relative_to(ROOT)} links to missing files: {missing}"


def test_the_ci_example_runs_parallel_tests_against_a_server_that_isolates_them():
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text())
    job = workflow["jobs"]["test"]
    assert job["services"]["telemock"]["env"]["TELEMOCK_AUTO_TENANTS"] == "true"
    assert job["env"]["TELEMOCK_URL"] == "http://127.0.0.1:8780"
    assert any(step.get("run", "").startswith("pytest -n ") for step in job["steps"])
