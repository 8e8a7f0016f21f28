"""The outbox and the timers tell a listener what changed (the state file listens; nobody else pays)."""

from __future__ import annotations

from telemock.emulator.core.clock import VirtualClock
from telemock.emulator.core.endpoints import EndpointRegistry
from telemock.emulator.core.outbox import FAILED, Outbox, OutboxListener
from telemock.emulator.core.timers import Timers, TimersListener
from telemock.emulator.core.webhooks import DeliveryPolicy, StandardWebhooksFormat

FORMAT = StandardWebhooksFormat(name="test")


class Heard(OutboxListener, TimersListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def message_changed(self, message_id: str) -> None:
        self.events.append(("changed", message_id))

    def message_removed(self, message_id: str) -> None:
        self.events.append(("removed", message_id))

    def attempt_finished(self) -> None:
        self.events.append(("attempted", None))

    def timers_ran(self, keys: list[str]) -> None:
        self.events.append(("ran", list(keys)))


def frozen_clock() -> VirtualClock:
    clock = VirtualClock()
    clock.freeze()
    return clock


def test_timers_report_each_batch_once_after_it_ran():
    clock = frozen_clock()
    timers = Timers(clock)
    heard = Heard()
    timers.listener = heard
    now = clock.now_us()
    order: list[str] = []
    timers.schedule("a", now + 10, lambda at: order.append("a"))
    timers.schedule("b", now + 20, lambda at: (order.append("b"), timers.schedule("c", at, lambda _: order.append("c"))))
    timers.schedule("later", now + 1_000_000, lambda at: order.append("later"))
    timers.run_due()
    assert heard.events == []  # nothing due: nothing to tell
    clock.advance(0.001)  # a clock move runs what fell due (a, b, and c which b scheduled)
    assert order == ["a", "b", "c"]
    assert heard.events == [("ran", ["a", "b", "c"])]


def test_the_outbox_reports_queued_attempted_and_forgotten_messages():
    clock = frozen_clock()
    timers = Timers(clock)
    outbox = Outbox(clock, timers, EndpointRegistry(clock), capacity=1)
    heard = Heard()
    outbox.listener = heard
    policy = DeliveryPolicy(attempt_delays_s=(0.0,), ordered=False)
    first = outbox.send(provider="p", tenant="t", url="http://127.0.0.1:9/", body=b"{}", fmt=FORMAT, policy=policy)
    assert heard.events == [("changed", first.id)]
    timers.run_due()
    assert outbox.take_ready() is first
    outbox.finish_attempt(first, {"status": None}, succeeded=False)
    assert first.status == FAILED
    assert heard.events[1:] == [("changed", first.id), ("attempted", None)]
    second = outbox.send(provider="p", tenant="t", url="http://127.0.0.1:9/", body=b"{}", fmt=FORMAT, policy=policy)
    timers.run_due()
    outbox.finish_attempt(outbox.take_ready(), {"status": None}, succeeded=False)  # type: ignore[arg-type]
    assert ("removed", first.id) in heard.events  # pushed out of a history of one
    heard.events.clear()
    outbox.clear()
    assert heard.events == [("removed", second.id)]


def test_without_a_listener_nothing_is_heard():
    clock = frozen_clock()
    timers = Timers(clock)
    outbox = Outbox(clock, timers, EndpointRegistry(clock))
    assert type(outbox.listener) is OutboxListener and type(timers.listener) is TimersListener
