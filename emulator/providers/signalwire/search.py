"""Search of available numbers: the backend's filter rules, then the seeded inventory minus held numbers.

The item shape, the links and what a broken rule gets are profile switches (see profiles.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import authenticate
from .errors import InvalidAttributes
from .fixtures import InventoryNumber
from .phonefmt import parse
from .profiles import SignalwireProfile

if TYPE_CHECKING:
    from .provider import SignalwireProvider

SEARCH_PATH = "/api/relay/rest/phone_numbers/search"
CAPABILITY_FLAGS = ("voice", "sms", "mms", "fax")
DIGITS = re.compile(r"^[0-9]{3,7}\Z")
REGION = re.compile(r"^[A-Z]{2}\Z")
INTEGER = re.compile(r"^-?[0-9]{1,12}\Z")
PATTERN_KEYS = ("starts_with", "contains", "ends_with")
NUMBER_TYPES = ("local", "toll-free")
DEFAULT_MAX_RESULTS = 50
MAX_RESULTS = 100


def search_problems(query: dict[str, str]) -> list[str]:
    problems = []
    number_type = query.get("number_type", "local")
    if number_type not in NUMBER_TYPES:
        problems.append(f"number_type '{number_type}' is not included in the list: local, toll-free")
    patterns = [key for key in PATTERN_KEYS if key in query]
    if len(patterns) > 1:
        problems.append("Only one of starts_with, contains and ends_with may be given")
    problems += [f"{key} must be 3 to 7 digits" for key in patterns if not DIGITS.match(query[key])]
    raw_max = query.get("max_results")
    if raw_max is not None and (not INTEGER.match(raw_max) or not 1 <= int(raw_max) <= MAX_RESULTS):
        problems.append(f"max_results must be an integer from 1 to {MAX_RESULTS}")
    if "region" in query and not REGION.match(query["region"]):
        problems.append("region must be an ISO 3166-2 alpha-2 code such as TX")
    if "city" in query and "region" not in query:
        problems.append("city requires region")
    if number_type == "toll-free" and ("region" in query or "city" in query):
        problems.append("Toll-free number searches do not support those search filters (region, city)")
    return problems


def matches(item: InventoryNumber, query: dict[str, str]) -> bool:
    national = parse(item.number).national
    checks = (
        item.number_type == query.get("number_type", "local"),
        "areacode" not in query or national[:3] == query["areacode"],
        "starts_with" not in query or national.startswith(query["starts_with"]),
        "contains" not in query or query["contains"] in national,
        "ends_with" not in query or national.endswith(query["ends_with"]),
        "region" not in query or item.region == query["region"],
        "city" not in query or (item.city or "").lower() == query["city"].lower(),
    )
    return all(checks)


def render_available(item: InventoryNumber, profile: SignalwireProfile) -> dict[str, Any]:
    if profile.search_item_shape == "e164":
        parsed = parse(item.number)
        return {
            "e164": item.number,
            "national_number_formatted": parsed.national_formatted(),
            "international_number_formatted": parsed.international_formatted(),
            "rate_center": item.rate_center,
            "region": item.region,
            "country_code": item.country_code,
            "capabilities": list(item.capabilities),
        }
    rendered: dict[str, Any] = {"number": item.number}
    for key in ("region", "city", "rate_center", "lata"):
        value = getattr(item, key)
        if value is not None:  # the reference types them as strings: unknown ones are left out
            rendered[key] = value
    rendered["capabilities"] = {name: name in item.capabilities for name in CAPABILITY_FLAGS}
    return rendered


def search_links(request: Request, profile: SignalwireProfile) -> dict[str, str]:
    """Search is one page: `self` and `first` are the same relative URL, with the query as sent."""
    if profile.search_links == "empty":
        return {}
    query = urlencode(list(request.query_params.multi_items()))
    url = SEARCH_PATH + (f"?{query}" if query else "")
    return {"self": url, "first": url}


async def numbers_search(provider: SignalwireProvider, request: Request) -> Response:
    """Not paginated. An empty parameter counts as absent; a search breaking a rule finds nothing,
    or is refused with 422, as the profile says."""
    authenticate(provider, request)
    profile = provider.profile
    query = {key: value for key, value in request.query_params.items() if value != ""}
    problems = search_problems(query)
    if problems and profile.search_rule_breaks == "invalid_attributes":
        raise InvalidAttributes(*problems)
    found = []
    if not problems:
        limit = int(query.get("max_results", DEFAULT_MAX_RESULTS))
        found = provider.backend.available(lambda item: matches(item, query), limit)
    return json_response(
        {"links": search_links(request, profile), "data": [render_available(item, profile) for item in found]}
    )
