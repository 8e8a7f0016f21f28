"""Live servers in the observed and openapi profiles, shared by the fuzz tests (the documented one is `server`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from live_server import LiveServer

from telemock.emulator import Config


@pytest.fixture(scope="session")
def observed(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """Every provider in its `observed` profile, as `telemock serve --profile observed` runs it."""
    return server_factory(Config(profile="observed"))


@pytest.fixture(scope="session")
def openapi_profile(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """The providers that have an `openapi` profile in it, as `--profile voipbin=openapi` runs them."""
    from .departures import PROVIDERS, profiles_of

    return server_factory(Config(provider_profiles={p: "openapi" for p in PROVIDERS if "openapi" in profiles_of(p)}))
