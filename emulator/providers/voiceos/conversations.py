"""Conversations: list (with a status filter), get, outbound calls and recordings; simulated calls add records too."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from starlette.requests import Request
from starlette.responses import Response

from .auth import authenticate
from .bodies import CreateCall, stored_config
from .common import begin, list_page
from .models import render_conversation
from .responses import respond
from .state import Conversation
from .validation import STATUS, Checker, read_body

if TYPE_CHECKING:
    from .provider import VoiceosProvider


def status_filter(check: Checker) -> Callable[[Conversation], bool] | None:
    """`status` comes first among the service's declared parameters, so its error does too."""
    status = check.query("status", STATUS, None)
    if status is None:
        return None
    return lambda conversation: conversation["status"] == status.value


async def conversations_list(provider: "VoiceosProvider", request: Request) -> Response:
    return list_page(
        provider,
        request,
        "conversations",
        render_conversation,
        status_filter,
        time_order=("created_before", "created_after"),
    )


async def conversations_get(provider: "VoiceosProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    conversation = provider.backend.conversation(caller.tenant, request.path_params["id"])
    return respond(render_conversation(conversation, caller.account_id))


async def conversations_create_phone_call(provider: "VoiceosProvider", request: Request) -> Response:
    """An outbound call: 422 for the body, then 404 for a number or agent the account lacks; 200 like every create."""
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(CreateCall, raw)
    # agent_id wins when both are given (Inferred); the body holds at least one of them.
    config = stored_config(body.agent_config) if body.agent_id is None and body.agent_config is not None else None
    conversation = provider.backend.place_call(caller.tenant, body.from_number, body.to_number, body.agent_id, config)
    return respond(render_conversation(conversation, caller.account_id))


async def conversations_get_recording(provider: "VoiceosProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    url = provider.backend.recording_url(caller.tenant, request.path_params["id"])
    return respond({"recording_url": url})
