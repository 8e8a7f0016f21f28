"""The README's examples run as written: each file under examples/ passes and is quoted in README.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("test_*.py"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_passes(example, tmp_path):
    user_config = tmp_path / "pytest.ini"  # a user's project: its own (empty) settings, not telemock's
    user_config.write_text("[pytest]\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(user_config),
         "--rootdir", str(example.parent), str(example)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_is_quoted_in_the_readme(example):
    readme = (ROOT / "README.md").read_text()
    body = example.read_text().split('"""', 2)[2].strip()
    assert body in readme, f"README.md does not show {example.name} as it is"
