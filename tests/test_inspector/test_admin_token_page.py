"""The inspector on a server with `--admin-token`: nothing is shown until the token is given,
a wrong one is refused, and the tab keeps the right one (asked once) until it is forgotten."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from telemock.emulator import Config

from .browser import screenshot

TOKEN = "inspector-admin-token-7Qx"


@pytest.fixture(scope="module")
def guarded(server_factory):
    live = server_factory(Config(admin_token=TOKEN))
    numbers = live.client("/voipbin/v1.0", params={"accesskey": "voipbin_demo_accesskey"})
    numbers.post("/numbers", json={"number": "+15550102030", "type": "virtul"})
    return live


def test_nothing_is_shown_without_the_token_and_all_of_it_with_it(page, guarded):
    refused: list[str] = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 401 else None)
    page.goto(f"{guarded.url}/_telemock/ui/")
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#main")).to_be_hidden()
    expect(page.locator(".tabs")).to_be_hidden()
    expect(page.locator("#clock-badge")).to_be_hidden()
    assert page.locator("#requests-body .list-row").count() == 0
    assert not re.search(r"voipbin|virtul|/numbers", page.locator("body").inner_text())
    assert refused and all(url.endswith("/_telemock/providers") for url in refused)  # one probe, no data
    screenshot(page, "token-asked")

    page.fill("#token-input", "not-the-token")
    page.click("#token-submit")
    expect(page.locator("#login-error")).to_have_text("That is not this server's admin token.")
    expect(page.locator("#main")).to_be_hidden()

    page.fill("#token-input", TOKEN)
    page.click("#token-submit")
    expect(page.locator("#main")).to_be_visible()
    expect(page.locator("#requests-body .list-row.violating")).to_have_count(1)
    expect(page.locator("#requests-body .list-row.violating")).to_contain_text("/voipbin/v1.0/numbers")
    assert page.evaluate("sessionStorage.length") == 1

    page.reload()  # asked once: the tab keeps the token
    expect(page.locator("#main")).to_be_visible()
    expect(page.locator("#login")).to_be_hidden()
    expect(page.locator("#requests-body .list-row.violating")).to_have_count(1)

    page.click("#forget-token")
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#main")).to_be_hidden()
    assert page.evaluate("sessionStorage.length") == 0


def test_a_token_taken_away_locks_the_page_again(page, guarded):
    page.goto(f"{guarded.url}/_telemock/ui/")
    page.fill("#token-input", TOKEN)
    page.click("#token-submit")
    expect(page.locator("#main")).to_be_visible()
    page.evaluate("sessionStorage.setItem('telemock.adminToken', 'changed-behind-its-back')")
    expect(page.locator("#login")).to_be_visible()  # the next poll is refused
    expect(page.locator("#main")).to_be_hidden()
