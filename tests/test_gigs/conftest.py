"""Gigs clients (the demo project's key on every request) and a live webhook receiver."""

from __future__ import annotations

import ssl
from typing import Iterator

import httpx
import pytest
from test_webhooks.receiver import Receiver

from .support import KEY, PROJECT

# One TLS context for every client: building one per httpx.Client costs tens of milliseconds.
TLS = ssl.create_default_context()


@pytest.fixture
def gigs(server) -> httpx.Client:
    """The demo project's client for /gigs/projects/demo."""
    return server.client(f"/gigs/projects/{PROJECT}", headers={"Authorization": f"Bearer {KEY}"}, verify=TLS)


@pytest.fixture
def anon(server) -> httpx.Client:
    """A client for /gigs without credentials."""
    return server.client("/gigs", verify=TLS)


@pytest.fixture
def admin(server) -> httpx.Client:
    return server.client("/_telemock", verify=TLS)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as live:
        yield live


@pytest.fixture
def endpoint(admin, receiver) -> dict:
    """An endpoint of the demo project pointing at the receiver, with a generated secret."""
    response = admin.post("/webhook-endpoints", json={"provider": "gigs", "tenant": PROJECT, "url": receiver.url()})
    assert response.status_code == 201, response.text
    return response.json()
