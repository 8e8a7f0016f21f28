"""A second live server in the observed profile, shared by the fuzz tests (the documented one is `server`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from live_server import LiveServer

from telemock.emulator import Config


@pytest.fixture(scope="session")
def observed(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """Every provider in its `observed` profile, as `telemock serve --profile observed` runs it."""
    return server_factory(Config(profile="observed"))
