"""The Requests view in a browser: violating requests highlighted with the strict marker's diff,
the list following the journal without a reload, the filters, and a full journal."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from telemock.contracts.kit.pytest_plugin import format_violations

from .browser import ARTIFACTS, screenshot
from .conftest import open_inspector

TYPO = {"number": "+15550102030", "type": "virtul"}  # VoIPBIN buys it as "normal"; the docs allow normal|virtual


def row(page, seq: int):
    return page.locator(f'#requests-body .list-row[data-seq="{seq}"]')


def rows(page):
    return page.locator("#requests-body .list-row")


def latest_seq(server) -> int:
    return server.admin().get("/journal/feed").json()["latest"]


def test_a_violating_request_is_highlighted_and_opens_with_the_strict_markers_diff(
    page, server, voipbin, gigs, signalwire, voiceos
):
    assert gigs.get("/virtualNumbers").status_code == 200
    assert signalwire.get("/phone_numbers").status_code == 200
    assert voiceos.get("/phone_numbers").status_code == 200
    voipbin.get("/numbers")
    assert voipbin.post("/numbers", json=TYPO).status_code == 200
    bad = latest_seq(server)
    voipbin.get("/flows")
    open_inspector(page, server)
    expect(rows(page)).to_have_count(6)
    expect(row(page, bad)).to_have_class(re.compile(r"\bviolating\b"))
    expect(page.locator("#requests-body .list-row.violating")).to_have_count(1)
    expect(row(page, bad).locator(".badge.bad")).to_have_text("✗ 1 violation")
    expect(page.locator("#requests-count")).to_have_text("6 · 1 ✗")

    row(page, bad).click()
    detail = page.locator("#request-detail")
    expect(detail.locator(".violations h3")).to_have_text("✗ 1 contract violation")
    entry = server.admin().get(f"/journal/{bad}").json()
    assert detail.locator("pre.diff").inner_text() == format_violations([entry])
    assert "body/type" in format_violations([entry]) and '"virtul"' in format_violations([entry])
    expect(detail.locator(".detail-title")).to_contain_text("POST /voipbin/v1.0/numbers → 200")
    expect(detail).to_contain_text('"type": "virtul"')  # what the client sent
    expect(detail).to_contain_text('"type": "normal"')  # what it got back
    query = detail.locator("table.kv").first
    expect(query).to_contain_text("accesskey")
    expect(query).to_contain_text("****")
    assert "voipbin_demo_accesskey" not in detail.inner_text()
    screenshot(page, "requests-violation")

    row(page, bad - 1).click()
    expect(detail.locator(".conforms")).to_have_text("✓ Conforms to the documented contract.")
    expect(detail.locator("pre.diff")).to_have_count(0)


def test_the_list_follows_the_journal_without_a_reload(page, server, voipbin):
    voipbin.get("/numbers")
    open_inspector(page, server)
    expect(rows(page)).to_have_count(1)
    page.evaluate("window.sameDocument = true")
    voipbin.post("/numbers", json=TYPO)
    seq = latest_seq(server)
    expect(row(page, seq)).to_have_class(re.compile(r"\bviolating\b"))
    expect(rows(page)).to_have_count(2)
    assert rows(page).first.get_attribute("data-seq") == str(seq)  # newest first
    server.admin().post("/reset").raise_for_status()
    expect(rows(page)).to_have_count(0)
    expect(page.locator("#requests-empty")).to_be_visible()
    voipbin.get("/flows")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first.locator(".operation")).to_have_text("flows_list")
    assert page.evaluate("window.sameDocument") is True


def test_filters_narrow_the_list(page, server, voipbin, gigs):
    voipbin.get("/numbers")
    voipbin.post("/numbers", json=TYPO)
    assert voipbin.get("/numbers/00000000-0000-0000-0000-000000000001").status_code == 404
    gigs.get("/virtualNumbers")
    open_inspector(page, server)
    expect(rows(page)).to_have_count(4)

    page.check("#filter-violations")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_class(re.compile(r"\bviolating\b"))
    page.uncheck("#filter-violations")

    page.select_option("#filter-provider", "gigs")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first.locator(".operation")).to_have_text("virtual_numbers_list")
    page.select_option("#filter-provider", "")

    page.fill("#filter-operation", "numbers_create")
    expect(rows(page)).to_have_count(1)
    page.fill("#filter-operation", "numbers_list")  # a part of the name: VoIPBIN's, and Gigs' virtual_numbers_list
    expect(rows(page)).to_have_count(2)
    page.fill("#filter-operation", "")

    page.fill("#filter-status", "4xx")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first.locator(".status")).to_have_text("404")
    page.fill("#filter-status", "200")
    expect(rows(page)).to_have_count(3)

    page.fill("#filter-tenant", "nobody")
    expect(rows(page)).to_have_count(0)
    expect(page.locator("#requests-empty")).to_have_text("No request matches the filters.")
    page.click("#request-filters button[type=reset]")
    expect(rows(page)).to_have_count(4)


def test_a_full_journal_is_shown_whole_and_keeps_rolling(page, server, voipbin):
    capacity = server.admin().get("/journal/feed").json()["capacity"]
    for index in range(capacity):
        if index % 100 == 0:
            voipbin.post("/numbers", json=TYPO)
        else:
            voipbin.get("/numbers", params={"page_size": 1})
    started = time.perf_counter()
    open_inspector(page, server)
    expect(rows(page)).to_have_count(capacity, timeout=30_000)
    shown_after = time.perf_counter() - started
    expect(page.locator("#requests-summary")).to_contain_text(f"{capacity} shown · {capacity} in the journal (keeps {capacity})")
    expect(page.locator("#requests-body .list-row.violating")).to_have_count(capacity // 100)
    oldest = int(rows(page).last.get_attribute("data-seq"))
    voipbin.get("/flows")
    newest = latest_seq(server)
    expect(rows(page).first).to_have_attribute("data-seq", str(newest))
    expect(rows(page)).to_have_count(capacity)
    expect(row(page, oldest)).to_have_count(0)  # it fell out of the journal, and out of the list
    screenshot(page, "requests-full-journal")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "full-journal-timing.txt").write_text(f"{capacity} entries shown {shown_after:.3f} s after navigation\n")


def test_what_a_client_sent_is_shown_as_text_never_as_markup(page, server, voipbin):
    markup = '<img src=x onerror="window.injected=1"><b id="bold">loud</b>'
    voipbin.post("/numbers", json={"number": "+15550102030", "type": "virtual", "name": markup},
                 headers={"X-Note": markup})
    voipbin.get(f"/numbers/{markup}")
    open_inspector(page, server)
    expect(rows(page)).to_have_count(2)
    for index in range(2):
        rows(page).nth(index).click()
        expect(page.locator("#request-detail")).to_contain_text(markup.split(">")[0])
    expect(rows(page).first.locator(".path")).to_contain_text("<img")
    assert page.locator("#main img, #main #bold").count() == 0
    assert page.evaluate("window.injected") is None
