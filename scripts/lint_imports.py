"""Checks the import layers written in pyproject.toml on the built wheel.

import-linter walks a package's folder on disk; in a source checkout `telemock` is assembled from
several folders (setup.py), so the check runs on the wheel, where every module sits under it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from build_wheel import build_wheel  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="telemock-lint-") as tmp:
        wheels, target = Path(tmp, "wheels"), Path(tmp, "site")
        quiet = ["--quiet", "--disable-pip-version-check"]
        wheel = build_wheel(wheels)
        subprocess.run([sys.executable, "-m", "pip", "install", *quiet, "--no-deps", "--target", str(target), str(wheel)],
                       check=True)
        env = {**os.environ, "PYTHONPATH": str(target)}
        lint = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
                str(ROOT / "pyproject.toml")]
        return subprocess.run(lint, cwd=target, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
