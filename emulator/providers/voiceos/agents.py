"""Agents: create, list, get, partial PATCH, delete (with a setting for numbers that use it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from .auth import authenticate
from .bodies import AgentConfiguration, UpdateAgent, agent_fields
from .common import begin, find, list_page
from .errors import AGENT_NOT_FOUND, respond
from .models import new_agent, render_agent
from .validation import read_body

if TYPE_CHECKING:
    from .provider import VoiceosProvider


async def agents_create(provider: "VoiceosProvider", request: Request) -> Response:
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(AgentConfiguration, raw)
    agent = new_agent(agent_fields(body, only_set=False), provider.clock.stamp_us())
    provider.add_item(caller.tenant, "agents", agent)
    return respond(render_agent(agent, caller.account_id))


async def agents_list(provider: "VoiceosProvider", request: Request) -> Response:
    return list_page(provider, request, "agents", render_agent)


async def agents_get(provider: "VoiceosProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    agent = find(caller, "agents", request.path_params["id"], AGENT_NOT_FOUND)
    return respond(render_agent(agent, caller.account_id))


async def agents_update(provider: "VoiceosProvider", request: Request) -> Response:
    """Keys left out stay; a key sent replaces the stored value whole (webhooks, metadata…)."""
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(UpdateAgent, raw)
    agent = find(caller, "agents", request.path_params["id"], AGENT_NOT_FOUND)
    agent.update(agent_fields(body, only_set=True))
    agent["updated_us"] = provider.clock.stamp_us()
    return respond(render_agent(agent, caller.account_id))


async def agents_delete(provider: "VoiceosProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    agent = find(caller, "agents", request.path_params["id"], AGENT_NOT_FOUND)
    provider.remove_agent(caller.tenant, agent)
    return respond(render_agent(agent, caller.account_id))
