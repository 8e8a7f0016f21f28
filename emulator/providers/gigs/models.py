"""Gigs resources as stored (plain dicts, times in µs) and as rendered on the wire (documented key order)."""

from __future__ import annotations

import re
from typing import Any

from ...core.clock import utc_parts
from ...core.ids import base62_id

ID_LENGTH = 28
VIRTUAL_NUMBER_ID = re.compile(r"^vnr_[A-Za-z0-9]+$")
SUBSCRIPTION_ID = re.compile(r"^sub_[A-Za-z0-9]+$")
USER_ID = re.compile(r"^usr_[A-Za-z0-9]+$")
CURSOR = re.compile(r"^[A-Za-z0-9_]+$")
MAX_ID = 64
STATUSES = ("initiated", "processing", "active", "ended")


def new_id(prefix: str) -> str:
    """`vnr_0SNlurA049MEWV29mxRtSMDnKtUD`: a type prefix and 28 base62 characters."""
    return base62_id(prefix, ID_LENGTH)


def well_formed(pattern: re.Pattern[str], value: str) -> bool:
    return len(value) <= MAX_ID and pattern.match(value) is not None


def timestamp(us: int | None, fraction: bool = False) -> str | None:
    """RFC 3339 UTC with `Z`, whole seconds (or with a `.0` fraction, as some documented examples show)."""
    if us is None:
        return None
    text, _ = utc_parts(us)
    return f"{text}.0Z" if fraction else f"{text}Z"


def new_virtual_number(*, number_id: str, subscription: dict[str, Any], created_us: int) -> dict[str, Any]:
    return {
        "id": number_id,
        "subscription": subscription["id"],
        "user": subscription["user"],
        "status": "initiated",
        "phoneNumber": None,
        "created_us": created_us,
        "activated_us": None,
        "canceled_us": None,
        "ended_us": None,
        # When the asynchronous steps are due (planned at creation, on the virtual clock).
        "processing_due_us": None,
        "active_due_us": None,
    }


def render_virtual_number(number: dict[str, Any], fraction: bool) -> dict[str, Any]:
    return {
        "object": "virtualNumber",
        "id": number["id"],
        "activatedAt": timestamp(number["activated_us"], fraction),
        "canceledAt": timestamp(number["canceled_us"], fraction),
        "createdAt": timestamp(number["created_us"], fraction),
        "endedAt": timestamp(number["ended_us"], fraction),
        "phoneNumber": number["phoneNumber"],
        "status": number["status"],
        "subscription": number["subscription"],
        "user": number["user"],
    }


def render_user(user: dict[str, Any], fraction: bool) -> dict[str, Any]:
    return {
        "object": "user",
        "id": user["id"],
        "metadata": user["metadata"],
        "birthday": user["birthday"],
        "createdAt": timestamp(user["created_us"], fraction),
        "email": user["email"],
        "emailVerified": user["emailVerified"],
        "fullName": user["fullName"],
        "preferredLocale": user["preferredLocale"],
        "status": user["status"],
    }


def render_subscription(subscription: dict[str, Any], users: dict[str, Any], fraction: bool) -> dict[str, Any]:
    return {
        "object": "subscription",
        "id": subscription["id"],
        "metadata": subscription["metadata"],
        "activatedAt": timestamp(subscription["activated_us"], fraction),
        "canceledAt": timestamp(subscription["canceled_us"], fraction),
        "createdAt": timestamp(subscription["created_us"], fraction),
        "endedAt": timestamp(subscription["ended_us"], fraction),
        "phoneNumber": subscription["phoneNumber"],
        "status": subscription["status"],
        "user": render_user(users[subscription["user"]], fraction),
    }


def shallow_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`previousData`: the previous values of the top-level fields that changed, in schema order."""
    return {key: value for key, value in before.items() if after.get(key) != value}
