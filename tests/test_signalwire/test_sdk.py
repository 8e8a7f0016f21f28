"""The official `signalwire-sdk` REST client, unchanged, against the emulator, in both profiles.

The SDK speaks plain http to a loopback host (`127.0.0.1:PORT`), and its host string may carry
a path, so `host="127.0.0.1:PORT/signalwire"` reaches the mounted provider.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from test_signalwire.helpers import AUTH, RECENT, state

rest = pytest.importorskip("signalwire.rest")

# What a search item calls its number: the current reference's key, or the one production sends.
SEARCH_KEY = {"documented": "number", "observed": "e164"}


def test_search_buy_list_get_update_release(server, sdk, profile):
    found = sdk.phone_numbers.search(areacode="512", max_results=5)
    if profile == "documented":
        search = "/api/relay/rest/phone_numbers/search?areacode=512&max_results=5"
        assert found["links"] == {"self": search, "first": search}
    else:
        assert found["links"] == {}
    key = SEARCH_KEY[profile]
    offered = [item[key] for item in found["data"]]
    assert offered and all(n.startswith("+1512") for n in offered)

    bought = sdk.phone_numbers.create(number=offered[0])
    assert bought["number"] == offered[0]
    assert bought["call_handler"] == "laml_webhooks"
    assert offered[0] not in [i[key] for i in sdk.phone_numbers.search(areacode="512")["data"]]

    first_page = sdk.phone_numbers.list(page_size=2)
    assert first_page["data"][0]["id"] == bought["id"]  # newest first
    assert "next" in first_page["links"]
    walked = [item["id"] for item in sdk.phone_numbers.paginate(page_size=2)]
    assert len(walked) == len(set(walked)) == 5
    assert walked[0] == bought["id"]

    assert sdk.phone_numbers.get(bought["id"])["number"] == offered[0]

    updated = sdk.phone_numbers.update(bought["id"], name="Sales", call_request_method="GET")
    assert updated["name"] == "Sales" and updated["call_request_method"] == "GET"
    hooked = sdk.phone_numbers.set_swml_webhook(bought["id"], "https://example.com/swml")
    assert hooked["call_handler"] == "relay_script"
    assert hooked["call_relay_script_url"] == "https://example.com/swml"
    assert hooked["name"] == "Sales"  # merge: untouched fields stay
    agent = sdk.phone_numbers.set_ai_agent(bought["id"], "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")
    assert agent["call_handler"] == "ai_agent" and agent["calling_handler_resource_id"]

    with pytest.raises(rest.SignalWireRestError) as refused:
        sdk.phone_numbers.delete(bought["id"])
    assert refused.value.status_code == 422
    assert "purchased too recently" in refused.value.body["errors"][0]["detail"]

    admin = server.admin()
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/advance", json={"seconds": 15 * 86400}).raise_for_status()
    assert sdk.phone_numbers.delete(bought["id"]) == {}
    with pytest.raises(rest.SignalWireRestError) as gone:
        sdk.phone_numbers.get(bought["id"])
    assert gone.value.status_code == 404
    assert bought["id"] not in state(server)["numbers"] or state(server)["numbers"][bought["id"]]["released_us"]


def test_update_errors_and_bad_credentials(server, sdk):
    with pytest.raises(rest.SignalWireRestError) as bad:
        sdk.phone_numbers.update(RECENT, call_handler="laml_webhooks", call_request_method="PATCH")
    assert bad.value.status_code == 422
    stranger = rest.RestClient(project=AUTH[0], token="wrong", host=f"{urlsplit(server.url).netloc}/signalwire")
    with pytest.raises(rest.SignalWireRestError) as denied:
        stranger.phone_numbers.list()
    assert denied.value.status_code == 401
    assert denied.value.body == {"error": "Unauthorized"}


def test_imported_numbers_and_lookup(server, sdk):
    created = sdk.imported_numbers.create(number="+4915223433332", number_type="longcode", capabilities=["voice"])
    assert created["number"] == "+4915223433332" and created["capabilities"] == ["voice"]
    assert created["next_billed_at"] is None
    looked = sdk.lookup.phone_number("+15125550142", include="carrier,cnam")
    assert looked["national_number_formatted"] == "(512) 555-0142"
    assert set(looked["carrier"]) >= {"lrn", "lec", "linetype"} and "caller_id" in looked["cnam"]
