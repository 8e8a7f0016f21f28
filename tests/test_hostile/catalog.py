"""Every provider's operations (read from its documented spec), credentials, object ids and error format.

Shared by the hostile-input, isolation, secrets and soak tests: one place knows, per provider,
how to authenticate a request, which real objects fill a path, and what the provider's own
4xx body looks like.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote

import orjson

from telemock.contracts.specs import load_spec

PROVIDERS = ("voipbin", "signalwire", "voiceos", "gigs")
METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@dataclass(frozen=True)
class Operation:
    """One documented operation: verb, path template, and what it takes."""

    provider: str
    operation_id: str
    method: str
    template: str
    body_fields: tuple[str, ...] | None  # None: the operation takes no body
    query: tuple[str, ...]
    secured: bool
    body_media: str = "application/json"  # the documented body's media type

    @property
    def form_body(self) -> bool:
        return self.body_media == "application/x-www-form-urlencoded"

    @property
    def has_body(self) -> bool:
        return self.body_fields is not None

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.template.split("/") if part.startswith("{")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.operation_id}"


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].split("/")[1:]:
            target = target[part]
        node = target
    return node


def _properties(spec: dict[str, Any], schema: Any) -> set[str]:
    schema = _resolve(spec, schema)
    names = set(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            names |= _properties(spec, sub)
    return names


@cache
def operations(provider: str) -> tuple[Operation, ...]:
    spec = load_spec(provider)
    found = []
    for template, item in spec["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method not in METHODS:
                continue
            params = [_resolve(spec, p) for p in [*shared, *op.get("parameters", [])]]
            body = _resolve(spec, op.get("requestBody"))
            fields = None
            media = "application/json"
            if body:
                media, content = next(iter(body["content"].items()))
                fields = tuple(sorted(_properties(spec, content.get("schema", {}))))
            security = op.get("security", spec.get("security", []))
            found.append(
                Operation(
                    provider=provider,
                    operation_id=op["operationId"],
                    method=method.upper(),
                    template=template,
                    body_fields=fields,
                    query=tuple(p["name"] for p in params if p.get("in") == "query"),
                    secured=bool(security),
                    body_media=media,
                )
            )
    return tuple(found)


def all_operations() -> list[Operation]:
    return [op for provider in PROVIDERS for op in operations(provider)]


# --- credentials ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    """Where a tenant's credential goes: headers and/or query parameters."""

    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()

    def httpx_kwargs(self) -> dict[str, Any]:
        return {"headers": dict(self.headers), "params": dict(self.query)}


def basic(user: str, password: str) -> tuple[str, str]:
    return ("Authorization", "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode())


def bearer(token: str) -> tuple[str, str]:
    return ("Authorization", f"Bearer {token}")


DEMO = {
    "voipbin": Credentials(query=(("accesskey", "voipbin_demo_accesskey"),)),
    "signalwire": Credentials(headers=(basic("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token"),)),
    "voiceos": Credentials(headers=(bearer("voiceos_demo_key"),)),
    "gigs": Credentials(headers=(bearer("gigs_demo_key"),)),
}

# Real objects of the demo tenants, by (collection segment, path parameter).
DEMO_PATH_VALUES: dict[str, dict[tuple[str, str], str]] = {
    "voipbin": {
        ("numbers", "id"): "0b266038-844b-11ec-97d8-63ba531361ce",
        ("flows", "id"): "d157ce07-0360-4cad-9007-c8ab89fccf9c",
        ("activeflows", "id"): "00000000-0000-4000-8000-00000000dead",  # none in the fixtures
    },
    "signalwire": {
        ("phone_numbers", "id"): "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b",
        ("phone_number", "e164_number"): "+15035550110",
        ("addresses", "id"): "8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59",
        ("number_groups", "id"): "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6",
        ("number_groups", "NumberGroupId"): "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6",
        ("number_group_memberships", "id"): "7a6b5c4d-3e2f-4109-8a7b-6c5d4e3f2a1b",
        ("Accounts", "AccountSid"): "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f",
        ("IncomingPhoneNumbers", "Sid"): "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b",
        ("AvailablePhoneNumbers", "IsoCountry"): "US",
    },
    "voiceos": {
        ("phone_numbers", "phone_number"): "+14155550101",
        ("agents", "id"): "agt_62f9a507d6373d81b927a3dc",
        ("conversations", "id"): "conv_624af12836ffbeecf2497d61",
    },
    "gigs": {
        ("projects", "project"): "demo",
        ("virtualNumbers", "virtualNumber"): "vnr_0SNlurA049MEWV29mxRtSMDnKtUD",
        ("subscriptions", "subscription"): "sub_0SNlurA049MEWV2gSfSxi00xlPIi",
        ("users", "user"): "usr_0SNlurA049MEWV4OpCwsNyC9Kn2d",
    },
}


def fill_path(op: Operation, values: dict[tuple[str, str], str], override: dict[str, str] | None = None) -> str:
    """The operation's path under the provider's prefix, each parameter filled and URL-quoted."""
    parts = op.template.split("/")
    out = []
    for index, part in enumerate(parts):
        if part.startswith("{"):
            name = part[1:-1]
            value = (override or {}).get(name)
            if value is None:
                value = values[(parts[index - 1], name)]
            out.append(quote(value, safe=""))
        else:
            out.append(part)
    return f"/{op.provider}" + "/".join(out)


# --- error formats ----------------------------------------------------------------------------


def _voipbin(body: Any) -> str | None:
    if not (isinstance(body, dict) and set(body) == {"error"} and isinstance(body["error"], dict)):
        return "not VoIPBIN's {\"error\": {...}} envelope"
    missing = {"status", "reason", "message", "request_id"} - set(body["error"])
    return f"VoIPBIN error without {sorted(missing)}" if missing else None


def _signalwire(body: Any) -> str | None:
    if isinstance(body, dict) and set(body) == {"error"} and isinstance(body["error"], str):
        return None
    if (isinstance(body, dict) and set(body) == {"errors"} and isinstance(body["errors"], list) and body["errors"]
            and all(isinstance(e, dict) and isinstance(e.get("detail"), str) for e in body["errors"])):
        return None
    return "not SignalWire's {\"error\": ...} or {\"errors\": [...]}"


def _signalwire_laml(body: Any) -> str | None:
    """The compatibility (LaML) API's Twilio-style error; `code` an integer, or a string (observed profile)."""
    if (isinstance(body, dict) and set(body) == {"code", "message", "more_info", "status"}
            and isinstance(body["code"], (int, str)) and isinstance(body["status"], int)
            and isinstance(body["message"], str)):
        return None
    return "not the compatibility API's {\"code\", \"message\", \"more_info\", \"status\"}"


def _voiceos(body: Any) -> str | None:
    if not (isinstance(body, dict) and set(body) == {"detail"}):
        return "not VoiceOS's {\"detail\": ...}"
    detail = body["detail"]
    if isinstance(detail, str):
        return None
    if isinstance(detail, list) and detail and all(isinstance(d, dict) and {"type", "loc", "msg"} <= set(d) for d in detail):
        return None
    return "VoiceOS detail is neither a message nor a list of validation errors"


def _gigs(body: Any) -> str | None:
    if isinstance(body, dict) and body.get("object") == "error" and isinstance(body.get("type"), str) \
            and isinstance(body.get("message"), str):
        return None
    return "not Gigs' {\"object\": \"error\", ...}"


ERROR_FORMATS: dict[str, Callable[[Any], str | None]] = {
    "voipbin": _voipbin,
    "signalwire": _signalwire,
    "voiceos": _voiceos,
    "gigs": _gigs,
}


def error_problem(provider: str, operation_id: str | None, status: int, content_type: str, body: bytes) -> str | None:
    """Why a 4xx is not in the provider's own error format (None when it is).

    VoIPBIN's login answers every failure with a bare 400 and an empty body, as the service does.
    SignalWire's compatibility (LaML) operations answer in their own Twilio-style format.
    """
    if provider == "voipbin" and operation_id == "auth_login" and status == 400 and body == b"":
        return None
    if content_type != "application/json":
        return f"content type {content_type!r}, not application/json"
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return f"body is not JSON: {body[:120]!r}"
    if provider == "signalwire" and (operation_id or "").startswith("laml_"):
        return _signalwire_laml(parsed)
    return ERROR_FORMATS[provider](parsed)


@dataclass
class Findings:
    """Problems collected over many requests, reported together."""

    items: list[str] = field(default_factory=list)

    def add(self, where: str, problem: str) -> None:
        self.items.append(f"{where}: {problem}")

    def __bool__(self) -> bool:
        return bool(self.items)

    def report(self) -> str:
        return "\n".join(self.items[:60]) + (f"\n… and {len(self.items) - 60} more" if len(self.items) > 60 else "")
