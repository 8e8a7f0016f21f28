"""Builds a project's state from its fixture: tokens, E911 addresses, the numbers it holds, number groups.

Everything here makes new data; the backend adds it to the store (`SignalwireBackend.add_tenant`).
`upgrade` fills in what a snapshot saved before some of these existed lacks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from ...core.clock import MICROS, from_datetime
from ...core.fixtures import FixtureError
from ...core.ids import uuid4_text
from .fixtures import E911AddressFixture, NumberFixture, NumberGroupFixture, ProjectFixture, SignalwireSettings
from .models import configured, new_number
from .phonefmt import parse
from .resources import ADDRESS_FIELDS, new_address, new_group, new_membership
from .signing import new_signing_key
from .state import Address, GroupMembership, Grant, NumberGroup, PhoneNumber, ProjectState, SwmlWebhook
from .validation import validate_update

DAY_US = 86_400 * MICROS
# Fixtures are checked strictly whatever the running settings say.
FIXTURE_RULES = SignalwireSettings.model_validate({"unknown_fields": "reject", "null_clears_fields": True})
DefaultName = Callable[[str], "str | None"]


def derived_space_id(project_id: str) -> str:
    """A stable space id for a project whose fixture names none."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"signalwire:space:{project_id}"))


def empty_project_state(
    project_id: str,
    trial: bool = False,
    signing_key: str | None = None,
    space_id: str | None = None,
    tokens: dict[str, Grant] | None = None,
) -> ProjectState:
    return {
        "project": {
            "id": project_id,
            "trial": trial,
            "signing_key": signing_key or new_signing_key(),
            "space_id": space_id or derived_space_id(project_id),
        },
        "tokens": tokens or {},
        "addresses": {},
        "numbers": {},
        "number_groups": {},
        "number_group_memberships": {},
    }


def project_state(
    project: ProjectFixture, where: str, now_us: int, stamp: Callable[[], int], default_name: DefaultName
) -> ProjectState:
    tokens: dict[str, Grant] = {}
    for position, token in enumerate(project.tokens):
        if token.token in tokens:
            raise FixtureError(f"{where}.tokens[{position}].token: {token.token!r} is listed twice")
        tokens[token.token] = {"scopes": list(token.scopes)}
    addresses: dict[str, Address] = {}
    for position, address in enumerate(project.e911_addresses):
        if address.id in addresses:
            raise FixtureError(f"{where}.e911_addresses[{position}].id: {address.id} is listed twice")
        addresses[address.id] = address_record(address, stamp())
    numbers: dict[str, PhoneNumber] = {}
    held: set[str] = set()
    for position, number in enumerate(project.numbers):
        place = f"{where}.numbers[{position}]"
        if number.number in held:
            raise FixtureError(f"{place}.number: {number.number} is listed twice")
        held.add(number.number)
        record = number_record(number, place, addresses, now_us, stamp, default_name)
        if record["id"] in numbers:
            raise FixtureError(f"{place}.id: {record['id']} is listed twice")
        numbers[record["id"]] = record
    groups, memberships = group_records(project.number_groups, f"{where}.number_groups", numbers, stamp)
    state = empty_project_state(project.project_id, project.trial, project.signing_key, project.space_id, tokens)
    return {
        **state, "addresses": addresses, "numbers": numbers, "number_groups": groups,
        "number_group_memberships": memberships,
    }


def address_record(address: E911AddressFixture, created_us: int) -> Address:
    """A seeded address: validated ones count as carrier-validated (emergency enabled) when created."""
    record = new_address(address.model_dump(include=set(ADDRESS_FIELDS)), created_us, address.id)
    record["emergency_enabled"] = record["validated"] = address.validated
    record["validated_us"] = created_us if address.validated else None
    record["provisioning_fails"] = address.provisioning_fails
    return record


def group_records(
    fixtures: list[NumberGroupFixture], where: str, numbers: dict[str, PhoneNumber], stamp: Callable[[], int]
) -> tuple[dict[str, NumberGroup], dict[str, GroupMembership]]:
    groups: dict[str, NumberGroup] = {}
    memberships: dict[str, GroupMembership] = {}
    for position, fixture in enumerate(fixtures):
        group = new_group(fixture.name, fixture.sticky_sender, stamp(), fixture.id)
        if group["id"] in groups:
            raise FixtureError(f"{where}[{position}].id: {group['id']} is listed twice")
        groups[group["id"]] = group
        members: set[str] = set()
        for index, member in enumerate(fixture.memberships):
            place = f"{where}[{position}].memberships[{index}]"
            number = numbers.get(member.phone_number_id)
            if number is None or number["released_us"] is not None:
                raise FixtureError(f"{place}.phone_number_id: no number {member.phone_number_id} in this project")
            if member.phone_number_id in members:
                raise FixtureError(f"{place}.phone_number_id: {member.phone_number_id} is in the group twice")
            members.add(member.phone_number_id)
            membership = new_membership(group["id"], member.phone_number_id, stamp(), member.id)
            if membership["id"] in memberships:
                raise FixtureError(f"{place}.id: {membership['id']} is listed twice")
            memberships[membership["id"]] = membership
    return groups, memberships


def outdated(state: ProjectState) -> bool:
    """A snapshot from before the number groups, the full addresses or the messaging resources."""
    return (
        "number_groups" not in state
        or "number_group_memberships" not in state
        or any("deleted_us" not in address for address in state["addresses"].values())
        or any("message_swml_webhook" not in number for number in state["numbers"].values())
    )


def upgrade(state: ProjectState) -> None:
    """Fills in what `outdated` finds missing; the caller marks the tenant first."""
    state.setdefault("number_groups", {})
    state.setdefault("number_group_memberships", {})
    for address_id, old in list(state["addresses"].items()):
        if "deleted_us" not in old:
            fixture = E911AddressFixture.model_validate(
                {"id": address_id, "label": old.get("label", ""), "validated": old.get("validated", True),
                 "provisioning_fails": old.get("provisioning_fails", False)}
            )
            upgraded = address_record(fixture, 0)
            upgraded["validated_us"] = None  # when is not known
            state["addresses"][address_id] = upgraded
    for number in state["numbers"].values():
        number.setdefault("message_swml_webhook", None)


def number_record(
    number: NumberFixture,
    place: str,
    addresses: dict[str, Address],
    now_us: int,
    stamp: Callable[[], int],
    default_name: DefaultName,
) -> PhoneNumber:
    parsed = parse(number.number)
    record = new_number(
        number=number.number,
        name=default_name(number.number),
        number_type=number.number_type or ("toll-free" if parsed.toll_free else "longcode"),
        capabilities=list(dict.fromkeys(number.capabilities)),
        country_code=parsed.country,
        source="imported" if number.imported else "purchased",
        created_us=created_us(number, place, now_us, stamp),
        number_id=number.id,
    )
    changes, problems = validate_update(number.update_fields(), record, FIXTURE_RULES)
    if problems:
        raise FixtureError("\n".join(f"{place}: {problem}" for problem in problems))
    record = configured(record, changes)
    if number.message_swml_webhook is not None:
        if "message_handler" in changes:
            raise FixtureError(f"{place}: give message_swml_webhook or message_handler, not both")
        webhook: SwmlWebhook = number.message_swml_webhook.model_dump()  # type: ignore[assignment]
        webhook["id"] = webhook["id"] or uuid4_text()
        record["message_swml_webhook"] = webhook
        record["messaging_handler_resource_id"] = webhook["id"]
        record["message_handler"] = None
    if number.e911_address_id is None:
        return record
    if number.e911_address_id not in addresses:
        raise FixtureError(f"{place}.e911_address_id: no address {number.e911_address_id} in this project")
    return {**record, "e911_address_id": number.e911_address_id, "e911_status": "active"}


def created_us(number: NumberFixture, place: str, now_us: int, stamp: Callable[[], int]) -> int:
    if number.purchased_days_ago is not None and number.created_at is not None:
        raise FixtureError(f"{place}: give purchased_days_ago or created_at, not both")
    if number.purchased_days_ago is not None:
        return now_us - round(number.purchased_days_ago * DAY_US)
    if number.created_at is not None:
        try:
            return from_datetime(datetime.fromisoformat(number.created_at.replace("Z", "+00:00")))
        except ValueError:
            raise FixtureError(f"{place}.created_at: {number.created_at!r} is not an RFC 3339 time") from None
    return stamp()
