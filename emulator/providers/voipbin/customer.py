"""The caller's own customer: `GET /v1.0/customer`, `PUT /v1.0/customer` (where webhooks are
configured), `PUT /v1.0/customer/metadata` and `PUT /v1.0/customer/billing_account_id`.

PUT /customer overwrites name, detail, email, phone_number, address, webhook_method and
webhook_uri (omitted fields are cleared, as customer-manager's UpdateBasicInfo does). The signing
secret is not writable: the service generates it when the customer is created and shows it only
in the GET answer (`webhook_secret`); here it comes from the fixture's `webhook_secret`. Every
PUT needs CustomerAdmin and sends no webhook (customer-manager publishes `customer_updated` as an
internal event only).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .activeflows import webhook_from
from .auth import Caller, authenticate, require_manager
from .binding import bool_field, read_body, string_field
from .errors import InvalidEmail, InvalidId, PermissionDenied
from .models import CONTACT_FIELDS, parse_uuid, render_customer
from .state import Customer

if TYPE_CHECKING:
    from .provider import VoipbinProvider

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def require_admin(caller: Caller) -> None:
    """CustomerSelfUpdate and its siblings: CustomerAdmin only (access keys act as admin)."""
    if caller.permission != "admin":
        raise PermissionDenied()


def rendered(provider: "VoipbinProvider", customer: Customer) -> Response:
    return json_response(render_customer(customer, provider.profile, with_secret=False))


async def customer_get(provider: "VoipbinProvider", request: Request) -> Response:
    """CustomerSelfGet: CustomerAdmin or CustomerManager; the only answer that shows the webhook secret."""
    caller = authenticate(provider, request)
    require_manager(caller)
    return json_response(render_customer(caller.state["customer"], provider.profile, with_secret=True))


async def customer_update(provider: "VoipbinProvider", request: Request) -> Response:
    """CustomerSelfUpdate: body, then (per profile) the webhook fields and the email, then CustomerAdmin."""
    caller = authenticate(provider, request)
    body = await read_body(request)
    contact = {key: string_field(body, key) for key in CONTACT_FIELDS}
    profile = provider.profile
    if profile.customer_webhook_validation:
        uri, method = webhook_from(body)
    else:
        uri, method = string_field(body, "webhook_uri"), string_field(body, "webhook_method")
    if profile.customer_email_validation and contact["email"] and not EMAIL.match(contact["email"]):
        raise InvalidEmail()
    require_admin(caller)
    customer = provider.backend.update_customer(caller.tenant, contact, webhook_uri=uri, webhook_method=method)
    return rendered(provider, customer)


async def customer_update_metadata(provider: "VoipbinProvider", request: Request) -> Response:
    """PutCustomerMetadata: the body binds (`rtp_debug` left out is false), then CustomerAdmin."""
    caller = authenticate(provider, request)
    rtp_debug = bool_field(await read_body(request), "rtp_debug")
    require_admin(caller)
    return rendered(provider, provider.backend.set_customer_metadata(caller.tenant, rtp_debug=rtp_debug))


async def customer_update_billing_account_id(provider: "VoipbinProvider", request: Request) -> Response:
    """PutCustomerBillingAccountId: body, a UUID (400 INVALID_ID), CustomerAdmin, then the account."""
    caller = authenticate(provider, request)
    account_id = parse_uuid(string_field(await read_body(request), "billing_account_id"))
    if account_id is None:
        raise InvalidId()
    require_admin(caller)
    return rendered(provider, provider.backend.set_billing_account(caller.tenant, account_id))
