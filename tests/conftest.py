"""Shared test fixtures: a real telemock server on a free loopback port, and HTTP clients for it."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from telemock.emulator import Config
from live_server import LiveServer, start_server


@pytest.fixture(scope="session")
def server_factory() -> Iterator[Callable[..., LiveServer]]:
    """Start extra servers with their own Config (profiles, fixtures, settings); stopped at the end."""
    started: list[LiveServer] = []

    def make(config: Config | None = None) -> LiveServer:
        live = start_server(config)
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


@pytest.fixture(scope="session")
def session_server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    return server_factory()


@pytest.fixture
def server(session_server: LiveServer) -> Iterator[LiveServer]:
    """The shared server, reset before each test: fixtures, real-time clock, default profiles."""
    opened_before = len(session_server.clients)
    session_server.admin().post("/reset").raise_for_status()
    yield session_server
    session_server.close_clients(keep=opened_before)


@pytest.fixture
def observed_server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    return server_factory(Config(profile="observed"))


FIXTURES_DIR = Path(__file__).parent / "fixtures"
