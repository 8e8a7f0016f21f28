"""VoiceOS's `documented` and `observed` profiles.

The facts record no behaviour of the running service that differs from its documentation:
everything known comes from the OpenAPI-generated SDKs and docs.voiceos.io, and the phone-number
schemas agree in both. Where those two sources differ (docs.voiceos.io's newer agent shape, its
`web_call` conversation type), the emulator's behaviour would not differ, so no switch is needed:
contracts/specs/README.md lists each place and what the contract follows. The two profiles are
therefore identical; they are declared so that a client can be run against both like with every
other provider, and so that a difference found later has a place to go. Inferred behaviour is
chosen through settings (see fixtures.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VoiceosProfile:
    """Switches read by the VoiceOS handlers; none yet (see the module docstring).

    source: what the profile describes, shown by the control API.
    """

    source: str


DOCUMENTED = VoiceosProfile(source="API document 0.8.0 (SDKs) and docs.voiceos.io")
OBSERVED = VoiceosProfile(source="the running service; no recorded difference from the documentation")

PROFILES = {"documented": DOCUMENTED, "observed": OBSERVED}
