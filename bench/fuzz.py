"""The larger fuzz run: schemathesis against every provider's spec, both profiles, many cases.

Run from the repository root:  python bench/fuzz.py [--examples 1000] [--sequences 200] [--rounds 1]

The same run as tests/test_fuzz (tests/test_fuzz/runner.py), with larger settings and against `telemock
serve` in its own process (pinned to one core, the fuzzer on the other), once per profile. Per
provider and profile:

1. every documented operation: `--examples` valid and `--examples` invalid cases (fixed seed),
   judged against the spec, with the observed profile's allowed departures (tests/test_fuzz/departures.py);
2. the state read back through the API (consistency check);
3. `--rounds` times, from fresh fixtures: `--sequences` stateful sequences of up to `--steps`
   calls following the spec's links, then the consistency check again.

Printed: one table row per provider and profile, then every allowed departure with the number of
answers that used it (declared ones that never showed included), the links followed, and every
problem in full. Exit status 1 when anything failed. Columns: `examples` = generated cases (per
operation and stateful steps); `requests` = those plus the consistency checks' reads; `5xx` and
`non-conforming` = answers no departure allows; `5xx allowed` / `departures allowed` = answers
the observed profile's switches explain.

Time on a shared 2-core machine: about 17 ms per case, so `--examples 130 --sequences 100` takes
about 9 minutes for all four providers in both profiles, and the default (1000 cases per
operation and mode, 200 sequences) about an hour. `--examples 0` runs the stateful phase only.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH.parent / "tests"))

from common import LOAD_CPU, PY, Server, can_pin, free_port, log  # noqa: E402

from test_fuzz.departures import PROVIDERS, allowances  # noqa: E402
from test_fuzz.runner import FuzzRun, FuzzSettings, fuzz, spec_links  # noqa: E402
from test_fuzz.targets import TARGETS  # noqa: E402

from telemock.emulator.registry import provider_classes  # noqa: E402

PROFILE_NAMES = {cls.name: list(cls.profiles) for cls in provider_classes()}
PROFILES = tuple(dict.fromkeys(name for names in PROFILE_NAMES.values() for name in names))
LOOPBACK = "127.0.0.1,localhost,::1"  # fuzzed callback URLs never leave this machine


def serve(profile: str, providers: list[str]) -> tuple[Server, str]:
    """A server running `providers`, each in `profile` (a name not every provider declares)."""
    port = free_port()
    chosen = [arg for name in providers for arg in ("--provider", name, "--profile", f"{name}={profile}")]
    server = Server(
        f"telemock serve ({profile})",
        [PY, "-m", "telemock", "serve", "--port", str(port), *chosen, "--log-level", "error",
         "--webhook-host", LOOPBACK],
    )
    server.start()
    url = f"http://127.0.0.1:{port}"
    server.wait_http(f"{url}/_telemock/health", timeout=60)
    return server, url


def allowed_5xx(run: FuzzRun) -> int:
    """Answers with a 5xx that a status departure allowed."""
    status_names = {d.name for a in allowances(run.provider, run.profile) for d in a.departures if d.kind == "status"}
    return sum(count for name, count in run.departures.items() if name in status_names)


def links_followed(run: FuzzRun) -> str:
    links = spec_links(run.provider)
    followed = {label for label in run.steps if "-[" in label}
    ok = {label for label, counts in run.steps.items() if "-[" in label and any(200 <= s < 300 for s in counts)}
    return f"{len(followed & links)}/{len(links)} ({len(ok & links)} with 2xx)"


def table(runs: list[FuzzRun]) -> str:
    head = ["provider", "profile", "operations", "examples", "requests", "5xx", "5xx allowed", "non-conforming",
            "departures allowed", "links followed", "state consistency", "time"]
    rows = [
        [r.provider, r.profile, str(r.operations), f"{r.examples:,}", f"{r.requests:,}", str(r.server_errors),
         str(allowed_5xx(r)), str(r.nonconforming), f"{sum(r.departures.values()):,}", links_followed(r),
         "; ".join(c.summary() for c in r.checks), f"{r.seconds:.0f} s"]
        for r in runs
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" if i < 2 else "---:" for i in range(len(head))) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def departures_report(runs: list[FuzzRun]) -> str:
    lines = []
    for run in runs:
        for allowance in allowances(run.provider, run.profile):
            if not allowance.departures:
                lines.append(f"- {allowance.name}: allows nothing ({allowance.none_because})")
                continue
            for departure in allowance.departures:
                count = run.departures.get(departure.name, 0)
                lines.append(f"- {departure.name}: {count:,} answers — {departure.description}")
    return "\n".join(lines) or "(none: no profile switch differs)"


def steps_report(runs: list[FuzzRun]) -> str:
    lines = []
    for run in runs:
        for label, counts in sorted(run.steps.items()):
            if "-[" in label:
                shown = ", ".join(f"{status}×{count}" for status, count in sorted(counts.items()))
                lines.append(f"- {run.provider} {run.profile}: {label}: {shown}")
    return "\n".join(lines)


def as_json(run: FuzzRun) -> dict[str, Any]:
    return {
        "provider": run.provider, "profile": run.profile, "operations": run.operations, "examples": run.examples,
        "requests": run.requests, "server_errors": run.server_errors, "allowed_5xx": allowed_5xx(run),
        "nonconforming": run.nonconforming, "departures": run.departures, "steps": {k: {str(s): c for s, c in v.items()} for k, v in run.steps.items()},
        "consistency": [c.summary() for c in run.checks], "seconds": round(run.seconds, 1), "problems": run.problems(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=1000, help="cases per operation and mode (default 1000)")
    parser.add_argument("--sequences", type=int, default=200, help="stateful sequences per round (default 200)")
    parser.add_argument("--steps", type=int, default=10, help="calls per sequence, at most (default 10)")
    parser.add_argument("--rounds", type=int, default=1, help="stateful rounds, each from fresh fixtures (default 1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--provider", action="append", choices=PROVIDERS, help="repeatable; default: all")
    parser.add_argument("--profile", action="append", choices=PROFILES, help="repeatable; default: every profile")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if can_pin():
        os.sched_setaffinity(0, {int(LOAD_CPU)})  # the server is pinned to the other core
    settings = FuzzSettings(args.examples, args.sequences, args.steps, args.rounds, args.seed)
    runs: list[FuzzRun] = []
    started = time.perf_counter()
    for profile in args.profile or PROFILES:
        providers = [name for name in args.provider or PROVIDERS if profile in PROFILE_NAMES[name]]
        if not providers:
            continue
        server, url = serve(profile, providers)
        try:
            for provider in providers:
                log(f"{provider} {profile}: {settings}")
                run = fuzz(url, TARGETS[provider], profile, settings)
                runs.append(run)
                log(f"{provider} {profile}: {run.examples:,} examples, {run.requests:,} requests, "
                    f"{'ok' if run.ok else 'PROBLEMS'} in {run.seconds:.0f} s")
        finally:
            server.stop()
    print(f"## Fuzzing ({settings.examples} cases per operation and mode, {settings.stateful_examples} sequences × "
          f"{settings.rounds} round(s) of ≤ {settings.steps} steps, seed {settings.seed}; "
          f"{(time.perf_counter() - started) / 60:.1f} min)\n")
    print(table(runs))
    print("\n### Allowed departures (observed profile)\n")
    print(departures_report([r for r in runs if r.profile != "documented"]))
    print("\n### Links followed (status × count)\n")
    print(steps_report(runs))
    problems = [(run, text) for run in runs for text in run.problems()]
    if problems:
        print("\n### Problems\n")
        for run, text in problems:
            print(f"{run.provider} {run.profile}:\n{text}\n")
    if args.json:
        args.json.write_text(json.dumps([as_json(r) for r in runs], indent=2))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
