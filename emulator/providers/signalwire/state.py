"""A project's state as stored: plain JSON data, typed.

These are TypedDicts, so at run time every value is a plain dict that snapshots, persistence and
per-test resets copy as data; times are integer microseconds of the virtual clock.
"""

from __future__ import annotations

from typing import Literal, TypedDict

E911Status = Literal["pending", "active", "failed", "pending_removal", "unregistered"]
NumberSource = Literal["purchased", "imported"]
AddressType = Literal[
    "Apartment", "Basement", "Building", "Department", "Floor", "Office", "Penthouse", "Suite", "Trailer", "Unit"
]


class Project(TypedDict):
    id: str
    trial: bool  # trial projects wait longer before a purchased number may be released
    signing_key: str  # signs every request sent to the project's handler URLs
    space_id: str


class Grant(TypedDict):
    """What one API token of the project may do."""

    scopes: list[str]


class Address(TypedDict):
    """An E911 address of the project; assignments to numbers end `failed` when provisioning fails.

    A deleted address is kept (`deleted_us`), so a page token naming it still works; numbers it
    was assigned to keep it as their E911 address.
    """

    id: str
    label: str
    country: str
    first_name: str
    last_name: str
    street_number: str
    street_name: str
    address_type: AddressType | None
    address_number: str | None
    city: str
    state: str
    postal_code: str
    emergency_enabled: bool
    validated: bool
    validated_us: int | None
    provisioning_fails: bool
    created_us: int
    deleted_us: int | None


class NumberGroup(TypedDict):
    """A named set of the project's numbers (deleted groups are kept, like addresses)."""

    id: str
    name: str
    sticky_sender: bool
    created_us: int
    updated_us: int
    deleted_us: int | None


class GroupMembership(TypedDict):
    """One number in one group; it ends when either is deleted or the number is released."""

    id: str
    number_group_id: str
    phone_number_id: str
    created_us: int
    updated_us: int
    deleted_us: int | None


class SwmlWebhook(TypedDict):
    """A Fabric SWML Webhook resource (`used_for: messaging`) bound to a number's inbound messages."""

    id: str
    primary_request_url: str
    fallback_request_url: str | None
    status_callback_url: str | None


class PhoneNumber(TypedDict):
    """A number the project holds (or held: released numbers stay, so a page token naming one still works)."""

    id: str
    number: str
    name: str | None
    capabilities: list[str]
    number_type: Literal["longcode", "toll-free"]
    country_code: str | None
    source: NumberSource
    created_us: int
    updated_us: int
    released_us: int | None
    e911_address_id: str | None
    e911_status: E911Status | None
    e911_due_us: int | None  # when the carrier finishes the pending E911 change
    e911_next: E911Status | None  # the status it finishes in
    # Call configuration (the response object's keys, in its order).
    call_handler: str | None
    calling_handler_resource_id: str | None
    call_receive_mode: str | None
    call_request_url: str | None
    call_request_method: str | None
    call_fallback_url: str | None
    call_fallback_method: str | None
    call_status_callback_url: str | None
    call_status_callback_method: str | None
    call_laml_application_id: str | None
    call_dialogflow_agent_id: str | None
    call_relay_topic: str | None
    call_relay_topic_status_callback_url: str | None
    call_relay_script_url: str | None
    call_relay_context: str | None
    call_relay_context_status_callback_url: str | None
    call_relay_application: str | None
    call_relay_connector_id: str | None
    call_sip_endpoint_id: str | None
    call_verto_resource: str | None
    call_video_room_id: str | None
    # Message configuration.
    message_handler: str | None
    messaging_handler_resource_id: str | None
    message_request_url: str | None
    message_request_method: str | None
    message_fallback_url: str | None
    message_fallback_method: str | None
    message_laml_application_id: str | None
    message_relay_topic: str | None
    message_relay_context: str | None
    # Accepted on update and stored, but not keys of the response object.
    call_ai_agent_id: str | None
    call_flow_id: str | None
    call_flow_version: str | None
    message_relay_application: str | None
    # Not set through this API: a Fabric resource handling inbound messages (seeded by fixtures).
    message_swml_webhook: SwmlWebhook | None


class ProjectState(TypedDict):
    """One tenant: a SignalWire project, its API tokens, E911 addresses, numbers and number groups, each by id."""

    project: Project
    tokens: dict[str, Grant]
    addresses: dict[str, Address]
    numbers: dict[str, PhoneNumber]
    number_groups: dict[str, NumberGroup]
    number_group_memberships: dict[str, GroupMembership]
