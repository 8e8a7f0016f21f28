"""The shared server, reset before each test through one reused control client.

Making an httpx client costs about 50 ms (TLS context); reusing one keeps these tests fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_signalwire.helpers import admin


@pytest.fixture
def server(session_server: Any) -> Iterator[Any]:
    admin(session_server).post("/reset").raise_for_status()
    yield session_server
