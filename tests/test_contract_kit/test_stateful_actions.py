"""check_client_state with an adapter's own actions: Gigs virtual numbers through their cancel.

A canceled active number stays `active` (with `canceledAt`) until it ends; one canceled before
activation ends at once; a second cancel is refused (409). The clock is frozen for the run, so the
numbers made by a sequence stay `initiated` and the model knows every status. A client that
believes a cancel ends the number at once, and one that reports a refused cancel as done, are
caught with the shrunk sequence.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

import httpx
import pytest
from hypothesis import strategies as st

from telemock.contracts.kit.control import LocalControl
from telemock.contracts.kit.stateful import ResourceAdapter, StatefulCheckError, action, check_client_state
from telemock.emulator import Config, create_app

ACTIVE_SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"
ENDED_SUBSCRIPTION = "sub_0SNlurA049MEWV2EndedSubscr01"


@pytest.fixture(scope="module")
def control() -> Iterator[LocalControl]:
    local = LocalControl(create_app(Config(providers=["gigs"])))
    local.clock("freeze")
    yield local
    local.close()


class GigsClient:
    """The code under test: one project's virtual numbers."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=f"{base_url}/projects/demo", headers={"Authorization": "Bearer gigs_demo_key"},
                                 timeout=10, trust_env=False)

    def buy(self, subscription: str) -> dict[str, Any] | None:
        response = self.http.post("/virtualNumbers", json={"subscription": subscription})
        return None if response.status_code in (409, 422) else response.raise_for_status().json()

    def numbers(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 2}
        while True:
            page = self.http.get("/virtualNumbers", params=params).raise_for_status().json()
            found += page["items"]
            if not page["moreItemsAfter"]:
                return found
            params["after"] = page["moreItemsAfter"]

    def number(self, number_id: str) -> dict[str, Any]:
        return self.http.get(f"/virtualNumbers/{number_id}").raise_for_status().json()

    def cancel(self, number_id: str) -> dict[str, Any] | None:
        response = self.http.post(f"/virtualNumbers/{number_id}/cancel")
        return None if response.status_code == 409 else response.raise_for_status().json()


class EndsAtOnce(GigsClient):
    """Faulty: believes a cancel ends the number at once, and remembers it so."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.ended: dict[str, dict[str, Any]] = {}

    def cancel(self, number_id: str) -> dict[str, Any] | None:
        canceled = super().cancel(number_id)
        if canceled is not None:
            self.ended[number_id] = {**canceled, "status": "ended"}
        return canceled

    def number(self, number_id: str) -> dict[str, Any]:
        return self.ended.get(number_id) or super().number(number_id)


class ConflictIsDone(GigsClient):
    """Faulty: takes a 409 on cancel for a cancel that went through."""

    def cancel(self, number_id: str) -> dict[str, Any] | None:
        response = self.http.post(f"/virtualNumbers/{number_id}/cancel")
        return self.number(number_id) if response.status_code == 409 else response.raise_for_status().json()


def canceled(number: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """Gigs' cancel: refused once canceled or ended; an active number stays active until it ends."""
    if number["status"] == "ended" or number["canceled"]:
        return None
    if number["status"] == "active":
        return {"canceled": True}
    return {"status": "ended", "canceled": True}


class VirtualNumbers(ResourceAdapter):
    fields: ClassVar[dict[str, Any]] = {"subscription": st.sampled_from([ACTIVE_SUBSCRIPTION, ENDED_SUBSCRIPTION])}
    actions = {"cancel": action("virtual_numbers_cancel", canceled, changes=("status", "canceled"))}

    def __init__(self, client: GigsClient) -> None:
        self.client = client

    def create(self, values: dict[str, Any]) -> Any:
        return self.client.buy(values["subscription"])

    def list(self) -> list[dict[str, Any]]:
        return self.client.numbers()

    def get(self, resource_id: str) -> Any:
        return self.client.number(resource_id)

    def cancel(self, resource_id: str) -> Any:
        return self.client.cancel(resource_id)

    def from_client(self, obj: Any) -> Mapping[str, Any]:
        return {**obj, "canceled": obj["canceledAt"] is not None}

    def records(self, tenant_state: dict[str, Any]) -> dict[str, Any]:
        return {i: {**n, "canceled": n["canceled_us"] is not None} for i, n in tenant_state["virtual_numbers"].items()}

    def close(self) -> None:
        self.client.http.close()


def run(control: LocalControl, client_class: type[GigsClient], **options: Any) -> None:
    options = {"max_examples": 30, "steps": 8, "seed": 4, **options}
    check_client_state("gigs", lambda: VirtualNumbers(client_class(f"{control.base_url}/gigs")), control=control,
                       **options)


def test_a_client_that_cancels_as_gigs_does_passes(control):
    run(control, GigsClient)
    cancels = control.journal(provider="gigs", method="POST")
    assert any(e["path"].endswith("/cancel") and e["status"] == 200 for e in cancels)
    assert any(e["path"].endswith("/cancel") and e["status"] == 409 for e in cancels)  # refusals were drawn too


def test_believing_a_cancel_ends_the_number_is_caught(control):
    with pytest.raises(StatefulCheckError) as caught:
        run(control, EndsAtOnce, rules=("get", "cancel"))
    message = str(caught.value)
    assert "diverged after 2 steps" in message
    assert "1. cancel('vnr_0SNlurA049MEWV29mxRtSMDnKtUD')\n  2. get('vnr_0SNlurA049MEWV29mxRtSMDnKtUD')" in message
    assert "status: client says 'ended', emulator holds 'active'" in message


def test_a_refused_cancel_reported_as_done_is_caught(control):
    with pytest.raises(StatefulCheckError) as caught:
        run(control, ConflictIsDone, rules=("create", "cancel"))
    message = str(caught.value)
    assert "cancel(" in message and " → refused" in message
    assert "virtual_numbers_cancel is refused from the state the model holds" in message
    assert "but the client's cancel reported it done" in message


def test_an_action_without_its_method_is_a_setup_error(control):
    class NoMethod(ResourceAdapter):
        actions = {"suspend": action("virtual_numbers_suspend", lambda number: {})}

        def get(self, resource_id: str) -> Any:
            return {}

        def records(self, tenant_state: dict[str, Any]) -> dict[str, Any]:
            return {}

    with pytest.raises(ValueError, match="NoMethod declares the action 'suspend' but has no method suspend"):
        check_client_state("gigs", NoMethod, control=control, max_examples=2)
    with pytest.raises(ValueError, match=r"unknown operation\(s\) purge"):
        check_client_state("gigs", lambda: VirtualNumbers(GigsClient(control.base_url)), control=control,
                           rules=("purge",), max_examples=2)


def test_actions_interleave_with_other_kinds(control):
    """The multi-kind machine draws actions too (one kind here, named)."""
    check_client_state("gigs", {"numbers": lambda: VirtualNumbers(GigsClient(f"{control.base_url}/gigs"))},
                       control=control, max_examples=20, steps=8, seed=4)
    with pytest.raises(StatefulCheckError, match=r"numbers\.cancel\("):
        check_client_state("gigs", {"numbers": lambda: VirtualNumbers(EndsAtOnce(f"{control.base_url}/gigs"))},
                           control=control, max_examples=60, steps=8, seed=4)
