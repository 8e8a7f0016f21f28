"""The observed profile's allowed departures from the documented contract, built from the profile switches.

Each provider's `profiles.py` names one switch per place where the running service departs from
its documentation. A switch whose `observed` value differs from its `documented` value may make
answers that break the spec; `CATALOGUE` says how, per switch: which operations, which status or
which body fields (as `telemock.contracts.kit.server_check.Departure`s). Nothing else is allowed: no blanket
ignore, no allowance for a switch that is the same in both profiles.

A switch that differs but has no entry here is an error (`departures_for` raises), so a new
quirk cannot be fuzzed without saying what it may break. An entry may say that the switch breaks
nothing the API checks see (e.g. it changes webhooks only): it then allows nothing.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from telemock.contracts.kit.server_check import Departure
from telemock.contracts.specs import load_spec

PROVIDERS = ("voipbin", "signalwire", "voiceos", "gigs")


def profiles_of(provider: str) -> dict[str, Any]:
    return importlib.import_module(f"telemock.emulator.providers.{provider}.profiles").PROFILES


def switched(provider: str, profile: str = "observed") -> dict[str, tuple[Any, Any]]:
    """The switches whose value in `profile` differs from `documented`: name → (documented, profile)."""
    profiles = profiles_of(provider)
    documented, other = profiles["documented"], profiles[profile]
    return {
        f.name: (getattr(documented, f.name), getattr(other, f.name))
        for f in dataclasses.fields(documented)
        if getattr(documented, f.name) != getattr(other, f.name)
    }


# --- where fields live in the documented responses ------------------------------------------------


def _walk(spec: dict[str, Any], node: Any, seen: set[int]) -> Iterator[str]:
    """Every property name reachable in a schema (refs followed once)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#").strip("/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen.add(id(node))
    for name, sub in (node.get("properties") or {}).items():
        yield name
        yield from _walk(spec, sub, seen)
    for key in ("items", "additionalProperties", "not"):
        if isinstance(node.get(key), dict):
            yield from _walk(spec, node[key], seen)
    for key in ("allOf", "anyOf", "oneOf", "prefixItems"):
        for sub in node.get(key) or []:
            yield from _walk(spec, sub, seen)


def operations_answering(provider: str, field: str, statuses: tuple[int, ...] = (200, 201)) -> frozenset[str]:
    """The operations whose documented answer with one of `statuses` has a property matching `field`."""
    spec = load_spec(provider)
    pattern = re.compile(field)
    found = set()
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for status, response in operation.get("responses", {}).items():
                if not status.isdigit() or int(status) not in statuses:
                    continue
                names = {
                    name
                    for media in (_resolve_response(spec, response).get("content") or {}).values()
                    for name in _walk(spec, media.get("schema", {}), set())
                }
                if any(pattern.fullmatch(name) for name in names):
                    found.add(operation["operationId"])
    return frozenset(found)


def _resolve_response(spec: dict[str, Any], node: Any) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#").strip("/").split("/"):
            target = target[part]
        node = target
    return node


# --- the catalogue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quirk:
    """What one switch's observed value may break, or why it breaks nothing the API checks see."""

    departures: Callable[[str, Any], list[Departure]]  # (name, observed value) → departures
    none_because: str = ""  # set when the switch cannot break an API answer


def _field(description: str, operations: frozenset[str], location: str, message: str = "",
           statuses: tuple[int, ...] = (200, 201)) -> Callable[[str, Any], list[Departure]]:
    return lambda name, _value: [
        Departure(name, description, "field", operations, frozenset(statuses), location, message)
    ]


def _status(description: str, operations: frozenset[str], statuses: tuple[int, ...]) -> Callable[[str, Any], list[Departure]]:
    return lambda name, _value: [Departure(name, description, "status", operations, frozenset(statuses))]


def _nothing(_name: str, _value: Any) -> list[Departure]:
    return []


def operations_named(provider: str, prefix: str) -> frozenset[str]:
    spec = load_spec(provider)
    return frozenset(op["operationId"] for item in spec["paths"].values() for op in item.values()
                     if isinstance(op, dict) and op.get("operationId", "").startswith(prefix))


VOIPBIN_TIMES = r"tm_[a-z_]+"
VOIPBIN_TIME_OPERATIONS = operations_answering("voipbin", VOIPBIN_TIMES)


def _voipbin_unset_times(name: str, value: Any) -> list[Departure]:
    """`null`: unset times are JSON null; `omit`: they are left out of objects that require them."""
    if value == "omit":
        return [Departure(name, "unset times are left out, not the 9999-01-01 sentinel", "field",
                          VOIPBIN_TIME_OPERATIONS, frozenset((200, 201)), r"^body", rf'^"{VOIPBIN_TIMES}" is a required property$')]
    return [Departure(name, "unset times are JSON null, not the 9999-01-01 sentinel", "field",
                      VOIPBIN_TIME_OPERATIONS, frozenset((200, 201)), rf"/{VOIPBIN_TIMES}$", r'^null is not of type "string"$')]


CATALOGUE: dict[tuple[str, str], Quirk] = {
    ("voipbin", "timestamp_style"): Quirk(
        _field("times are RFC 3339 (`2026-01-02T03:04:05.123456Z`), not `YYYY-MM-DD HH:MM:SS.ffffff`",
               VOIPBIN_TIME_OPERATIONS, rf"/{VOIPBIN_TIMES}$", r"does not match")
    ),
    ("voipbin", "unset_timestamp"): Quirk(_voipbin_unset_times),
    ("voipbin", "page_token_style"): Quirk(
        _field("`next_page_token` is `YYYY-MM-DDTHH:MM:SS.ffffffZ`",
               operations_answering("voipbin", "next_page_token"), r"^body/next_page_token$", r"does not match")
    ),
    ("voipbin", "untyped_errors_as_internal"): Quirk(
        # numbers.py (create: malformed/reserved virtual numbers, E.164, tier limit, balance, duplicate;
        # update: a flow id that names no live flow) and flows.py (create: the flow limit).
        _status("500 INTERNAL where the documentation types the error (400, 402, 404, 409)",
                frozenset({"numbers_create", "numbers_update", "flows_create", "activeflows_create"}), (500,))
    ),
    ("voipbin", "malformed_page_token"): Quirk(
        _nothing, none_because="a page_token that is no time lists nothing: a documented 200 instead of a documented 400"
    ),
    ("voipbin", "number_statuses"): Quirk(
        _nothing, none_because="fewer statuses are reachable, each in the documented enum"
    ),
    ("voipbin", "customer_email_validation"): Quirk(
        _nothing, none_because="a non-email is refused with the documented 400 envelope"
    ),
    ("voipbin", "marker_actions"): Quirk(
        _field("an activeflow still on its start marker has no `current_action` (the marker has no `type`)",
               operations_answering("voipbin", "current_action"), r"^body", r'^"current_action" is a required property$')
    ),
    ("voipbin", "empty_event_fields"): Quirk(
        _nothing, none_because="changes call events, not any API answer"
    ),
    ("voipbin", "customer_webhook_validation"): Quirk(
        _field("a `webhook_method` outside the documented enum is stored and shown",
               frozenset({"customer_get", "customer_update"}), r"^body/webhook_method$", r"is not one of")
    ),
    ("voipbin", "activeflow_events_to_own_webhook"): Quirk(
        _nothing, none_because="changes which webhooks are sent, not any API answer"
    ),
    ("signalwire", "search_item_shape"): Quirk(
        _field("search items carry the production keys: `e164` for `number`, `capabilities` as an array, "
               "and `region`/`rate_center` null for toll-free numbers",
               frozenset({"phone_numbers_search"}), r"^body/data/\d+(/capabilities|/region|/rate_center)?$",
               r'^("number" is a required property|.* is not of type "(object|string)")$')
    ),
    ("signalwire", "search_links"): Quirk(
        _field("search `links` is an empty object, as production sends it",
               frozenset({"phone_numbers_search"}), r"^body/links$", r'^"(self|first)" is a required property$')
    ),
    ("signalwire", "search_rule_breaks"): Quirk(
        _status("a search breaking the backend's rules is 422, a status the reference does not list",
                frozenset({"phone_numbers_search"}), (422,))
    ),
    ("signalwire", "create_status"): Quirk(
        _status("addresses, number groups and memberships are created with 201, as the previous reference says",
                frozenset({"addresses_create", "number_groups_create", "number_group_memberships_create"}), (201,))
    ),
    ("signalwire", "unset_video_room_id"): Quirk(
        _field('an unset `call_video_room_id` is "" although the field is a UUID',
               operations_answering("signalwire", "call_video_room_id"), r"/call_video_room_id$", r'^"" is not a "uuid"$')
    ),
    ("signalwire", "unset_relay_string"): Quirk(
        _nothing, none_because='the spec types the relay strings as [string, null], so "" conforms'
    ),
    ("signalwire", "unset_status_callback_url"): Quirk(
        _nothing, none_because='the spec types call_status_callback_url as [string, null], so "" conforms'
    ),
    ("signalwire", "laml_error_body"): Quirk(
        _field("compatibility API errors carry `code` as a string", operations_named("signalwire", "laml_"),
               r"^body/code$", r'is not of type "integer"$', statuses=())
    ),
    ("signalwire", "laml_unset_url"): Quirk(
        _nothing, none_because='the spec types the compatibility API\'s URLs as [string, null], so "" conforms'
    ),
    ("signalwire", "laml_number_uri"): Quirk(_nothing, none_because="a number's `uri` is a string either way"),
    ("signalwire", "laml_friendly_names"): Quirk(
        _nothing, none_because="a `friendly_name` is a string either way"
    ),
    ("signalwire", "laml_friendly_name_max"): Quirk(
        _nothing, none_because="it changes which names get the documented 400, not the shape of any answer"
    ),
    ("voiceos", "source"): Quirk(_nothing, none_because="a label shown by the control API"),
}


@dataclass(frozen=True)
class Allowance:
    """One differing switch and the departures it allows (maybe none, with the reason)."""

    provider: str
    switch: str
    documented: Any
    observed: Any
    departures: tuple[Departure, ...]
    none_because: str

    @property
    def name(self) -> str:
        return f"{self.provider}.{self.switch}={self.observed}"


def allowances(provider: str, profile: str) -> list[Allowance]:
    """Every switch of `profile` that differs from `documented`, with what it may break."""
    found = []
    for switch, (documented, value) in switched(provider, profile).items():
        quirk = CATALOGUE.get((provider, switch))
        if quirk is None:
            raise LookupError(
                f"{provider}'s profile switch {switch!r} differs in {profile!r} ({documented!r} → {value!r}) "
                "but tests/test_fuzz/departures.py does not say what it may break"
            )
        name = f"{provider}.{switch}={value}"
        found.append(Allowance(provider, switch, documented, value, tuple(quirk.departures(name, value)), quirk.none_because))
    return found


def departures_for(provider: str, profile: str) -> tuple[Departure, ...]:
    """The allow-list for fuzzing `provider` in `profile` (empty for `documented`)."""
    return tuple(d for allowance in allowances(provider, profile) for d in allowance.departures)
