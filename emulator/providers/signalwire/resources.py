"""Addresses, number groups and memberships: new records and their wire rendering.

Stored shapes are in `state.py`; times are µs of the virtual clock and render as the phone
numbers' do (`2025-06-03T15:51:29Z`).
"""

from __future__ import annotations

from typing import Any, get_args

from ...core.ids import uuid4_text
from .models import render_time
from .state import Address, AddressType, GroupMembership, NumberGroup, PhoneNumber

ADDRESS_TYPES: tuple[str, ...] = get_args(AddressType)
# The address fields a request sets, in the reference's order.
ADDRESS_FIELDS = (
    "label", "country", "first_name", "last_name", "street_number", "street_name", "address_type",
    "address_number", "city", "state", "postal_code",
)


def new_address(fields: dict[str, Any], created_us: int, address_id: str | None = None) -> Address:
    """An address not yet checked by the carrier; the backend sets the emergency fields."""
    return {  # type: ignore[return-value]  # the address fields come from ADDRESS_FIELDS
        "id": address_id or uuid4_text(),
        **{key: fields.get(key) for key in ADDRESS_FIELDS},
        "emergency_enabled": False,
        "validated": False,
        "validated_us": None,
        "provisioning_fails": False,
        "created_us": created_us,
        "deleted_us": None,
    }


def render_address(address: Address) -> dict[str, Any]:
    """Every key of the reference's Address; `zip_code` repeats `postal_code` for older clients."""
    rendered: dict[str, Any] = {"id": address["id"]}
    for key in ADDRESS_FIELDS:
        rendered[key] = address[key]  # type: ignore[literal-required]
    rendered["zip_code"] = address["postal_code"]
    rendered["emergency_enabled"] = address["emergency_enabled"]
    rendered["validated"] = address["validated"]
    validated_us = address["validated_us"]
    rendered["validated_at"] = None if validated_us is None else render_time(validated_us)
    return rendered


def new_group(name: str, sticky_sender: bool, created_us: int, group_id: str | None = None) -> NumberGroup:
    return {
        "id": group_id or uuid4_text(),
        "name": name,
        "sticky_sender": sticky_sender,
        "created_us": created_us,
        "updated_us": created_us,
        "deleted_us": None,
    }


def render_group(group: NumberGroup, phone_number_count: int) -> dict[str, Any]:
    return {
        "id": group["id"],
        "name": group["name"],
        "sticky_sender": group["sticky_sender"],
        "phone_number_count": phone_number_count,
    }


def new_membership(group_id: str, number_id: str, created_us: int, membership_id: str | None = None) -> GroupMembership:
    return {
        "id": membership_id or uuid4_text(),
        "number_group_id": group_id,
        "phone_number_id": number_id,
        "created_us": created_us,
        "updated_us": created_us,
        "deleted_us": None,
    }


def render_membership(membership: GroupMembership, number: PhoneNumber | None) -> dict[str, Any]:
    """The membership with the number as it is now (its id alone if the record is missing)."""
    shown: dict[str, Any] = {"id": membership["phone_number_id"]}
    if number is not None:
        if number["name"] is not None:  # the reference types the name as a string
            shown["name"] = number["name"]
        shown["number"] = number["number"]
        shown["capabilities"] = list(number["capabilities"])
    return {
        "id": membership["id"],
        "number_group_id": membership["number_group_id"],
        "phone_number": shown,
        "created_at": render_time(membership["created_us"]),
        "updated_at": render_time(membership["updated_us"]),
    }
