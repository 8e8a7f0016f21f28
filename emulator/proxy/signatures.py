"""Checks a real webhook's signature with the provider's own signing code, not a copy of it.

A provider's `WebhookFormat` (core/webhooks.py) only signs: given a message id, the URL, the
body, a secret and a time, it returns the headers of one delivery. That is enough to verify:
signing once with recognisable placeholders shows which received headers carry the message id
and the timestamp (Standard Webhooks' `webhook-id`, `webhook-timestamp`); signing with and
without a secret shows which headers are the signature; signing the received message again with
the user's secret gives the signature it must carry. The same code signs the message again for
another URL, for formats whose signature covers the URL (SignalWire's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PLACEHOLDER_ID = "msg_telemock_placeholder"
PLACEHOLDER_TIME = 1_111_111_111

VALID, INVALID, UNSIGNED, UNCHECKED, NOT_SIGNED = "valid", "invalid", "unsigned", "unchecked", "none"


@dataclass
class SignatureCheck:
    """`verdict`: valid, invalid, unsigned (no signature came), unchecked (no secret to check it
    with) or none (the provider does not sign)."""

    verdict: str
    message_id: str = ""
    wall_time: int = 0
    names: list[str] = field(default_factory=list)  # the signature's headers, lowercase


def lowered(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def verify(fmt: Any, *, headers: dict[str, str], url: str, body: bytes, secret: str | None) -> SignatureCheck:
    """`headers` as received (lowercase names); `url` the one the provider called."""
    if fmt is None:
        return SignatureCheck(NOT_SIGNED)
    probe = lowered(fmt.signed_headers(message_id=PLACEHOLDER_ID, url=url, body=body, secret=None, wall_time=PLACEHOLDER_TIME))
    id_header = next((name for name, value in probe.items() if value == PLACEHOLDER_ID), None)
    time_header = next((name for name, value in probe.items() if value == str(PLACEHOLDER_TIME)), None)
    message_id = headers.get(id_header, "") if id_header else ""
    stamp = headers.get(time_header, "") if time_header else ""
    wall_time = int(stamp) if stamp.isdigit() else 0
    unsigned = lowered(fmt.signed_headers(message_id=message_id, url=url, body=body, secret=None, wall_time=wall_time))
    expected = lowered(fmt.signed_headers(message_id=message_id, url=url, body=body, secret=secret or fmt.new_secret(), wall_time=wall_time))
    names = [name for name, value in expected.items() if unsigned.get(name) != value]
    present = [name for name in names if headers.get(name)]
    check = SignatureCheck(UNSIGNED, message_id, wall_time, names)
    if not present:
        return check
    if not secret:
        check.verdict = UNCHECKED
        return check
    check.verdict = VALID if all(expected[name] in headers[name].split() for name in present) else INVALID
    return check


def signed_for(fmt: Any, check: SignatureCheck, *, url: str, body: bytes, secret: str) -> dict[str, str]:
    """The signature headers of the same message sent to `url` instead (unchanged where the
    signature does not cover the URL)."""
    signed = lowered(fmt.signed_headers(message_id=check.message_id, url=url, body=body, secret=secret, wall_time=check.wall_time))
    return {name: signed[name] for name in check.names if name in signed}
