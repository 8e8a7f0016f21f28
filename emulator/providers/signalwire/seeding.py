"""Builds a project's state from its fixture: tokens, E911 addresses and the numbers it holds.

Everything here makes new data; the backend adds it to the store (`SignalwireBackend.add_tenant`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from ...core.clock import MICROS, from_datetime
from ...core.fixtures import FixtureError
from .fixtures import NumberFixture, ProjectFixture, SignalwireSettings
from .models import configured, new_number
from .phonefmt import parse
from .signing import new_signing_key
from .state import Address, Grant, PhoneNumber, ProjectState
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
        addresses[address.id] = {
            "label": address.label,
            "validated": address.validated,
            "provisioning_fails": address.provisioning_fails,
        }
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
    state = empty_project_state(project.project_id, project.trial, project.signing_key, project.space_id, tokens)
    return {**state, "addresses": addresses, "numbers": numbers}


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
