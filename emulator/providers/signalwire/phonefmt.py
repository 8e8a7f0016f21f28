"""E.164 parsing and the formatted renderings SignalWire sends (`(503) 715-4424`, `+1 503-715-4424`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .geo import CALLING_CODES, CANADIAN_AREA_CODES, TOLL_FREE_AREA_CODES

E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
NANP = re.compile(r"^\+1([2-9][0-9]{2})([2-9][0-9]{2})([0-9]{4})$")


@dataclass(frozen=True)
class ParsedNumber:
    e164: str
    calling_code: str
    national: str
    country: str | None  # ISO alpha-2, None when the calling code is not known here

    @property
    def nanp(self) -> bool:
        return NANP.match(self.e164) is not None

    @property
    def area_code(self) -> str | None:
        return self.national[:3] if self.nanp else None

    @property
    def toll_free(self) -> bool:
        return self.area_code in TOLL_FREE_AREA_CODES

    def national_formatted(self) -> str:
        if self.nanp:
            n = self.national
            return f"({n[:3]}) {n[3:6]}-{n[6:]}"
        return self.national

    def international_formatted(self) -> str:
        if self.nanp:
            n = self.national
            return f"+1 {n[:3]}-{n[3:6]}-{n[6:]}"
        return f"+{self.calling_code} {self.national}"

    def friendly_name(self) -> str:
        """The default name of a new number, as seen on a purchased number: `+1 (503) 715-4424`."""
        if self.nanp:
            return f"+1 {self.national_formatted()}"
        return self.international_formatted()


def is_e164(value: object) -> bool:
    return isinstance(value, str) and E164.match(value) is not None


def parse(e164: str) -> ParsedNumber:
    """Splits a valid E.164 string into calling code and national number."""
    digits = e164[1:]
    for length in (1, 2, 3):
        code = digits[:length]
        if code in CALLING_CODES and len(digits) > length:
            return ParsedNumber(e164, code, digits[length:], country_of(code, digits[length:]))
    length = min(3, len(digits) - 1)
    return ParsedNumber(e164, digits[:length], digits[length:], None)


def country_of(calling_code: str, national: str) -> str:
    if calling_code == "1" and national[:3] in CANADIAN_AREA_CODES:
        return "CA"
    return CALLING_CODES[calling_code]

