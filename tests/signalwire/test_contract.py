"""schemathesis with the documented SignalWire spec against the emulator: no 5xx, every response conforms."""

from __future__ import annotations

from contract_support import run_schemathesis
from sw_helpers import AUTH


def test_documented_profile_conforms_to_the_spec(server):
    failures = run_schemathesis(server.url, "signalwire", auth=AUTH, max_examples=25)
    assert failures == []
    assert server.admin().get("/health").status_code == 200
