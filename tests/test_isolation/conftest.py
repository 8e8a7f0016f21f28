"""Two tenants per provider on the shared server: the demo tenant (A) and an isolation tenant (B)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from test_hostile.catalog import Credentials
from test_hostile.support import Observer

from .tenants import (
    B_VOIPBIN_FLOW,
    TENANT_A,
    TENANT_B_CREDENTIALS,
    TENANT_B_FIXTURES,
    TENANT_B_MARKERS,
    TENANT_B_PATH_VALUES,
    Tenant,
)


@dataclass
class World:
    """The server with both tenants seeded, each with a live VoIPBIN activeflow of its own."""

    server: Any
    observer: Observer
    a: Tenant
    b: Tenant

    def client(self) -> httpx.Client:
        return self.server.client()

    def tenant_states(self) -> dict[str, Any]:
        return self.observer.admin.get("/state").json()["providers"]


def start_activeflow(client: httpx.Client, credentials: Credentials, flow_id: str) -> str:
    response = client.post("/voipbin/v1.0/activeflows", json={"flow_id": flow_id}, **credentials.httpx_kwargs())
    response.raise_for_status()
    return response.json()["id"]


@pytest.fixture
def world(server) -> World:
    observer = Observer(server.admin())
    server.admin().post("/fixtures", json=TENANT_B_FIXTURES).raise_for_status()
    observer.freeze()
    client = server.client()
    a_flow = start_activeflow(client, TENANT_A.credentials["voipbin"], "d157ce07-0360-4cad-9007-c8ab89fccf9c")
    b_flow = start_activeflow(client, TENANT_B_CREDENTIALS["voipbin"], B_VOIPBIN_FLOW)
    a_values = {p: dict(v) for p, v in TENANT_A.path_values.items()}
    a_values["voipbin"][("activeflows", "id")] = a_flow
    b_values = {p: dict(v) for p, v in TENANT_B_PATH_VALUES.items()}
    b_values["voipbin"][("activeflows", "id")] = b_flow
    a_markers = {p: set(m) for p, m in TENANT_A.markers.items()}
    a_markers["voipbin"].add(a_flow)
    b_markers = {p: set(m) for p, m in TENANT_B_MARKERS.items()}
    b_markers["voipbin"].add(b_flow)
    return World(
        server=server,
        observer=observer,
        a=Tenant("demo", TENANT_A.credentials, a_values, a_markers),
        b=Tenant("iso-b", TENANT_B_CREDENTIALS, b_values, b_markers),
    )
