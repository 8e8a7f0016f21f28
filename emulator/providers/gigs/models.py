"""Gigs ids and resources as rendered on the wire (documented key order); `state.py` has them as stored."""

from __future__ import annotations

import re
from typing import Any, get_args

from ...core.clock import utc_parts
from ...core.ids import base62_id
from ...core.ordering import CursorPage
from .state import Subscription, User, VirtualNumber, VirtualNumberStatus

ID_LENGTH = 28
VIRTUAL_NUMBER_ID = re.compile(r"^vnr_[A-Za-z0-9]+$")
SUBSCRIPTION_ID = re.compile(r"^sub_[A-Za-z0-9]+$")
USER_ID = re.compile(r"^usr_[A-Za-z0-9]+$")
CURSOR = re.compile(r"^[A-Za-z0-9_]+$")
MAX_ID = 64
STATUSES: tuple[str, ...] = get_args(VirtualNumberStatus)


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


def lifecycle_times(item: VirtualNumber | Subscription, fraction: bool) -> dict[str, str | None]:
    """The four lifecycle times virtual numbers and subscriptions share, in schema order."""
    return {
        "activatedAt": timestamp(item["activated_us"], fraction),
        "canceledAt": timestamp(item["canceled_us"], fraction),
        "createdAt": timestamp(item["created_us"], fraction),
        "endedAt": timestamp(item["ended_us"], fraction),
    }


def render_virtual_number(number: VirtualNumber, fraction: bool) -> dict[str, Any]:
    return {
        "object": "virtualNumber",
        "id": number["id"],
        **lifecycle_times(number, fraction),
        "phoneNumber": number["phoneNumber"],
        "status": number["status"],
        "subscription": number["subscription"],
        "user": number["user"],
    }


def render_user(user: User, fraction: bool) -> dict[str, Any]:
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


def render_subscription(subscription: Subscription, users: dict[str, User], fraction: bool) -> dict[str, Any]:
    return {
        "object": "subscription",
        "id": subscription["id"],
        "metadata": subscription["metadata"],
        **lifecycle_times(subscription, fraction),
        "phoneNumber": subscription["phoneNumber"],
        "status": subscription["status"],
        "user": render_user(users[subscription["user"]], fraction),
    }


def shallow_diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`previousData`: the previous values of the top-level fields that changed, in schema order."""
    return {key: value for key, value in before.items() if after.get(key) != value}


def render_list(items: list[dict[str, Any]], page: CursorPage) -> dict[str, Any]:
    """The list envelope: the page's items and the cursors to the pages after and before it."""
    return {"object": "list", "items": items, "moreItemsAfter": page.more_after, "moreItemsBefore": page.more_before}
