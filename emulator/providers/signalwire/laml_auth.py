"""Who calls the compatibility API: the same HTTP Basic project and token as Relay REST, and the
account the path names, which must be that project (the API calls the project id `AccountSid`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

from .auth import Caller, authenticate
from .common import parse_uuid
from .errors import Unauthorized
from .laml_errors import AuthenticationFailed

if TYPE_CHECKING:
    from .provider import SignalwireProvider


def canonical_id(value: str) -> str:
    """A UUID in its canonical spelling; project ids that are not UUIDs as they are."""
    return parse_uuid(value) or value


def laml_caller(provider: SignalwireProvider, request: Request) -> Caller:
    """The calling project, or 20003 (401): bad credentials, a token without the Numbers scope, or
    a path naming another account (Inferred, as Twilio answers a path outside the credentials' account)."""
    try:
        caller = authenticate(provider, request)
    except Unauthorized:
        raise AuthenticationFailed() from None
    if canonical_id(request.path_params["AccountSid"]) != canonical_id(caller.state["project"]["id"]):
        raise AuthenticationFailed()
    return caller
