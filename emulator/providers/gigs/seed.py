"""Turns a parsed `gigs.projects[]` fixture entry into a project's plain state, with errors that point at it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable

from ...core.clock import from_datetime
from ...core.fixtures import FixtureError
from .fixtures import ProjectFixture
from .models import new_id

if TYPE_CHECKING:
    from .provider import GigsProvider


def parse_time(value: str | None, where: str) -> int | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FixtureError(f"{where}: {value!r} is not an RFC 3339 time") from None
    if moment.tzinfo is None:
        raise FixtureError(f"{where}: {value!r} needs a UTC offset, e.g. 2026-01-01T00:00:00Z")
    return from_datetime(moment)


def empty_project(project_id: str, api_version: str = "2026-01-29", idempotency_keys: bool = True) -> dict[str, Any]:
    return {
        "project": {"id": project_id, "api_version": api_version, "idempotency_keys": idempotency_keys},
        "api_keys": {},
        "users": {},
        "subscriptions": {},
        "virtual_numbers": {},
        "idempotency": {},
    }


def unique_id(given: str | None, prefix: str, taken: dict[str, Any], where: str) -> str:
    if given is None:
        return new_id(prefix)
    if given in taken:
        raise FixtureError(f"{where}.id: {given!r} is declared twice")
    return given


def project_state(provider: "GigsProvider", project: ProjectFixture, where: str) -> dict[str, Any]:
    """The project's state; fixture times default to the current virtual time, in declaration order."""
    stamp: Callable[[], int] = provider.clock.stamp_us
    state = empty_project(project.id, project.api_version, project.idempotency_keys)
    for position, key in enumerate(project.api_keys):
        place = f"{where}.api_keys[{position}]"
        if key.key in provider.key_projects or key.key in state["api_keys"]:
            raise FixtureError(f"{place}.key: the key is used twice")
        state["api_keys"][key.key] = {"id": key.id or new_id("apk_"), "expires_us": parse_time(key.expires, f"{place}.expires")}
    for position, user in enumerate(project.users):
        place = f"{where}.users[{position}]"
        user_id = unique_id(user.id, "usr_", state["users"], place)
        state["users"][user_id] = {
            "id": user_id,
            "metadata": dict(user.metadata),
            "birthday": user.birthday,
            "created_us": parse_time(user.created, f"{place}.created") or stamp(),
            "email": user.email,
            "emailVerified": user.email_verified,
            "fullName": user.full_name,
            "preferredLocale": user.preferred_locale,
            "status": user.status,
        }
    for position, sub in enumerate(project.subscriptions):
        place = f"{where}.subscriptions[{position}]"
        sub_id = unique_id(sub.id, "sub_", state["subscriptions"], place)
        if sub.user not in state["users"]:
            raise FixtureError(f"{place}.user: no user {sub.user!r} in project {project.id!r}")
        created = parse_time(sub.created, f"{place}.created") or stamp()
        activated = parse_time(sub.activated, f"{place}.activated")
        if activated is None and sub.status in ("active", "ended"):
            activated = created
        ended = parse_time(sub.ended, f"{place}.ended")
        if ended is None and sub.status == "ended":
            ended = stamp()
        state["subscriptions"][sub_id] = {
            "id": sub_id,
            "metadata": dict(sub.metadata),
            "activated_us": activated,
            "canceled_us": parse_time(sub.canceled, f"{place}.canceled"),
            "created_us": created,
            "ended_us": ended,
            "phoneNumber": sub.phone_number,
            "status": sub.status,
            "user": sub.user,
        }
    for position, vn in enumerate(project.virtual_numbers):
        place = f"{where}.virtual_numbers[{position}]"
        vn_id = unique_id(vn.id, "vnr_", state["virtual_numbers"], place)
        sub = state["subscriptions"].get(vn.subscription)
        if sub is None:
            raise FixtureError(f"{place}.subscription: no subscription {vn.subscription!r} in project {project.id!r}")
        created = parse_time(vn.created, f"{place}.created") or stamp()
        activated = parse_time(vn.activated, f"{place}.activated")
        canceled = parse_time(vn.canceled, f"{place}.canceled")
        ended = parse_time(vn.ended, f"{place}.ended")
        if vn.status in ("initiated", "processing") and (activated or canceled or ended):
            raise FixtureError(f"{place}: a {vn.status} number has no activated, canceled or ended time")
        if vn.status == "active":
            activated = activated or created
            if ended is not None and canceled is None:
                raise FixtureError(f"{place}.ended: an active number only has an end time once it is canceled")
            if canceled is not None and ended is None:
                from .lifecycle import end_after_cancel

                ended = end_after_cancel(provider, canceled)
        if vn.status == "ended" and ended is None:
            ended = canceled or stamp()
        phone = vn.phone_number
        if phone is None and (vn.status in ("active",) or activated is not None):
            phone = provider.assign_phone_number()
        if phone is not None:
            provider.phone_numbers.add(phone)
        state["virtual_numbers"][vn_id] = {
            "id": vn_id,
            "subscription": sub["id"],
            "user": sub["user"],
            "status": vn.status,
            "phoneNumber": phone,
            "created_us": created,
            "activated_us": activated,
            "canceled_us": canceled,
            "ended_us": ended,
            "processing_due_us": None,
            "active_due_us": None,
        }
        if vn.status in ("initiated", "processing"):
            from .lifecycle import plan

            plan(provider, state["virtual_numbers"][vn_id], created)
    return state
