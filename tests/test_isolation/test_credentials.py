"""Every secured operation of every provider refuses missing, malformed, wrong and mixed credentials.

Each refusal comes in the provider's own format and status, is journaled without a tenant, shows
nothing of either tenant, and changes nothing. Path parameters name real objects (tenant A's),
so a refusal is about the credentials and nothing else.
"""

from __future__ import annotations

import base64
import time

import jwt
import pytest
from test_hostile.catalog import (
    Credentials,
    Findings,
    Operation,
    all_operations,
    basic,
    bearer,
    error_problem,
)

from .support import call, leaked

SECURED = [op for op in all_operations() if op.secured]


def forged_voipbin_token() -> str:
    """A well-formed JWT with the demo tenant's claims, signed with a key the emulator does not use."""
    now = int(time.time())
    claims = {"tenant": "demo", "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b", "username": "demo",
              "type": "agent", "iat": now, "exp": now + 3600}
    return jwt.encode(claims, "not-the-signing-key-of-telemock-0001", algorithm="HS256")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


A_SW_PROJECT = "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f"

# (label, credentials, extra headers) per provider; every one of them must be refused.
BAD_CREDENTIALS: dict[str, list[tuple[str, Credentials | None, dict[str, str]]]] = {
    "voipbin": [
        ("missing", None, {}),
        ("empty accesskey", Credentials(query=(("accesskey", ""),)), {}),
        ("malformed token query", Credentials(query=(("token", "not.a.jwt"),)), {}),
        ("malformed bearer", Credentials(headers=(bearer("%%%"),)), {}),
        ("malformed token cookie", None, {"Cookie": "token=eyJhbGciOiJub25lIn0.e30."}),
        ("wrong accesskey", Credentials(query=(("accesskey", "voipbin_demo_accesskeyX"),)), {}),
        ("wrong accesskey cookie", None, {"Cookie": "accesskey=not-a-key"}),
        ("forged token", Credentials(headers=(bearer(forged_voipbin_token()),)), {}),
        ("basic instead", Credentials(headers=(basic("demo", "demo"),)), {}),
    ],
    "signalwire": [
        ("missing", None, {}),
        ("malformed basic", Credentials(headers=(("Authorization", "Basic !!!not-base64!!!"),)), {}),
        ("basic without colon", Credentials(headers=(("Authorization", "Basic " + b64(A_SW_PROJECT)),)), {}),
        ("bearer instead", Credentials(headers=(bearer("PTdemo_token"),)), {}),
        ("wrong token", Credentials(headers=(basic(A_SW_PROJECT, "PTdemo_tokenX"),)), {}),
        ("unknown project", Credentials(headers=(basic("00000000-0000-4000-8000-000000000000", "PTdemo_token"),)), {}),
        ("A project with B token", Credentials(headers=(basic(A_SW_PROJECT, "PT_tenant_b_token_Jj33"),)), {}),
        ("B project with A token", Credentials(headers=(basic("b0b0b0b0-1111-4111-8111-00000000000b", "PTdemo_token"),)), {}),
    ],
    "voiceos": [
        ("missing", None, {}),
        ("bearer without key", Credentials(headers=(("Authorization", "Bearer"),)), {}),
        ("basic instead", Credentials(headers=(basic("voiceos_demo_key", ""),)), {}),
        ("wrong key", Credentials(headers=(bearer("voiceos_demo_keyX"),)), {}),
        ("key in x-api-key only", None, {"X-API-Key": "voiceos_demo_key"}),
        ("key in query only", Credentials(query=(("api_key", "voiceos_demo_key"),)), {}),
    ],
    "gigs": [
        ("missing", None, {}),
        ("bearer without key", Credentials(headers=(("Authorization", "Bearer"),)), {}),
        ("lowercase scheme, wrong key", Credentials(headers=(("Authorization", "bearer nope"),)), {}),
        ("basic instead", Credentials(headers=(basic("gigs_demo_key", ""),)), {}),
        ("wrong key", Credentials(headers=(bearer("gigs_demo_keyX"),)), {}),
        ("key in query only", Credentials(query=(("key", "gigs_demo_key"),)), {}),
    ],
}
# What each provider answers to a caller it cannot authenticate.
REFUSAL_STATUS = {"voipbin": {401}, "signalwire": {401}, "voiceos": {401}, "gigs": {401}}


@pytest.mark.parametrize("op", SECURED, ids=str)
def test_bad_credentials_are_refused_in_the_providers_format(world, op: Operation) -> None:
    client = world.client()
    findings = Findings()
    before = world.tenant_states()[op.provider]
    markers = world.a.markers[op.provider] | world.b.markers[op.provider]
    for label, credentials, extra in BAD_CREDENTIALS[op.provider]:
        response, sent = call(client, op, world.a.path_values[op.provider], credentials, extra_headers=extra)
        where = f"{op} [{label}]"
        if response.status_code not in REFUSAL_STATUS[op.provider]:
            findings.add(where, f"answered {response.status_code}: {response.text[:200]}")
            continue
        problem = error_problem(op.provider, op.operation_id, response.status_code,
                                response.headers.get("content-type", "").split(";")[0], response.content)
        if problem:
            findings.add(where, problem)
        if leaks := leaked(markers, response, sent):
            findings.add(where, f"the refusal shows tenant data: {leaks}")
        entry = world.observer.last_entry(op.provider)
        if entry is None or entry["status"] != response.status_code or entry["tenant"] is not None:
            findings.add(where, f"journaled as {entry and (entry['status'], entry['tenant'])}, not as a tenant-less refusal")
    assert world.tenant_states()[op.provider] == before
    assert not findings, findings.report()
