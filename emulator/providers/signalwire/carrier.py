"""The carrier's check of an emergency (E911) address, as the emulator imitates it.

SignalWire validates a US address sent with `emergency_enabled: true` against the carrier's
emergency database: a valid address is stored, small errors are corrected (stored corrected,
or refused with the correction as a candidate when `auto_correct_address` is false), and an
address the carrier cannot place is refused. The real database is not available, so the rules
here are the emulator's own: the state must be a US state or territory code and the postal
code a ZIP or ZIP+4; a state in the wrong case and stray spaces are the corrections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

US_STATES = frozenset(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND
    OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP""".split()
)
ZIP = re.compile(r"^[0-9]{5}(-[0-9]{4})?\Z")
SPACES = re.compile(r"\s+")
# The fields a carrier candidate carries.
CANDIDATE_FIELDS = ("street_number", "street_name", "city", "state", "postal_code")


@dataclass(frozen=True)
class CarrierAnswer:
    """`problems` when the carrier cannot place the address; otherwise the fields as the carrier has them."""

    problems: tuple[str, ...]
    corrected: dict[str, Any]

    def corrects(self, fields: dict[str, Any]) -> bool:
        return any(fields.get(key) != value for key, value in self.corrected.items())

    def candidate(self) -> dict[str, Any]:
        return {key: self.corrected.get(key) for key in CANDIDATE_FIELDS}


def check(fields: dict[str, Any]) -> CarrierAnswer:
    """The carrier's answer for a US address."""
    corrected = {
        key: SPACES.sub(" ", fields[key]).strip()
        for key in ("street_number", "street_name", "city", "postal_code")
        if isinstance(fields.get(key), str)
    }
    state = str(fields.get("state") or "").strip().upper()
    corrected["state"] = state
    problems = []
    if state not in US_STATES:
        problems.append(f"The carrier could not validate the address: {fields.get('state')!r} is not a US state")
    if not ZIP.match(corrected.get("postal_code", "")):
        problems.append(f"The carrier could not validate the address: {fields.get('postal_code')!r} is not a US ZIP code")
    return CarrierAnswer(tuple(problems), corrected)
