"""Stateful sequences: a VoIPBIN numbers client driven through random operations, checked against the emulator.

The worked example a user would write: a small client (the code under test), a `ResourceAdapter`
that maps it, and one call. A correct client passes; a client that serves a stale cached list
after a delete, and one that drops `detail` on update (VoIPBIN's PUT clears what is left out),
are caught, and the failing sequence is shrunk to the few steps that show it.
"""

from __future__ import annotations

import itertools
import re
import string
from collections import Counter
from typing import Any, ClassVar

import httpx
import pytest
from hypothesis import Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test

from telemock.contracts.kit.control import RemoteControl
from telemock.contracts.kit.stateful import (
    ResourceAdapter,
    StatefulCheckError,
    StateMismatch,
    check_client_state,
    client_state_machine,
)

KEY = "voipbin_demo_accesskey"
TEXT = st.text(alphabet=string.ascii_letters + string.digits + " -", max_size=12)


class NumbersClient:
    """The code under test: a small VoIPBIN numbers client."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, params={"accesskey": KEY}, timeout=10)

    def _ok(self, response: httpx.Response) -> Any:
        response.raise_for_status()
        return response.json()

    def buy_virtual(self, number: str, name: str, detail: str) -> dict[str, Any]:
        body = {"number": number, "type": "virtual", "name": name, "detail": detail}
        return self._ok(self.http.post("/v1.0/numbers", json=body))

    def numbers(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token = None
        while True:
            params = {"page_size": 2} | ({"page_token": token} if token else {})
            page = self._ok(self.http.get("/v1.0/numbers", params=params))
            if not page["result"]:
                return found
            found += page["result"]
            token = page["next_page_token"]

    def number(self, number_id: str) -> dict[str, Any]:
        return self._ok(self.http.get(f"/v1.0/numbers/{number_id}"))

    def describe(self, number_id: str, name: str, detail: str) -> dict[str, Any]:
        """VoIPBIN's PUT overwrites all four fields: carry the flows over, set name and detail."""
        current = self.number(number_id)
        body = {"call_flow_id": current["call_flow_id"], "message_flow_id": current["message_flow_id"],
                "name": name, "detail": detail}
        return self._ok(self.http.put(f"/v1.0/numbers/{number_id}", json=body))

    def release(self, number_id: str) -> dict[str, Any]:
        return self._ok(self.http.delete(f"/v1.0/numbers/{number_id}"))

    def close(self) -> None:
        self.http.close()


class CachingClient(NumbersClient):
    """Faulty: caches the list, refreshes it after a purchase but not after a release."""

    cached: list[dict[str, Any]] | None = None

    def numbers(self) -> list[dict[str, Any]]:
        if self.cached is None:
            self.cached = super().numbers()
        return self.cached

    def buy_virtual(self, number: str, name: str, detail: str) -> dict[str, Any]:
        self.cached = None
        return super().buy_virtual(number, name, detail)


class DetailDroppingClient(NumbersClient):
    """Faulty: forgets `detail` in the PUT body, so VoIPBIN clears it."""

    def describe(self, number_id: str, name: str, detail: str) -> dict[str, Any]:
        current = self.number(number_id)
        body = {"call_flow_id": current["call_flow_id"], "message_flow_id": current["message_flow_id"], "name": name}
        return self._ok(self.http.put(f"/v1.0/numbers/{number_id}", json=body))


class VoipbinNumbers(ResourceAdapter):
    """The adapter: the client's five operations, and where numbers live in the emulator's state."""

    fields: ClassVar[dict[str, Any]] = {"name": TEXT, "detail": TEXT}
    kept = ("number", "type", "call_flow_id", "message_flow_id")

    performed: ClassVar[Counter[str]] = Counter()  # what the sequences did, for the tests below

    def __init__(self, client: NumbersClient) -> None:
        self.client = client
        self.serial = itertools.count(1)

    def create(self, values: dict[str, Any]) -> Any:
        self.performed["create"] += 1
        return self.client.buy_virtual(f"+899555{next(self.serial):06d}", values["name"], values["detail"])

    def list(self) -> list[dict[str, Any]]:
        self.performed["list"] += 1
        return self.client.numbers()

    def get(self, resource_id: str) -> Any:
        self.performed["get"] += 1
        return self.client.number(resource_id)

    def update(self, resource_id: str, values: dict[str, Any]) -> Any:
        self.performed["update"] += 1
        return self.client.describe(resource_id, values["name"], values["detail"])

    def delete(self, resource_id: str) -> Any:
        self.performed["delete"] += 1
        return self.client.release(resource_id)

    def records(self, tenant_state: dict[str, Any]) -> dict[str, Any]:
        return {nid: n for nid, n in tenant_state["numbers"].items() if n["status"] != "deleted"}

    def close(self) -> None:
        self.client.close()


def adapter_for(telemock: Any, client_class: type[NumbersClient]) -> Any:
    return lambda: VoipbinNumbers(client_class(telemock.voipbin.base_url))


def test_a_correct_client_passes_random_sequences(telemock):
    VoipbinNumbers.performed.clear()
    telemock.voipbin.check_client_state(adapter_for(telemock, NumbersClient), tenant="demo", max_examples=15, steps=8, seed=3)
    assert set(VoipbinNumbers.performed) == {"create", "list", "get", "update", "delete"}
    assert telemock.violations() == []  # and every request it sent was documented


def test_a_stale_list_after_a_delete_is_caught_and_shrunk(telemock):
    with pytest.raises(StatefulCheckError) as caught:
        telemock.voipbin.check_client_state(adapter_for(telemock, CachingClient), tenant="demo", max_examples=30, steps=8, seed=3)
    error = caught.value
    message = str(error)
    assert "the client's list differs from the emulator's state" in message
    assert "listed by the client, but the emulator holds no such live resource" in message
    # Minimal: list (fills the cache), delete, list again.
    assert [re.sub(r"\(.*", "", s) for s in error.steps] == ["list", "delete", "list"], message
    deleted = re.search(r"delete\('([^']+)'\)", message).group(1)
    assert f"'{deleted}': listed by the client" in message


def test_an_update_that_drops_a_field_is_caught_and_shrunk(telemock):
    with pytest.raises(StatefulCheckError) as caught:
        telemock.voipbin.check_client_state(adapter_for(telemock, DetailDroppingClient), tenant="demo", max_examples=30, steps=5, seed=3)
    error = caught.value
    message = str(error)
    assert len(error.steps) == 1 and error.steps[0].startswith("update("), message
    assert "the emulator's state is not what the client was asked to do" in message
    assert re.search(r"detail: asked for '.+', emulator holds ''", message), message
    assert "'detail': ''" not in error.steps[0]  # shrunk to a non-empty detail, the only way to see the bug


def test_the_state_machine_runs_with_plain_hypothesis_against_a_remote_server(server):
    """The machine itself, as a user would run it with hypothesis, against a telemock reached over HTTP."""
    control = RemoteControl(server.url)
    machine = client_state_machine("voipbin", lambda: VoipbinNumbers(CachingClient(f"{server.url}/voipbin")),
                                   control=control, tenant="demo")
    with pytest.raises(StateMismatch, match="the client's list differs from the emulator's state"):
        run_state_machine_as_test(seed(3)(machine), settings=settings(
            max_examples=30, stateful_step_count=8, deadline=None, database=None, phases=[Phase.generate, Phase.shrink]))
    assert machine.last_steps[-1].startswith("list()")
    control.close()


def test_only_the_operations_asked_for_run(server):
    control = RemoteControl(server.url)
    check_client_state(
        "voipbin",
        lambda: VoipbinNumbers(CachingClient(f"{server.url}/voipbin")),
        control=control,
        tenant="demo",
        rules=("create", "list", "get", "update"),  # no delete: the cache bug cannot show
        max_examples=10,
        steps=6,
        seed=3,
    )
    deletes = server.admin().get("/journal", params={"provider": "voipbin", "method": "DELETE"}).json()["entries"]
    assert deletes == []
    assert server.admin().get("/journal", params={"provider": "voipbin", "method": "PUT"}).json()["entries"]
    with pytest.raises(ValueError, match="unknown operation"):
        check_client_state("voipbin", lambda: None, control=control, rules=("purge",))
    control.close()


def test_a_client_that_raises_is_reported_with_its_sequence_and_setup_errors_are_plain(telemock):
    class CrashingClient(NumbersClient):
        """Faulty: capitalises the name before sending it, and assumes there is one."""

        def buy_virtual(self, number: str, name: str, detail: str) -> dict[str, Any]:
            return super().buy_virtual(number, name[0].upper() + name[1:], detail)

    with pytest.raises(StatefulCheckError) as caught:
        telemock.voipbin.check_client_state(adapter_for(telemock, CrashingClient), tenant="demo",
                                            rules=("create", "get"), max_examples=30, steps=5, seed=3)
    assert caught.value.steps == ["create({'name': '', 'detail': ''})"]
    assert "the client raised IndexError: string index out of range" in str(caught.value)

    with pytest.raises(LookupError, match="voipbin has no tenant 'nobody'"):
        telemock.voipbin.check_client_state(adapter_for(telemock, NumbersClient), tenant="nobody", max_examples=2)

    class ListOnly(ResourceAdapter):
        def records(self, tenant_state: dict[str, Any]) -> dict[str, Any]:
            return {}

    with pytest.raises(ValueError, match="ListOnly implements none of the operations asked for"):
        telemock.voipbin.check_client_state(ListOnly, tenant="demo", max_examples=2)
