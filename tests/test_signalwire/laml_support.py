"""What the compatibility (LaML) API tests share: its paths, a client, and its error body."""

from __future__ import annotations

from typing import Any

import httpx
from test_signalwire.helpers import AUTH, PROJECT, client

ACCOUNT = f"/api/laml/2010-04-01/Accounts/{PROJECT}"
INCOMING = f"{ACCOUNT}/IncomingPhoneNumbers"
LOCAL = f"{ACCOUNT}/AvailablePhoneNumbers/US/Local"
TOLL_FREE_SEARCH = f"{ACCOUNT}/AvailablePhoneNumbers/US/TollFree"
# The forms the `signalwire` 2.x SDK requests: no `/api/laml`, a `.json` suffix.
SDK_INCOMING = f"/2010-04-01/Accounts/{PROJECT}/IncomingPhoneNumbers"
MORE_INFO = "https://signalwire.com/docs/compatibility-api/reference/errors"
RECORDED_MORE_INFO = "https://developer.signalwire.com/compatibility-api/reference/error-codes"


def laml(server: Any, auth: tuple[str, str] | None = AUTH) -> httpx.Client:
    return client(server, auth)


def number_path(sid: str) -> str:
    return f"{INCOMING}/{sid}"


def laml_error(response: httpx.Response, status: int, code: int) -> str:
    """Asserts the compatibility API's error body (documented profile) and returns its message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body == {"code": code, "message": body["message"], "more_info": MORE_INFO, "status": status}, body
    assert isinstance(body["message"], str) and body["message"]
    return body["message"]
