"""What a compatibility create or update sets on a number: each parameter checked, then mapped onto
the number's Relay REST configuration, so both APIs show one number.

| compatibility parameter | Relay REST field |
|---|---|
| `FriendlyName` | `name` |
| `VoiceUrl`, `VoiceMethod` | `call_request_url`, `call_request_method` |
| `VoiceFallbackUrl`, `VoiceFallbackMethod` | `call_fallback_url`, `call_fallback_method` |
| `StatusCallback`, `StatusCallbackMethod` | `call_status_callback_url`, `call_status_callback_method` |
| `VoiceApplicationSid` | `call_laml_application_id` |
| `VoiceReceiveMode` | `call_receive_mode` |
| `SmsUrl`, `SmsMethod`, `SmsFallbackUrl`, `SmsFallbackMethod` | `message_request_url`, … |
| `SmsApplicationSid` | `message_laml_application_id` |
| `EmergencyAddressSid` | the E911 address (assigned or removed as through Relay REST) |

Inferred (the compatibility API has no handler field): a non-empty `VoiceUrl` makes the number's
`call_handler` `laml_webhooks`, unless an application is set; a non-empty `VoiceApplicationSid`
makes it `laml_application` (an application wins over the URLs, as in Twilio's API); clearing
the application of a `laml_application` number goes back to `laml_webhooks`. The same for `Sms…`
and `message_handler`. An empty URL or application clears the field.

Every parameter is checked before anything changes; the first broken one (in the API
description's order) is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .common import parse_uuid
from .laml_auth import canonical_id
from .laml_errors import (
    AccountNotOwned,
    InvalidApplicationSid,
    InvalidCallbackUrl,
    InvalidEmergencyAddress,
    InvalidFriendlyName,
    InvalidMethod,
    InvalidPurchaseNumber,
    InvalidUrl,
    LamlError,
    NumberRequired,
)
from .laml_forms import Kind
from .laml_render import digits_name
from .profiles import SignalwireProfile
from .state import PhoneNumber

URLS = {
    "VoiceUrl": "call_request_url",
    "VoiceFallbackUrl": "call_fallback_url",
    "StatusCallback": "call_status_callback_url",
    "SmsUrl": "message_request_url",
    "SmsFallbackUrl": "message_fallback_url",
}
METHODS = {
    "VoiceMethod": "call_request_method",
    "VoiceFallbackMethod": "call_fallback_method",
    "StatusCallbackMethod": "call_status_callback_method",
    "SmsMethod": "message_request_method",
    "SmsFallbackMethod": "message_fallback_method",
}
APPLICATIONS = {"VoiceApplicationSid": "call_laml_application_id", "SmsApplicationSid": "message_laml_application_id"}
# (URL parameter, application parameter, handler field, application field) per direction.
HANDLERS = (
    ("VoiceUrl", "VoiceApplicationSid", "call_handler", "call_laml_application_id"),
    ("SmsUrl", "SmsApplicationSid", "message_handler", "message_laml_application_id"),
)
RECEIVE_MODES = ("voice", "fax")

# The body parameters, in the API description's order; every one is a string.
CONFIG_PARAMETERS = (
    "FriendlyName", "SmsApplicationSid", "SmsFallbackMethod", "SmsFallbackUrl", "SmsMethod", "SmsUrl",
    "StatusCallback", "StatusCallbackMethod", "VoiceApplicationSid", "VoiceFallbackMethod", "VoiceFallbackUrl",
    "VoiceMethod", "VoiceReceiveMode", "VoiceUrl",
)
CREATE_FIELDS = {name: Kind.STRING for name in ("PhoneNumber", *CONFIG_PARAMETERS)}
UPDATE_FIELDS = {name: Kind.STRING for name in ("AccountSid", "EmergencyAddressSid", *CONFIG_PARAMETERS)}
PURCHASABLE = re.compile(r"^\+[0-9]{5,17}\Z")

UNCHANGED = object()  # an update that does not touch the E911 address


@dataclass
class Configuration:
    """A checked request: the Relay REST fields to set, and the E911 address to assign ("" removes)."""

    changes: dict[str, Any] = field(default_factory=dict)
    emergency_address: Any = UNCHANGED


def checked_url(name: str, value: str) -> str | None:
    """An absolute http(s) URL, or None for "" (which clears the field)."""
    if value == "":
        return None
    try:
        parts = urlsplit(value) if value.isprintable() and " " not in value else None
    except ValueError:  # e.g. an unclosed IPv6 bracket
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        error: type[LamlError] = InvalidCallbackUrl if name == "StatusCallback" else InvalidUrl
        raise error(f"{name} is not a valid URL: {value!r}")
    return value


def checked_method(name: str, value: str) -> str:
    if value not in ("GET", "POST"):
        raise InvalidMethod(f"{name} must be GET or POST, not {value!r}")
    return value


def checked_application(name: str, value: str) -> str | None:
    """Inferred: any well-formed id is taken, as Relay REST takes any LaML application id."""
    if value == "":
        return None
    canonical = parse_uuid(value)
    if canonical is None:
        raise InvalidApplicationSid(f"The {name} {value!r} could not be found")
    return canonical


def checked_receive_mode(value: str) -> str:
    """21209 also covers "the passed mode was not valid for the phone number"."""
    if value not in RECEIVE_MODES:
        raise InvalidMethod(f"VoiceReceiveMode must be voice or fax, not {value!r}")
    return value


def checked_name(value: str, longest: int) -> str:
    if not 1 <= len(value) <= longest:
        raise InvalidFriendlyName(f"FriendlyName must be 1 to {longest} characters long")
    return value


def field_changes(params: dict[str, str], longest_name: int) -> dict[str, Any]:
    """The Relay REST fields the configuration parameters set, each checked, in the description's order."""
    changes: dict[str, Any] = {}
    for name in CONFIG_PARAMETERS:
        if name not in params:
            continue
        value = params[name]
        if name == "FriendlyName":
            changes["name"] = checked_name(value, longest_name)
        elif name in URLS:
            changes[URLS[name]] = checked_url(name, value)
        elif name in METHODS:
            changes[METHODS[name]] = checked_method(name, value)
        elif name in APPLICATIONS:
            changes[APPLICATIONS[name]] = checked_application(name, value)
        else:
            changes["call_receive_mode"] = checked_receive_mode(value)
    return changes


def handler_changes(params: dict[str, str], changes: dict[str, Any], stored: Mapping[str, Any]) -> dict[str, str]:
    """The handlers the URLs and applications imply (see the module's description)."""
    found = {}
    for url, application, handler, application_field in HANDLERS:
        if params.get(application):
            found[handler] = "laml_application"
        elif params.get(url):
            has_application = changes.get(application_field, stored.get(application_field))
            found[handler] = "laml_application" if has_application else "laml_webhooks"
        elif application in params and stored.get(handler) == "laml_application":
            found[handler] = "laml_webhooks"
    return found


def purchase_request(params: dict[str, str], profile: SignalwireProfile) -> tuple[str, Configuration]:
    """The number to buy and how to configure it: 21421 without a number, 21401 for a malformed one.

    Without a `FriendlyName` the number is named by its digits as the profile formats them (the
    `recorded` format is the one Relay REST's purchase gives it anyway).
    """
    wanted = params.get("PhoneNumber", "")
    if wanted == "":
        raise NumberRequired()
    if PURCHASABLE.match(wanted) is None:
        raise InvalidPurchaseNumber(f"The phone number you're attempting to purchase has an invalid format: {wanted!r}")
    changes = field_changes(params, profile.laml_friendly_name_max)
    changes.update(handler_changes(params, changes, {}))
    if "name" not in changes and profile.laml_friendly_names == "reference":
        changes["name"] = digits_name(wanted, profile)
    return wanted, Configuration(changes)


def update_request(
    params: dict[str, str], stored: PhoneNumber, project_id: str, profile: SignalwireProfile
) -> Configuration:
    """A merge: only the parameters sent change (as Twilio's API and Relay REST's PUT both do).

    Inferred: telemock has no subprojects, so `AccountSid` may only name the number's own project.
    """
    if "AccountSid" in params and canonical_id(params["AccountSid"]) != canonical_id(project_id):
        raise AccountNotOwned()
    configuration = Configuration()
    if "EmergencyAddressSid" in params:
        address = params["EmergencyAddressSid"]
        if address != "" and parse_uuid(address) is None:
            raise InvalidEmergencyAddress(f"The E911 address ID {address!r} is not valid")
        configuration.emergency_address = parse_uuid(address) or ""
    configuration.changes = field_changes(params, profile.laml_friendly_name_max)
    configuration.changes.update(handler_changes(params, configuration.changes, stored))  # type: ignore[arg-type]
    return configuration
