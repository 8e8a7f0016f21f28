"""The shared server, reset before each test through one reused control client.

Making an httpx client costs about 50 ms (TLS context); reusing one keeps these tests fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from test_signalwire.helpers import PROJECT, TOKEN, admin, set_profile


@pytest.fixture
def server(session_server: Any) -> Iterator[Any]:
    admin(session_server).post("/reset").raise_for_status()
    yield session_server


@pytest.fixture(params=["documented", "observed"])
def profile(request: Any, server: Any) -> str:
    """Each test using it runs in both profiles."""
    set_profile(server, request.param)
    return str(request.param)


@pytest.fixture
def sdk(server: Any, profile: str) -> Any:
    """The official `signalwire-sdk` REST client, unchanged, pointed at the emulator."""
    rest = pytest.importorskip("signalwire.rest")
    return rest.RestClient(project=PROJECT, token=TOKEN, host=f"{urlsplit(server.url).netloc}/signalwire")
