"""The number flows of each provider, run with a client generated from telemock's served spec.

Each flow lists, pages through the list, finds a number to buy, creates or buys it, reads it,
updates it and deletes (releases, cancels) it, as the provider's API allows. Every answer must
have a documented status and deserialise into the generated models; the first one that does not
stops the flow with the operation, the status and the error. Requests are built from wire-format
dicts through the generated models' `from_dict`, so the flows do not depend on schema names.
"""

from __future__ import annotations

import typing
import uuid
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import httpx

from .generation import GeneratedClient

MAX_PAGES = 50


class FlowFailure(AssertionError):
    """A step of a flow whose answer the generated client could not take."""


@dataclass
class Flow:
    """One provider's flow in one profile: the generated client, bound to the server and the demo tenant."""

    provider: str
    profile: str
    generated: GeneratedClient
    client: Any
    admin: httpx.Client

    def step(self, operation: str, expect: int, *path: Any, body: dict[str, Any] | None = None, **query: Any) -> Any:
        """Calls the operation; returns the parsed answer, or fails naming what went wrong."""
        function = self.generated.operations[operation].sync_detailed
        hints = typing.get_type_hints(function)
        arguments = dict(query)
        if body is not None:
            arguments["body"] = model_of(hints["body"]).from_dict(body)
        names = [name for name in hints if name not in ("client", "body", "return", *query)][: len(path)]
        for name, value in zip(names, path):
            arguments[name] = uuid.UUID(value) if hints[name] is uuid.UUID else value
        where = f"{self.provider} ({self.profile} profile) {operation}"
        try:
            answer = function(client=self.client, **arguments)
        except Exception as exc:  # UnexpectedStatus, or a model that cannot take the body (KeyError, TypeError, ValueError)
            raise FlowFailure(f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}") from exc
        if answer.status_code != expect:
            raise FlowFailure(f"{where}: status {answer.status_code}, expected {expect}: {answer.content[:300]!r}")
        if expect < 300 and answer.content and answer.parsed is None:
            raise FlowFailure(f"{where}: the generated client has no model for the {expect} answer")
        return answer.parsed

    def pages(self, operation: str, first: dict[str, Any], next_query: Callable[[dict[str, Any]], dict[str, Any] | None],
              items: str, *path: Any) -> list[dict[str, Any]]:
        """Every item of a list, one page at a time, following the provider's own paging."""
        query, seen = first, []
        for _ in range(MAX_PAGES):
            page = wire(self.step(operation, 200, *path, **query))
            seen += page[items]
            following = next_query(page)
            if following is None or not page[items]:
                return seen
            query = {**first, **following}
        raise FlowFailure(f"{self.provider} ({self.profile} profile) {operation}: still paging after {MAX_PAGES} pages")


def model_of(annotation: Any) -> Any:
    """The generated model class of a parameter annotated `Model` or `Model | Unset`."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if hasattr(candidate, "from_dict"):
            return candidate
    raise TypeError(f"no generated model in {annotation!r}")


def wire(parsed: Any) -> Any:
    """A parsed answer back in wire form (what the generated models keep of it)."""
    if isinstance(parsed, list):
        return [wire(item) for item in parsed]
    return parsed.to_dict() if hasattr(parsed, "to_dict") else parsed


def ids(items: list[dict[str, Any]], key: str) -> list[str]:
    found = [item[key] for item in items]
    assert len(found) == len(set(found)), f"a page repeated an item: {found}"
    return found


def voipbin(flow: Flow) -> None:
    listed = flow.pages("numbers_list", {"page_size": 1},
                        lambda page: {"page_token": page["next_page_token"]} if page.get("next_page_token") else None, "result")
    whole = wire(flow.step("numbers_list", 200, page_size=100))["result"]
    assert ids(listed, "id") == ids(whole, "id") and len(whole) >= 2, "pages of one hold the one big page"
    offered = wire(flow.step("available_numbers_list", 200, country_code="US", page_size=5))["result"]
    number = wire(flow.step("numbers_create", 200, body={"number": offered[0]["number"]}))
    assert number["number"] == offered[0]["number"]
    assert wire(flow.step("numbers_get", 200, number["id"]))["id"] == number["id"]
    changed = wire(flow.step("numbers_update", 200, number["id"], body={
        "name": "generated client", "detail": "bought by a generated client",
        "call_flow_id": number["call_flow_id"], "message_flow_id": number["message_flow_id"]}))
    assert changed["name"] == "generated client"
    assert wire(flow.step("numbers_delete", 200, number["id"]))["id"] == number["id"]
    flow.step("numbers_get", 404, number["id"])


def signalwire(flow: Flow) -> None:
    def following(page: dict[str, Any]) -> dict[str, Any] | None:
        link = page.get("links", {}).get("next")
        if not link:
            return None
        query = parse_qs(urlsplit(link).query)
        return {"page_number": int(query["page_number"][0]), "page_token": query["page_token"][0]}

    listed = flow.pages("phone_numbers_list", {"page_size": 1}, following, "data")
    whole = wire(flow.step("phone_numbers_list", 200, page_size=1000))["data"]
    assert ids(listed, "id") == ids(whole, "id") and len(whole) >= 2, "pages of one hold the one big page"
    offered = wire(flow.step("phone_numbers_search", 200, max_results=1))["data"]
    e164 = offered[0].get("e164") or offered[0]["number"]
    number = wire(flow.step("phone_numbers_purchase", 200, body={"number": e164}))
    assert wire(flow.step("phone_numbers_get", 200, number["id"]))["number"] == e164
    changed = wire(flow.step("phone_numbers_update", 200, number["id"], body={"name": "generated client"}))
    assert changed["name"] == "generated client"
    flow.admin.post("/clock/advance", json={"seconds": 31 * 24 * 3600}).raise_for_status()  # past the release window
    flow.step("phone_numbers_release", 204, number["id"])
    flow.step("phone_numbers_get", 404, number["id"])


def voiceos(flow: Flow) -> None:
    listed = flow.pages("phone_numbers_list", {"limit": 1, "index": 1},
                        lambda page: {"index": page["index"] + 1} if page.get("has_more") else None, "items")
    whole = wire(flow.step("phone_numbers_list", 200, limit=100, index=1))["items"]
    assert ids(listed, "phone_number") == ids(whole, "phone_number") and len(whole) >= 2, "pages of one hold the one big page"
    offered = wire(flow.step("phone_numbers_available", 200, limit=1))
    number = wire(flow.step("phone_numbers_buy", 200, body={"phone_number": offered[0]["phone_number"]}))
    e164 = number["phone_number"]
    assert wire(flow.step("phone_numbers_get", 200, e164))["phone_number"] == e164
    hook = {"events": ["phone_call:connection_requested"], "url": "https://example.com/voiceos", "method": "POST"}
    changed = wire(flow.step("phone_numbers_update", 200, e164, body={"webhooks": [hook]}))
    assert [w["url"] for w in changed["webhooks"]] == [hook["url"]]
    assert wire(flow.step("phone_numbers_delete", 200, e164, release_phone_number=True))["phone_number"] == e164
    flow.step("phone_numbers_get", 404, e164)


def gigs(flow: Flow) -> None:
    project = next(iter(flow.admin.get("/state").json()["providers"]["gigs"]["tenants"]))

    def following(page: dict[str, Any]) -> dict[str, Any] | None:
        return {"after": page["moreItemsAfter"]} if page.get("moreItemsAfter") else None

    listed = flow.pages("virtual_numbers_list", {"limit": 1}, following, "items", project)
    whole = wire(flow.step("virtual_numbers_list", 200, project, limit=200))["items"]
    assert ids(listed, "id") == ids(whole, "id") and len(whole) >= 2, "pages of one hold the one big page"
    subscriptions = flow.pages("subscriptions_list", {"limit": 1}, following, "items", project)
    active = next(s for s in subscriptions if s["status"] == "active")
    number = wire(flow.step("virtual_numbers_create", 201, project, body={"subscription": active["id"]}))
    assert wire(flow.step("virtual_numbers_get", 200, project, number["id"]))["id"] == number["id"]
    canceled = wire(flow.step("virtual_numbers_cancel", 200, project, number["id"]))
    assert canceled["canceledAt"] is not None


FLOWS: dict[str, Callable[[Flow], None]] = {"voipbin": voipbin, "signalwire": signalwire, "voiceos": voiceos, "gigs": gigs}
