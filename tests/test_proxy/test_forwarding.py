"""The proxy forwards each request unchanged, answers with the upstream's answer, and judges both."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from telemock.cli import main

from .support import DEMO, PROVIDERS, journal


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_list_through_the_proxy_is_the_upstreams_answer(upstream, start_proxy, provider):
    proxy = start_proxy(upstream)
    auth, path = DEMO[provider]
    direct = upstream.client(f"/{provider}", **auth).get(path)
    proxied = proxy.client(f"/{provider}", **auth).get(path)
    assert proxied.status_code == direct.status_code == 200
    assert proxied.json() == direct.json()
    assert proxied.headers["content-type"] == direct.headers["content-type"]
    [entry] = journal(proxy, provider=provider)
    assert entry["operation"] == journal(upstream, provider=provider)[-1]["operation"]
    assert entry["status"] == 200 and entry["violations"] == []


def test_credentials_reach_the_upstream_and_are_masked_in_the_journal(upstream, start_proxy):
    proxy = start_proxy(upstream)
    signalwire = proxy.client("/signalwire", auth=DEMO["signalwire"][0]["auth"])
    assert signalwire.get("/api/relay/rest/phone_numbers").status_code == 200  # the upstream accepted them
    wrong = proxy.client("/signalwire", auth=("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTwrong"))
    assert wrong.get("/api/relay/rest/phone_numbers").status_code == 401  # the upstream's own refusal
    entries = journal(proxy, provider="signalwire")
    assert [e["headers"]["authorization"] for e in entries] == ["Basic ****", "Basic ****"]
    assert "PTdemo_token" not in str(entries)


def test_a_change_through_the_proxy_happens_upstream(upstream, start_proxy):
    proxy = start_proxy(upstream)
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    created = voipbin.post("/v1.0/numbers", json={"number": "+899123000999", "type": "virtual"})
    assert created.status_code == 200
    number_id = created.json()["id"]
    direct = upstream.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"}).get(f"/v1.0/numbers/{number_id}")
    assert direct.status_code == 200 and direct.json()["number"] == "+899123000999"
    [upstream_entry] = journal(upstream, provider="voipbin", method="POST")
    assert upstream_entry["body"] == '{"number":"+899123000999","type":"virtual"}'  # the body as the client sent it


def test_a_request_by_real_host_reaches_its_provider(upstream, start_proxy):
    proxy = start_proxy(upstream)
    client = proxy.client("", headers={"Host": "api.voipbin.net"}, params={"accesskey": "voipbin_demo_accesskey"})
    response = client.get("/v1.0/numbers")
    assert response.status_code == 200 and response.json()["result"]
    assert journal(proxy)[-1]["provider"] == "voipbin"


def test_an_encoded_path_is_forwarded_as_the_client_encoded_it(upstream, start_proxy):
    proxy = start_proxy(upstream)
    voiceos = proxy.client("/voiceos", **DEMO["voiceos"][0])
    response = voiceos.get("/phone_numbers/%2B14155550100")
    assert response.status_code == upstream.client("/voiceos", **DEMO["voiceos"][0]).get("/phone_numbers/%2B14155550100").status_code
    assert journal(upstream, provider="voiceos")[-1]["path"] == "/voiceos/phone_numbers/+14155550100"


def test_the_clients_own_departures_are_its_verdict_not_drift(upstream, start_proxy):
    proxy = start_proxy(upstream)
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    voipbin.post("/v1.0/numbers", json={"number": "+899123000998", "type": "virtul"})
    [entry] = journal(proxy, provider="voipbin", violations="true")
    assert any(v["location"] == "body/type" for v in entry["violations"])
    assert not any(v.get("drift") for v in entry["violations"])


def test_an_observed_upstream_shows_up_as_drift_against_the_documented_contract(observed_upstream, start_proxy):
    proxy = start_proxy(observed_upstream)
    response = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"}).get("/v1.0/numbers")
    assert response.status_code == 200
    [entry] = journal(proxy, provider="voipbin")
    drift = [v for v in entry["violations"] if v.get("drift")]
    assert drift and drift == entry["violations"]  # the client asked correctly; the provider's answer departs
    assert "response.body/result/0/tm_purchase" in {v["location"] for v in drift}
    summary = proxy.admin().get("/journal/summary").json()["providers"]["voipbin"]["numbers_list"]
    assert summary == {"requests": 1, "violating": 1, "violations": len(drift), "drift": 1}


def test_a_documented_upstream_shows_no_drift(upstream, start_proxy):
    proxy = start_proxy(upstream)
    for provider in PROVIDERS:
        auth, path = DEMO[provider]
        assert proxy.client(f"/{provider}", **auth).get(path).status_code == 200
    assert journal(proxy, violations="true") == []
    assert all("drift" not in row for ops in proxy.admin().get("/journal/summary").json()["providers"].values()
               for row in ops.values())


def test_telemock_report_shows_the_providers_drift(observed_upstream, start_proxy):
    proxy = start_proxy(observed_upstream)
    proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"}).get("/v1.0/numbers")
    result = CliRunner().invoke(main, ["report", "--url", proxy.url, "--violations"])
    assert result.exit_code == 0, result.output
    header = result.output.splitlines()[0].split()
    assert header == ["provider", "operation", "requests", "violating", "violations", "drift"]
    assert "[drift] response.body/result/0/tm_purchase: null is not of type \"string\"" in result.output


def test_the_control_apis_faults_apply_in_front_of_the_real_provider(upstream, start_proxy):
    proxy = start_proxy(upstream)
    rule: dict[str, Any] = {"provider": "voipbin", "operation": "numbers_list", "effect": "status", "status": 429,
                            "retry_after": 3, "count": 1}
    assert proxy.admin().post("/faults", json=rule).status_code == 201
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    refused = voipbin.get("/v1.0/numbers")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3"
    assert voipbin.get("/v1.0/numbers").status_code == 200
    assert len(journal(upstream, provider="voipbin")) == 1  # the refused request never left the proxy


def test_the_documented_spec_is_served_by_the_proxy_itself(upstream, start_proxy):
    proxy = start_proxy(upstream)
    spec = proxy.client("/voipbin").get("/openapi.json")
    assert spec.status_code == 200 and spec.json()["servers"][0]["url"] == f"{proxy.url}/voipbin"
    assert journal(upstream) == []


def test_the_proxy_holds_no_tenants_of_its_own(upstream, start_proxy):
    proxy = start_proxy(upstream)
    state = proxy.admin().get("/state").json()
    assert all(p["tenants"] == {} for p in state["providers"].values())
    assert proxy.admin().post("/reset").status_code == 200
    assert all(p["tenants"] == {} for p in proxy.admin().get("/state").json()["providers"].values())
