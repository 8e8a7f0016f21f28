"""What the proxy adds to a request: the same GETs sent straight to an upstream and through `telemock proxy`.

Run from the repository root:  python bench/proxy_latency.py [--requests 2000] [--block 100]

The upstream is `telemock serve` (it stands in for the real provider); the proxy is `telemock
proxy` in front of it, once as it starts by default (verdicts on, drift judged) and once with
`--record` (each exchange written, masked, to a temporary folder). One client, one connection
each, one request at a time (c=1), so a figure is the latency of one request. The series are
interleaved in blocks (direct, proxied, proxied and recording, again and again), so the
ratios are of the same run on a shared machine; the first block of each is a warm-up, not counted.
The CPU time the servers spent (upstream, plus the proxy for a proxied series, from /proc) is
counted per block too: on a loaded machine it moves far less than latency does.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import HOST, PY, Server, free_port, log  # noqa: E402

OPERATIONS = {
    "voipbin numbers_get": ("/voipbin/v1.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce", {"accesskey": "voipbin_demo_accesskey"}, None),
    "signalwire phone_numbers_get": ("/signalwire/api/relay/rest/phone_numbers/6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b", {},
                                     ("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token")),
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def cpu_ms(server: Server) -> float:
    """User and system CPU the server's process has used so far, in milliseconds."""
    fields = Path(f"/proc/{server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def start(name: str, command: list[str], port: int) -> Server:
    server = Server(name, command, pin=False).start()
    server.wait_http(f"http://{HOST}:{port}/_telemock/health", 60)
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="GETs per series and operation")
    parser.add_argument("--block", type=int, default=100, help="GETs in a row before the next series' turn")
    args = parser.parse_args()
    ports = {name: free_port() for name in ("upstream", "proxy", "recording")}
    base = {name: f"http://{HOST}:{port}" for name, port in ports.items()}
    folder = tempfile.TemporaryDirectory(prefix="telemock-proxy-bench-")
    common = ["--log-level", "warning"]
    servers = [start("upstream", [PY, "-m", "telemock", "serve", "--port", str(ports["upstream"]), *common], ports["upstream"])]
    upstreams = [arg for name in ("voipbin", "signalwire") for arg in ("--upstream", f"{name}={base['upstream']}/{name}")]
    servers.append(start("proxy", [PY, "-m", "telemock", "proxy", *upstreams, "--port", str(ports["proxy"]), *common], ports["proxy"]))
    servers.append(start("recording", [PY, "-m", "telemock", "proxy", *upstreams, "--port", str(ports["recording"]),
                                       "--record", folder.name, *common], ports["recording"]))
    series = {"direct": base["upstream"], "proxy": base["proxy"], "proxy --record": base["recording"]}
    # The processes whose CPU a series costs: the upstream always, the proxy it goes through.
    serving = {"direct": servers[:1], "proxy": [servers[0], servers[1]], "proxy --record": [servers[0], servers[2]]}
    log(f"load average at start: {os.getloadavg()[0]:.2f}")
    try:
        for operation, (path, params, auth) in OPERATIONS.items():
            clients = {name: httpx.Client(base_url=url, params=params, auth=auth, trust_env=False, timeout=10)
                       for name, url in series.items()}
            timings: dict[str, list[float]] = {name: [] for name in series}
            cpu: dict[str, float] = {name: 0.0 for name in series}
            blocks = args.requests // args.block + 1  # one more: the first is the warm-up
            for block in range(blocks):
                for name, client in clients.items():
                    before = sum(cpu_ms(server) for server in serving[name])
                    for _ in range(args.block):
                        started = time.perf_counter()
                        response = client.get(path)
                        elapsed = time.perf_counter() - started
                        if response.status_code != 200:
                            raise SystemExit(f"{name} {operation}: HTTP {response.status_code}: {response.text[:200]}")
                        if block:
                            timings[name].append(elapsed * 1000)
                    if block:
                        cpu[name] += sum(cpu_ms(server) for server in serving[name]) - before
            for client in clients.values():
                client.close()
            report(operation, timings, cpu)
        log(f"load average at end: {os.getloadavg()[0]:.2f}")
    finally:
        for server in servers:
            server.stop()
        recorded = len(list(Path(folder.name).glob("*.yaml")))
        folder.cleanup()
        log(f"the recording proxy wrote {recorded} files")


def report(operation: str, timings: dict[str, list[float]], cpu: dict[str, float]) -> None:
    direct = timings["direct"]
    d50, d99 = statistics.median(direct), percentile(direct, 0.99)
    d_cpu = cpu["direct"] / len(direct)
    print(f"\n{operation}: {len(direct)} GETs per series, c=1")
    print("| series | p50 ms | p99 ms | p50 ÷ direct | p99 ÷ direct | added p50 ms | added p99 ms | server CPU ms/request | CPU ÷ direct |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, values in timings.items():
        p50, p99 = statistics.median(values), percentile(values, 0.99)
        per_request = cpu[name] / len(values)
        print(f"| {name} | {p50:.2f} | {p99:.2f} | {p50 / d50:.2f}× | {p99 / d99:.2f}× | {p50 - d50:+.2f} | {p99 - d99:+.2f} "
              f"| {per_request:.2f} | {per_request / d_cpu:.2f}× |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
