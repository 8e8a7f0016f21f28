"""AvailablePhoneNumbers of the compatibility (LaML) API: local and toll-free searches of the inventory.

The same inventory as Relay REST's search, without the numbers some project holds. The
description's Twilio-compatibility flags (`Beta`, `Exclude…AddressRequired`, `…Enabled`) are
checked as booleans and change nothing. Not paginated: one answer of at most 50 numbers (Inferred:
a recorded search answered 50).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .fixtures import InventoryNumber
from .laml_auth import laml_caller
from .laml_errors import InvalidArgument, InvalidAreaCode, laml_endpoint
from .laml_forms import Kind, typed
from .laml_render import render_available, search_uri
from .phonefmt import parse

if TYPE_CHECKING:
    from .provider import SignalwireProvider

SEARCH_QUERY = {
    "AreaCode": Kind.STRING, "Beta": Kind.BOOLEAN, "Contains": Kind.STRING,
    "ExcludeAllAddressRequired": Kind.BOOLEAN, "ExcludeForeignAddressRequired": Kind.BOOLEAN,
    "ExcludeLocalAddressRequired": Kind.BOOLEAN, "FaxEnabled": Kind.BOOLEAN, "InLocality": Kind.STRING,
    "InRegion": Kind.STRING, "MmsEnabled": Kind.BOOLEAN, "SmsEnabled": Kind.BOOLEAN, "VoiceEnabled": Kind.BOOLEAN,
}
MAX_RESULTS = 50
AREA_CODE = re.compile(r"^[0-9]{3}\Z")
CONTAINS = re.compile(r"^[0-9a-zA-Z*]{1,16}\Z")
REGION = re.compile(r"^[A-Za-z]{2}\Z")  # a state, a province or a country: two letters
KEYPAD = {letter: digit for digit, letters in {
    "2": "abc", "3": "def", "4": "ghi", "5": "jkl", "6": "mno", "7": "pqrs", "8": "tuv", "9": "wxyz"}.items()
    for letter in letters}


def contains_pattern(value: str) -> re.Pattern[str]:
    """Letters stand for their keypad digits and `*` for any digit (Inferred, as in Twilio's API)."""
    digits = "".join(KEYPAD.get(char, char) for char in value.lower())
    return re.compile(digits.replace("*", "[0-9]"))


def search_filter(query: dict[str, Any], country: str, number_type: str) -> Any:
    """The inventory test a search's parameters make; 21451 or 10000 (400) for a malformed one."""
    area_code, contains = query.get("AreaCode"), query.get("Contains")
    region, locality = query.get("InRegion"), query.get("InLocality")
    if area_code is not None and AREA_CODE.match(area_code) is None:
        raise InvalidAreaCode(f"AreaCode {area_code!r} is not formatted correctly: three digits")
    if contains is not None and CONTAINS.match(contains) is None:
        raise InvalidArgument("Contains may only hold 0-9, a-z, A-Z and *")
    if region is not None and REGION.match(region) is None:
        raise InvalidArgument("InRegion must be a two-letter state or province code")
    if locality is not None and region is None:
        raise InvalidArgument("InLocality requires InRegion")
    pattern = contains_pattern(contains) if contains else None

    def wanted(item: InventoryNumber) -> bool:
        national = parse(item.number).national
        return (
            item.country_code == country
            and item.number_type == number_type
            and (area_code is None or national.startswith(area_code))
            and (pattern is None or pattern.search(item.number[1:]) is not None)
            and (region is None or (item.region or "") == region.upper())
            and (locality is None or (item.city or "").lower() == locality.lower())
        )

    return wanted


async def search(provider: SignalwireProvider, request: Request, number_type: str, kind: str) -> Response:
    caller = laml_caller(provider, request)
    if REGION.match(request.path_params["IsoCountry"]) is None:
        raise InvalidArgument("IsoCountry must be a two-letter ISO 3166-1 country code")
    query = typed(request.query_params, SEARCH_QUERY, empty_is_absent=True)
    country = request.path_params["IsoCountry"].upper()  # Inferred: case does not matter
    found = provider.backend.available(search_filter(query, country, number_type), MAX_RESULTS)
    return json_response({
        "uri": search_uri(caller.state["project"]["id"], request.path_params["IsoCountry"], kind,
                          request.query_params, SEARCH_QUERY),
        "available_phone_numbers": [render_available(item, provider.profile) for item in found],
    })


@laml_endpoint
async def available_local(provider: SignalwireProvider, request: Request) -> Response:
    return await search(provider, request, "local", "Local")


@laml_endpoint
async def available_toll_free(provider: SignalwireProvider, request: Request) -> Response:
    return await search(provider, request, "toll-free", "TollFree")
