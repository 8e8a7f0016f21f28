"""Clients of the shared server for fault tests, and a live webhook receiver with a Gigs endpoint."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from test_webhooks.receiver import Receiver

VOIPBIN_KEY = {"accesskey": "voipbin_demo_accesskey"}
GIGS_KEY = "gigs_demo_key"
SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"


@pytest.fixture
def admin(server) -> httpx.Client:
    return server.admin()


@pytest.fixture
def vb(server) -> httpx.Client:
    return server.client("/voipbin/v1.0", params=VOIPBIN_KEY)


@pytest.fixture
def gigs(server) -> httpx.Client:
    return server.client("/gigs/projects/demo", headers={"Authorization": f"Bearer {GIGS_KEY}"})


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as live:
        yield live


@pytest.fixture
def endpoint(admin, receiver) -> dict:
    response = admin.post("/webhook-endpoints", json={"provider": "gigs", "tenant": "demo", "url": receiver.url()})
    assert response.status_code == 201, response.text
    return response.json()


def add_fault(admin: httpx.Client, **rule) -> dict:
    response = admin.post("/faults", json=rule)
    assert response.status_code == 201, response.text
    return response.json()
