"""VoIPBIN test clients: the demo customer's access key on every request."""

from __future__ import annotations

from typing import Iterator

import httpx
import pytest
from test_webhooks.receiver import Receiver

from .support import ACCESSKEY


@pytest.fixture
def vb(server) -> httpx.Client:
    """The demo customer's client for /voipbin/v1.0."""
    return server.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})


@pytest.fixture
def anon(server) -> httpx.Client:
    """A client for /voipbin without credentials."""
    return server.client("/voipbin")


@pytest.fixture
def admin(server) -> httpx.Client:
    return server.admin()


@pytest.fixture
def receiver(vb) -> Iterator[Receiver]:
    """A receiver set as the demo customer's webhook (POST /events)."""
    with Receiver() as live:
        body = {"name": "Demo customer", "webhook_method": "POST", "webhook_uri": live.url("/events")}
        assert vb.put("/customer", json=body).status_code == 200
        yield live
