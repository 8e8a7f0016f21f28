"""The typed state matches what is stored: every key a TypedDict declares, and no other."""

from __future__ import annotations

from typing import get_type_hints

from test_signalwire.helpers import NUMBERS, client, state

from telemock.emulator.providers.signalwire import state as typed


def keys(kind: type) -> set[str]:
    return set(get_type_hints(kind))


def test_seeded_and_purchased_numbers_have_the_declared_keys(server):
    client(server).post(NUMBERS, json={"number": "+15035550111"}).raise_for_status()
    client(server).post("/api/relay/rest/imported_phone_numbers",
                        json={"number": "+4930123456", "number_type": "longcode"}).raise_for_status()
    stored = state(server)
    assert set(stored) == keys(typed.ProjectState)
    assert set(stored["project"]) == keys(typed.Project)
    assert all(set(grant) == keys(typed.Grant) for grant in stored["tokens"].values())
    assert all(set(address) == keys(typed.Address) for address in stored["addresses"].values())
    assert len(stored["numbers"]) == 6
    assert all(set(number) == keys(typed.PhoneNumber) for number in stored["numbers"].values())
