"""The spec SignalWire serves at `/signalwire/openapi.json`, adjusted to the active profile's search.

The documented spec follows the current official reference. The `observed` profile sends the
production search (recorded in 2025, and the previous reference): items keyed by `e164` with
formatted numbers and capabilities as a list, and empty `links`. A client generated from the
served spec must read every answer of the profile it runs against, so the served copy says so.
"""

from __future__ import annotations

import copy
from typing import Any

from .profiles import SignalwireProfile

PRODUCTION_ITEM: dict[str, Any] = {
    "type": "object",
    "description": "A number available for purchase, as production sends it (the `observed` profile).",
    "required": ["e164", "national_number_formatted", "international_number_formatted", "country_code", "capabilities"],
    "properties": {
        "e164": {"$ref": "#/components/schemas/E164"},
        "national_number_formatted": {"type": "string", "examples": ["(503) 715-4424"]},
        "international_number_formatted": {"type": "string", "examples": ["+1 503-715-4424"]},
        "rate_center": {"type": ["string", "null"]},
        "region": {"type": ["string", "null"]},
        "country_code": {"type": "string", "examples": ["US"]},
        "capabilities": {"type": "array", "items": {"type": "string", "enum": ["voice", "sms", "mms", "fax"]}},
    },
}


def profile_spec(spec: dict[str, Any], profile: SignalwireProfile) -> dict[str, Any]:
    if profile.search_item_shape == "number" and profile.search_links == "self_first":
        return spec
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    if profile.search_item_shape == "e164":
        schemas["AvailablePhoneNumber"] = PRODUCTION_ITEM
    if profile.search_links == "empty":
        response = schemas["AvailablePhoneNumbersResponse"]
        response["properties"]["links"] = {"type": "object", "description": "Empty in production searches."}
    return spec
