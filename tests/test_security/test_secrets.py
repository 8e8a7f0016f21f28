"""Credentials and signing secrets never reach the logs or the journal, wherever a client puts them.

A real `telemock serve --log-format json` process is given a tenant per provider whose every
secret is a unique string; authenticated requests carry them in headers, query parameters,
cookies and bodies (right and wrong ones, conforming and contract-breaking ones), webhooks are
signed with them; then stderr, the journal and the delivery records are searched for them.
"""

from __future__ import annotations

import base64
from pathlib import Path

import httpx
import orjson
import pytest
import yaml
from test_hostile.catalog import basic, bearer

from .process import ServerProcess

VB_KEY = "VBSECRET-accesskey-4f1e9"
VB_PASSWORD = "VBSECRET-password-77ab"
VB_WRONG_PASSWORD = "VBSECRET-wrongpass-3311"
VB_WRONG_KEY = "VBSECRET-wrongkey-9921"
VB_WEBHOOK_SECRET = "VBSECRET-whsec-91c2"
SW_PROJECT = "5ec0e700-0000-4000-8000-00000000c0de"
SW_TOKEN = "SWSECRET-token-5d3e"
SW_WRONG_TOKEN = "SWSECRET-wrongtoken-6e4f"
SW_SIGNING = "SWSECRET-signing-0a9b"
VO_KEY = "VOSECRET-apikey-3c4d"
VO_TWILIO_TOKEN = "VOSECRET-twilio-auth-8e7f"
GG_KEY = "GGSECRET-apikey-1a2b"
GG_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"GGSECRET-signing-secret-material-32").decode()
BODY_TOKEN = "BODYSECRET-token-5150"
BODY_PASSWORD = "BODYSECRET-password-6160"

SECRETS = [VB_KEY, VB_PASSWORD, VB_WRONG_PASSWORD, VB_WRONG_KEY, VB_WEBHOOK_SECRET, SW_TOKEN, SW_WRONG_TOKEN,
           SW_SIGNING, VO_KEY, VO_TWILIO_TOKEN, GG_KEY, GG_WEBHOOK_SECRET, GG_WEBHOOK_SECRET.removeprefix("whsec_"),
           BODY_TOKEN, BODY_PASSWORD]

FIXTURES = {
    "voipbin": {"customers": [{
        "tenant": "sec", "id": "5ec0e700-0000-4000-8000-0000000000b1", "webhook_secret": VB_WEBHOOK_SECRET,
        "webhook_uri": "http://127.0.0.1:9/voipbin-hooks",
        "accesskeys": [{"key": VB_KEY}], "users": [{"username": "sec-user", "password": VB_PASSWORD}],
        "flows": [{"id": "5ec0e700-0000-4000-8000-0000000000f1", "name": "sec flow", "actions": [{"type": "answer"}]}],
        "numbers": [{"number": "+899100000555", "type": "virtual", "call_flow": "sec flow"}],
    }]},
    "signalwire": {"projects": [{
        "tenant": "sec", "project_id": SW_PROJECT, "signing_key": SW_SIGNING, "tokens": [{"token": SW_TOKEN}],
        "numbers": [{"id": "5ec0e700-0000-4000-8000-00000000aa01", "number": "+15035550555", "purchased_days_ago": 30,
                     "call_handler": "laml_webhooks", "call_request_url": "http://127.0.0.1:9/sw-voice"}],
    }]},
    "voiceos": {"accounts": [{
        "tenant": "sec", "id": "acc_5ec0e7005ec0e7005ec0e700", "api_keys": [VO_KEY],
        "numbers": [{"id": "pn_5ec0e7005ec0e7005ec0e700", "phone_number": "+13105550555",
                     "created_at": "2024-06-01T10:00:00Z",
                     "telephony": {"account_sid": "AC5ec0e700", "auth_token": VO_TWILIO_TOKEN}}],
    }]},
    "gigs": {"projects": [{
        "id": "sec", "api_keys": [{"key": GG_KEY, "id": "apk_Sec0001"}],
        "users": [{"id": "usr_Sec0001", "email": "sec@example.com"}],
        "subscriptions": [{"id": "sub_Sec0001", "user": "usr_Sec0001", "status": "active"}],
        "webhook_endpoints": [{"url": "http://127.0.0.1:9/gigs-hooks", "secret": GG_WEBHOOK_SECRET}],
    }]},
}


def send_everything(url: str) -> None:
    """Authenticated requests with the secrets in every place a client may put them."""
    with httpx.Client(base_url=url, timeout=10) as http:
        vb = {"accesskey": VB_KEY}
        assert http.get("/voipbin/v1.0/numbers", params=vb).status_code == 200
        assert http.get("/voipbin/v1.0/customer", params=vb).status_code == 200  # its body holds the webhook secret
        assert http.get("/voipbin/v1.0/flows", headers={"Cookie": f"accesskey={VB_KEY}"}).status_code == 200
        assert http.get("/voipbin/v1.0/numbers", params={"accesskey": VB_WRONG_KEY}).status_code == 401
        login = http.post("/voipbin/auth/login", json={"username": "sec-user", "password": VB_PASSWORD})
        assert login.status_code == 200
        token = login.json()["token"]
        SECRETS.append(token)
        assert http.post("/voipbin/auth/login", json={"username": "sec-user", "password": VB_WRONG_PASSWORD}).status_code == 400
        assert http.post("/voipbin/auth/login", content=b'{"username": "sec-user", "password": "' + VB_WRONG_PASSWORD.encode() + b'", ',
                         headers={"Content-Type": "application/json"}).status_code == 400
        assert http.get("/voipbin/v1.0/numbers", params={"token": token}).status_code == 200
        assert http.get("/voipbin/v1.0/numbers", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert http.get("/voipbin/v1.0/numbers", headers={"Cookie": f"token={token}"}).status_code == 200
        # Contract-breaking bodies whose violations quote the secret-bearing fields.
        http.post("/voipbin/v1.0/activeflows", params=vb, json={"token": BODY_TOKEN, "password": BODY_PASSWORD})
        http.post("/voipbin/auth/login", params={"accesskey": VB_KEY}, json={"username": "sec-user", "password": VB_WRONG_PASSWORD})

        sw = dict([basic(SW_PROJECT, SW_TOKEN)])
        assert http.get("/signalwire/api/relay/rest/phone_numbers", headers=sw).status_code == 200
        assert http.get("/signalwire/api/relay/rest/phone_numbers",
                        headers=dict([basic(SW_PROJECT, SW_WRONG_TOKEN)])).status_code == 401
        assert http.get("/signalwire/api/relay/rest/phone_numbers", params={"token": SW_TOKEN},
                        headers={"Cookie": f"token={SW_TOKEN}"}).status_code == 401

        vo = dict([bearer(VO_KEY)])
        assert http.get("/voiceos/phone_numbers/+13105550555", headers=vo).status_code == 200  # holds the Twilio token
        assert http.get("/voiceos/phone_numbers", headers={"X-API-Key": VO_KEY}).status_code == 401
        assert http.get("/voiceos/agents", params={"api_key": VO_KEY}).status_code == 401

        gg = dict([bearer(GG_KEY)])
        created = http.post("/gigs/projects/sec/virtualNumbers", headers=gg, json={"subscription": "sub_Sec0001"})
        assert created.status_code == 201
        http.post("/gigs/projects/sec/virtualNumbers", headers=gg, json={"subscription": "sub_Sec0001", "secret": BODY_TOKEN})

        admin = f"{url}/_telemock"
        assert http.post(f"{admin}/simulate/inbound-call",
                         json={"provider": "signalwire", "to": "+15035550555", "from": "+15550001111"}).status_code == 200
        assert http.post(f"{admin}/simulate/inbound-call",
                         json={"provider": "voipbin", "to": "+899100000555", "from": "+15550001111"}).status_code == 200
        waited = http.get(f"{admin}/deliveries", params={"provider": "gigs", "wait_for": 1, "timeout": 10}).json()
        assert waited["count"] >= 1


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> tuple[ServerProcess, str, str, str]:
    folder = tmp_path_factory.mktemp("secrets")
    fixtures = folder / "secrets.yaml"
    fixtures.write_text(yaml.safe_dump(FIXTURES), encoding="utf-8")
    server = ServerProcess.serve("--log-format", "json", "--log-level", "debug",
                                 "--fixtures", "default", "--fixtures", str(fixtures), log_dir=Path(folder))
    try:
        send_everything(server.url)
        with httpx.Client(base_url=f"{server.url}/_telemock", timeout=10) as admin:
            journal = admin.get("/journal").text
            deliveries = admin.get("/deliveries").text
    finally:
        stderr = server.stop()
    return server, stderr, journal, deliveries


def found(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def test_the_logs_never_show_a_secret(served) -> None:
    _, stderr, _, _ = served
    lines = [line for line in stderr.splitlines() if line.strip()]
    records = [orjson.loads(line) for line in lines]  # one JSON object per line, all of them
    assert sum(1 for r in records if r.get("provider")) >= 20, "the requests were logged"
    assert any(r.get("violations") for r in records), "the contract warnings were logged"
    assert found(stderr) == []


def test_the_journal_never_shows_a_secret(served) -> None:
    _, _, journal, _ = served
    entries = orjson.loads(journal)["entries"]
    assert len(entries) >= 20
    masked = [e for e in entries if "****" in orjson.dumps(e).decode()]
    assert len(masked) >= 15, "credentials were journaled masked, not dropped"
    assert found(journal) == []


def test_webhook_records_carry_signatures_not_secrets(served) -> None:
    _, _, _, deliveries = served
    records = orjson.loads(deliveries)["deliveries"]
    assert {r["provider"] for r in records} >= {"gigs"}
    signed = [a["request"]["headers"] for r in records for a in r["attempts"] if r["provider"] == "gigs"]
    assert signed and all("webhook-signature" in {k.lower() for k in headers} for headers in signed)
    assert found(deliveries) == []
