"""Callbacks can be confined to allowed hosts: refused deliveries fail visibly and send nothing."""

from __future__ import annotations

import pytest

from telemock.emulator import Config
from telemock.emulator.core.destinations import Destinations


@pytest.mark.parametrize(
    "url,allowed",
    [
        ("http://127.0.0.1:9000/hook", True),
        ("http://localhost/x", True),
        ("http://[::1]:80/x", True),
        ("https://example.com/hook", False),
        ("http://10.0.0.1/hook", False),
        ("not a url", False),
    ],
)
def test_refusal(url, allowed):
    destinations = Destinations(["127.0.0.1", "localhost", "::1"])
    assert (destinations.refusal(url) is None) is allowed
    assert Destinations(None).refusal(url) is None


def test_a_refused_delivery_is_a_failed_attempt(server_factory):
    live = server_factory(Config(providers=["gigs"], webhook_allowed_hosts=["127.0.0.1"]))
    admin = live.admin()
    endpoint = admin.post("/webhook-endpoints", json={"provider": "gigs", "tenant": "demo", "url": "http://blocked.invalid/hook"})
    assert endpoint.status_code == 201
    gigs = live.client("/gigs/projects/demo", headers={"Authorization": "Bearer gigs_demo_key"})
    assert gigs.post("/virtualNumbers", json={"subscription": "sub_0SNlurA049MEWV2gSfSxi00xlPIi"}).status_code == 201
    import time

    deadline = time.monotonic() + 10
    while True:
        deliveries = admin.get("/deliveries").json()["deliveries"]
        if deliveries and deliveries[0]["attempts"] or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    attempt = deliveries[0]["attempts"][0]
    assert attempt["status"] is None and "not allowed" in attempt["error"]
