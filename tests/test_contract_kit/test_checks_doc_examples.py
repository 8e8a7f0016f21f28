"""docs/checks.md's examples run as written: every python block that starts with `# test_….py` is
a user's test file, and passes in a project of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "checks.md"
BLOCK = re.compile(r"```python\n# (test_\w+\.py)\n(.*?)```", re.S)
EXAMPLES = BLOCK.findall(DOC.read_text(encoding="utf-8"))


def test_the_new_sections_have_examples():
    assert {name for name, _ in EXAMPLES} >= {"test_resilience_example.py", "test_handler_example.py",
                                               "test_profiles_example.py", "test_lifecycle_example.py", "test_pages_example.py"}


@pytest.mark.timeout(300)
@pytest.mark.parametrize(("name", "code"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_a_doc_example_passes(pytester, name, code):
    pytester.makepyfile(**{name.removesuffix(".py"): code})
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", timeout=240)
    result.assert_outcomes(passed=1)
