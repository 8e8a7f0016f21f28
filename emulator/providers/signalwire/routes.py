"""SignalWire's route table: real paths, each named by its operationId in contracts/specs/signalwire.yaml."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from ...core.routing import table_routes
from . import e911, imported, lookup, numbers, search

if TYPE_CHECKING:
    from .provider import SignalwireProvider

Handler = Callable[["SignalwireProvider", Request], Awaitable[Response]]
BASE = "/api/relay/rest"

# search comes before {id} so the literal path wins.
TABLE: list[tuple[str, str, str, Handler]] = [
    ("GET", "/phone_numbers", "phone_numbers_list", numbers.numbers_list),
    ("POST", "/phone_numbers", "phone_numbers_purchase", numbers.numbers_purchase),
    ("GET", "/phone_numbers/search", "phone_numbers_search", search.numbers_search),
    ("GET", "/phone_numbers/{id}", "phone_numbers_get", numbers.numbers_get),
    ("PUT", "/phone_numbers/{id}", "phone_numbers_update", numbers.numbers_update),
    ("DELETE", "/phone_numbers/{id}", "phone_numbers_release", numbers.numbers_release),
    ("POST", "/phone_numbers/{id}/e911_address", "e911_address_assign", e911.assign),
    ("DELETE", "/phone_numbers/{id}/e911_address", "e911_address_remove", e911.remove),
    ("POST", "/imported_phone_numbers", "imported_phone_numbers_create", imported.imported_create),
    ("GET", "/lookup/phone_number/{e164_number}", "lookup_phone_number", lookup.lookup_phone_number),
]


def build_routes(provider: SignalwireProvider) -> list[BaseRoute]:
    return table_routes(provider, TABLE, BASE)
