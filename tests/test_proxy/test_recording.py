"""`--record DIR`: one masked YAML file per exchange, named by sequence, provider and operation."""

from __future__ import annotations

import base64
import re
import stat
from pathlib import Path

import pytest
import yaml

from telemock.emulator.proxy.masking import MaskRules
from telemock.emulator.proxy.recordings import load_recordings

from .support import DEMO

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
NEW_NUMBER = "+899123000777"


def record_a_session(proxy) -> str:
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    assert voipbin.get("/v1.0/numbers").status_code == 200
    created = voipbin.post("/v1.0/numbers", json={"number": NEW_NUMBER, "type": "virtual"}).json()
    assert voipbin.get(f"/v1.0/numbers/{created['id']}").status_code == 200
    assert proxy.client("/signalwire", **DEMO["signalwire"][0]).get("/api/relay/rest/phone_numbers").status_code == 200
    return created["id"]


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_each_exchange_is_one_file_named_by_sequence_provider_and_operation(upstream, start_proxy, tmp_path):
    folder = tmp_path / "recordings"
    record_a_session(start_proxy(upstream, record=folder))
    assert sorted(p.name for p in folder.glob("*.yaml")) == [
        "0001-voipbin-numbers_list.yaml",
        "0002-voipbin-numbers_create.yaml",
        "0003-voipbin-numbers_get.yaml",
        "0004-signalwire-phone_numbers_list.yaml",
    ]
    created = read(folder / "0002-voipbin-numbers_create.yaml")
    assert created["provider"] == "voipbin" and created["kind"] == "request" and created["sequence"] == 2
    assert created["upstream"] == f"{upstream.url}/voipbin"
    assert created["request"]["method"] == "POST" and created["request"]["path"] == "/v1.0/numbers"
    assert created["request"]["body_format"] == "json" and created["request"]["body"]["type"] == "virtual"
    assert created["response"]["status"] == 200 and created["response"]["headers"]["content-type"] == "application/json"
    assert created["response"]["body"]["status"] == "active"


def test_credentials_are_masked_and_never_written(upstream, start_proxy, tmp_path):
    folder = tmp_path / "recordings"
    record_a_session(start_proxy(upstream, record=folder))
    text = "\n".join(p.read_text() for p in folder.glob("*.yaml"))
    basic = base64.b64encode(b"3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f:PTdemo_token").decode()
    for secret in ("voipbin_demo_accesskey", "PTdemo_token", basic):
        assert secret not in text
    assert read(folder / "0001-voipbin-numbers_list.yaml")["request"]["query"] == {"accesskey": ["****"]}
    assert read(folder / "0004-signalwire-phone_numbers_list.yaml")["request"]["headers"]["authorization"] == "Basic ****"


def test_phone_numbers_get_one_pseudonym_of_the_same_shape_everywhere(upstream, start_proxy, tmp_path):
    folder = tmp_path / "recordings"
    number_id = record_a_session(start_proxy(upstream, record=folder))
    text = "\n".join(p.read_text() for p in folder.glob("*.yaml"))
    for real in (NEW_NUMBER, "+821100000001", "+15035550110"):  # one created, two from the fixtures
        assert real not in text
    created = read(folder / "0002-voipbin-numbers_create.yaml")
    pseudonym = created["request"]["body"]["number"]
    assert pseudonym != NEW_NUMBER and E164.match(pseudonym) and len(pseudonym) == len(NEW_NUMBER)
    assert pseudonym.startswith(NEW_NUMBER[:4]) and pseudonym[4:] != NEW_NUMBER[4:]  # "+" and three digits stay
    assert created["response"]["body"]["number"] == pseudonym
    fetched = read(folder / "0003-voipbin-numbers_get.yaml")
    assert fetched["request"]["path"] == f"/v1.0/numbers/{number_id}"  # ids are not personal data
    assert fetched["response"]["body"]["number"] == pseudonym
    listed = [n["number"] for n in read(folder / "0001-voipbin-numbers_list.yaml")["response"]["body"]["result"]]
    assert all(E164.match(n) for n in listed) and pseudonym not in listed


def test_the_pseudonym_key_stays_beside_the_recordings_and_out_of_git(upstream, start_proxy, tmp_path):
    folder = tmp_path / "recordings"
    record_a_session(start_proxy(upstream, record=folder))
    key = folder / ".mask-key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(bytes.fromhex(key.read_text().strip())) == 32
    assert ".mask-key" in (folder / ".gitignore").read_text().splitlines()


def test_recording_again_continues_the_numbering_and_the_pseudonyms(upstream, start_proxy, tmp_path):
    folder = tmp_path / "recordings"
    record_a_session(start_proxy(upstream, record=folder))
    first = read(folder / "0002-voipbin-numbers_create.yaml")["request"]["body"]["number"]
    upstream.admin().post("/reset").raise_for_status()
    record_a_session(start_proxy(upstream, record=folder))
    assert len(list(folder.glob("*.yaml"))) == 8
    assert read(folder / "0006-voipbin-numbers_create.yaml")["request"]["body"]["number"] == first
    assert [r.sequence for r in load_recordings(folder)] == list(range(1, 9))


def test_the_users_rules_extend_telemocks(upstream, start_proxy, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "headers: [X-Session]\n"
        "fields: [detail]\n"
        "pointers: [/result/*/customer_id]\n"
        "patterns:\n"
        "  - {regex: 'talk flow', keep: 4}\n"
    )
    folder = tmp_path / "recordings"
    proxy = start_proxy(upstream, record=folder, mask_rules=rules)
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"}, headers={"X-Session": "s3cr3t"})
    listed = voipbin.get("/v1.0/numbers").json()["result"]
    recorded = read(folder / "0001-voipbin-numbers_list.yaml")
    assert recorded["request"]["headers"]["x-session"] == "****"
    assert "s3cr3t" not in (folder / "0001-voipbin-numbers_list.yaml").read_text()
    assert {n["detail"] for n in recorded["response"]["body"]["result"]} == {"****"}
    customer = listed[0]["customer_id"]
    masked = {n["customer_id"] for n in recorded["response"]["body"]["result"]}
    assert len(masked) == 1 and customer not in masked  # one customer, one pseudonym
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", masked.pop())  # still a uuid
    flows = voipbin.get("/v1.0/flows").json()["result"]
    recorded_flows = read(folder / "0002-voipbin-flows_list.yaml")["response"]["body"]["result"]
    talk = next(i for i, flow in enumerate(flows) if flow["name"] == "talk flow")
    assert recorded_flows[talk]["name"].startswith("talk") and recorded_flows[talk]["name"] != "talk flow"
    assert len(recorded_flows[talk]["name"]) == len("talk flow")


@pytest.mark.parametrize("content, problem", [
    ("- a list", "the rules are a mapping"),
    ("colour: [x]", "unknown key(s) colour"),
    ("headers: x-one", "headers: a list of non-empty strings"),
    ("pointers: [result/name]", "is not a JSON pointer"),
    ("patterns: ['(unclosed']", "patterns: '(unclosed'"),
    ("patterns: [{regex: '\\d+', keep: -1}]", "is not a regex or {regex: ..., keep: N}"),
])
def test_a_broken_rules_file_is_refused_with_the_reason(tmp_path, content, problem):
    rules = tmp_path / "rules.yaml"
    rules.write_text(content)
    with pytest.raises(ValueError) as caught:
        MaskRules.load(rules)
    assert str(caught.value).startswith(f"{rules}: ") and problem in str(caught.value)


def test_credentials_named_by_their_name_are_masked_wherever_they_are(upstream, start_proxy, tmp_path):
    """VoiceOS webhooks carry their receiver's credential in `headers`; a client may send its own header."""
    folder = tmp_path / "recordings"
    proxy = start_proxy(upstream, record=folder)
    voiceos = proxy.client("/voiceos", headers={"Authorization": "Bearer voiceos_demo_key", "X-Auth-Token": "tok-123"})
    hook = {"events": ["phone_call:connection_requested"], "url": "https://hooks.example/x", "method": "POST",
            "headers": {"X-Secret": "s3cr3t", "X-Tenant": "acme"}}
    assert voiceos.patch("/phone_numbers/%2B14155550100", json={"webhooks": [hook]}).status_code == 200
    recorded = read(next(folder.glob("0001-voiceos-*.yaml")))
    assert recorded["request"]["headers"]["x-auth-token"] == "****"
    assert recorded["request"]["body"]["webhooks"][0]["headers"] == {"X-Secret": "****", "X-Tenant": "acme"}
    assert recorded["response"]["body"]["webhooks"][0]["headers"]["X-Secret"] == "****"
    text = next(folder.glob("0001-voiceos-*.yaml")).read_text()
    assert "s3cr3t" not in text and "tok-123" not in text and "voiceos_demo_key" not in text
