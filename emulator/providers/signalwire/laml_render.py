"""The compatibility API's bodies: IncomingPhoneNumber, AvailablePhoneNumber, a list page and its URIs.

A number renders from the stored Relay REST number (see `laml_config` for the field mapping), in
the key order of a recorded production list. URIs are paths under the Space's host, always under
`/api/laml/2010-04-01` (as recorded, also for requests made without that prefix).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from .callbacks import API_VERSION, rfc2822
from .fixtures import InventoryNumber
from .laml_forms import Kind, documented_pairs
from .paging import NumberPage, PageRequest
from .phonefmt import parse
from .profiles import SignalwireProfile
from .state import PhoneNumber

LAML_BASE = f"/api/laml/{API_VERSION}"
URL_KEYS = ("voice_url", "voice_fallback_url", "status_callback", "sms_url", "sms_fallback_url")


def account_path(project_id: str) -> str:
    return f"{LAML_BASE}/Accounts/{project_id}"


def number_uri(project_id: str, sid: str, profile: SignalwireProfile) -> str:
    suffix = ".json" if profile.laml_number_uri == "json" else ""
    return f"{account_path(project_id)}/IncomingPhoneNumbers/{sid}{suffix}"


def digits_name(e164: str, profile: SignalwireProfile) -> str:
    """A bought number's name when it was given none: `(503) 555-0111`, or Relay REST's `+1 (503) 555-0111`."""
    parsed = parse(e164)
    return parsed.national_formatted() if profile.laml_friendly_names == "reference" else parsed.friendly_name()


def render_incoming(number: PhoneNumber, project_id: str, profile: SignalwireProfile) -> dict[str, Any]:
    """Every key of the reference's IncomingPhoneNumber; `verification_status` for toll-free numbers only."""
    capabilities = number["capabilities"]
    rendered: dict[str, Any] = {
        "sid": number["id"],
        "account_id": project_id,
        "account_sid": project_id,
        "friendly_name": number["name"] if number["name"] is not None else digits_name(number["number"], profile),
        "phone_number": number["number"],
        "voice_url": number["call_request_url"],
        "voice_method": number["call_request_method"] or "POST",
        "voice_fallback_url": number["call_fallback_url"],
        "voice_fallback_method": number["call_fallback_method"] or "POST",
        "status_callback": number["call_status_callback_url"],
        "status_callback_method": number["call_status_callback_method"] or "POST",
        "voice_application_sid": number["call_laml_application_id"],
        "voice_caller_id_lookup": None,
        "sms_url": number["message_request_url"],
        "sms_method": number["message_request_method"] or "POST",
        "sms_fallback_url": number["message_fallback_url"],
        "sms_fallback_method": number["message_fallback_method"] or "POST",
        "sms_application_sid": number["message_laml_application_id"],
        "date_created": rfc2822(number["created_us"]),
        "date_updated": rfc2822(number["updated_us"]),
        "capabilities": {kind: kind in capabilities for kind in ("voice", "sms", "mms", "fax")},
        "beta": False,
        "api_version": API_VERSION,
        "uri": number_uri(project_id, number["id"], profile),
        "address_requirements": "none",
        "address_sid": None,
        "identity_sid": None,
        "trunk_sid": None,
        "origin": "signalwire" if number["source"] == "purchased" else "hosted",
        "emergency_status": "Active" if number["e911_status"] == "active" else "Inactive",
        "emergency_address_sid": number["e911_address_id"],
        "country_code": number["country_code"] or "",
    }
    if profile.laml_unset_url == "empty":
        for key in URL_KEYS:
            rendered[key] = rendered[key] or ""
    if number["number_type"] == "toll-free":
        rendered["verification_status"] = "Unverified"
    return rendered


def page_uri(base: str, request: PageRequest, page: int, token_id: str | None, filters: list[tuple[str, str]]) -> str:
    params = [("Page", str(page)), ("PageSize", str(request.size))]
    if token_id is not None:
        params.append(("PageToken", f"PA{token_id}"))
    return f"{base}?{urlencode(params + filters)}"


def render_page(
    found: NumberPage, request: PageRequest, filters: list[tuple[str, str]], project_id: str, profile: SignalwireProfile
) -> dict[str, Any]:
    """The list envelope: `next_page_uri` while numbers follow, `previous_page_uri` after the first page."""
    base = f"{account_path(project_id)}/IncomingPhoneNumbers"
    previous = None
    if request.number > 0:
        back = request.number - 1 if found.previous_token is not None else 0
        previous = page_uri(base, request, back, found.previous_token, filters)
    return {
        "uri": page_uri(base, request, request.number, request.token if request.number > 0 else None, filters),
        "first_page_uri": page_uri(base, request, 0, None, filters),
        "next_page_uri": (
            page_uri(base, request, request.number + 1, found.next_token, filters) if found.next_token else None
        ),
        "previous_page_uri": previous,
        "page": request.number,
        "page_size": request.size,
        "incoming_phone_numbers": [render_incoming(number, project_id, profile) for number in found.numbers],
    }


def render_available(item: InventoryNumber, profile: SignalwireProfile) -> dict[str, Any]:
    """Inferred from the reference ("always null") and recorded searches: no locality, LATA or postal code."""
    parsed = parse(item.number)
    national = parsed.national_formatted()
    if profile.laml_friendly_names == "recorded" and parsed.nanp:
        national = f"{parsed.national[:3]}-{parsed.national[3:6]}-{parsed.national[6:]}"
    return {
        "friendly_name": national,
        "phone_number": item.number,
        "lata": None,
        "locality": None,
        "rate_center": item.rate_center,
        "latitude": None,
        "longitude": None,
        "region": item.region,
        "postal_code": None,
        "iso_country": item.country_code,
        "capabilities": {"voice": "voice" in item.capabilities, "SMS": "sms" in item.capabilities,
                         "MMS": "mms" in item.capabilities},
        "beta": False,
    }


def search_uri(project_id: str, country: str, kind: str, query: Any, kinds: dict[str, Kind]) -> str:
    """The search's own path, with the documented parameters it was given."""
    params = documented_pairs(query.multi_items(), kinds)
    path = f"{account_path(project_id)}/AvailablePhoneNumbers/{country}/{kind}"
    return f"{path}?{urlencode(params)}" if params else path
