"""Clients of resources that change by themselves: ones that wait, and ones that do not."""

from __future__ import annotations

import time
from typing import Any

import httpx

NIL = "00000000-0000-0000-0000-000000000000"
SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"


def voipbin(target: Any) -> httpx.Client:
    return httpx.Client(base_url=target.base_url, params=target.credentials["params"], trust_env=False)


def gigs(target: Any) -> httpx.Client:
    return httpx.Client(base_url=f"{target.base_url}/projects/demo", headers=target.credentials["headers"], trust_env=False)


def poll(http: httpx.Client, path: str, until: str) -> dict[str, Any]:
    while True:
        number = http.get(path).raise_for_status().json()
        if number["status"] == until:
            return number
        time.sleep(0.02)


def voipbin_waits_then_names(target: Any) -> None:
    with voipbin(target) as http:
        number = http.post("/v1.0/numbers", json={"number": "+15559870001", "type": "normal"}).raise_for_status().json()
        poll(http, f"/v1.0/numbers/{number['id']}", "active")
        http.put(f"/v1.0/numbers/{number['id']}", json={"name": "support", "detail": "", "call_flow_id": NIL, "message_flow_id": NIL}).raise_for_status()


def voipbin_names_at_once(target: Any) -> None:
    with voipbin(target) as http:
        number = http.post("/v1.0/numbers", json={"number": "+15559870002", "type": "normal"}).raise_for_status().json()
        http.put(f"/v1.0/numbers/{number['id']}", json={"name": "support", "detail": "", "call_flow_id": NIL, "message_flow_id": NIL}).raise_for_status()


def gigs_waits_for_active(target: Any) -> None:
    with gigs(target) as http:
        number = http.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}).raise_for_status().json()
        poll(http, f"/virtualNumbers/{number['id']}", "active")


def gigs_stops_at_processing(target: Any) -> None:
    """Treats any change as done: returns while the number is still processing."""
    with gigs(target) as http:
        number = http.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}).raise_for_status().json()
        while http.get(f"/virtualNumbers/{number['id']}").json()["status"] == "initiated":
            time.sleep(0.02)


def gigs_waits_for_activated(target: Any) -> None:
    """Waits for a status Gigs never reports."""
    with gigs(target) as http:
        number = http.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}).raise_for_status().json()
        poll(http, f"/virtualNumbers/{number['id']}", "activated")


# --- SignalWire: an E911 address stays pending until the carrier has it --------------------------

SW_NUMBER = "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f"
SW_ADDRESS = "2d6e9b14-3c5a-4f7e-8a90-b1c2d3e4f5a6"


def signalwire(target: Any) -> httpx.Client:
    return httpx.Client(base_url=f"{target.base_url}/api/relay/rest", auth=tuple(target.credentials["basic"]), trust_env=False)


def signalwire_waits_for_e911(target: Any) -> None:
    with signalwire(target) as http:
        http.post(f"/phone_numbers/{SW_NUMBER}/e911_address", json={"e911_address_id": SW_ADDRESS}).raise_for_status()
        while http.get(f"/phone_numbers/{SW_NUMBER}").json()["e911_status"] != "active":
            time.sleep(0.02)


def signalwire_trusts_the_assignment(target: Any) -> None:
    """Reports the address as in force as soon as the assignment is accepted."""
    with signalwire(target) as http:
        http.post(f"/phone_numbers/{SW_NUMBER}/e911_address", json={"e911_address_id": SW_ADDRESS}).raise_for_status()
