"""A Gigs project's state as stored: plain dicts (snapshots and resets copy plain data), typed here.

Times are integer microseconds (`*_us`); the wire names (`phoneNumber`, `emailVerified`…) are
kept where the stored value is rendered as it is. Key order is the order of the state dump.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

VirtualNumberStatus = Literal["initiated", "processing", "active", "ended"]
SubscriptionStatus = Literal["pending", "initiated", "active", "ended"]
UserStatus = Literal["active", "blocked", "deleted"]
# The collections paged newest first, each with a creation index.
Collection = Literal["users", "subscriptions", "virtual_numbers"]
COLLECTIONS: tuple[Collection, ...] = ("users", "subscriptions", "virtual_numbers")
DEFAULT_API_VERSION = "2026-01-29"


class ProjectInfo(TypedDict):
    id: str
    api_version: str  # stamped into events as `version`
    idempotency_keys: bool  # False: the project is outside the Idempotency-Key beta


class ApiKey(TypedDict):
    id: str  # apk_…, the event actor of the key's changes
    expires_us: int | None


class User(TypedDict):
    id: str
    metadata: dict[str, Any]
    birthday: str | None
    created_us: int
    email: str
    emailVerified: bool
    fullName: str | None
    preferredLocale: str
    status: UserStatus


class Subscription(TypedDict):
    id: str
    metadata: dict[str, Any]
    activated_us: int | None
    canceled_us: int | None
    created_us: int
    ended_us: int | None
    phoneNumber: str | None
    status: SubscriptionStatus
    user: str


class VirtualNumber(TypedDict):
    id: str
    subscription: str
    user: str
    status: VirtualNumberStatus
    phoneNumber: str | None
    created_us: int
    activated_us: int | None
    canceled_us: int | None
    ended_us: int | None
    # When the asynchronous steps are due (planned at creation, on the virtual clock).
    processing_due_us: int | None
    active_due_us: int | None


class StoredResponse(TypedDict):
    """The first successful answer to an Idempotency-Key, replayed until it expires."""

    expires_us: int
    status: int
    body: Any


class ProjectState(TypedDict):
    """One tenant: a project, its keys and its resources, each collection keyed by id."""

    project: ProjectInfo
    api_keys: dict[str, ApiKey]  # by bearer token
    users: dict[str, User]
    subscriptions: dict[str, Subscription]
    virtual_numbers: dict[str, VirtualNumber]
    idempotency: dict[str, StoredResponse]  # by "METHOD path key"


def empty_project(project_id: str, api_version: str = DEFAULT_API_VERSION, idempotency_keys: bool = True) -> ProjectState:
    return {
        "project": {"id": project_id, "api_version": api_version, "idempotency_keys": idempotency_keys},
        "api_keys": {},
        "users": {},
        "subscriptions": {},
        "virtual_numbers": {},
        "idempotency": {},
    }


def new_user(
    user_id: str,
    *,
    email: str,
    created_us: int,
    metadata: dict[str, Any] | None = None,
    birthday: str | None = None,
    email_verified: bool = True,
    full_name: str | None = None,
    preferred_locale: str = "en-US",
    status: UserStatus = "active",
) -> User:
    return {
        "id": user_id,
        "metadata": dict(metadata or {}),
        "birthday": birthday,
        "created_us": created_us,
        "email": email,
        "emailVerified": email_verified,
        "fullName": full_name,
        "preferredLocale": preferred_locale,
        "status": status,
    }


def new_subscription(
    subscription_id: str,
    *,
    user: str,
    created_us: int,
    status: SubscriptionStatus = "active",
    metadata: dict[str, Any] | None = None,
    activated_us: int | None = None,
    canceled_us: int | None = None,
    ended_us: int | None = None,
    phone_number: str | None = None,
) -> Subscription:
    return {
        "id": subscription_id,
        "metadata": dict(metadata or {}),
        "activated_us": activated_us,
        "canceled_us": canceled_us,
        "created_us": created_us,
        "ended_us": ended_us,
        "phoneNumber": phone_number,
        "status": status,
        "user": user,
    }


def new_virtual_number(
    number_id: str,
    *,
    subscription: Subscription,
    created_us: int,
    status: VirtualNumberStatus = "initiated",
    phone_number: str | None = None,
    activated_us: int | None = None,
    canceled_us: int | None = None,
    ended_us: int | None = None,
) -> VirtualNumber:
    """A number of `subscription` (its user too); the lifecycle plans the due times."""
    return {
        "id": number_id,
        "subscription": subscription["id"],
        "user": subscription["user"],
        "status": status,
        "phoneNumber": phone_number,
        "created_us": created_us,
        "activated_us": activated_us,
        "canceled_us": canceled_us,
        "ended_us": ended_us,
        "processing_due_us": None,
        "active_due_us": None,
    }
