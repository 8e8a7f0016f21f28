"""`GET /_telemock/journal/feed` and `GET /_telemock/journal/{seq}`: what the inspector polls and opens."""

from __future__ import annotations

import pytest

FEED_KEYS = {"seq", "time", "provider", "tenant", "operation", "method", "path", "status", "duration_ms", "marks",
             "violation_count"}


def test_the_feed_gives_short_lines_newer_than_after(server, voipbin):
    admin = server.admin()
    assert admin.get("/journal/feed").json() == {"entries": [], "oldest": None, "latest": None, "capacity": 1000}
    voipbin.get("/numbers")
    voipbin.post("/numbers", json={"number": "+15550102030", "type": "virtul"})
    voipbin.get("/flows")
    feed = admin.get("/journal/feed").json()
    lines = feed["entries"]
    assert [line["operation"] for line in lines] == ["numbers_list", "numbers_create", "flows_list"]
    assert all(set(line) == FEED_KEYS for line in lines)
    assert [line["violation_count"] for line in lines] == [0, 1, 0]
    assert (feed["oldest"], feed["latest"]) == (lines[0]["seq"], lines[-1]["seq"])
    newer = admin.get("/journal/feed", params={"after": lines[0]["seq"]}).json()["entries"]
    assert [line["seq"] for line in newer] == [line["seq"] for line in lines[1:]]
    assert admin.get("/journal/feed", params={"after": feed["latest"]}).json()["entries"] == []
    newest = admin.get("/journal/feed", params={"limit": 1}).json()["entries"]
    assert [line["seq"] for line in newest] == [feed["latest"]]
    assert admin.get("/journal/feed", params={"limit": 0}).json()["entries"] == []


def test_lines_carry_no_headers_or_bodies(server, voipbin):
    voipbin.post("/numbers", json={"number": "+15550102031", "type": "virtual", "name": "secret-looking"})
    text = server.admin().get("/journal/feed").text
    assert "voipbin_demo_accesskey" not in text and "secret-looking" not in text


def test_a_reset_empties_the_bounds_and_numbers_go_on(server, voipbin):
    admin = server.admin()
    voipbin.get("/numbers")
    before = admin.get("/journal/feed").json()["latest"]
    admin.post("/reset").raise_for_status()
    assert admin.get("/journal/feed").json()["oldest"] is None
    voipbin.get("/numbers")
    after = admin.get("/journal/feed", params={"after": before}).json()
    assert after["oldest"] == after["latest"] > before
    assert len(after["entries"]) == 1


def test_bounds_follow_a_full_journal(server_factory):
    from telemock.emulator import Config

    live = server_factory(Config(providers=["voipbin"], journal_size=3))
    client = live.client("/voipbin/v1.0", params={"accesskey": "voipbin_demo_accesskey"})
    for _ in range(5):
        client.get("/numbers")
    feed = live.admin().get("/journal/feed").json()
    assert feed["capacity"] == 3
    assert [line["seq"] for line in feed["entries"]] == [3, 4, 5]
    assert (feed["oldest"], feed["latest"]) == (3, 5)


@pytest.mark.parametrize("params", [{"after": "x"}, {"limit": "-1"}, {"limit": "ten"}])
def test_bad_parameters_are_refused(server, params):
    response = server.admin().get("/journal/feed", params=params)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_query"


def test_one_entry_in_full_with_credentials_masked(server, voipbin):
    admin = server.admin()
    voipbin.post("/numbers", json={"number": "+15550102030", "type": "virtul"})
    seq = admin.get("/journal/feed").json()["latest"]
    entry = admin.get(f"/journal/{seq}").json()
    assert entry == admin.get("/journal").json()["entries"][-1]
    assert entry["query"] == {"accesskey": ["****"]}
    assert [v["location"] for v in entry["violations"]] == ["body/type"]


@pytest.mark.parametrize("seq", ["999999", "0", "abc", "-1", "1e3", "٣", "9" * 40])
def test_an_entry_not_held_is_404(server, voipbin, seq):
    voipbin.get("/numbers")
    response = server.admin().get(f"/journal/{seq}")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_summary_and_feed_are_not_taken_for_entry_numbers(server, voipbin):
    voipbin.get("/numbers")
    admin = server.admin()
    assert "providers" in admin.get("/journal/summary").json()
    assert "entries" in admin.get("/journal/feed").json()
