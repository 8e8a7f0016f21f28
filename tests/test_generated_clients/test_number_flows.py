"""Clients generated from telemock's served specs run each provider's number flows, in every profile.

openapi-python-client generates a client from `GET /<provider>/openapi.json` of the running
server (once per spec in a session); the flow in `flows.py` then lists and pages, buys or
creates, reads, updates and deletes a number with it. The profiles are the ones each provider
declares, so a profile added to a provider is tested here too. Where a generated client cannot
take what telemock serves (the spec is wrong, or the emulator departs from it), the case is a
strict xfail naming the operation and the error: it passes as soon as the two agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from live_server import LiveServer
from telemock.emulator.registry import provider_classes

from .flows import FLOWS, Flow, FlowFailure
from .generation import ClientCache

PROFILES = [(cls.name, profile) for cls in provider_classes() for profile in cls.profiles]

# Where a generated client breaks today: (provider, profile) → what breaks, as this test found it.
DEPARTURES: dict[tuple[str, str], str] = {
}


@pytest.fixture(scope="session")
def generated_clients(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClientCache]:
    yield ClientCache(Path(tmp_path_factory.mktemp("generated_clients")))


def case(provider: str, profile: str) -> object:
    reason = DEPARTURES.get((provider, profile))
    marks = [pytest.mark.xfail(strict=True, raises=FlowFailure, reason=reason)] if reason else []
    return pytest.param(provider, profile, marks=marks, id=f"{provider}-{profile}")


@pytest.mark.parametrize(("provider", "profile"), [case(*pair) for pair in PROFILES])
def test_a_generated_client_runs_the_number_flow(
    server: LiveServer, generated_clients: ClientCache, provider: str, profile: str
) -> None:
    admin = server.admin()
    admin.put("/profiles", json={"provider": provider, "profile": profile}).raise_for_status()
    admin.post("/clock/freeze").raise_for_status()
    generated = generated_clients.for_served_spec(server.url, provider)
    client = generated.client(f"{server.url}/{provider}", server.runtime.providers[provider].demo_auth())
    FLOWS[provider](Flow(provider, profile, generated, client, admin))
