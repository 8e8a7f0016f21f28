"""Serves telemock's app with a chosen Config, for what the CLI has no flag for.

    python bench/serve_app.py --port P [--no-verdicts] [--serving uvicorn|cli] [--fixtures F ...]
                              [--seed-voipbin N --ids-file PATH]

--serving uvicorn (default) runs uvicorn.Server.run() with uvicorn binding the port itself: uvloop,
httptools, no access log, the way the uvicorn command and the pytest plugin's real socket serve.
--serving cli goes through telemock.cli.run_server, the `telemock serve` code path.
--gc-freeze (an experiment, not telemock behaviour) calls gc.freeze() once the state is loaded.
--seed-voipbin N puts N numbers straight into the demo VoIPBIN tenant's plain-data state (copies
of a demo number with fresh ids, numbers and creation times), commits them as the baseline like
a fixture would, rebuilds the indexes, and prints `BENCH_SEED {json}` with the time and memory.
The line `BENCH_READY port=P` says the socket accepts connections.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import rss_bytes  # noqa: E402


def seed_voipbin(app, count: int, ids_file: Path | None) -> dict:
    import os

    runtime = app.state.runtime
    provider = runtime.providers["voipbin"]
    tenant = "demo"
    state = provider.store.get(tenant)
    numbers = state["numbers"]
    template = dict(next(iter(numbers.values())))
    rss_before = rss_bytes(os.getpid(), tree=False)
    started = time.perf_counter()
    base_us = runtime.clock.now_us() - count - 1_000_000
    for i in range(count):
        record = dict(template)
        record["id"] = str(uuid.UUID(int=(0x5EED << 96) | i, version=4))
        record["number"] = "+1%010d" % (3_000_000_000 + i)
        record["name"] = f"seeded {i}"
        record["tm_create"] = record["tm_update"] = base_us + i
        numbers[record["id"]] = record
    filled = time.perf_counter()
    provider.store.commit_baseline()
    committed = time.perf_counter()
    provider.on_state_loaded()
    indexed = time.perf_counter()
    rss_after = rss_bytes(os.getpid(), tree=False)
    baseline = getattr(provider.store, "_baseline", {}).get(tenant)
    if ids_file is not None:
        step = max(1, count // 1000)
        sample = [str(uuid.UUID(int=(0x5EED << 96) | i, version=4)) for i in range(0, count, step)][:1000]
        ids_file.write_text("\n".join(sample) + "\n")
    return {
        "count": count,
        "fill_s": filled - started,
        "baseline_s": committed - filled,
        "index_s": indexed - committed,
        "load_s": indexed - started,
        "rss_before": rss_before,
        "rss_after": rss_after,
        "baseline_bytes": len(baseline) if isinstance(baseline, (bytes, bytearray)) else None,
    }


def serve_bare(args: argparse.Namespace) -> None:
    """The ceiling app through telemock's `run_server`, which announces the providers of a runtime."""
    from types import SimpleNamespace

    from bare_app import app

    app.state.runtime = SimpleNamespace(providers={})
    if args.serving != "cli":
        raise SystemExit("--bare is for --serving cli; the ceiling itself runs under the uvicorn command")
    from telemock.cli import run_server

    run_server(app, "127.0.0.1", args.port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--fixtures", action="append", default=[])
    parser.add_argument("--no-verdicts", action="store_true")
    parser.add_argument("--serving", choices=["uvicorn", "cli"], default="uvicorn")
    parser.add_argument("--seed-voipbin", type=int, default=0)
    parser.add_argument("--ids-file", type=Path)
    parser.add_argument("--gc-freeze", action="store_true",
                        help="experiment: gc.freeze() once the state is loaded (moves it out of the cyclic GC's reach)")
    parser.add_argument("--bare", action="store_true", help="serve bench/bare_app.py's app instead of telemock's")
    args = parser.parse_args()

    if args.bare:
        serve_bare(args)
        return

    from telemock.emulator.app import create_app
    from telemock.emulator.config import Config

    try:
        from telemock.emulator.core.logs import configure_logging

        configure_logging("text", "warning")
    except Exception:  # the logging helper moved: the server still runs, with Python's defaults
        pass
    config = Config(fixtures=[Path(p) for p in args.fixtures], log_requests=False)
    if args.no_verdicts:
        config.verdicts = False
    app = create_app(config)
    if args.seed_voipbin:
        report = seed_voipbin(app, args.seed_voipbin, args.ids_file)
        print("BENCH_SEED " + json.dumps(report), flush=True)
    if args.gc_freeze:
        import gc

        gc.collect()
        gc.freeze()

    if args.serving == "cli":
        from telemock.cli import run_server

        print(f"BENCH_SERVING cli port={args.port}", flush=True)
        run_server(app, "127.0.0.1", args.port)
        return

    import uvicorn

    class Announcing(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=sockets)
            print(f"BENCH_READY port={args.port}", flush=True)

    server_config = uvicorn.Config(
        app, host="127.0.0.1", port=args.port, access_log=False, log_config=None, lifespan="on",
        server_header=False, log_level="warning",
    )
    Announcing(server_config).run()


if __name__ == "__main__":
    main()
