"""Builds telemock's wheel from a clean copy of the checkout.

setuptools stages a build in the source tree's `build/` folder and packs whatever it finds there,
so a module deleted since the last build would ship again. A copy without `build/`, virtualenvs
and caches gives a wheel of exactly what the checkout holds.

    python scripts/build_wheel.py OUT_DIR      # prints the wheel's path
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                  ".hypothesis", "node_modules", "artifacts", ".cache")


def build_wheel(out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="telemock-src-") as tmp:
        source = Path(tmp) / "telemock"
        shutil.copytree(ROOT, source, ignore=LEFT_OUT)
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--wheel-dir", str(out_dir), str(source)],
            check=True, capture_output=True, text=True,
        )
    return max(out_dir.glob("telemock-*.whl"), key=lambda p: p.stat().st_mtime)


if __name__ == "__main__":
    print(build_wheel(Path(sys.argv[1])))
