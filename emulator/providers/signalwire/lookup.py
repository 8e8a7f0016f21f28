"""Number lookup: formatting and validity for any number, carrier and CNAM for +1 numbers on request.

Carrier and caller-ID data are made up, but stable: the same number always gives the same answer.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import authenticate
from .errors import NotFound
from .geo import AREA_CODES, TIMEZONES
from .phonefmt import NANP, ParsedNumber, is_e164, parse

if TYPE_CHECKING:
    from .provider import SignalwireProvider

INCLUDES = frozenset({"carrier", "cnam"})
US_TIMEZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]
CARRIERS = [
    ("Verizon", "wireless", "6006"),
    ("AT&T Mobility", "wireless", "6214"),
    ("T-Mobile USA", "wireless", "6529"),
    ("Lumen", "landline", "9636"),
    ("Frontier Communications", "landline", "0421"),
]
CALLER_NAMES = ["JOHN SMITH", "MARIA GARCIA", "ACME CORP", "WIRELESS CALLER", "JANE DOE", "CITY OF SPRINGFIELD"]


def digest(e164: str) -> bytes:
    return hashlib.sha256(e164.encode()).digest()


def basic_facts(parsed: ParsedNumber) -> dict[str, Any]:
    known_country = parsed.country is not None
    if parsed.calling_code == "1":
        possible = len(parsed.national) == 10
        valid = NANP.match(parsed.e164) is not None
        known = AREA_CODES.get(parsed.national[:3])
        location = known.region_name if known else ("Canada" if parsed.country == "CA" else "United States")
        timezones = [known.timezone] if known else list(US_TIMEZONES)
        number_type = "Toll Free" if parsed.toll_free else "Fixed Line or Mobile"
    else:
        possible = known_country and 4 <= len(parsed.national) <= 13
        valid = possible
        location = ""
        timezones = [TIMEZONES.get(parsed.country or "", "Etc/Unknown")]
        number_type = "Fixed Line or Mobile" if known_country else "Unknown"
    return {
        "country_code_number": int(parsed.calling_code),
        "national_number": parsed.national,
        "possible_number": possible,
        "valid_number": valid,
        "national_number_formatted": parsed.national_formatted(),
        "international_number_formatted": parsed.international_formatted(),
        "e164": parsed.e164,
        "location": location,
        "country_code": parsed.country or "ZZ",
        "timezones": timezones,
        "number_type": number_type,
    }


def carrier_info(parsed: ParsedNumber) -> dict[str, str]:
    seed = digest(parsed.e164)
    lec, linetype, spid = CARRIERS[seed[0] % len(CARRIERS)]
    known = AREA_CODES.get(parsed.national[:3])
    return {
        "lrn": "1" + parsed.national,
        "spid": spid,
        "ocn": spid,
        "lata": known.lata if known else f"{seed[1] % 900 + 100}",
        "city": known.city if known else "",
        "state": known.region if known else "",
        "jurisdiction": "indeterminate",
        "lec": lec,
        "linetype": linetype,
    }


async def lookup_phone_number(provider: SignalwireProvider, request: Request) -> Response:
    """Needs valid credentials but no scope; an unparsable number or include value is 404."""
    authenticate(provider, request, scope=None)
    e164 = request.path_params["e164_number"]
    include = request.query_params.get("include", "")
    wanted = set(include.split(",")) if include else set()
    if not is_e164(e164) or not wanted <= INCLUDES:
        raise NotFound("not an E.164 number, or an unknown include")
    parsed = parse(e164)
    result = basic_facts(parsed)
    if parsed.calling_code == "1":
        if "carrier" in wanted:
            result["carrier"] = carrier_info(parsed)
        if "cnam" in wanted:
            result["cnam"] = {"caller_id": CALLER_NAMES[digest(e164)[2] % len(CALLER_NAMES)]}
    return json_response(result)
