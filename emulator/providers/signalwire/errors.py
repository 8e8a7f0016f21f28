"""SignalWire's Relay REST errors as classes, raised from any depth and rendered once by the provider app.

Two bodies: a status's reason, `{"error": "Not Found"}`, and the 422 list
`{"errors": [{"detail", "status": "422", "title": "Invalid Attribute", "code": "422"}]}` whose
`status` and `code` are strings (`code` is the HTTP status, not the catalogue's symbolic code).
"""

from __future__ import annotations

from typing import ClassVar

from starlette.requests import HTTPConnection
from starlette.responses import Response

from ...core.errors import ProviderError
from ...core.http import GenericError, json_response

VALIDATION_TITLE = "Invalid Attribute"


class SignalwireError(ProviderError):
    """A status answered with its reason phrase, `{"error": "<reason>"}`."""

    reason: ClassVar[str] = "Internal Server Error"

    def render(self, conn: HTTPConnection) -> Response:
        return json_response({"error": self.reason}, self.status)


class BadRequest(SignalwireError):
    """A malformed body, or paging parameters the service refuses."""

    status = 400
    reason = "Bad Request"


class Unauthorized(SignalwireError):
    """Bad credentials, or a token without the scope the operation needs."""

    status = 401
    reason = "Unauthorized"


class NotFound(SignalwireError):
    """Unknown routes and wrong methods (Rails routing misses), and lookups of unparsable numbers."""

    status = 404
    reason = "Not Found"


class NumberNotFound(NotFound):
    """No live number of the caller's project has this id (other projects' and released ones included)."""


class AddressNotFound(NotFound):
    """No address of the caller's project has this id (deleted ones included)."""


class GroupNotFound(NotFound):
    """No number group of the caller's project has this id (deleted ones included)."""


class MembershipNotFound(NotFound):
    """No live membership of the caller's project has this id."""


class PayloadTooLarge(SignalwireError):
    status = 413
    reason = "Request Entity Too Large"


class InternalServerError(SignalwireError):
    status = 500
    reason = "Internal Server Error"


class InvalidAttributes(SignalwireError):
    """The Relay REST 422: one item per problem, so a rejected request reports them all."""

    status = 422

    def __init__(self, *details: str) -> None:
        super().__init__("; ".join(details))
        self.details = list(details)

    def body(self) -> dict[str, object]:
        return {"errors": [{"detail": d, "status": "422", "title": VALIDATION_TITLE, "code": "422"} for d in self.details]}

    def render(self, conn: HTTPConnection) -> Response:
        return json_response(self.body(), self.status)


class AddressNotValidated(InvalidAttributes):
    """The carrier rejected an emergency address: the 422 list, plus the carrier's `candidates` when it has any."""

    def __init__(self, details: list[str], candidates: list[dict[str, str | None]]) -> None:
        super().__init__(*details)
        self.candidates = candidates

    def body(self) -> dict[str, object]:
        return super().body() | ({"candidates": self.candidates} if self.candidates else {})


class CouldNotPurchase(InvalidAttributes):
    """`could_not_purchase`: the number is not in the inventory, or someone holds it."""

    def __init__(self, number: str) -> None:
        super().__init__(f"Could not purchase {number}: the number is not available")


class NumberTaken(InvalidAttributes):
    """An import of a number the project already holds."""

    def __init__(self, number: str) -> None:
        super().__init__(f"number {number} has already been taken")


class PurchasedTooRecently(InvalidAttributes):
    """`purchased_too_recently`: clients parse the time out of the detail, so its wording is kept exact."""

    def __init__(self, earliest: str) -> None:
        self.earliest = earliest  # `YYYY-MM-DD HH:MM:SS`, UTC; the compatibility API words its refusal itself
        super().__init__(
            f"Number was purchased too recently to release. Please wait until {earliest} UTC to release this "
            "number, or contact Support for assistance."
        )


class NumberNotInProject(InvalidAttributes):
    """A membership naming a number the project does not hold."""

    def __init__(self) -> None:
        super().__init__("Phone number must exist")


class AlreadyInGroup(InvalidAttributes):
    def __init__(self) -> None:
        super().__init__("Phone number has already been taken")


class UnknownAddress(InvalidAttributes):
    def __init__(self) -> None:
        super().__init__("e911_address_id does not match a validated address of this project")


class UnvalidatedAddress(InvalidAttributes):
    def __init__(self) -> None:
        super().__init__("e911_address_id refers to an address that has not been validated")


class E911NotAssignable(InvalidAttributes):
    """An assignment while a change is pending (or being removed)."""

    def __init__(self, status: str | None) -> None:
        super().__init__(f"An E911 address cannot be assigned while e911_status is {status}")


class E911NotRemovable(InvalidAttributes):
    """A removal unless the address is active."""

    def __init__(self, status: str | None) -> None:
        super().__init__(
            f"The E911 address can only be removed while e911_status is active (it is {status or 'not set'})"
        )


def generic_error(kind: GenericError, detail: str) -> ProviderError:
    """Unknown routes and wrong methods are Rails routing misses, hence 404."""
    if kind in (GenericError.ROUTE_NOT_FOUND, GenericError.METHOD_NOT_ALLOWED):
        return NotFound(detail)
    if kind is GenericError.BODY_TOO_LARGE:
        return PayloadTooLarge(detail)
    if kind is GenericError.MALFORMED_BODY:
        return BadRequest(detail)
    return InternalServerError(detail)
