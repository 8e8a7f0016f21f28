"""Phone numbers as VoiceOS writes them: E.164 with its leading `+`."""

from __future__ import annotations

import re

# What the emulator takes as a number it can hold or dial: 7 to 15 digits (Inferred).
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def normalize_number(value: str) -> str:
    """A number in E.164: `+1415…`, `%2B1415…` (decoded before here) or `1415…` (Inferred leniency)."""
    text = value.strip()
    return text if text.startswith("+") else f"+{text}"
