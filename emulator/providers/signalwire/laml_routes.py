"""The compatibility (LaML) API's rows of the route table, appended to Relay REST's in `routes.py`.

Each operation is served at its documented path under `/api/laml/2010-04-01`, at the same path
with a `.json` suffix (the form of the `uri` the API returns for a number), and at the
`.json` path under `/2010-04-01` alone, which the `signalwire` 2.x SDK requests (as its recorded
test cassettes show the service answering). The suffixed row comes first, so `{Sid}` never
swallows the suffix.
"""

from __future__ import annotations

from ...core.routing import Handler, Table
from . import laml_available, laml_numbers

ACCOUNT = "/Accounts/{AccountSid}"
OPERATIONS: list[tuple[str, str, str, Handler]] = [
    ("GET", f"{ACCOUNT}/IncomingPhoneNumbers", "laml_incoming_phone_numbers_list", laml_numbers.incoming_list),
    ("POST", f"{ACCOUNT}/IncomingPhoneNumbers", "laml_incoming_phone_numbers_create", laml_numbers.incoming_create),
    ("GET", f"{ACCOUNT}/IncomingPhoneNumbers/{{Sid}}", "laml_incoming_phone_numbers_get", laml_numbers.incoming_get),
    ("POST", f"{ACCOUNT}/IncomingPhoneNumbers/{{Sid}}", "laml_incoming_phone_numbers_update",
     laml_numbers.incoming_update),
    ("DELETE", f"{ACCOUNT}/IncomingPhoneNumbers/{{Sid}}", "laml_incoming_phone_numbers_delete",
     laml_numbers.incoming_delete),
    ("GET", f"{ACCOUNT}/AvailablePhoneNumbers/{{IsoCountry}}/Local", "laml_available_phone_numbers_local",
     laml_available.available_local),
    ("GET", f"{ACCOUNT}/AvailablePhoneNumbers/{{IsoCountry}}/TollFree", "laml_available_phone_numbers_toll_free",
     laml_available.available_toll_free),
]
# (base, suffix) of the paths each operation answers at, the documented one last.
FORMS = (("/2010-04-01", ".json"), ("/api/laml/2010-04-01", ".json"), ("/api/laml/2010-04-01", ""))

TABLE: Table = [
    (verb, f"{base}{path}{suffix}", operation_id, handler)
    for verb, path, operation_id, handler in OPERATIONS
    for base, suffix in FORMS
]
