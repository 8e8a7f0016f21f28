"""The handlers that fetch instructions over HTTP, run against the user's URLs.

- `laml_webhooks` calls and messages: a signed form request to the request URL with its method;
  on failure the same request to the fallback URL; the reply must be a cXML document. A call
  then ends, and the number-level status callback (`call_status_callback_url`) is queued in the
  outbox: best effort, retried, visible in the control API's deliveries.
- `relay_script` calls: a signed JSON POST to `call_relay_script_url`; the reply must be SWML.
  The number-level status callback belongs to the cXML configuration and is not sent here.

Messages handled by a SWML webhook (a Fabric resource) are in `messaging.py`, which uses the
same request-then-fallback walk (`first_answer`) and status callback queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import orjson

from ...core.outgoing import new_client
from ...core.webhooks import DeliveryPolicy, WebhookFormat
from .callbacks import (
    Params,
    call_request_params,
    form_body,
    message_request_params,
    relay_script_body,
    status_callback_params,
    with_query,
)
from .exchange import Exchange, fetch
from .replies import Verdict, check_cxml, check_swml
from .signing import FORM_FORMAT, form_headers, json_headers
from .state import PhoneNumber, Project

if TYPE_CHECKING:
    from .provider import SignalwireProvider
    from .simulate import Inbound

STATUS_CALLBACK = "callStatusCallback"


def form_request(key: str, url: str, method: str, params: Params) -> tuple[str, bytes, dict[str, str]]:
    """URL, body and signed headers of a form request: parameters in the body (POST) or the query (GET)."""
    if method == "GET":
        url, body = with_query(url, params), b""
    else:
        body = form_body(params)
    return url, body, form_headers(key, url, body)


Target = tuple[str, "str | None", "str | None"]  # role (primary, fallback), URL, method
Build = Callable[[str, str], tuple[str, bytes, dict[str, str]]]  # (URL, method) → full URL, body, signed headers


async def first_answer(
    provider: SignalwireProvider, targets: list[Target], build: Build, judge: Callable[[str], Verdict]
) -> tuple[list[Exchange], Exchange | None, Verdict | None, list[str]]:
    """Tries each URL in turn until one answers 2xx (with a runnable reply, if the
    `fallback_on_invalid_reply` setting asks for it). Returns every exchange, the one whose reply
    counts, its verdict and notes on URLs that were not set."""
    settings = provider.settings
    exchanges: list[Exchange] = []
    notes: list[str] = []
    chosen: Exchange | None = None
    verdict: Verdict | None = None
    async with new_client(provider.runtime.destinations) as client:
        for role, url, method in targets:
            if not url:
                notes.append(f"no {role} URL is set")
                continue
            method = method or "POST"
            full_url, body, headers = build(url, method)
            exchange = await fetch(
                client, role=role, method=method, url=full_url, headers=headers, body=body,
                timeout_s=settings.handler_timeout_seconds,
            )
            exchanges.append(exchange)
            if not exchange.ok:
                continue
            chosen, verdict = exchange, judge(exchange.reply)
            if verdict.valid or not settings.fallback_on_invalid_reply:
                break
    return exchanges, chosen, verdict, notes


async def fetch_with_fallback(
    provider: SignalwireProvider,
    project: Project,
    number: PhoneNumber,
    what: Literal["call", "message"],
    params: Params,
) -> tuple[list[Exchange], Exchange | None, Verdict | None, list[str]]:
    """The number's cXML request URL, then its fallback URL (`call_…` or `message_…`)."""
    config: dict[str, Any] = number  # type: ignore[assignment]  # keys named by `what`
    targets: list[Target] = [
        ("primary", config[f"{what}_request_url"], config[f"{what}_request_method"]),
        ("fallback", config[f"{what}_fallback_url"], config[f"{what}_fallback_method"]),
    ]
    key = project["signing_key"]
    return await first_answer(provider, targets, lambda url, method: form_request(key, url, method, params), check_cxml)


def reply_of(exchange: Exchange | None, verdict: Verdict | None) -> dict[str, Any] | None:
    if exchange is None or verdict is None:
        return None
    return {
        "from": exchange.role,
        "status": exchange.status,
        "content_type": exchange.content_type,
        "body": exchange.reply,
        **verdict.to_dict(),
    }


def outcome_note(exchanges: list[Exchange], verdict: Verdict | None, notes: list[str], what: str) -> str:
    """What happened, in words: URLs unset or failed, then how the call or message ends."""
    parts = list(notes)
    parts += [f"{e.role} URL failed: {e.error}" for e in exchanges if not e.ok]
    if verdict is None:
        parts.append("no handler URL answered; " + ("the call fails" if what == "call" else "the message is dropped"))
    elif not verdict.valid:
        parts.append(f"{verdict.problem}; " + ("the call fails" if what == "call" else "no reply is sent"))
    else:
        parts.append(f"the {what} runs the cXML reply")
    return "; ".join(parts)


async def laml_call(
    provider: SignalwireProvider,
    tenant: str,
    project: Project,
    number: PhoneNumber,
    request: Inbound,
    call_sid: str,
) -> dict[str, Any]:
    created_us = provider.clock.now_us()
    params = call_request_params(
        project_id=project["id"], call_sid=call_sid, caller=request.caller, called=request.to,
        caller_name=request.caller_name, forwarded_from=request.forwarded_from,
    )
    exchanges, chosen, verdict, notes = await fetch_with_fallback(provider, project, number, "call", params)
    completed = verdict is not None and verdict.valid
    status = "completed" if completed else "failed"
    duration = (request.duration_s if request.duration_s is not None else provider.settings.call_duration_seconds) if completed else 0
    return {
        "delivered": completed,
        "requests": [e.to_dict() for e in exchanges],
        "reply": reply_of(chosen, verdict),
        "call_status": status,
        "status_callback": status_callback(
            provider, tenant, project, number, call_sid, request, created_us, status, duration
        ),
        "note": outcome_note(exchanges, verdict, notes, "call"),
    }


def status_callback(
    provider: SignalwireProvider,
    tenant: str,
    project: Project,
    number: PhoneNumber,
    call_sid: str,
    request: Inbound,
    created_us: int,
    status: str,
    duration_s: int,
) -> dict[str, Any] | None:
    """Queues the end-of-call callback in the outbox, if the number has a status callback URL."""
    url = number["call_status_callback_url"]
    if not url:
        return None
    settings = provider.settings
    method = number["call_status_callback_method"] or "POST"
    params = status_callback_params(
        project_id=project["id"], call_sid=call_sid, caller=request.caller, called=request.to,
        created_us=created_us, status=status, duration_s=duration_s, mos=settings.audio_in_mos,
    )
    target, body = (with_query(url, params), b"") if method == "GET" else (url, form_body(params))
    delivery_id = queue_status_callback(
        provider, tenant, project, url=target, body=body, fmt=FORM_FORMAT, method=method,
        event_type=STATUS_CALLBACK, ordering_key=call_sid, ordered=False,
    )
    return {"delivery_id": delivery_id, "url": target, "method": method, "params": dict(params)}


def queue_status_callback(
    provider: SignalwireProvider,
    tenant: str,
    project: Project,
    *,
    url: str,
    body: bytes,
    fmt: WebhookFormat,
    method: str,
    event_type: str,
    ordering_key: str,
    ordered: bool,
) -> str:
    """A status callback in the outbox: best effort, retried on the virtual clock per the settings, signed
    with the project's key. `ordered` keeps a message's states in order; a call's one callback needs none."""
    settings = provider.settings
    message = provider.runtime.outbox.send(
        provider=provider.name,
        tenant=tenant,
        url=url,
        body=body,
        fmt=fmt,
        policy=DeliveryPolicy(
            attempt_delays_s=tuple(settings.status_callback_attempt_delays_seconds),
            timeout_s=settings.handler_timeout_seconds,
            ordered=ordered,
        ),
        secret=project["signing_key"],
        method=method,
        event_type=event_type,
        ordering_key=ordering_key,
    )
    return message.id


async def swml_call(
    provider: SignalwireProvider, project: Project, number: PhoneNumber, request: Inbound, call_sid: str
) -> dict[str, Any]:
    url = number["call_relay_script_url"]
    if not url:
        return {
            "delivered": False, "requests": [], "reply": None, "call_status": "failed",
            "note": "no call_relay_script_url is set; the call fails",
        }
    body = orjson.dumps(
        relay_script_body(
            call_id=call_sid, caller=request.caller, called=request.to, project_id=project["id"],
            space_id=project["space_id"], envs=provider.settings.swml_envs,
        )
    )
    headers = json_headers(project["signing_key"], url, body, provider.settings.sha256_signature)
    async with new_client(provider.runtime.destinations) as client:
        exchange = await fetch(
            client, role="primary", method="POST", url=url, headers=headers, body=body,
            timeout_s=provider.settings.handler_timeout_seconds,
        )
    verdict = check_swml(exchange.reply) if exchange.ok else None
    runs = verdict is not None and verdict.valid
    note = (
        "the call runs the SWML reply" if runs
        else f"{verdict.problem}; the call fails" if verdict is not None
        else f"the SWML URL failed: {exchange.error}; the call fails"
    )
    return {
        "delivered": runs,
        "requests": [exchange.to_dict()],
        "reply": reply_of(exchange if exchange.ok else None, verdict),
        "call_status": "completed" if runs else "failed",
        "note": note,
    }


async def laml_message(
    provider: SignalwireProvider, project: Project, number: PhoneNumber, request: Inbound, message_sid: str
) -> dict[str, Any]:
    params = message_request_params(
        project_id=project["id"], message_sid=message_sid, sender=request.caller, receiver=request.to,
        body=request.body, media=request.media,
    )
    exchanges, chosen, verdict, notes = await fetch_with_fallback(provider, project, number, "message", params)
    return {
        "delivered": chosen is not None,
        "requests": [e.to_dict() for e in exchanges],
        "reply": reply_of(chosen, verdict),
        "note": outcome_note(exchanges, verdict, notes, "message"),
    }
