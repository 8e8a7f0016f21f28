"""VoIPBIN test clients: the demo customer's access key on every request."""

from __future__ import annotations

import httpx
import pytest

from .support import ACCESSKEY


@pytest.fixture
def vb(server) -> httpx.Client:
    """The demo customer's client for /voipbin/v1.0."""
    return server.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})


@pytest.fixture
def anon(server) -> httpx.Client:
    """A client for /voipbin without credentials."""
    return server.client("/voipbin")
