"""Progress while a check runs: live bars and colour in a terminal (a pseudo-terminal here), one plain
line per run and no escape codes in a pipe."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time

SIGNALWIRE_BASIC = "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f:PTdemo_token"
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def command(url: str) -> list[str]:
    return [sys.executable, "-m", "telemock", "check", "server", "--provider", "signalwire", "--url",
            f"{url}/signalwire", "--basic", SIGNALWIRE_BASIC, "--examples", "8",
            "--operation", "phone_numbers_list", "--operation", "phone_numbers_get"]


def terminal_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "CI", "TTY_COMPATIBLE")}
    return env | {"TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}


def run_in_terminal(args: list[str]) -> tuple[int, str]:
    """Run `args` with stdout and stderr on a pseudo-terminal; everything it wrote, escapes included."""
    main, other = pty.openpty()
    process = subprocess.Popen(args, stdin=other, stdout=other, stderr=other, env=terminal_env(), close_fds=True)
    os.close(other)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return process.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_gets_live_bars_and_colour(server):
    code, output = run_in_terminal(command(server.url))
    assert code == 0, output
    assert ESCAPE.search(output), "no escape codes on a terminal"
    plain = ESCAPE.sub("", output)
    assert re.search(r"check server signalwire\s.*\d+/4", plain), plain  # the runs done of all
    assert re.search(r"phone_numbers_(list|get) \[(positive|negative)\].*\d+/8", plain), plain  # cases of the run
    assert re.search(r"\x1b\[[0-9;]*32m\s*ok", output), "the ok marks are not green"
    assert "4 runs (2 operations): 4 passed" in plain
    assert "[1/4]" not in plain  # no log lines on a terminal


def test_a_pipe_gets_a_plain_line_per_run(server):
    completed = subprocess.run(command(server.url), capture_output=True, text=True, timeout=120, env=terminal_env())
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "\x1b" not in completed.stdout + completed.stderr
    lines = completed.stderr.splitlines()
    assert len(lines) == 4
    assert re.fullmatch(r"check server signalwire \[1/4\] phone_numbers_list \[positive\]: passed, \d+ cases, \d+ 2xx",
                        lines[0]), lines
    assert lines[-1].startswith("check server signalwire [4/4] phone_numbers_get [negative]: passed, ")
    assert "ok    phone_numbers_list  positive" in completed.stdout  # the report itself is unchanged


def test_receiver_progress_in_a_pipe_is_a_line_per_event(tmp_path):
    from .test_receivers import SECRET, Receiver
    from .test_server_check import serve

    url, receiver_server, thread = serve(Receiver().app)
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "telemock", "check", "receiver", "--provider", "gigs", "--url", f"{url}/hook",
             "--secret", SECRET, "--examples", "3", "--seed", "2"],
            capture_output=True, text=True, timeout=120,
        )
    finally:
        receiver_server.should_exit = True
        thread.join(5)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = completed.stderr.splitlines()
    assert [line.split("]")[0] for line in lines] == [f"check receiver gigs [{n}/3" for n in (1, 2, 3)]
    assert all(re.search(r"\] com\.gigs\.\S+: passed, \d+ cases$", line) for line in lines), lines
