"""Turns run_all's results into bench/README.md: tables, ratios, targets met or missed, profiles.

Hand-written notes live between the NOTES markers of the existing README and are carried over
into each new one, so a rerun refreshes every figure without losing the analysis.
"""

from __future__ import annotations

from typing import Any

NOTES_START = "<!-- notes:start (kept by run_all.py; edit freely) -->"
NOTES_END = "<!-- notes:end -->"


def fmt(value: float | None, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def geomean(values: list[float]) -> float | None:
    import math

    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def fr(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def mib(value: int | None) -> str:
    return "–" if value is None else f"{value / 2**20:,.0f} MiB"


def notes_of(previous: str | None) -> str:
    if previous and NOTES_START in previous and NOTES_END in previous:
        return previous.split(NOTES_START, 1)[1].split(NOTES_END, 1)[0].strip("\n")
    return "_No notes yet._"


def cell(summary: dict[str, Any], role: str, op: str, c: str) -> dict[str, Any] | None:
    return summary.get(role, {}).get(op, {}).get(c)


def rps(summary: dict[str, Any], role: str, op: str, c: str) -> float | None:
    found = cell(summary, role, op, c)
    return found["rps"] if found else None


RATIO_COLUMNS = (("serve", "ceiling"), ("app", "ceiling"), ("app_noverdicts", "app"), ("serve", "prism"),
                 ("app", "prism"), ("serve", "wiremock"), ("app", "wiremock"))


def round_ratio(http: dict[str, Any], role: str, base: str, op: str, field: str = "rps", c: str = "32") -> float | None:
    """The median over the repetitions of role ÷ base measured side by side in the same repetition
    (load on a shared machine drifts between repetitions, not within one); else the ratio of medians."""
    runs = http.get("runs", {})
    mine = runs.get(role, {}).get(op, {}).get(c, [])
    theirs = runs.get(base, {}).get(op, {}).get(c, [])
    if mine and len(mine) == len(theirs):
        ratios = [m[field] / t[field] for m, t in zip(mine, theirs) if t.get(field)]
        if ratios:
            ratios.sort()
            middle = len(ratios) // 2
            return ratios[middle] if len(ratios) % 2 else (ratios[middle - 1] + ratios[middle]) / 2
    key = "p99_ms" if field == "p99_us" else field
    a, b = cell(http.get("summary", {}), role, op, c), cell(http.get("summary", {}), base, op, c)
    return ratio(a.get(key) if a else None, b.get(key) if b else None)


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target: what, the figure(s), met (True/False/None when not measured)."""
    http = results.get("http", {})
    summary = http.get("summary", {})
    ops = [o["key"] for o in http.get("ops", [])]
    found: list[dict[str, Any]] = []

    def ratio_target(name: str, kinds: tuple[str, ...], base: str, threshold: float, roles=("serve", "app")) -> None:
        figures = []
        verdicts = []
        for role in roles:
            values = {op: round_ratio(http, role, base, op) for op in ops if op.split()[1] in kinds}
            values = {k: v for k, v in values.items() if v is not None}
            if not values:
                continue
            worst = min(values, key=values.get)  # type: ignore[arg-type]
            mean = fr(geomean(list(values.values())))
            if len(values) <= 4:
                figures.append(f"{http['roles'][role]}: " + ", ".join(f"{k} {fr(v)}" for k, v in values.items())
                               + f" (worst {fr(values[worst])}, geometric mean {mean})")
            else:
                best = max(values, key=values.get)  # type: ignore[arg-type]
                meeting = sum(1 for v in values.values() if v >= threshold)
                figures.append(f"{http['roles'][role]}: {meeting} of {len(values)} operations at {threshold:g}× or more; "
                               f"geometric mean {mean}, worst {worst} {fr(values[worst])}, best {best} {fr(values[best])}")
            verdicts.append(all(v >= threshold for v in values.values()))
        found.append({"target": name, "figure": "; ".join(figures) or "not measured",
                      "met": verdicts[0] if verdicts else None,
                      "met_app": verdicts[1] if len(verdicts) > 1 else None})

    ratio_target("GET ≥ 0.6× the bare-Starlette ceiling (c=32 throughput)", ("get",), "ceiling", 0.6)
    ratio_target("PUT/PATCH ≥ 0.5× the ceiling (c=32 throughput)", ("update",), "ceiling", 0.5)

    ratio_target("Creates ≥ 0.4× the ceiling (c=32 throughput)", ("create",), "ceiling", 0.4)

    def p99_ratios(role: str) -> dict[str, float]:
        found_ratios = {}
        for op in ops:
            value = round_ratio(http, role, "ceiling", op, field="p99_us")
            if value is not None:
                found_ratios[op] = value
        return found_ratios

    serve_p99, app_p99 = p99_ratios("serve"), p99_ratios("app")
    if serve_p99:
        worst = max(serve_p99, key=serve_p99.get)  # type: ignore[arg-type]
        worst_app = max(app_p99, key=app_p99.get, default=None)  # type: ignore[arg-type]
        within = sum(1 for v in serve_p99.values() if v <= 3)
        found.append({
            "target": "p99 at c=32 ≤ 3× the ceiling's p99 in the same run",
            "figure": f"telemock serve: {within} of {len(serve_p99)} operations within 3× (median of the repetitions' ratios), "
                      f"worst {worst} {fr(serve_p99[worst])} (medians {cell(summary, 'serve', worst, '32')['p99_ms']:.1f} ms against "
                      f"{cell(summary, 'ceiling', worst, '32')['p99_ms']:.1f} ms)"
                      + (f"; app worst {worst_app} {fr(app_p99[worst_app])}" if worst_app else ""),
            "met": serve_p99[worst] <= 3,
            "met_app": app_p99[worst_app] <= 3 if worst_app else None,
        })
    for base, threshold, label in (("prism", 5.0, "Prism"), ("wiremock", 2.5, "WireMock")):
        if base in http.get("unavailable", {}) and not summary.get(base):
            found.append({"target": f"≥ {threshold:g}× {label} (c=32 throughput)", "figure": f"not measured: {http['unavailable'][base]}", "met": None})
            continue
        ratio_target(f"≥ {threshold:g}× {label} (c=32 throughput, every operation)", ("get", "list", "update", "create"), base, threshold)

    cold = results.get("startup", {}).get("median_s", {})
    if "telemock serve" in cold:
        found.append({"target": "cold start ≤ 0.5 s (spawn to first 200 on health)",
                      "figure": f"{cold['telemock serve']:.3f} s (bare uvicorn {fmt(cold.get('bare uvicorn'), 3)} s)",
                      "met": cold["telemock serve"] <= 0.5})
    inproc = results.get("inprocess", {})
    if "import_s" in inproc and "create_app_first_s" in inproc:
        start = inproc["import_s"] + inproc["create_app_first_s"]
        found.append({"target": "fixture session start ≤ 0.2 s (import + first create_app, as the plugin's session fixture)",
                      "figure": f"{start:.3f} s (import {inproc['import_s'] * 1000:.0f} ms + create_app {inproc['create_app_first_s'] * 1000:.0f} ms)",
                      "met": start <= 0.2})
    if "reset" in inproc:
        found.append({"target": "per-test reset ≤ 1 ms (runtime.reset(), default fixtures)",
                      "figure": f"median {inproc['reset']['median_us']:.0f} µs, p99 {inproc['reset']['p99_us']:.0f} µs",
                      "met": inproc["reset"]["median_us"] <= 1000})

    found.extend(delivery_targets(results.get("deliveries", {})))

    scale = results.get("scale", {})
    sh = scale.get("http", {})
    small, big = "1000", "1000000"
    if small in sh and big in sh:
        g1, gN = sh[small]["get"]["1"]["p50_ms"], sh[big]["get"]["1"]["p50_ms"]
        t1, tN = sh[small]["get"]["32"]["rps"], sh[big]["get"]["32"]["rps"]
        found.append({"target": "1 M numbers: GET within 1.2× of the 1 k figure (p50 latency at c=1)",
                      "figure": f"p50 at c=1 {g1:.2f} → {gN:.2f} ms ({gN / g1:.2f}×); for information, c=32 {t1:,.0f} → {tN:,.0f} rps (1 k ÷ 1 M = {t1 / tN:.2f}×)",
                      "met": gN / g1 <= 1.2})
        l1, lN = sh[small]["list"]["1"]["p50_ms"], sh[big]["list"]["1"]["p50_ms"]
        u1, uN = sh[small]["list"]["32"]["rps"], sh[big]["list"]["32"]["rps"]
        found.append({"target": "list page independent of N (p50 at c=1, 1 M within 1.2× of 1 k)",
                      "figure": f"p50 at c=1 {l1:.2f} → {lN:.2f} ms ({lN / l1:.2f}×); for information, c=32 {u1:,.0f} → {uN:,.0f} rps (1 k ÷ 1 M = {u1 / uN:.2f}×)",
                      "met": lN / l1 <= 1.2})
    seeded = scale.get("seeded", {}).get(big) or {}
    fixture = scale.get("fixture", {}).get(big) or {}
    if "per_number_bytes" in seeded:
        extra = ""
        if "per_number_bytes" in fixture:
            extra = f"; fixture path {fixture['per_number_bytes']:,.0f} B"
        else:
            largest = max((k for k, v in scale.get("fixture", {}).items() if "per_number_bytes" in v), key=int, default=None)
            if largest:
                extra = f"; fixture path at {int(largest):,}: {scale['fixture'][largest]['per_number_bytes']:,.0f} B"
        found.append({"target": "1 M numbers: ≤ 2 KB per number",
                      "figure": f"seeded {seeded['per_number_bytes']:,.0f} B per number (of which baseline bytes {fmt(seeded.get('baseline_bytes_per_number'))} B){extra}",
                      "met": seeded["per_number_bytes"] <= 2048})
    return found


def delivery_targets(found: dict[str, Any]) -> list[dict[str, Any]]:
    """Deliveries against plain clients, the API while they flow, and the kit's receiver check."""
    targets_found = []
    summary = found.get("deliveries", {}).get("summary")
    if summary:
        kept = "exactly once, signed, in order per number" if not summary["problems"] else "; ".join(summary["problems"])
        targets_found.append({
            "target": "webhook deliveries ≥ 0.6× the best plain async client posting the same bodies",
            "figure": f"telemock {summary['telemock_rate']:,.0f}/s, httpx {summary['httpx_rate']:,.0f}/s, aiohttp "
                      f"{summary['aiohttp_rate']:,.0f}/s (first arrival to last): median of the rounds' ratios {fr(summary['ratio'])} "
                      f"({summary['events']:.0f} events a round; {kept}); from the clock advance, events made "
                      f"included: {fmt(summary.get('telemock_rate_from_advance'))}/s",
            "met": summary["ratio"] >= 0.6 and not summary["problems"],
        })
    api = found.get("deliveries", {}).get("api")
    if api:
        targets_found.append({
            "target": "the API's throughput while deliveries flow ≥ 0.9× the API alone",
            "figure": f"median of the rounds' ratios {fr(api['ratio'])} (voipbin get at c=32: "
                      + ", ".join(f"{a:,.0f} → {d:,.0f} rps" for a, d in zip(api["alone_rps"], api["during_rps"])) + ")",
            "met": api["ratio"] >= 0.9,
        })
    receiver = found.get("receiver_check")
    if receiver:
        targets_found.append({
            "target": "receiver check ≥ 100 events/s",
            "figure": f"{receiver['events_per_s']:.1f} events/s ({receiver['deliveries_per_s']:.0f} deliveries/s, "
                      f"{receiver['events']} events; generating one event alone: {fmt(receiver.get('generation_per_s'), 1)}/s)",
            "met": receiver["events_per_s"] >= 100,
        })
    return targets_found


def pair(v: dict[str, Any] | None, digits: int = 1) -> str:
    """'p50 / p99' in ms, or a dash."""
    if not v:
        return "–"
    return f"{v['p50_ms']:.{digits}f} / {v['p99_ms']:.1f}"


def code(text: str) -> str:
    return f"`{text}`" if text else ""


def mark(met: bool | None) -> str:
    return {True: "**met**", False: "**missed**", None: "not measured"}[met]


def render(results: dict[str, Any], previous: str | None = None) -> str:
    m = results.get("machine", {})
    http = results.get("http", {})
    summary = http.get("summary", {})
    roles = http.get("roles", {})
    ops = http.get("ops", [])
    lines: list[str] = []
    add = lines.append
    add("# telemock benchmarks")
    add("")
    took = sum(results.get("section_seconds", {}).values()) or results.get("elapsed_s", 0)
    add(f"Generated by `python bench/run_all.py{' --quick' if results.get('quick') else ''}` on **{results.get('date')}** "
        f"({'quick' if results.get('quick') else 'full'} mode, {took / 60:.1f} min). "
        "Every figure below comes from that run; rerun the command to refresh them all.")
    redone = {k: v for k, v in results.get("section_dates", {}).items() if v != results.get("date")}
    if redone:
        add("")
        add("Sections re-run on their own since (`run_all.py --only`): "
            + ", ".join(f"{k} on {v}" for k, v in redone.items()) + ".")
    add("")
    add("## Machine")
    add("")
    pk = m.get("packages", {})
    tools = http.get("tools", {})
    add(f"- CPU: {m.get('cpu_model')}, {m.get('cores')} cores; memory {fmt((m.get('memory_bytes') or 0) / 2**30, 1)} GiB; "
        f"Linux {m.get('kernel')}; Python {m.get('python')}")
    add(f"- uvicorn {pk.get('uvicorn')}, starlette {pk.get('starlette')}, httptools {pk.get('httptools')}, uvloop {pk.get('uvloop')}, "
        f"orjson {pk.get('orjson')}; {m.get('wrk')}; node {m.get('node')}, Prism {tools.get('prism_version') or '–'}; "
        f"{m.get('java')}, WireMock {tools.get('wiremock_version') or '–'}")
    add(f"- Load average (1 min) at start {fmt(results.get('loadavg_start'), 2)}, at end {fmt(results.get('loadavg_end'), 2)}: "
        "the machine is shared, so absolute figures move from run to run; the ratios compare runs made side by side.")
    add(f"- Servers pinned to core 0 (`taskset -c 0`), wrk (one thread) on core 1: {'yes' if m.get('pinned') else 'no (taskset or a second core missing)'}. "
        f"HTTP figures are medians of {http.get('reps', '–')} interleaved runs of {fmt(http.get('seconds'))} s each.")
    add("")

    add("## Targets")
    add("")
    add("Judged on `telemock serve` (the CLI as shipped); the last column says whether the same app served by "
        "`uvicorn.Server.run()` (uvloop, TCP_NODELAY) meets it, which separates the app's cost from the CLI's serving path.")
    add("")
    add("| target | this machine | telemock serve | app under uvicorn.Server.run |")
    add("|---|---|---|---|")
    for t in targets(results):
        add(f"| {t['target']} | {t['figure']} | {mark(t['met'])} | {mark(t['met_app']) if 'met_app' in t and t['met_app'] is not None else '–'} |")
    add("")

    if http.get("skipped"):
        add(f"HTTP benchmarks skipped: {http['skipped']}")
        add("")
    elif summary:
        add("## HTTP throughput at 32 connections (requests/s, median)")
        add("")
        add("| operation | ceiling | telemock serve | app | app, verdicts off | Prism | WireMock | serve ÷ ceiling | app ÷ ceiling | verdicts off ÷ on | serve ÷ Prism | app ÷ Prism | serve ÷ WireMock | app ÷ WireMock |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for op in ops:
            k = op["key"]
            r = {role: rps(summary, role, k, "32") for role in ("ceiling", "serve", "app", "app_noverdicts", "prism", "wiremock")}
            if not any(r.values()):
                continue
            add(f"| {op['label']} | {fmt(r['ceiling'])} | {fmt(r['serve'])} | {fmt(r['app'])} | {fmt(r['app_noverdicts'])} | "
                f"{fmt(r['prism'])} | {fmt(r['wiremock'])} | "
                + " | ".join(fr(round_ratio(http, num, den, k)) for num, den in RATIO_COLUMNS) + " |")
        means = {}
        for num, den in RATIO_COLUMNS:
            means[(num, den)] = geomean([round_ratio(http, num, den, o["key"]) for o in ops])
        add("| **geometric mean of the ratios** | | | | | | | " + " | ".join(fr(v) for v in means.values()) + " |")
        add("")
        add("Requests/s are medians over the repetitions; each ratio is the median over the repetitions of the two "
            "servers' runs in the same repetition (made side by side), which drift with the machine's load less than "
            "the runs themselves. One-second runs on a shared machine move by ±30 % from run to run; the geometric "
            "mean over all operations is the steadiest single figure.")
        add("")
        add("## HTTP latency (p50 / p99, ms) and throughput at 1 connection")
        add("")
        add("| operation | ceiling c=1 | serve c=1 | app c=1 | ceiling c=32 | serve c=32 | app c=32 | verdicts off c=32 | Prism c=32 | WireMock c=32 |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for op in ops:
            k = op["key"]
            cells = []
            for role, c in (("ceiling", "1"), ("serve", "1"), ("app", "1"), ("ceiling", "32"), ("serve", "32"), ("app", "32"),
                            ("app_noverdicts", "32"), ("prism", "32"), ("wiremock", "32")):
                v = cell(summary, role, k, c)
                if v is None:
                    cells.append("–")
                elif c == "1":
                    cells.append(f"{v['p50_ms']:.2f} / {v['p99_ms']:.1f} ({v['rps']:,.0f}/s)")
                else:
                    cells.append(f"{v['p50_ms']:.1f} / {v['p99_ms']:.1f}")
            if any(c != "–" for c in cells):
                add(f"| {op['label']} | " + " | ".join(cells) + " |")
        add("")
        bare = summary.get("bare_cli", {})
        if bare:
            add("### Diagnosis: the CLI's serving path")
            add("")
            add("The ceiling app itself, served through `telemock.cli.run_server` (the code path of `telemock serve`) "
                "instead of the uvicorn command, answering the same request. Tens of requests/s with a p50 near 40 ms at "
                "c=1 would mean the CLI's connections lack TCP_NODELAY (each response then waits for the client's delayed "
                "ACK). Both run uvloop and httptools; `run_server` writes an answer's head and body with one write "
                "(`core/serving.py`), uvicorn's own protocol with two.")
            add("")
            add("| server | c=1 rps | c=1 p50 / p99 ms | c=32 rps | c=32 p50 / p99 ms |")
            add("|---|---:|---:|---:|---:|")
            for role in ("ceiling", "bare_cli", "serve", "app"):
                per = summary.get(role, {}).get("voipbin get", {})
                one, many = per.get("1"), per.get("32")
                if one or many:
                    add(f"| {roles.get(role, role)} | {fmt(one and one['rps'])} | "
                            f"{pair(one, 2)} | {fmt(many and many['rps'])} | {pair(many)} |")
            add("")
        errors = [(role, k, c, v["errors"], v["requests"]) for role, per in summary.items() for k, pc in per.items()
                  for c, v in pc.items() if v["errors"]]
        add("### Errors, failures and notes on the HTTP runs")
        add("")
        for k, why in http.get("problems", {}).items():
            add(f"- telemock **{k}** failed when checked before the run and was left out: `{why}`")
        for role, why in http.get("unavailable", {}).items():
            add(f"- {roles.get(role, role)} not measured: {why}")
        for role, k, c, n, total in errors:
            add(f"- {roles.get(role, role)} {k} c={c}: {n:,} of {total:,} requests failed (HTTP ≥ 400 or socket errors)")
        prism_status = http.get("prism_status", {})
        odd = {k: v for k, v in prism_status.items() if not (v.get("status") or 0) < 300}
        for k, v in odd.items():
            add(f"- Prism answered {k} with {v.get('status')} {v.get('error', '')}")
        if not errors and not http.get("problems") and not odd:
            add("- every measured request got a 2xx answer.")
        add("- Creates grow the state during their run (each request makes a new number; a 1-second run at 32 connections "
            "adds hundreds to thousands). Telemock is reset to the default fixtures before each of its runs, so no run "
            "sees another's numbers. Prism and WireMock answer creates with a fixed body and keep no state.")
        add("- Prism answers with the examples of telemock's own spec (sizes differ from telemock's answers); WireMock and "
            "the ceiling answer the very bytes telemock answered. Prism and WireMock are warmed for 1 s per operation "
            "before the measured runs.")
        add("")
        add("### Server memory (RSS)")
        add("")
        add("| server | before the load | peak after a run | after all runs |")
        add("|---|---:|---:|---:|")
        for role, v in http.get("rss", {}).items():
            name = roles.get(role, role) if not role.startswith("prism ") else f"Prism ({role.split()[1]} spec)"
            add(f"| {name} | {mib(v.get('before'))} | {mib(v.get('peak'))} | {mib(v.get('after'))} |")
        add("")

    startup = results.get("startup", {})
    if startup:
        add("## Cold start (spawn to first 200 on health, median)")
        add("")
        add("| server | median | runs |")
        add("|---|---:|---|")
        for name, values in startup.get("runs", {}).items():
            if values:
                add(f"| {name} | {startup['median_s'][name]:.3f} s | {', '.join(f'{v:.3f}' for v in values)} |")
        for name, why in startup.get("problems", {}).items():
            add(f"| {name} | not measured | {why} |")
        add("| | | Prism serves one spec (voiceos) per process, WireMock starts with no stubs, telemock serves all four providers with the default fixtures; none is pinned to a core. |")
        med = startup.get("median_s", {})
        for other in ("bare uvicorn", "Prism", "WireMock"):
            if "telemock serve" in med and other in med:
                add(f"| telemock ÷ {other} | {med['telemock serve'] / med[other]:.2f}× | |")
        add("")
        why = startup.get("explain")
        if why:
            ph = why.get("phases_ms", {})
            add(f"Where telemock's start goes (medians of 3): interpreter {fmt(ph.get('interpreter_ms'))} ms, imports "
                f"{fmt(ph.get('imports_ms'))} ms, first `create_app` {fmt(ph.get('create_app_ms'))} ms; the rest is uvicorn "
                "start-up and the first request.")
            add("")
            add("Heaviest imports (cumulative ms, `python -X importtime`, indented by depth):")
            add("")
            add("```")
            for ms, module in why.get("imports_ms", []):
                add(f"{ms:8.1f}  {module}")
            add("```")
            add("")
            add(f"First `create_app(Config())` call under cProfile ({fmt(why.get('create_app_first_call_ms'))} ms), cumulative ms:")
            add("")
            add("```")
            for ms, fn in why.get("create_app_cumulative_ms", []):
                add(f"{ms:8.1f}  {fn}")
            add("```")
            add("")

    inproc = results.get("inprocess", {})
    if inproc.get("reset"):
        add("## In-process costs (pytest plugin)")
        add("")
        add("| what | median | p99 | n |")
        add("|---|---:|---:|---:|")
        add(f"| import telemock.emulator.app | {inproc['import_s'] * 1000:,.0f} ms | | 1 |")
        add(f"| first create_app(Config()) (lazy set-up included) | {inproc['create_app_first_s'] * 1000:,.1f} ms | | 1 |")
        c = inproc["create_app"]
        add(f"| later create_app(Config()) | {c['median_us'] / 1000:,.2f} ms | {c['p99_us'] / 1000:,.2f} ms | {c['n']} |")
        r = inproc["reset"]
        add(f"| runtime.reset() (default fixtures) | {r['median_us']:,.0f} µs | {r['p99_us']:,.0f} µs | {r['n']} |")
        for k, v in inproc.get("requests", {}).items():
            a, s = v["asgi"], v["socket"]
            add(f"| {k}: httpx.ASGITransport (in-process) | {a['median_us']:,.0f} µs | {a['p99_us']:,.0f} µs | {a['n']} |")
            add(f"| {k}: real socket (uvicorn thread, same process) | {s['median_us']:,.0f} µs | {s['p99_us']:,.0f} µs | {s['n']} |")
            add(f"| {k}: socket ÷ in-process | {s['median_us'] / a['median_us']:.2f}× | | |")
        add("")
    elif inproc.get("error"):
        add(f"In-process benchmark failed: {inproc['error']}")
        add("")

    scale = results.get("scale", {})
    if scale:
        add("## Scale: numbers in one VoIPBIN tenant")
        add("")
        add("| numbers | fixture file: parse + load | fixture: bytes/number | seeded: load | seeded: bytes/number (baseline share) | server RSS | GET p50/p99 c=1 | GET c=32 rps | list page p50/p99 c=1 | list c=32 rps |")
        add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for count in scale.get("sizes", []):
            k = str(count)
            f = scale.get("fixture", {}).get(k, {})
            s = scale.get("seeded", {}).get(k, {})
            h = scale.get("http", {}).get(k, {})
            if "load_s" in f:
                fload = f"{f['yaml_parse_s']:.2f} s YAML + {f['load_s'] - f['yaml_parse_s']:.2f} s"
                fbytes = f"{f['per_number_bytes']:,.0f}"
            else:
                fload, fbytes = f.get("skipped") or f.get("error") or "–", "–"
            sload = f"{s['load_s']:.2f} s" if "load_s" in s else s.get("error", "–")
            sbytes = f"{s['per_number_bytes']:,.0f} ({fmt(s.get('baseline_bytes_per_number'))})" if "per_number_bytes" in s else "–"
            g1, g32 = h.get("get", {}).get("1"), h.get("get", {}).get("32")
            l1, l32 = h.get("list", {}).get("1"), h.get("list", {}).get("32")
            add(f"| {count:,} | {fload} | {fbytes} | {sload} | {sbytes} | {mib(s.get('server_rss'))} | "
                f"{pair(g1, 2)} ms | {fmt(g32 and g32['rps'])} | {pair(l1, 2)} ms | {fmt(l32 and l32['rps'])} |")
        add("")
        add("The fixture path includes YAML parsing and pydantic validation, and its RSS growth includes whatever the "
            "allocator keeps from the parse. Seeded numbers are copies of a demo number put straight into the plain-data "
            "state, committed as the reset baseline (the baseline's encoded bytes are counted) with indexes rebuilt. "
            "GETs cycle over 1,000 ids spread across the tenant; the list page is the newest 100 numbers.")
        add("")

    profiles = http.get("profiles", {})
    if profiles:
        add("## Profiles (py-spy, app under uvicorn.Server.run, 32 connections)")
        add("")
        add("Share of samples. *Components* groups the sampled top frames by package; *self* is the function on top of "
            "the stack; *deepest telemock frame* charges each sample to the innermost telemock function on its stack (the "
            "telemock code running, or calling the library code that runs: where a fix would go). Raw stacks: "
            "`bench/.cache/profile-*.txt` (collapsed format, e.g. for flamegraph.pl or speedscope).")
        add("")
        spread: dict[str, list[float]] = {}
        measured = [p for p in profiles.values() if not p.get("error")]
        for p in measured:
            for name, pct in p.get("deepest_telemock", []):
                spread.setdefault(name, []).append(pct)
        if measured:
            add(f"Across the {len(measured)} profiled operations, the telemock functions that carry the most samples "
                "(deepest telemock frame; a function missing from an operation's top 12 counts as 0 there):")
            add("")
            add("| function | mean share | highest | in how many profiles |")
            add("|---|---:|---:|---:|")
            ranked = sorted(spread.items(), key=lambda kv: -sum(kv[1]) / len(measured))
            for name, values in ranked[:12]:
                add(f"| {code(name)} | {sum(values) / len(measured):.1f} % | {max(values):.1f} % | {len(values)} of {len(measured)} |")
            add("")
        for k, p in profiles.items():
            if p.get("error"):
                add(f"- {k}: {p['error']}")
                continue
            add(f"<details><summary><b>{k}</b>: {p['samples']} samples, {fmt(p.get('rps_while_sampled'))} rps while sampled</summary>")
            add("")
            add("| components | % | self (function on top) | % | deepest telemock frame | % |")
            add("|---|---:|---|---:|---|---:|")
            comp, selfs, deep = p.get("components", []), p.get("self", []), p.get("deepest_telemock", [])
            for i in range(max(len(comp), len(selfs), len(deep))):
                a = comp[i] if i < len(comp) else ["", None]
                b = selfs[i] if i < len(selfs) else ["", None]
                c = deep[i] if i < len(deep) else ["", None]
                add(f"| {a[0]} | {fmt(a[1], 1)} | {code(b[0])} | {fmt(b[1], 1)} | {code(c[0])} | {fmt(c[1], 1)} |")
            add("")
            add("</details>")
            add("")

    delivered = results.get("deliveries", {})
    if delivered.get("deliveries", {}).get("rounds"):
        d = delivered["deliveries"]
        add("## Webhook deliveries and contract checks")
        add("")
        add(f"Deliveries alone (`bench/deliveries.py`): `telemock serve` on core 0 freezes its clock, makes {d['numbers']} Gigs "
            "numbers, registers a receiver (uvicorn + uvloop on core 1, 204 to every POST) and advances the clock an hour; "
            "every number's lifecycle events are delivered. The same bodies and headers are then posted to the same "
            f"receiver by plain clients, {d['concurrency']} at once like the delivery worker, from a process on core 0.")
        add("")
        add("Rates run from the first arrival to the last for all three: the clock advance makes every event in its "
            "handler before the first one leaves, so that is the deliveries alone; the last column adds the making.")
        add("")
        add("| round | events | telemock /s | httpx /s | aiohttp /s | telemock ÷ best client | promises | telemock from the advance /s |")
        add("|---:|---:|---:|---:|---:|---:|---|---:|")
        for number, row in enumerate(d["rounds"], 1):
            add(f"| {number} | {row['telemock']['events']} | {row['telemock']['rate']:,.0f} | {row['httpx']['rate']:,.0f} | "
                f"{row['aiohttp']['rate']:,.0f} | {fr(row['ratio'])} | {'; '.join(row['telemock']['problems']) or 'kept'} | "
                f"{fmt(row['telemock'].get('rate_from_advance'))} |")
        add("")
        if d.get("api"):
            api = d["api"]
            add("The API while deliveries flow: wrk GETs a VoIPBIN number for 2 s alone, then for 2 s right after a clock "
                "advance queued the events of " + f"{d['numbers'] * 4} numbers (interleaved rounds):")
            add("")
            add("| round | alone rps | while delivering rps | ratio | delivered during the run |")
            add("|---:|---:|---:|---:|---:|")
            for number, (a, b, n) in enumerate(zip(api["alone_rps"], api["during_rps"], api["delivered_during"]), 1):
                add(f"| {number} | {a:,.0f} | {b:,.0f} | {fr(b / a)} | {n} |")
            add("")
        checks = [(k, v) for k, v in (("response-handling check", delivered.get("response_check")),
                                      ("receiver check", delivered.get("receiver_check"))) if v]
        if checks:
            add("| contract check | rate | baseline in the same run |")
            add("|---|---:|---|")
            response = delivered.get("response_check")
            if response:
                add(f"| response-handling check (voipbin numbers_list) | {response['check_examples_per_s']:.1f} examples/s | "
                    f"bare generation {response['generation_per_s']:.1f}/s ({fr(response['check_examples_per_s'] / response['generation_per_s'])}) |")
            receiver = delivered.get("receiver_check")
            if receiver:
                add(f"| receiver check (gigs, in-process ASGI receiver) | {receiver['events_per_s']:.1f} events/s | "
                    f"generating one event alone {fmt(receiver.get('generation_per_s'), 1)}/s |")
            add("")

    failures = results.get("failures", {})
    if failures:
        add("## Sections that failed")
        add("")
        for name, why in failures.items():
            add(f"- {name}: `{why}`")
        add("")

    add("## What limits the missed targets")
    add("")
    add(NOTES_START)
    add(notes_of(previous))
    add(NOTES_END)
    add("")
    add("## How to reproduce")
    add("")
    add("```sh")
    add("apt-get install -y wrk                        # Debian's wrk 4.1")
    add("cd /path/to/telemock                          # the repository root, with the project importable")
    add("python bench/run_all.py                       # full run, ~17 min here: writes this README")
    add("python bench/run_all.py --quick               # ~2 min smoke run (GET and update only, one repetition)")
    add("python bench/http_bench.py --reps 1           # parts on their own: http_bench, startup, inprocess,")
    add("python bench/startup.py --runs 5 --explain    #   scale, profile_ops (each has --help)")
    add("python bench/run_all.py --only scale          # re-run one section; the others keep the last run's figures")
    add("python bench/run_all.py --scale-fixture-budget 0   # also load the 1 M-number fixture file (~3 more minutes)")
    add("```")
    add("")
    add("Prism (`@stoplight/prism-cli`) and WireMock (the jar inside the npm package `wiremock`, run with Java 17) are "
        "installed by the first run with `npm install` into `bench/.cache/node` (git-ignored); py-spy is installed from "
        "PyPI into the running Python if missing. Raw results of the last run: `bench/.cache/last-run.json`.")
    add("")
    add("Files: `run_all.py` (everything, this README), `http_bench.py` (wrk runs, servers, ratios), `ops.py` (the "
        "requests and demo credentials), `lua/` (wrk scripts: `static.lua` for GET/PUT/PATCH with headers and bodies, "
        "`create.lua` for creates with a fresh number per request, `ids.lua` for GETs over many ids), `baselines.py` "
        "(ceiling, Prism, WireMock and its stubs), `bare_app.py` (the ceiling), `serve_app.py` (telemock with a Config "
        "the CLI has no flag for: verdicts off, seeded numbers, either serving path), `startup.py`, `inprocess.py`, "
        "`scale.py`, `profile_ops.py`, `report.py`. Other scripts in this folder (`kill9_soak.py`, "
        "`deliveries_and_checks.py`) are separate benchmarks, run on their own.")
    add("")
    return "\n".join(lines)
