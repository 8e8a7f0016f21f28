"""Number groups and memberships: list, create, retrieve, update and delete groups; add, list,
retrieve and remove the numbers in them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import buffer_body, empty_response, json_response
from .auth import authenticate
from .common import parse_uuid, path_uuid, read_body, unknown_field_problems
from .errors import InvalidAttributes
from .paging import Listing, links, page_request
from .resources import render_group, render_membership
from .state import GroupMembership, NumberGroup

if TYPE_CHECKING:
    from .provider import SignalwireProvider

GROUPS_PATH = "/api/relay/rest/number_groups"
GROUPS = Listing(GROUPS_PATH, ("filter_name",), InvalidAttributes)


def group_fields(provider: SignalwireProvider, body: dict[str, Any], creating: bool) -> dict[str, Any]:
    """`name` (needed to create, never blank) and `sticky_sender` (false when a create leaves it out)."""
    problems = unknown_field_problems(provider, body, {"name", "sticky_sender"})
    fields: dict[str, Any] = {"sticky_sender": False} if creating else {}
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        problems.append("Name must be a string")
    elif (creating or "name" in body) and not (name or "").strip():
        problems.append("Name can't be blank")
    elif name is not None:
        fields["name"] = name
    sticky = body.get("sticky_sender")
    if sticky is not None and not isinstance(sticky, bool):
        problems.append("Sticky sender must be true or false")
    elif sticky is not None:
        fields["sticky_sender"] = sticky
    if problems:
        raise InvalidAttributes(*problems)
    return fields


def render(provider: SignalwireProvider, tenant: str, group: NumberGroup) -> dict[str, Any]:
    return render_group(group, provider.backend.memberships.count(tenant, group["id"]))


def shown(provider: SignalwireProvider, tenant: str, membership: GroupMembership) -> dict[str, Any]:
    return render_membership(membership, provider.backend.tenant(tenant)["numbers"].get(membership["phone_number_id"]))


async def groups_list(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    page = page_request(request, GROUPS)
    found = provider.backend.groups.listed(caller.tenant, page)
    return json_response({"links": links(page, found), "data": [render(provider, caller.tenant, g) for g in found.items]})


async def groups_create(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    fields = group_fields(provider, await read_body(request), creating=True)
    group = provider.backend.groups.create(caller.tenant, fields["name"], fields["sticky_sender"])
    return json_response(render(provider, caller.tenant, group), provider.profile.create_status)


async def groups_get(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    return json_response(render(provider, caller.tenant, provider.backend.groups.live(caller.tenant, path_uuid(request))))


async def groups_update(provider: SignalwireProvider, request: Request) -> Response:
    """Merges the fields sent, as the previous reference says ("parameters not provided will be unchanged")."""
    await buffer_body(request)
    caller = authenticate(provider, request)
    group_id = path_uuid(request)
    provider.backend.groups.live(caller.tenant, group_id)  # an unknown group is 404 before the body is judged
    fields = group_fields(provider, await read_body(request), creating=False)
    return json_response(render(provider, caller.tenant, provider.backend.groups.update(caller.tenant, group_id, fields)))


async def groups_delete(provider: SignalwireProvider, request: Request) -> Response:
    """204; the group's numbers stay in the project."""
    caller = authenticate(provider, request)
    provider.backend.groups.remove(caller.tenant, path_uuid(request))
    return empty_response(204)


async def memberships_list(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    group = provider.backend.groups.live(caller.tenant, path_uuid(request, "NumberGroupId"))
    page = page_request(request, Listing(f"{GROUPS_PATH}/{group['id']}/number_group_memberships", (), InvalidAttributes))
    found = provider.backend.groups.members(caller.tenant, group["id"], page)
    return json_response({"links": links(page, found), "data": [shown(provider, caller.tenant, m) for m in found.items]})


async def memberships_create(provider: SignalwireProvider, request: Request) -> Response:
    """A number of the project joins the group (once); an unknown group is 404 before the body is judged."""
    await buffer_body(request)
    caller = authenticate(provider, request)
    group = provider.backend.groups.live(caller.tenant, path_uuid(request, "NumberGroupId"))
    body = await read_body(request)
    problems = unknown_field_problems(provider, body, {"phone_number_id"})
    raw = body.get("phone_number_id")
    number_id = parse_uuid(raw)
    if raw is None or raw == "":
        problems.append("Phone number can't be blank")
    elif number_id is None:
        problems.append("Phone number is not a valid UUID")
    if problems or number_id is None:
        raise InvalidAttributes(*problems)
    membership = provider.backend.memberships.create(caller.tenant, group["id"], number_id)
    return json_response(shown(provider, caller.tenant, membership), provider.profile.create_status)


async def memberships_get(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    membership = provider.backend.memberships.live(caller.tenant, path_uuid(request))
    return json_response(shown(provider, caller.tenant, membership))


async def memberships_delete(provider: SignalwireProvider, request: Request) -> Response:
    """204; the number stays in the project."""
    caller = authenticate(provider, request)
    memberships = provider.backend.memberships
    memberships.delete(caller.tenant, memberships.live(caller.tenant, path_uuid(request)))
    return empty_response(204)
