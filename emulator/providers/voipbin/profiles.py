"""Where VoIPBIN's documentation and its running backend differ, one named switch each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class VoipbinProfile:
    """Switches read by the VoIPBIN handlers and renderers.

    timestamp_style: `legacy` renders `YYYY-MM-DD HH:MM:SS.ffffff` (the docs);
        `rfc3339` renders Go's RFC 3339 with trailing fraction zeros trimmed (the backend).
    unset_timestamp: `sentinel` renders unset times as `9999-01-01 00:00:00.000000` (the docs);
        `null` renders JSON null (the backend since 2026-02).
    page_token_style: `legacy` uses the legacy timestamp as page token; `iso` uses
        `YYYY-MM-DDTHH:MM:SS.ffffffZ` with six fixed digits (the backend).
    untyped_errors_as_internal: the backend answers duplicate numbers, malformed or reserved
        virtual numbers, the tier limit, insufficient balance and bad flow ids on PUT with
        500 INTERNAL; the docs imply typed 4xx errors (402 for balance).
    customer_webhook_validation: `PUT /v1.0/customer` refuses a `webhook_method` outside the
        documented enum and a `webhook_uri` that is not an absolute http(s) URL (the docs' enum);
        the backend stores whatever it is given and later fails to deliver to it.
    activeflow_events_to_own_webhook: `activeflow_*` events also go to the activeflow's own
        `webhook_uri` (the docs); the backend only fans out payloads whose `data` carries an
        `activeflow_id`, which activeflow events do not.
    """

    timestamp_style: Literal["legacy", "rfc3339"]
    unset_timestamp: Literal["sentinel", "null"]
    page_token_style: Literal["legacy", "iso"]
    untyped_errors_as_internal: bool
    customer_webhook_validation: bool
    activeflow_events_to_own_webhook: bool


DOCUMENTED = VoipbinProfile(
    timestamp_style="legacy",
    unset_timestamp="sentinel",
    page_token_style="legacy",
    untyped_errors_as_internal=False,
    customer_webhook_validation=True,
    activeflow_events_to_own_webhook=True,
)

OBSERVED = VoipbinProfile(
    timestamp_style="rfc3339",
    unset_timestamp="null",
    page_token_style="iso",
    untyped_errors_as_internal=True,
    customer_webhook_validation=False,
    activeflow_events_to_own_webhook=False,
)

PROFILES = {"documented": DOCUMENTED, "observed": OBSERVED}
