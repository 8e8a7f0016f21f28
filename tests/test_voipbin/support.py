"""Constants of the demo VoIPBIN customer and small assertion helpers."""

from __future__ import annotations

import httpx

ACCESSKEY = "voipbin_demo_accesskey"
DEMO_CUSTOMER = "5e4a0680-804e-11ec-8477-2fea5968d85b"
TALK_FLOW = "d157ce07-0360-4cad-9007-c8ab89fccf9c"
SMS_FLOW = "3b0c7c5e-6f0a-4c4e-8d77-2a6f1f0e9a01"
TALK_NUMBER = "0b266038-844b-11ec-97d8-63ba531361ce"
SUPPORT_NUMBER = "7f0a1d2e-3b4c-4d5e-8f60-718293a4b5c6"
VIRTUAL_NUMBER = "9c8b7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
NIL = "00000000-0000-0000-0000-000000000000"


def error_of(response: httpx.Response) -> dict:
    """The inner error object, after checking the envelope has exactly one key."""
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]
