"""The kill -9 loop of the test suite, longer: 20 rounds by default, each ending in SIGKILL mid-burst.

Run from the repository root:  python bench/kill9_soak.py [--rounds 20] [--seed N]
It runs tests/test_persistence/test_crash.py (burst and pending-delivery checks) with more rounds and
prints the figures: writes acknowledged, acknowledged states checked, found after the restarts.
A different seed gives different kill moments; a failing seed reproduces the run.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=random.SystemRandom().randrange(1 << 30))
    args = parser.parse_args()
    env = {**os.environ, "TELEMOCK_CRASH_ROUNDS": str(args.rounds), "TELEMOCK_CRASH_SEED": str(args.seed)}
    print(f"kill -9 soak: {args.rounds} rounds, seed {args.seed}", flush=True)
    command = [sys.executable, "-m", "pytest", "tests/test_persistence/test_crash.py", "-q", "-s", "-p", "no:cacheprovider"]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main())
