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


# --- Gigs: a canceled number stays active until its end ------------------------------------------


def gigs_active_number(http: httpx.Client) -> str:
    number = http.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}).raise_for_status().json()
    poll(http, f"/virtualNumbers/{number['id']}", "active")
    return str(number["id"])


def gigs_cancels_and_waits_for_the_end(target: Any) -> None:
    with gigs(target) as http:
        number_id = gigs_active_number(http)
        http.post(f"/virtualNumbers/{number_id}/cancel").raise_for_status()
        poll(http, f"/virtualNumbers/{number_id}", "ended")


def gigs_waits_for_canceled(target: Any) -> None:
    """Waits for a `canceled` status, which Gigs never reports (the number stays active, then ends)."""
    with gigs(target) as http:
        number_id = gigs_active_number(http)
        http.post(f"/virtualNumbers/{number_id}/cancel").raise_for_status()
        poll(http, f"/virtualNumbers/{number_id}", "canceled")


def gigs_cancel_is_the_end(target: Any) -> None:
    """Treats the number as gone as soon as the cancel is accepted."""
    with gigs(target) as http:
        number_id = gigs_active_number(http)
        http.post(f"/virtualNumbers/{number_id}/cancel").raise_for_status()


# --- SignalWire: an E911 removal stays pending_removal until the carrier has it -----------------

SW_REGISTERED = "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b"  # a fixture number with an active E911 address


def signalwire_waits_for_removal(target: Any) -> None:
    with signalwire(target) as http:
        http.delete(f"/phone_numbers/{SW_REGISTERED}/e911_address").raise_for_status()
        while http.get(f"/phone_numbers/{SW_REGISTERED}").json()["e911_status"] != "unregistered":
            time.sleep(0.02)


def signalwire_trusts_the_removal(target: Any) -> None:
    """Reports the address gone as soon as the removal is accepted."""
    with signalwire(target) as http:
        http.delete(f"/phone_numbers/{SW_REGISTERED}/e911_address").raise_for_status()
