"""schemathesis drives every VoiceOS operation of the documented spec against the emulator."""

from __future__ import annotations

import pytest
from contract_support import run_schemathesis
from schemathesis.generation.modes import GenerationMode
from voiceos_demo import DEMO_KEY, SPEC

# Operations with nothing to make invalid (no parameters, or one free-form string path id):
# hypothesis cannot build negative cases for them, so they run with valid data only.
NOTHING_TO_NEGATE = ("health_get", "agents_get", "agents_delete", "conversations_get")


@pytest.mark.slow
def test_every_response_conforms_to_the_documented_spec(server) -> None:
    headers = {"Authorization": f"Bearer {DEMO_KEY}"}
    failures = run_schemathesis(server.url, "voiceos", headers=headers, exclude_operations=NOTHING_TO_NEGATE)
    failures += run_schemathesis(
        server.url,
        "voiceos",
        headers=headers,
        exclude_operations=tuple(op for op in operation_ids() if op not in NOTHING_TO_NEGATE),
        modes=(GenerationMode.POSITIVE,),
    )
    assert failures == []


def operation_ids() -> list[str]:
    return [
        op["operationId"]
        for item in SPEC["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    ]
