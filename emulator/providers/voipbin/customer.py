"""The caller's own customer: `GET /v1.0/customer` and `PUT /v1.0/customer` (where webhooks are configured).

PUT overwrites name, detail, email, phone_number, address, webhook_method and webhook_uri
(omitted fields are cleared, as customer-manager's UpdateBasicInfo does). The signing secret
is not writable: the service generates it when the customer is created and shows it only in
the GET answer (`webhook_secret`); here it comes from the fixture's `webhook_secret`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .activeflows import webhook_from
from .auth import authenticate, require_manager
from .binding import read_body, string_field
from .errors import PermissionDenied
from .models import CONTACT_FIELDS, render_customer

if TYPE_CHECKING:
    from .provider import VoipbinProvider


async def customer_get(provider: "VoipbinProvider", request: Request) -> Response:
    """CustomerSelfGet: CustomerAdmin or CustomerManager; the only answer that shows the webhook secret."""
    caller = authenticate(provider, request)
    require_manager(caller)
    return json_response(render_customer(caller.state["customer"], provider.profile, with_secret=True))


async def customer_update(provider: "VoipbinProvider", request: Request) -> Response:
    """CustomerSelfUpdate: body, then (documented profile) the webhook fields, then CustomerAdmin only."""
    caller = authenticate(provider, request)
    body = await read_body(request)
    contact = {key: string_field(body, key) for key in CONTACT_FIELDS}
    if provider.profile.customer_webhook_validation:
        uri, method = webhook_from(body)
    else:
        uri, method = string_field(body, "webhook_uri"), string_field(body, "webhook_method")
    if caller.permission != "admin":
        raise PermissionDenied()
    customer = provider.backend.update_customer(caller.tenant, contact, webhook_uri=uri, webhook_method=method)
    return json_response(render_customer(customer, provider.profile, with_secret=False))
