"""Where VoIPBIN's sources disagree, one named switch each, and the three profiles that pick a side.

- `documented` (default): the documentation pages at api.voipbin.net/docs and the seed documents.
- `openapi`: the OpenAPI the service publishes (`openapi.json`, built from bin-openapi-manager).
  Every 2xx answer and every event fits its schemas, so a client generated from it deserialises
  them; where it leaves a choice (several listed statuses, a value it does not constrain) the
  service's known behaviour decides. Error statuses the service's code is known to send stay
  even where the OpenAPI does not list them, and `DELETE /activeflows/{id}` answers 200 with the
  activeflow as the service does (the OpenAPI's 204 is wrong).
- `observed`: the running service, as its code reads (bin-*-manager at the commit the facts name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class VoipbinProfile:
    """Switches read by the VoIPBIN handlers, the backend and the renderers.

    timestamp_style: `legacy` renders `YYYY-MM-DD HH:MM:SS.ffffff` (the docs); `rfc3339`
        renders Go's RFC 3339 with trailing fraction zeros trimmed (the service); `iso` renders
        `YYYY-MM-DDTHH:MM:SS.ffffffZ`, six fixed digits (the OpenAPI's `format: date-time` and its
        examples).
    unset_timestamp: `sentinel` renders unset times as `9999-01-01 00:00:00.000000` (the docs);
        `null` renders JSON null (the service since 2026-02); `omit` leaves the key out (the
        OpenAPI: its `tm_*` are non-required `type: string` without `nullable`, which it sets
        on other fields where it allows null).
    page_token_style: `legacy` uses the legacy timestamp as page token; `iso` uses
        `YYYY-MM-DDTHH:MM:SS.ffffffZ` with six fixed digits (the service).
    malformed_page_token: `refused` answers a `page_token` that is no time with 400
        INVALID_REQUEST_PARAMETER; `empty_page` lists nothing (the service hands the token to its
        database unchecked; the OpenAPI lists only 200/401/500 for lists).
    untyped_errors_as_internal: the service answers duplicate numbers, malformed or reserved
        virtual numbers, the tier limit, insufficient balance, bad flow ids on PUT, the flow
        limit and an activeflow id in use with 500 INTERNAL; the docs imply typed 4xx errors.
    number_statuses: the statuses a live number can take (fixture, `purchase_pending_seconds`,
        the control API's `transition`): the docs add `purchase-pending` and `suspended`; the
        service copies the carrier's status (`purchase-pending`), never `suspended`; the OpenAPI's
        `NumberManagerNumberStatus` is `active` or `deleted`.
    customer_webhook_validation: `PUT /v1.0/customer` refuses a `webhook_method` outside the
        documented enum and a `webhook_uri` that is not an absolute http(s) URL; the service
        stores whatever it is given and later fails to deliver to it.
    customer_email_validation: `PUT /v1.0/customer` refuses a non-empty `email` that is not an
        address (the OpenAPI's Customer has `email` `format: email`); the service stores any string.
    activeflow_events_to_own_webhook: `activeflow_*` events also go to the activeflow's own
        `webhook_uri` (the docs); the service only fans out payloads whose `data` carries an
        `activeflow_id`, which activeflow events do not.
    empty_event_fields: `shown` renders a call's empty strings, lists and metadata in call
        events (the docs' Call struct); `omitted` drops them as Go's `omitempty` does (the service).
    marker_actions: `shown` renders the cursor's marker actions (the start marker `…0001`, which
        has no `type`) in `current_action`, `executed_actions` and a call's `action`, as the docs and
        the service do; `omitted` leaves them out, because the OpenAPI's FlowManagerAction requires a
        `type` from an enum that has no value for them.
    """

    timestamp_style: Literal["legacy", "rfc3339", "iso"]
    unset_timestamp: Literal["sentinel", "null", "omit"]
    page_token_style: Literal["legacy", "iso"]
    malformed_page_token: Literal["refused", "empty_page"]
    untyped_errors_as_internal: bool
    number_statuses: tuple[str, ...]
    customer_webhook_validation: bool
    customer_email_validation: bool
    activeflow_events_to_own_webhook: bool
    empty_event_fields: Literal["shown", "omitted"]
    marker_actions: Literal["shown", "omitted"]


DOCUMENTED = VoipbinProfile(
    timestamp_style="legacy",
    unset_timestamp="sentinel",
    page_token_style="legacy",
    malformed_page_token="refused",
    untyped_errors_as_internal=False,
    number_statuses=("active", "purchase-pending", "suspended"),
    customer_webhook_validation=True,
    customer_email_validation=False,
    activeflow_events_to_own_webhook=True,
    empty_event_fields="shown",
    marker_actions="shown",
)

OPENAPI = VoipbinProfile(
    timestamp_style="iso",
    unset_timestamp="omit",
    page_token_style="iso",
    malformed_page_token="empty_page",
    untyped_errors_as_internal=True,
    number_statuses=("active",),
    customer_webhook_validation=True,
    customer_email_validation=True,
    activeflow_events_to_own_webhook=True,
    empty_event_fields="omitted",
    marker_actions="omitted",
)

OBSERVED = VoipbinProfile(
    timestamp_style="rfc3339",
    unset_timestamp="null",
    page_token_style="iso",
    malformed_page_token="empty_page",
    untyped_errors_as_internal=True,
    number_statuses=("active", "purchase-pending"),
    customer_webhook_validation=False,
    customer_email_validation=False,
    activeflow_events_to_own_webhook=False,
    empty_event_fields="omitted",
    marker_actions="shown",
)

PROFILES = {"documented": DOCUMENTED, "openapi": OPENAPI, "observed": OBSERVED}
