"""SignalWire's route table: real paths, each named by its operationId in contracts/specs/signalwire.yaml."""

from __future__ import annotations

from ...core.routing import Table
from . import addresses, e911, imported, lookup, number_groups, numbers, search
from . import laml_routes

# search comes before {id} so the literal path wins.
TABLE: Table = [
    ("GET", "/api/relay/rest/phone_numbers", "phone_numbers_list", numbers.numbers_list),
    ("POST", "/api/relay/rest/phone_numbers", "phone_numbers_purchase", numbers.numbers_purchase),
    ("GET", "/api/relay/rest/phone_numbers/search", "phone_numbers_search", search.numbers_search),
    ("GET", "/api/relay/rest/phone_numbers/{id}", "phone_numbers_get", numbers.numbers_get),
    ("PUT", "/api/relay/rest/phone_numbers/{id}", "phone_numbers_update", numbers.numbers_update),
    ("DELETE", "/api/relay/rest/phone_numbers/{id}", "phone_numbers_release", numbers.numbers_release),
    ("POST", "/api/relay/rest/phone_numbers/{id}/e911_address", "e911_address_assign", e911.assign),
    ("DELETE", "/api/relay/rest/phone_numbers/{id}/e911_address", "e911_address_remove", e911.remove),
    ("GET", "/api/relay/rest/addresses", "addresses_list", addresses.addresses_list),
    ("POST", "/api/relay/rest/addresses", "addresses_create", addresses.addresses_create),
    ("GET", "/api/relay/rest/addresses/{id}", "addresses_get", addresses.addresses_get),
    ("PUT", "/api/relay/rest/addresses/{id}", "addresses_update", addresses.addresses_update),
    ("DELETE", "/api/relay/rest/addresses/{id}", "addresses_delete", addresses.addresses_delete),
    ("GET", "/api/relay/rest/number_groups", "number_groups_list", number_groups.groups_list),
    ("POST", "/api/relay/rest/number_groups", "number_groups_create", number_groups.groups_create),
    ("GET", "/api/relay/rest/number_groups/{id}", "number_groups_get", number_groups.groups_get),
    ("PUT", "/api/relay/rest/number_groups/{id}", "number_groups_update", number_groups.groups_update),
    ("DELETE", "/api/relay/rest/number_groups/{id}", "number_groups_delete", number_groups.groups_delete),
    ("GET", "/api/relay/rest/number_groups/{NumberGroupId}/number_group_memberships",
     "number_group_memberships_list", number_groups.memberships_list),
    ("POST", "/api/relay/rest/number_groups/{NumberGroupId}/number_group_memberships",
     "number_group_memberships_create", number_groups.memberships_create),
    ("GET", "/api/relay/rest/number_group_memberships/{id}", "number_group_memberships_get", number_groups.memberships_get),
    ("DELETE", "/api/relay/rest/number_group_memberships/{id}",
     "number_group_memberships_delete", number_groups.memberships_delete),
    ("POST", "/api/relay/rest/imported_phone_numbers", "imported_phone_numbers_create", imported.imported_create),
    ("GET", "/api/relay/rest/lookup/phone_number/{e164_number}", "lookup_phone_number", lookup.lookup_phone_number),
    # The compatibility (LaML) API: the same numbers, Twilio-style.
    *laml_routes.TABLE,
]
