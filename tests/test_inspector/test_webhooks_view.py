"""The Webhooks view in a browser: a Gigs event to a real receiver that fails the first attempt,
the attempts on the virtual clock, the retry sent by advancing that clock from the page, the
signed headers, the body, and a replay."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import expect

from test_webhooks.receiver import Receiver

from .browser import screenshot
from .conftest import open_inspector

SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"  # the demo project's active subscription (fixtures/default.yaml)
CREATED = "com.gigs.virtualNumber.created"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Answers 500 to the first request and 200 to the others."""
    with Receiver() as live:
        live.responder = lambda _request: 500 if not live.received else 200
        yield live


def test_attempts_on_the_virtual_clock_retry_and_replay(page, server, gigs, receiver):
    admin = server.admin()
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/webhook-endpoints", json={"provider": "gigs", "tenant": "demo", "url": receiver.url(),
                                           "events": [CREATED]}).raise_for_status()
    assert gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}).status_code == 201
    receiver.wait_for(1)

    open_inspector(page, server)
    page.click("#tab-webhooks")
    delivery = page.locator("#deliveries-body .list-row")
    expect(delivery).to_have_count(1)
    expect(delivery).to_contain_text(CREATED)
    expect(delivery.locator(".badge")).to_have_text("pending")
    delivery.click()
    detail = page.locator("#delivery-detail")
    expect(detail.locator("li.attempt.fail")).to_have_count(1)
    expect(detail.locator("li.attempt.fail .status")).to_have_text("500")
    expect(detail.locator("li.attempt.next")).to_contain_text("next attempt at")
    expect(detail.locator("li.attempt.next")).to_contain_text("in 5 s on the virtual clock")  # Svix's schedule: 0, 5 s, …
    expect(detail.locator(".track .dot")).to_have_count(2)
    expect(detail.locator("#replay")).to_be_disabled()
    message_id = receiver.received[0].headers["webhook-id"]
    signed = detail.locator("section", has_text="Signed headers")
    for header in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        expect(signed).to_contain_text(header)
    expect(signed).to_contain_text(receiver.received[0].headers["webhook-signature"])
    expect(detail.locator("section", has_text="Body")).to_contain_text(f'"type": "{CREATED}"')
    screenshot(page, "webhooks-retry-pending")

    page.click("#tab-controls")
    page.click("#clock-quick button[data-seconds='5']")
    receiver.wait_for(2)
    page.click("#tab-webhooks")
    expect(detail.locator(".detail-title .badge")).to_have_text("succeeded")
    expect(detail.locator("li.attempt.ok .status")).to_have_text("200")
    expect(detail.locator("li.attempt.ok")).to_contain_text("+5 s after the previous attempt")
    expect(detail.locator("li.attempt.next")).to_have_count(0)

    detail.locator("#replay").click()
    receiver.wait_for(3)
    expect(detail.locator("li.attempt.ok")).to_have_count(2)
    expect(detail.locator("#replay-note")).to_contain_text("Queued again")
    assert {request.headers["webhook-id"] for request in receiver.received} == {message_id}
    detail.locator("li.attempt.fail summary").click()
    expect(detail.locator("li.attempt.fail pre.body")).to_contain_text('"ok": false')  # what the receiver answered
    screenshot(page, "webhooks-replayed")
