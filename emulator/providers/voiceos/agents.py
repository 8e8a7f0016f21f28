"""Agents: create, list, get, partial PATCH, delete (with a setting for numbers that use it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from .auth import authenticate
from .bodies import AgentConfiguration, UpdateAgent, stored_changes, stored_config
from .common import begin, list_page
from .models import render_agent
from .responses import respond
from .validation import read_body

if TYPE_CHECKING:
    from .provider import VoiceosProvider


async def agents_create(provider: "VoiceosProvider", request: Request) -> Response:
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(AgentConfiguration, raw)
    agent = provider.backend.create_agent(caller.tenant, stored_config(body))
    return respond(render_agent(agent, caller.account_id))


async def agents_list(provider: "VoiceosProvider", request: Request) -> Response:
    return list_page(provider, request, "agents", render_agent)


async def agents_get(provider: "VoiceosProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    agent = provider.backend.agent(caller.tenant, request.path_params["id"])
    return respond(render_agent(agent, caller.account_id))


async def agents_update(provider: "VoiceosProvider", request: Request) -> Response:
    """Keys left out stay; a key sent replaces the stored value whole (webhooks, metadata…)."""
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(UpdateAgent, raw)
    agent = provider.backend.update_agent(caller.tenant, request.path_params["id"], stored_changes(body))
    return respond(render_agent(agent, caller.account_id))


async def agents_delete(provider: "VoiceosProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    agent = provider.backend.delete_agent(caller.tenant, request.path_params["id"])
    return respond(render_agent(agent, caller.account_id))
