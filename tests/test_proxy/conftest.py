"""Two real telemock servers act as the upstream providers: one documented, one observed."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from live_server import LiveServer
from telemock.emulator import Config

from .support import AnsweringReceiver, proxy_for


@pytest.fixture(scope="session")
def upstreams(server_factory: Callable[..., LiveServer]) -> dict[str, LiveServer]:
    return {profile: server_factory(Config(profile=profile, log_requests=False)) for profile in ("documented", "observed")}


@pytest.fixture
def upstream(upstreams: dict[str, LiveServer]) -> Iterator[LiveServer]:
    """The documented upstream, back to its fixtures."""
    live = upstreams["documented"]
    live.admin().post("/reset").raise_for_status()
    yield live


@pytest.fixture
def observed_upstream(upstreams: dict[str, LiveServer]) -> Iterator[LiveServer]:
    live = upstreams["observed"]
    live.admin().post("/reset").raise_for_status()
    yield live


@pytest.fixture
def start_proxy() -> Iterator[Callable[..., LiveServer]]:
    """Starts proxies (`support.proxy_for`'s arguments); each is stopped when the test ends."""
    started: list[LiveServer] = []

    def start(*args: Any, **kwargs: Any) -> LiveServer:
        live = proxy_for(*args, **kwargs)
        started.append(live)
        return live

    yield start
    for live in started:
        live.stop()


@pytest.fixture
def receiver() -> Iterator[AnsweringReceiver]:
    with AnsweringReceiver() as live:
        yield live
