"""The `phone_call:connection_requested` request a phone number's webhooks get when a call arrives.

Everything here is Inferred (the delivery format is not documented; see the `webhooks:` section
of contracts/specs/voiceos.yaml): the webhook is called with its configured `method` (POST: the
fields as a JSON body; GET: the same fields as query parameters) and its configured `headers`
verbatim, which are the only authentication (no signature). It is a synchronous, call-time fetch
without retries: the reply may choose the agent with `{"agent_id": "<an agent of the account>"}`.
`filter` is stored but not evaluated (its syntax is undocumented), so every webhook whose
`events` include the event is called.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Callable

import httpx
import orjson

from ...core.outgoing import DestinationRefused
from .state import StoredWebhook

EVENT = "phone_call:connection_requested"
# The emulator keeps at most this much of a reply: enough for any agent choice, bounded for safety.
REPLY_LIMIT = 64 * 1024


def subscribed(webhook: StoredWebhook) -> bool:
    return EVENT in webhook["events"]


def event_fields(
    *, phone_number: str, from_number: str, account_id: str, conversation_id: str, timestamp: str
) -> dict[str, str]:
    """The event, in the spec's key order (PhoneCallConnectionRequestedEvent)."""
    return {
        "event": EVENT,
        "phone_number": phone_number,
        "from_number": from_number,
        "to_number": phone_number,
        "account_id": account_id,
        "conversation_id": conversation_id,
        "timestamp": timestamp,
    }


@dataclass
class Exchange:
    """One webhook request and what came of it, as the simulation reports it."""

    request: dict[str, Any]
    sent: bool = True
    response: dict[str, Any] | None = None
    error: str | None = None
    agent_id: str | None = None
    outcome: str = ""


def build_request(client: httpx.AsyncClient, webhook: StoredWebhook, fields: dict[str, str]) -> httpx.Request:
    """POST carries the fields as JSON, GET as query parameters after the URL's own; configured headers win."""
    headers = httpx.Headers()
    if webhook["method"] == "POST":
        headers["content-type"] = "application/json"
        request = client.build_request("POST", webhook["url"], content=orjson.dumps(fields), headers=headers)
    else:
        url = httpx.URL(webhook["url"]).copy_merge_params(fields)  # the URL's own query is kept
        request = client.build_request("GET", url, headers=headers)
    for name, value in webhook["headers"].items():
        request.headers[name] = value
    return request


def describe_request(request: httpx.Request, webhook: StoredWebhook, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "method": request.method,
        "url": str(request.url),
        "headers": dict(request.headers.items()),
        "body": fields if webhook["method"] == "POST" else None,
    }


def reply_body(content: bytes) -> Any:
    """The reply as JSON when it is JSON, else as text; None when empty."""
    if not content:
        return None
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return content.decode("utf-8", "replace")


def judge_reply(status: int, body: Any, is_agent: Callable[[str], bool]) -> tuple[str | None, str]:
    """The agent a reply chooses, if any, and why (not)."""
    if not 200 <= status < 300:
        return None, f"replied {status}, not 2xx"
    if not isinstance(body, dict) or "agent_id" not in body:
        return None, 'the reply has no {"agent_id": ...}'
    agent_id = body["agent_id"]
    if not isinstance(agent_id, str):
        return None, "the reply's agent_id is not a string"
    if not is_agent(agent_id):
        return None, f"the reply's agent_id {agent_id!r} is not an agent of the account"
    return agent_id, f"the reply chose agent {agent_id}"


async def read_limited(response: httpx.Response) -> bytes:
    content = bytearray()
    async for chunk in response.aiter_bytes():
        content += chunk
        if len(content) >= REPLY_LIMIT:
            break
    return bytes(content[:REPLY_LIMIT])


async def request_agent(
    client: httpx.AsyncClient,
    webhook: StoredWebhook,
    fields: dict[str, str],
    timeout_s: float,
    is_agent: Callable[[str], bool],
) -> Exchange:
    """Calls one webhook and reads its reply within `timeout_s`; a failure of any kind is reported, never raised."""
    try:
        request = build_request(client, webhook, fields)
    except Exception as exc:  # a URL or header httpx cannot send: the call goes on without this webhook
        shown = {
            "method": webhook["method"],
            "url": webhook["url"],
            "headers": dict(webhook["headers"]),
            "body": fields,
        }
        error = f"could not send: {type(exc).__name__}: {exc}"
        return Exchange(shown, sent=False, error=error, outcome=f"failed ({error})")
    exchange = Exchange(describe_request(request, webhook, fields))
    try:
        async with asyncio.timeout(timeout_s):
            response = await client.send(request, stream=True)
            try:
                content = await read_limited(response)
            finally:
                await response.aclose()
    except TimeoutError:
        exchange.error = f"no reply within {timeout_s:g} s"
    except (httpx.UnsupportedProtocol, httpx.InvalidURL, DestinationRefused) as exc:  # nothing left the emulator
        exchange.sent = False
        exchange.error = f"could not send: {type(exc).__name__}: {exc}"
    except Exception as exc:  # refused, reset, TLS or protocol failures of the user's endpoint
        exchange.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if exchange.error is not None:
        exchange.outcome = f"failed ({exchange.error})"
        return exchange
    body = reply_body(content)
    exchange.response = {"status": response.status_code, "body": body}
    exchange.agent_id, exchange.outcome = judge_reply(response.status_code, body, is_agent)
    return exchange
