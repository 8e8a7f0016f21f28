"""Runs one emulator with the bounds under test (journal size, delivery history) for the soak runs.

`telemock serve` has no option for the delivery history, so this launcher builds the Config
itself and serves it with the CLI's own server (same ready line, same uvicorn settings).
Logging is kept to errors: a soak measures memory, not log volume.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from telemock.emulator import Config, create_app
from telemock.cli import run_server
from telemock.emulator.core.logs import configure_logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journal-size", type=int, default=1000)
    parser.add_argument("--delivery-history", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    configure_logging("text", "error")
    app = create_app(Config(journal_size=args.journal_size, delivery_history=args.delivery_history,
                            webhook_allowed_hosts=["127.0.0.1"], log_requests=False))
    run_server(app, "127.0.0.1", args.port)


if __name__ == "__main__":
    main()
