"""Conversations: list (with a status filter) and get; simulated calls add the records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from starlette.requests import Request
from starlette.responses import Response

from .auth import authenticate
from .common import list_page
from .models import render_conversation
from .responses import respond
from .state import Conversation
from .validation import STATUS, Checker

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
