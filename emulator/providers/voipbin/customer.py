"""The caller's own customer: `GET /v1.0/customer` and `PUT /v1.0/customer` (where webhooks are configured).

PUT overwrites name, detail, email, phone_number, address, webhook_method and webhook_uri
(omitted fields are cleared, as customer-manager's UpdateBasicInfo does). The signing secret
is not writable: the service generates it when the customer is created and shows it only in
the GET answer (`webhook_secret`); here it comes from the fixture's `webhook_secret`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .activeflows import webhook_from
from .auth import authenticate, require_manager
from .common import read_body, string_field
from .errors import fail
from .models import NIL_UUID
from .profiles import VoipbinProfile
from .timefmt import render_time

if TYPE_CHECKING:
    from .provider import VoipbinProvider

CONTACT_FIELDS = ("name", "detail", "email", "phone_number", "address")


def render_customer(customer: dict[str, Any], profile: VoipbinProfile, *, with_secret: bool) -> dict[str, Any]:
    """customer-manager's WebhookMessage (Go `omitempty` on the strings); the self view adds the secret."""
    rendered: dict[str, Any] = {"id": customer["id"]}
    for key in CONTACT_FIELDS:
        if customer.get(key):
            rendered[key] = customer[key]
    if customer.get("webhook_method"):
        rendered["webhook_method"] = customer["webhook_method"]
    if customer.get("webhook_uri"):
        rendered["webhook_uri"] = customer["webhook_uri"]
    rendered.update(
        {
            "billing_account_id": customer.get("billing_account_id") or NIL_UUID,
            "metadata": {"rtp_debug": bool(customer.get("rtp_debug", False))},
            "email_verified": True,
            "status": "frozen" if customer.get("frozen") else "active",
            "identity_verification_status": "verified" if customer.get("identity_verified") else "none",
            "tm_deletion_scheduled": render_time(customer.get("deletion_scheduled_us"), profile),
            "tm_create": render_time(customer.get("tm_create"), profile),
            "tm_update": render_time(customer.get("tm_update"), profile),
            "tm_delete": render_time(None, profile),
        }
    )
    if with_secret and customer.get("webhook_secret"):
        rendered["webhook_secret"] = customer["webhook_secret"]
    return rendered


async def customer_get(provider: "VoipbinProvider", request: Request) -> Response:
    """CustomerSelfGet: CustomerAdmin or CustomerManager; the only answer that shows the webhook secret."""
    caller = authenticate(provider, request)
    require_manager(request, caller)
    return json_response(render_customer(caller.state["customer"], provider.profile, with_secret=True))


async def customer_update(provider: "VoipbinProvider", request: Request) -> Response:
    """CustomerSelfUpdate: body, then (documented profile) the webhook fields, then CustomerAdmin only."""
    caller = authenticate(provider, request)
    body = await read_body(request)
    fields = {key: string_field(request, body, key) for key in CONTACT_FIELDS}
    if provider.profile.customer_webhook_validation:
        uri, method = webhook_from(request, body)
    else:
        uri, method = string_field(request, body, "webhook_uri"), string_field(request, body, "webhook_method")
    if caller.permission != "admin":
        fail(request, "PERMISSION_DENIED", "PERMISSION_DENIED")
    customer = caller.state["customer"]
    customer.update(fields, webhook_uri=uri, webhook_method=method, tm_update=provider.clock.stamp_us())
    return json_response(render_customer(customer, provider.profile, with_secret=False))
