"""schemathesis drives every VoiceOS operation of the documented spec against the emulator.

Operations with nothing to make invalid (no parameters, or one free-form string path id) run with
valid data only: the negative run skips them.
"""

from __future__ import annotations

import pytest
from contract_support import run_schemathesis
from voiceos_demo import DEMO_KEY


@pytest.mark.slow
def test_every_response_conforms_to_the_documented_spec(server) -> None:
    failures = run_schemathesis(server.url, "voiceos", headers={"Authorization": f"Bearer {DEMO_KEY}"})
    assert failures == []
