"""Turns a parsed `gigs.projects[]` fixture entry into a project's plain state, with errors that point at it.

Part of the backend: `GigsBackend.load_project` builds a project with it before adding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from ...core.fixtures import FixtureError, fixture_time
from .fixtures import ProjectFixture, SubscriptionFixture, VirtualNumberFixture
from .models import new_id
from .state import ProjectState, Subscription, VirtualNumber, empty_project, new_subscription, new_user, new_virtual_number

if TYPE_CHECKING:
    from .backend import GigsBackend



def unique_id(given: str | None, prefix: str, taken: dict[str, Any], where: str) -> str:
    if given is None:
        return new_id(prefix)
    if given in taken:
        raise FixtureError(f"{where}.id: {given!r} is declared twice")
    return given


@dataclass
class FixtureTimes:
    """A fixture item's lifecycle times, in µs."""

    created: int
    activated: int | None
    canceled: int | None
    ended: int | None


def fixture_times(item: SubscriptionFixture | VirtualNumberFixture, place: str, stamp: Callable[[], int]) -> FixtureTimes:
    """The declared lifecycle times; creation defaults to the current virtual time."""
    return FixtureTimes(
        created=fixture_time(item.created, f"{place}.created", offset_required=True) or stamp(),
        activated=fixture_time(item.activated, f"{place}.activated", offset_required=True),
        canceled=fixture_time(item.canceled, f"{place}.canceled", offset_required=True),
        ended=fixture_time(item.ended, f"{place}.ended", offset_required=True),
    )


def project_state(backend: "GigsBackend", project: ProjectFixture, where: str) -> ProjectState:
    """The project's state; fixture times default to the current virtual time, in declaration order."""
    stamp: Callable[[], int] = backend.clock.stamp_us
    state = empty_project(project.id, project.api_version, project.idempotency_keys)
    for position, key in enumerate(project.api_keys):
        place = f"{where}.api_keys[{position}]"
        if backend.project_of_key(key.key) is not None or key.key in state["api_keys"]:
            raise FixtureError(f"{place}.key: the key is used twice")
        expires = fixture_time(key.expires, f"{place}.expires", offset_required=True)
        state["api_keys"][key.key] = {"id": key.id or new_id("apk_"), "expires_us": expires}
    for position, user in enumerate(project.users):
        place = f"{where}.users[{position}]"
        user_id = unique_id(user.id, "usr_", state["users"], place)
        state["users"][user_id] = new_user(
            user_id,
            email=user.email,
            created_us=fixture_time(user.created, f"{place}.created", offset_required=True) or stamp(),
            metadata=user.metadata,
            birthday=user.birthday,
            email_verified=user.email_verified,
            full_name=user.full_name,
            preferred_locale=user.preferred_locale,
            status=user.status,
        )
    for position, sub in enumerate(project.subscriptions):
        subscription = seeded_subscription(state, sub, f"{where}.subscriptions[{position}]", stamp)
        state["subscriptions"][subscription["id"]] = subscription
    for position, vn in enumerate(project.virtual_numbers):
        number = seeded_number(backend, state, vn, f"{where}.virtual_numbers[{position}]", stamp)
        state["virtual_numbers"][number["id"]] = number
    return state


def seeded_subscription(state: ProjectState, sub: SubscriptionFixture, place: str, stamp: Callable[[], int]) -> Subscription:
    """A declared subscription of one of the project's users, active (or ended) since its creation unless told."""
    sub_id = unique_id(sub.id, "sub_", state["subscriptions"], place)
    if sub.user not in state["users"]:
        raise FixtureError(f"{place}.user: no user {sub.user!r} in project {state['project']['id']!r}")
    times = fixture_times(sub, place, stamp)
    activated = times.activated
    if activated is None and sub.status in ("active", "ended"):
        activated = times.created
    ended = times.ended
    if ended is None and sub.status == "ended":
        ended = stamp()
    return new_subscription(
        sub_id,
        user=sub.user,
        created_us=times.created,
        status=sub.status,
        metadata=sub.metadata,
        activated_us=activated,
        canceled_us=times.canceled,
        ended_us=ended,
        phone_number=sub.phone_number,
    )


def seeded_number(
    backend: "GigsBackend", state: ProjectState, vn: VirtualNumberFixture, place: str, stamp: Callable[[], int]
) -> VirtualNumber:
    """A declared virtual number, its times completed as its status implies and a number assigned once active."""
    vn_id = unique_id(vn.id, "vnr_", state["virtual_numbers"], place)
    sub = state["subscriptions"].get(vn.subscription)
    if sub is None:
        raise FixtureError(f"{place}.subscription: no subscription {vn.subscription!r} in project {state['project']['id']!r}")
    times = fixture_times(vn, place, stamp)
    activated, canceled, ended = times.activated, times.canceled, times.ended
    if vn.status in ("initiated", "processing") and (activated or canceled or ended):
        raise FixtureError(f"{place}: a {vn.status} number has no activated, canceled or ended time")
    if vn.status == "active":
        activated = activated or times.created
        if ended is not None and canceled is None:
            raise FixtureError(f"{place}.ended: an active number only has an end time once it is canceled")
        if canceled is not None and ended is None:
            ended = backend.lifecycle.end_after_cancel(canceled)
    if vn.status == "ended" and ended is None:
        ended = canceled or stamp()
    phone = vn.phone_number
    if phone is None and (vn.status == "active" or activated is not None):
        phone = backend.assign_phone_number()
    if phone is not None:
        backend.phone_numbers.add(phone)
    number = new_virtual_number(
        vn_id,
        subscription=sub,
        created_us=times.created,
        status=vn.status,
        phone_number=phone,
        activated_us=activated,
        canceled_us=canceled,
        ended_us=ended,
    )
    if vn.status in ("initiated", "processing"):
        backend.lifecycle.plan(number, times.created)
    return number
