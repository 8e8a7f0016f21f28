"""The virtual-number state machine on the virtual clock, and the events each change sends.

initiated → processing → active happen by themselves after the configured delays; a cancel
sets canceledAt and a future endedAt (the number stays active), and the number ends when
endedAt passes. A cancel before activation ends the number at once. Each change happens at
its own virtual instant, which becomes the event's `time`, whether it is applied by a timer,
by a clock jump or lazily when a request reads the number.

Part of the backend: only `GigsBackend` calls it, and every change marks the project first.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from ...core.clock import MICROS, from_datetime, to_datetime
from . import events
from .events import Actor
from .errors import NumberAlreadyCanceled, NumberAlreadyEnded, TransitionNotAllowed
from .models import render_virtual_number, shallow_diff
from .state import VirtualNumber

if TYPE_CHECKING:
    from .backend import GigsBackend

TIMER_PREFIX = "gigs:"


def timer_key(project: str, number_id: str) -> str:
    return f"{TIMER_PREFIX}{project}:{number_id}"


def next_due(number: VirtualNumber) -> int | None:
    status = number["status"]
    if status == "initiated":
        return number["processing_due_us"]
    if status == "processing":
        return number["active_due_us"]
    if status == "active" and number["canceled_us"] is not None:
        return number["ended_us"]
    return None


class NumberLifecycle:
    """Moves one project's virtual numbers through their statuses, on timers or when asked."""

    def __init__(self, backend: "GigsBackend") -> None:
        self.backend = backend

    def _delay_us(self, seconds: float) -> int:
        return round(seconds * MICROS)

    # --- planning and timers ---------------------------------------------------------------------

    def plan(self, number: VirtualNumber, created_us: int) -> None:
        """Fixes when the asynchronous steps of a number being made will happen, from the settings in force."""
        settings = self.backend.settings
        processing = created_us + self._delay_us(settings.processing_after_seconds)
        number["processing_due_us"] = processing
        number["active_due_us"] = processing + self._delay_us(settings.active_after_seconds)

    def end_after_cancel(self, canceled_us: int) -> int:
        """When a canceled active number ends: the next month's first instant (UTC), or after a delay."""
        settings = self.backend.settings
        if settings.cancel_ends == "after_delay":
            return canceled_us + self._delay_us(settings.cancel_delay_seconds)
        moment = to_datetime(canceled_us)
        year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
        return from_datetime(datetime(year, month, 1, tzinfo=timezone.utc))

    def schedule(self, project: str, number: VirtualNumber) -> None:
        """One timer per number, at its next step (none once nothing more will happen by itself)."""
        timers = self.backend.provider.runtime.timers
        key = timer_key(project, number["id"])
        due = next_due(number)
        if due is None:
            timers.cancel(key)
            return
        number_id = number["id"]
        timers.schedule(key, due, lambda at: self._on_timer(project, number_id, at))

    def _on_timer(self, project: str, number_id: str, at_us: int) -> None:
        state = self.backend.store.get(project)
        number = state["virtual_numbers"].get(number_id) if state else None
        if number is None:
            return  # reset or restored away since the timer was set
        self.settle(project, number, at_us)
        self.schedule(project, number)

    def settle(self, project: str, number: VirtualNumber, until_us: int) -> None:
        """Applies, in order, every step due by `until_us`, each at its own instant."""
        while True:
            due = next_due(number)
            if due is None or due > until_us:
                return
            self._step(project, number, due)

    def _step(self, project: str, number: VirtualNumber, at_us: int) -> None:
        status = number["status"]
        if status == "initiated":
            self._to_processing(project, number, at_us, events.SYSTEM_ACTOR)
        elif status == "processing":
            self._to_active(project, number, at_us, events.SYSTEM_ACTOR)
        elif status == "active":
            self._to_ended(project, number, at_us, events.SYSTEM_ACTOR)

    # --- changes ---------------------------------------------------------------------------------

    def _change(
        self,
        project: str,
        number: VirtualNumber,
        at_us: int,
        actor: Actor,
        specific: tuple[str, ...],
        mutate: Callable[[VirtualNumber], None],
    ) -> None:
        """Marks the project, applies `mutate`, then sends the specific events and `updated` with the shallow diff."""
        fraction = self.backend.fraction
        before = render_virtual_number(number, fraction)
        self.backend.changing(project)
        mutate(number)
        after = render_virtual_number(number, fraction)
        for name in specific:
            events.publish(self.backend, project, name, after, actor=actor, at_us=at_us)
        if not specific or self.backend.settings.send_updated_events:
            events.publish(self.backend, project, "updated", after, actor=actor, at_us=at_us, previous=shallow_diff(before, after))

    def _to_processing(
        self, project: str, number: VirtualNumber, at_us: int, actor: Actor, active_due_us: int | None = None
    ) -> None:
        """`active_due_us`, when given, moves the planned activation (a forced step restarts the wait)."""

        def mutate(n: VirtualNumber) -> None:
            n["status"] = "processing"
            if self.backend.settings.assign_number_on == "processing" and n["phoneNumber"] is None:
                n["phoneNumber"] = self.backend.assign_phone_number()
            if active_due_us is not None:
                n["active_due_us"] = active_due_us

        self._change(project, number, at_us, actor, (), mutate)

    def _to_active(self, project: str, number: VirtualNumber, at_us: int, actor: Actor) -> None:
        def mutate(n: VirtualNumber) -> None:
            n["status"] = "active"
            n["activated_us"] = at_us
            if n["phoneNumber"] is None:
                n["phoneNumber"] = self.backend.assign_phone_number()

        self._change(project, number, at_us, actor, ("activated",), mutate)

    def _to_ended(self, project: str, number: VirtualNumber, at_us: int, actor: Actor) -> None:
        def mutate(n: VirtualNumber) -> None:
            n["status"] = "ended"
            n["ended_us"] = at_us

        self._change(project, number, at_us, actor, ("ended",), mutate)

    def cancel(self, project: str, number: VirtualNumber, at_us: int, actor: Actor) -> None:
        """Cancels: an active number ends later, one not yet active ends now. 409 when already done."""
        if number["status"] == "ended":
            raise NumberAlreadyEnded()
        if number["canceled_us"] is not None:
            raise NumberAlreadyCanceled()
        if number["status"] == "active":
            ends = max(at_us, self.end_after_cancel(at_us))

            def cancel_later(n: VirtualNumber) -> None:
                n["canceled_us"] = at_us
                n["ended_us"] = ends

            self._change(project, number, at_us, actor, ("canceled",), cancel_later)
            self.settle(project, number, self.backend.clock.now_us())
        else:

            def end_now(n: VirtualNumber) -> None:
                n["status"] = "ended"
                n["canceled_us"] = at_us
                n["ended_us"] = at_us

            self._change(project, number, at_us, actor, ("canceled", "ended"), end_now)
        self.schedule(project, number)

    def force(self, project: str, number: VirtualNumber, to: str) -> None:
        """The control API's transition: pushes the number forward now, as the provider itself would."""
        now = self.backend.clock.stamp_us()
        actor = events.SYSTEM_ACTOR
        status = number["status"]
        if to == "processing":
            if status != "initiated":
                raise TransitionNotAllowed(f"only an initiated number can move to processing (this one is {status})")
            active_due = now + self._delay_us(self.backend.settings.active_after_seconds)
            self._to_processing(project, number, now, actor, active_due_us=active_due)
        elif to == "active":
            if status not in ("initiated", "processing"):
                raise TransitionNotAllowed(f"only an initiated or processing number can be activated (this one is {status})")
            if status == "initiated":
                self._to_processing(project, number, now, actor)
            self._to_active(project, number, now, actor)
        elif to == "canceled":
            self.cancel(project, number, now, actor)
        elif to == "ended":
            if status == "ended":
                raise TransitionNotAllowed("the number has already ended")
            self._to_ended(project, number, now, actor)
        else:
            raise TransitionNotAllowed(f"cannot move a virtual number to {to!r}; choose processing, active, canceled or ended")
        self.schedule(project, number)
