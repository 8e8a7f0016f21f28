"""Reads a running telemock's journal verdicts and renders them for people: `telemock report`.

The journal judges every request a client sent against the provider's documented contract;
this module fetches the per-operation summary and the violating requests over the control API.
"""

from __future__ import annotations

from typing import Any

import httpx

TIMEOUT = 10.0


class ReportUnavailable(RuntimeError):
    """The control API did not answer, or answered with an error."""


def _get(base_url: str, path: str, params: dict[str, Any] | None = None, admin_token: str | None = None) -> Any:
    url = f"{base_url.rstrip('/')}/_telemock{path}"
    headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else None
    try:
        # trust_env=False: a local emulator must never be reached through an HTTP(S)_PROXY.
        with httpx.Client(timeout=TIMEOUT, trust_env=False, headers=headers) as http:
            response = http.get(url, params=params)
    except httpx.HTTPError as exc:
        raise ReportUnavailable(f"cannot reach telemock at {url}: {exc or type(exc).__name__}") from None
    if response.status_code != 200:
        raise ReportUnavailable(f"{url} answered {response.status_code}: {response.text[:200]}")
    try:
        return response.json()
    except ValueError:
        raise ReportUnavailable(f"{url} did not answer JSON; is this a telemock server?") from None


def fetch_summary(
    base_url: str, provider: str | None = None, admin_token: str | None = None
) -> dict[str, dict[str, dict[str, int]]]:
    """Per provider and operation: requests, violating requests, violations."""
    providers = _get(base_url, "/journal/summary", admin_token=admin_token).get("providers", {})
    return {name: ops for name, ops in providers.items() if provider is None or name == provider}


def fetch_violations(
    base_url: str, provider: str | None = None, limit: int | None = None, admin_token: str | None = None
) -> list[dict[str, Any]]:
    """The journal's violating requests, oldest first."""
    params: dict[str, Any] = {"violations": "true"}
    if provider:
        params["provider"] = provider
    if limit is not None:
        params["limit"] = limit
    return list(_get(base_url, "/journal", params, admin_token).get("entries", []))


def render_summary(summary: dict[str, dict[str, dict[str, int]]]) -> str:
    """A table, one row per operation, with totals; a `drift` column when the journal holds real
    providers' answers (the proxy) that departed from the contract."""
    with_drift = any("drift" in counts for operations in summary.values() for counts in operations.values())
    keys = ("requests", "violating", "violations", *(("drift",) if with_drift else ()))
    rows = [
        (provider, operation, *(counts.get(key, 0) for key in keys))
        for provider, operations in sorted(summary.items())
        for operation, counts in sorted(operations.items())
    ]
    if not rows:
        return "no requests in the journal"
    numbers = range(2, 2 + len(keys))
    header = ("provider", "operation", *keys)
    total = ("total", "", *(sum(int(row[i]) for row in rows) for i in numbers))
    widths = [max(len(str(r[i])) for r in [header, *rows, total]) for i in range(len(header))]

    def line(row: tuple[Any, ...]) -> str:
        cells = [str(row[0]).ljust(widths[0]), str(row[1]).ljust(widths[1])]
        cells += [str(row[i]).rjust(widths[i]) for i in numbers]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows), rule, line(total)])


def render_violations(entries: list[dict[str, Any]]) -> str:
    """Each violating request and what it did differently from the documentation."""
    if not entries:
        return "no request broke a documented contract"
    lines: list[str] = []
    for entry in entries:
        lines.append(f"#{entry['seq']} {request_line(entry)}  [{entry['provider']} {entry.get('operation') or '(undocumented)'}]")
        lines += violation_lines(entry, "    ")
    return "\n".join(lines)


def violation_lines(entry: dict[str, Any], indent: str) -> list[str]:
    """Each violation of a journal entry: where and what, then what was expected and what came."""
    lines = []
    for violation in entry["violations"]:
        drift = "[drift] " if violation.get("drift") else ""  # the provider's answer, not the client's request
        lines.append(f"{indent}- {drift}{violation['location']}: {violation['message']}")
        lines.append(f"{indent}    expected {violation['expected']}, got {violation['got']}")
    return lines


def request_line(entry: dict[str, Any]) -> str:
    """`GET /voipbin/v1.0/numbers?accesskey=****&page_token=… → 200` for a journal entry."""
    query = "&".join(f"{printable(k)}={printable(v)}" for k, values in (entry.get("query") or {}).items() for v in values)
    target = printable(entry["path"]) + (f"?{query}" if query else "")
    return f"{entry['method']} {target} → {entry['status']}"


def printable(text: str) -> str:
    """Control characters escaped, so a generated query cannot garble the terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def total_violating(summary: dict[str, dict[str, dict[str, int]]]) -> int:
    return sum(counts["violating"] for operations in summary.values() for counts in operations.values())
