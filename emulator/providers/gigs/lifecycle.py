"""The virtual-number state machine on the virtual clock, and the events each change sends.

initiated → processing → active happen by themselves after the configured delays; a cancel
sets canceledAt and a future endedAt (the number stays active), and the number ends when
endedAt passes. A cancel before activation ends the number at once. Each change happens at
its own virtual instant, which becomes the event's `time`, whether it is applied by a timer,
by a clock jump or lazily when a request reads the number.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from ...core.clock import MICROS, from_datetime, to_datetime
from . import events
from .models import render_virtual_number, shallow_diff

if TYPE_CHECKING:
    from .provider import GigsProvider

TIMER_PREFIX = "gigs:"


class Conflict(Exception):
    """The number's state forbids the change (a 409 `conflict` to API callers)."""


def timer_key(project: str, number_id: str) -> str:
    return f"{TIMER_PREFIX}{project}:{number_id}"


def next_due(number: dict[str, Any]) -> int | None:
    status = number["status"]
    if status == "initiated":
        return number["processing_due_us"]
    if status == "processing":
        return number["active_due_us"]
    if status == "active" and number["canceled_us"] is not None:
        return number["ended_us"]
    return None


def plan(provider: "GigsProvider", number: dict[str, Any], created_us: int) -> None:
    """Fixes when the asynchronous steps will happen, from the settings in force at creation."""
    processing = created_us + round(provider.settings.processing_after_seconds * MICROS)
    number["processing_due_us"] = processing
    number["active_due_us"] = processing + round(provider.settings.active_after_seconds * MICROS)


def schedule(provider: "GigsProvider", project: str, number: dict[str, Any]) -> None:
    key = timer_key(project, number["id"])
    due = next_due(number)
    if due is None:
        provider.runtime.timers.cancel(key)
        return
    number_id = number["id"]
    provider.runtime.timers.schedule(key, due, lambda at: on_timer(provider, project, number_id, at))


def on_timer(provider: "GigsProvider", project: str, number_id: str, at_us: int) -> None:
    state = provider.store.get(project)
    number = state["virtual_numbers"].get(number_id) if state else None
    if number is None:
        return  # reset or restored away since the timer was set
    settle(provider, project, number, at_us)
    schedule(provider, project, number)


def settle(provider: "GigsProvider", project: str, number: dict[str, Any], until_us: int) -> None:
    """Applies, in order, every step due by `until_us`, each at its own instant."""
    while True:
        due = next_due(number)
        if due is None or due > until_us:
            return
        step(provider, project, number, due)


def step(provider: "GigsProvider", project: str, number: dict[str, Any], at_us: int) -> None:
    status = number["status"]
    if status == "initiated":
        to_processing(provider, project, number, at_us, events.SYSTEM_ACTOR)
    elif status == "processing":
        to_active(provider, project, number, at_us, events.SYSTEM_ACTOR)
    elif status == "active":
        to_ended(provider, project, number, at_us, events.SYSTEM_ACTOR)


def change(
    provider: "GigsProvider",
    project: str,
    number: dict[str, Any],
    at_us: int,
    actor: dict[str, Any],
    specific: tuple[str, ...],
    mutate: Callable[[dict[str, Any]], None],
) -> None:
    """Applies `mutate`, then sends the specific events and `updated` with the shallow diff."""
    before = render_virtual_number(number, provider.fraction)
    mutate(number)
    after = render_virtual_number(number, provider.fraction)
    for name in specific:
        events.publish(provider, project, name, after, actor=actor, at_us=at_us)
    if not specific or provider.settings.send_updated_events:
        events.publish(provider, project, "updated", after, actor=actor, at_us=at_us, previous=shallow_diff(before, after))


def to_processing(provider: "GigsProvider", project: str, number: dict[str, Any], at_us: int, actor: dict[str, Any]) -> None:
    def mutate(n: dict[str, Any]) -> None:
        n["status"] = "processing"
        if provider.settings.assign_number_on == "processing" and n["phoneNumber"] is None:
            n["phoneNumber"] = provider.assign_phone_number()

    change(provider, project, number, at_us, actor, (), mutate)


def to_active(provider: "GigsProvider", project: str, number: dict[str, Any], at_us: int, actor: dict[str, Any]) -> None:
    def mutate(n: dict[str, Any]) -> None:
        n["status"] = "active"
        n["activated_us"] = at_us
        if n["phoneNumber"] is None:
            n["phoneNumber"] = provider.assign_phone_number()

    change(provider, project, number, at_us, actor, ("activated",), mutate)


def to_ended(provider: "GigsProvider", project: str, number: dict[str, Any], at_us: int, actor: dict[str, Any]) -> None:
    def mutate(n: dict[str, Any]) -> None:
        n["status"] = "ended"
        n["ended_us"] = at_us

    change(provider, project, number, at_us, actor, ("ended",), mutate)


def end_after_cancel(provider: "GigsProvider", canceled_us: int) -> int:
    """When a canceled active number ends: the next month's first instant (UTC), or after a delay."""
    if provider.settings.cancel_ends == "after_delay":
        return canceled_us + round(provider.settings.cancel_delay_seconds * MICROS)
    moment = to_datetime(canceled_us)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return from_datetime(datetime(year, month, 1, tzinfo=timezone.utc))


def cancel(provider: "GigsProvider", project: str, number: dict[str, Any], at_us: int, actor: dict[str, Any]) -> None:
    """Cancels: an active number ends later, one not yet active ends now. Raises Conflict when already done."""
    if number["status"] == "ended":
        raise Conflict("Virtual number has already ended.")
    if number["canceled_us"] is not None:
        raise Conflict("Virtual number is already canceled.")
    if number["status"] == "active":
        ends = max(at_us, end_after_cancel(provider, at_us))

        def cancel_later(n: dict[str, Any]) -> None:
            n["canceled_us"] = at_us
            n["ended_us"] = ends

        change(provider, project, number, at_us, actor, ("canceled",), cancel_later)
        settle(provider, project, number, provider.clock.now_us())
    else:

        def end_now(n: dict[str, Any]) -> None:
            n["status"] = "ended"
            n["canceled_us"] = at_us
            n["ended_us"] = at_us

        change(provider, project, number, at_us, actor, ("canceled", "ended"), end_now)
    schedule(provider, project, number)


def force(provider: "GigsProvider", project: str, number: dict[str, Any], to: str) -> None:
    """The control API's transition: pushes the number forward now, as the provider itself would."""
    now = provider.clock.stamp_us()
    actor = events.SYSTEM_ACTOR
    status = number["status"]
    if to == "processing":
        if status != "initiated":
            raise Conflict(f"only an initiated number can move to processing (this one is {status})")
        to_processing(provider, project, number, now, actor)
        number["active_due_us"] = now + round(provider.settings.active_after_seconds * MICROS)
    elif to == "active":
        if status not in ("initiated", "processing"):
            raise Conflict(f"only an initiated or processing number can be activated (this one is {status})")
        if status == "initiated":
            to_processing(provider, project, number, now, actor)
        to_active(provider, project, number, now, actor)
    elif to == "canceled":
        cancel(provider, project, number, now, actor)
    elif to == "ended":
        if status == "ended":
            raise Conflict("the number has already ended")
        to_ended(provider, project, number, now, actor)
    else:
        raise Conflict(f"cannot move a virtual number to {to!r}; choose processing, active, canceled or ended")
    schedule(provider, project, number)
