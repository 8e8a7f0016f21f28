"""Shared constants and small helpers of the SignalWire tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

PROJECT = "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f"
TOKEN = "PTdemo_token"
AUTH = (PROJECT, TOKEN)
BASE = "/api/relay/rest"
NUMBERS = f"{BASE}/phone_numbers"

MAIN_LINE = "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b"  # 120 days old, E911 active
AUSTIN_IVR = "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"  # 45 days old, relay_script
TOLL_FREE = "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7"  # 30 days old
RECENT = "9a8b7c6d-5e4f-4a3b-b2c1-d0e9f8a7b6c5"  # 2 days old
HQ_ADDRESS = "8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59"
BRANCH_ADDRESS = "2d6e9b14-3c5a-4f7e-8a90-b1c2d3e4f5a6"
UNVALIDATED_ADDRESS = "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"


_CLIENTS: dict[tuple[str, str, Any], httpx.Client] = {}


def cached(server: Any, prefix: str, auth: tuple[str, str] | None = None) -> httpx.Client:
    """One client per server, prefix and credentials: making an httpx client costs tens of ms."""
    key = (server.url, prefix, auth)
    found = _CLIENTS.get(key)
    if found is None or found.is_closed:
        found = _CLIENTS[key] = server.client(prefix, auth=auth) if auth else server.client(prefix)
    return found


def client(server: Any, auth: tuple[str, str] | None = AUTH) -> httpx.Client:
    return cached(server, "/signalwire", auth)


def admin(server: Any) -> httpx.Client:
    return cached(server, "/_telemock")


def state(server: Any, tenant: str = "demo") -> dict[str, Any]:
    """The tenant's stored state, read through the control API."""
    dump = admin(server).get("/state").json()
    return dump["providers"]["signalwire"]["tenants"][tenant]


def details(response: httpx.Response) -> list[str]:
    body = response.json()
    assert response.status_code == 422, response.text
    for item in body["errors"]:
        assert item["status"] == "422" and item["code"] == "422" and item["title"] == "Invalid Attribute"
    return [item["detail"] for item in body["errors"]]


def freeze(server: Any) -> httpx.Client:
    control = admin(server)
    control.post("/clock/freeze").raise_for_status()
    return control


def advance(server: Any, seconds: float) -> None:
    admin(server).post("/clock/advance", json={"seconds": seconds}).raise_for_status()


def set_profile(server: Any, profile: str) -> None:
    admin(server).put("/profiles", json={"provider": "signalwire", "profile": profile}).raise_for_status()


def write_fixture(tmp_path: Any, text: str) -> Any:
    path = tmp_path / "signalwire.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def spec_schema(name: str) -> Any:
    """A validator for one component schema of the documented spec, formats checked."""
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    from telemock.contracts.specs import load_spec

    spec = load_spec("signalwire")
    registry = Registry().with_resource("urn:spec", Resource.from_contents(spec, default_specification=DRAFT202012))
    return jsonschema.Draft202012Validator(
        {"$ref": f"urn:spec#/components/schemas/{name}"},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def assert_valid(validator: Any, body: Any) -> None:
    """The body conforms to a `spec_schema` validator (every problem listed when it does not)."""
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)] == []


def server_time(server: Any) -> datetime:
    """The emulator's virtual now."""
    return datetime.fromisoformat(admin(server).get("/clock").json()["now"].replace("Z", "+00:00"))
