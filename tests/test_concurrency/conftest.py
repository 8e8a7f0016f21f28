"""Fixtures of the concurrency tests: a live receiver, the control client, and a Gigs server whose
numbers stay `initiated` for the length of a test (so no timed lifecycle event joins the storm)."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import httpx
import pytest
from live_server import LiveServer, only_providers
from test_webhooks.receiver import Receiver

from telemock.emulator import Config


def require(provider: str) -> None:
    """Skips when TELEMOCK_TEST_PROVIDERS leaves this provider out of the test servers."""
    chosen = only_providers()
    if chosen is not None and provider not in chosen:
        pytest.skip(f"{provider} is not among TELEMOCK_TEST_PROVIDERS")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as live:
        yield live


@pytest.fixture
def admin(server: LiveServer) -> httpx.Client:
    return server.admin()


@pytest.fixture(scope="session")
def gigs_session_server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    require("gigs")
    return server_factory(Config(providers=["gigs"], settings={"gigs": {"processing_after_seconds": 3600.0}}))


@pytest.fixture
def gigs_server(gigs_session_server: LiveServer) -> Iterator[LiveServer]:
    gigs_session_server.admin().post("/reset").raise_for_status()
    yield gigs_session_server


@pytest.fixture
def gigs_admin(gigs_server: LiveServer) -> httpx.Client:
    return gigs_server.admin()


def state_of(admin: httpx.Client, provider: str, tenant: str = "demo") -> dict[str, Any]:
    response = admin.get("/state")
    response.raise_for_status()
    return response.json()["providers"][provider]["tenants"][tenant]
