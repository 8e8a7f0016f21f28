"""check_client_state over several kinds of resource at once: VoIPBIN flows and numbers with their
flow links, VoiceOS agents and phone numbers with their agent and webhooks. Correct clients pass;
one that caches numbers misses that deleting a flow unlinks the numbers pointing at it, one that
never sends an empty webhook list cannot clear webhooks; the sequences that show it are shrunk."""

from __future__ import annotations

import itertools
import string
from typing import Any, ClassVar

import httpx
import pytest
from hypothesis import strategies as st

from telemock.contracts.kit.multistate import linked
from telemock.contracts.kit.stateful import ResourceAdapter, StatefulCheckError, check_client_state

NIL = "00000000-0000-0000-0000-000000000000"
TEXT = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)


class VoipbinClient:
    """The code under test: flows and numbers of one VoIPBIN customer."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, params={"accesskey": "voipbin_demo_accesskey"}, timeout=10)

    def ok(self, response: httpx.Response) -> Any:
        return response.raise_for_status().json()

    def listed(self, path: str) -> list[dict[str, Any]]:
        found, token = [], None
        while True:
            page = self.ok(self.http.get(path, params={"page_token": token} if token else {}))
            if not page["result"]:
                return found
            found += page["result"]
            token = page["next_page_token"]

    def number(self, number_id: str) -> dict[str, Any]:
        return self.ok(self.http.get(f"/v1.0/numbers/{number_id}"))

    def route(self, number_id: str, name: str, flow_id: str) -> dict[str, Any]:
        current = self.number(number_id)
        body = {"name": name, "detail": current["detail"], "call_flow_id": flow_id, "message_flow_id": current["message_flow_id"]}
        return self.ok(self.http.put(f"/v1.0/numbers/{number_id}", json=body))


class CachingClient(VoipbinClient):
    """Faulty: remembers each number it read or wrote, and serves it from memory."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url)
        self.cache: dict[str, dict[str, Any]] = {}

    def number(self, number_id: str) -> dict[str, Any]:
        if number_id not in self.cache:
            self.cache[number_id] = super().number(number_id)
        return self.cache[number_id]

    def route(self, number_id: str, name: str, flow_id: str) -> dict[str, Any]:
        self.cache[number_id] = super().route(number_id, name, flow_id)
        return self.cache[number_id]


class Flows(ResourceAdapter):
    fields: ClassVar[dict[str, Any]] = {"name": TEXT}

    def __init__(self, client: VoipbinClient) -> None:
        self.client = client

    def create(self, values: dict[str, Any]) -> Any:
        body = {"name": values["name"], "detail": "", "actions": [{"type": "answer"}]}
        return self.client.ok(self.client.http.post("/v1.0/flows", json=body))

    def list(self) -> list[dict[str, Any]]:
        return self.client.listed("/v1.0/flows")

    def delete(self, resource_id: str) -> Any:
        return self.client.ok(self.client.http.delete(f"/v1.0/flows/{resource_id}"))

    def records(self, tenant_state: dict[str, Any]) -> dict[str, Any]:
        return {fid: f for fid, f in tenant_state["flows"].items() if f.get("tm_delete") is None}


class Numbers(ResourceAdapter):
    fields: ClassVar[dict[str, Any]] = {"name": TEXT, "call_flow_id": linked("flows", none=NIL, on_delete="clear")}
    kept = ("number",)

    def __init__(self, client: VoipbinClient) -> None:
        self.client = client
        self.serial = itertools.count(1)

    def create(self, values: dict[str, Any]) -> Any:
        body = {"number": f"+899555{next(self.serial):06d}", "type": "virtual", **values}
        return self.client.ok(self.client.http.post("/v1.0/numbers", json=body))

    def get(self, resource_id: str) -> Any:
        return self.client.number(resource_id)

    def update(self, resource_id: str, values: dict[str, Any]) -> Any:
        return self.client.route(resource_id, values["name"], values["call_flow_id"])

    def records(self, tenant_state: dict[str, Any]) -> dict[str, Any]:
        return {nid: n for nid, n in tenant_state["numbers"].items() if n["status"] != "deleted"}


def adapters(client_class: type[VoipbinClient], base_url: str) -> dict[str, Any]:
    shared: dict[str, VoipbinClient] = {}

    def client() -> VoipbinClient:  # one client per sequence, shared by both kinds
        if "current" not in shared or shared["current"].http.is_closed:
            shared["current"] = client_class(base_url)
        return shared["current"]

    def flows() -> Flows:
        shared.pop("current", None)  # a new sequence starts with the first kind
        return Flows(client())

    return {"flows": flows, "numbers": lambda: Numbers(client())}


def test_a_client_of_flows_and_numbers_passes_interleaved_sequences(telemock):
    telemock.voipbin.check_client_state(adapters(VoipbinClient, telemock.voipbin.base_url), max_examples=15, steps=8, seed=2)


def test_a_client_that_misses_a_cross_resource_change_is_caught(telemock):
    with pytest.raises(StatefulCheckError) as caught:
        check_client_state("voipbin", adapters(CachingClient, telemock.voipbin.base_url), control=telemock.control,
                           max_examples=100, steps=10, seed=2)
    message = str(caught.value)
    assert "flows.delete(" in message and "numbers.get(" in message
    assert "call_flow_id: client says" in message and "emulator holds '00000000-0000-0000-0000-000000000000'" in message


def test_a_link_to_a_kind_that_is_not_there_is_a_setup_error(telemock):
    with pytest.raises((ValueError, StatefulCheckError), match="links to 'flows', which is not among the kinds"):
        check_client_state("voipbin", {"numbers": lambda: Numbers(VoipbinClient(telemock.voipbin.base_url))},
                           control=telemock.control, max_examples=2)


# --- VoiceOS: phone numbers with their agent and their webhooks ---------------------------------

WEBHOOKS = st.lists(st.fixed_dictionaries({
    "events": st.just(["phone_call:connection_requested"]),
    "url": st.sampled_from(["https://example.com/connect", "https://example.com/other"]),
    "method": st.sampled_from(["POST", "GET"]),
    "headers": st.just({}),
    "filter": st.none(),
}), max_size=2)


class VoiceosClient:
    """The code under test: agents and phone numbers of one VoiceOS account."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=base_url, headers={"Authorization": "Bearer voiceos_demo_key"}, timeout=10)

    def configure(self, phone_number: str, agent_id: str | None, webhooks: list[dict[str, Any]]) -> Any:
        body = {"inbound_agent_id": agent_id, "webhooks": webhooks}
        return self.http.patch(f"/phone_numbers/{phone_number}", json=body).raise_for_status().json()


class WebhooksOnlyWhenSet(VoiceosClient):
    """Faulty: leaves `webhooks` out of the PATCH when the list is empty, so they are never cleared."""

    def configure(self, phone_number: str, agent_id: str | None, webhooks: list[dict[str, Any]]) -> Any:
        body: dict[str, Any] = {"inbound_agent_id": agent_id} | ({"webhooks": webhooks} if webhooks else {})
        return self.http.patch(f"/phone_numbers/{phone_number}", json=body).raise_for_status().json()


class Agents(ResourceAdapter):
    fields: ClassVar[dict[str, Any]] = {"max_duration_seconds": st.integers(60, 3600)}

    def __init__(self, client: VoiceosClient) -> None:
        self.client = client

    def create(self, values: dict[str, Any]) -> Any:
        return self.client.http.post("/agents", json=values).raise_for_status().json()

    def get(self, resource_id: str) -> Any:
        return self.client.http.get(f"/agents/{resource_id}").raise_for_status().json()

    def delete(self, resource_id: str) -> Any:
        return self.client.http.delete(f"/agents/{resource_id}").raise_for_status().json()

    def records(self, tenant_state: dict[str, Any]) -> dict[str, Any]:
        return tenant_state["agents"]


class PhoneNumbers(ResourceAdapter):
    key = "phone_number"
    fields: ClassVar[dict[str, Any]] = {"inbound_agent_id": linked("agents", on_delete="clear"), "webhooks": WEBHOOKS}

    def __init__(self, client: VoiceosClient) -> None:
        self.client = client

    def get(self, resource_id: str) -> Any:
        return self.client.http.get(f"/phone_numbers/{resource_id}").raise_for_status().json()

    def update(self, resource_id: str, values: dict[str, Any]) -> Any:
        return self.client.configure(resource_id, values["inbound_agent_id"], values["webhooks"])

    def records(self, tenant_state: dict[str, Any]) -> dict[str, Any]:
        return tenant_state["numbers"]


def voiceos_adapters(client_class: type[VoiceosClient], base_url: str) -> dict[str, Any]:
    return {"agents": lambda: Agents(client_class(base_url)), "numbers": lambda: PhoneNumbers(client_class(base_url))}


def test_voiceos_numbers_with_agents_and_webhooks(telemock):
    telemock.voiceos.check_client_state(voiceos_adapters(VoiceosClient, telemock.voiceos.base_url),
                                        max_examples=15, steps=8, seed=1)
    with pytest.raises(StatefulCheckError) as caught:
        telemock.voiceos.check_client_state(voiceos_adapters(WebhooksOnlyWhenSet, telemock.voiceos.base_url),
                                            max_examples=100, steps=8, seed=1)
    message = str(caught.value)
    assert "diverged after 2 steps" in message and "numbers.update(" in message and "'webhooks': []})" in message
    assert "webhooks: asked for [], emulator holds [{'events': ['phone_call:connection_requested']" in message
