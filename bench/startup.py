"""Cold start: process spawn to the first 200 on a health URL, for telemock and a bare Starlette app.

Run from the repository root:  python bench/startup.py [--runs 5]
Both are measured in the same run, interleaved, so the ratio holds on a noisy shared machine.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

BARE_APP = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
async def health(request):
    return JSONResponse({"status": "ok"})
app = Starlette(routes=[Route("/health", health)])
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def time_to_first_200(command: list[str], url: str, cwd: Path) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with httpx.Client(timeout=1) as client:
            while time.perf_counter() - started < 30:
                try:
                    if client.get(url).status_code == 200:
                        return time.perf_counter() - started
                except httpx.TransportError:
                    pass
                time.sleep(0.002)
        raise RuntimeError(f"{command} did not answer {url}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    bare_dir = Path("/tmp/telemock-bench-bare")
    bare_dir.mkdir(exist_ok=True)
    (bare_dir / "bare_app.py").write_text(BARE_APP)
    results: dict[str, list[float]] = {"telemock serve": [], "bare starlette + uvicorn": []}
    for _ in range(args.runs):
        port = free_port()
        results["telemock serve"].append(
            time_to_first_200(
                [sys.executable, "-m", "emulator", "serve", "--port", str(port), "--log-level", "warning"],
                f"http://127.0.0.1:{port}/_telemock/health",
                root,
            )
        )
        port = free_port()
        results["bare starlette + uvicorn"].append(
            time_to_first_200(
                [sys.executable, "-m", "uvicorn", "bare_app:app", "--port", str(port), "--log-level", "warning"],
                f"http://127.0.0.1:{port}/health",
                bare_dir,
            )
        )
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, values in results.items():
        print(f"{name:<26} median {medians[name]:.3f} s  (runs: {', '.join(f'{v:.3f}' for v in values)})")
    print(f"ratio telemock / bare: {medians['telemock serve'] / medians['bare starlette + uvicorn']:.2f}")


if __name__ == "__main__":
    main()
