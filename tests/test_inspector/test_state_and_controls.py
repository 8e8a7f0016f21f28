"""The State view and the clock, profiles and faults in a browser: what a tenant holds, found by a
search; freezing and advancing the virtual clock; switching a profile; fault rules firing."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from playwright.sync_api import expect

from .browser import screenshot
from .conftest import open_inspector


def eventually(read, expected, timeout: float = 5.0):
    """`read()` once it equals `expected` (the page acts asynchronously); AssertionError otherwise."""
    deadline = time.monotonic() + timeout
    while (value := read()) != expected:
        assert time.monotonic() < deadline, f"still {value!r}, expected {expected!r}"
        time.sleep(0.05)
    return value


def test_state_shows_each_tenants_objects_and_searches_them(page, server, voipbin):
    number = voipbin.post("/numbers", json={"number": "+899111222333", "type": "virtual"}).json()
    open_inspector(page, server)
    page.click("#tab-state")
    page.select_option("#state-provider", "voipbin")
    body = page.locator("#state-body")
    numbers = body.locator("details.state-block", has=page.locator("summary > b", has_text="numbers"))
    expect(numbers.first).to_be_visible()
    page.fill("#state-search", number["id"])
    expect(page.locator("#state-summary")).to_contain_text(f"1 object matching “{number['id']}”")
    found = body.locator(f'details[data-key="voipbin/demo/numbers/{number["id"]}"]')
    expect(found).to_have_attribute("open", "")
    expect(found.locator("pre")).to_contain_text('"number": "+899111222333"')
    expect(found.locator("pre")).to_contain_text('"type": "virtual"')
    screenshot(page, "state-search")
    page.fill("#state-search", "+899111222333")
    expect(found).to_be_visible()  # found by what it holds as well as by its id
    page.fill("#state-search", "no-object-holds-this")
    expect(page.locator("#state-summary")).to_contain_text("0 objects matching")
    expect(body).to_contain_text("Nothing here matches.")

    page.fill("#state-search", "")
    voipbin.delete(f"/numbers/{number['id']}")  # the view follows the state while it is open
    expect(found.locator("summary")).to_contain_text("deleted")


def test_freeze_and_advance_the_virtual_clock(page, server):
    admin = server.admin()
    open_inspector(page, server)
    page.click("#tab-controls")
    expect(page.locator("#clock-mode")).to_have_text("running")
    page.click("#clock-freeze")
    eventually(lambda: admin.get("/clock").json()["frozen"], True)
    expect(page.locator("#clock-mode")).to_have_text("frozen")
    expect(page.locator("#clock-freeze")).to_be_disabled()
    before = datetime.fromisoformat(admin.get("/clock").json()["now"].replace("Z", "+00:00"))

    page.fill("#advance-amount", "2")
    page.select_option("#advance-unit", "86400")
    page.click("#clock-advance")
    later = before + timedelta(days=2)
    eventually(lambda: admin.get("/clock").json()["now"], later.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    expect(page.locator("#clock-time")).to_contain_text(later.strftime("%Y-%m-%d %H:%M:%S"))
    expect(page.locator("#clock-now")).to_have_text(later.strftime("%Y-%m-%d %H:%M:%S UTC"))

    page.fill("#clock-set-input", "not a time")
    page.click("#clock-set-form button[type=submit]")
    expect(page.locator("#clock-error")).to_contain_text("RFC 3339")
    page.fill("#clock-set-input", "2030-01-15T10:00:00Z")
    page.click("#clock-set-form button[type=submit]")
    expect(page.locator("#clock-time")).to_have_text("2030-01-15 10:00:00.000 UTC")
    screenshot(page, "controls-clock")
    page.click("#clock-resume")
    eventually(lambda: admin.get("/clock").json()["frozen"], False)
    expect(page.locator("#clock-mode")).to_have_text("running")


def test_switching_a_profile(page, server, voipbin):
    admin = server.admin()
    open_inspector(page, server)
    page.click("#tab-controls")
    select = page.locator('#profiles-table select[data-provider="voipbin"]')
    expect(select).to_have_value("documented")
    select.select_option("observed")
    eventually(lambda: admin.get("/profiles").json()["voipbin"]["profile"], "observed")
    assert admin.get("/profiles").json()["gigs"]["profile"] == "documented"
    assert voipbin.get("/numbers").json()["result"][0]["tm_delete"] is None  # observed: null, not the 9999 sentinel
    admin.put("/profiles", json={"provider": "voipbin", "profile": "documented"}).raise_for_status()
    expect(select).to_have_value("documented")  # the page follows a switch made elsewhere


def test_fault_rules_with_their_firing_counts(page, server, voipbin):
    admin = server.admin()
    rule = admin.post("/faults", json={"provider": "voipbin", "operation": "numbers_list", "effect": "status",
                                       "status": 503, "count": 3}).json()
    assert voipbin.get("/numbers").status_code == 503
    open_inspector(page, server)
    page.click("#tab-controls")
    row = page.locator(f'#faults-body tr[data-id="{rule["id"]}"]')
    expect(row).to_contain_text("status (503)")
    expect(row).to_contain_text("operation=numbers_list")
    expect(row.locator("td.fired")).to_have_text("1")
    assert voipbin.get("/numbers").status_code == 503
    expect(row.locator("td.fired")).to_have_text("2")
    expect(row.locator("td").nth(7)).to_have_text("1")  # firings left under count
    screenshot(page, "controls-faults")
    row.locator("button", has_text="remove").click()
    expect(row).to_have_count(0)
    expect(page.locator("#faults-empty")).to_be_visible()
    assert admin.get("/faults").json()["faults"] == []
    assert voipbin.get("/numbers").status_code == 200
