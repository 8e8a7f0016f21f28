"""schemathesis with the documented VoIPBIN spec against the emulator: no 5xx, every response conforms."""

from __future__ import annotations

from contract_support import run_schemathesis


def test_documented_profile_conforms_to_the_spec(server):
    failures = run_schemathesis(server.url, "voipbin", query={"accesskey": "voipbin_demo_accesskey"}, max_examples=20)
    assert failures == []
    health = server.admin().get("/health")
    assert health.status_code == 200
