"""The hot operations of each provider, as wrk sends them, with the demo credentials of fixtures/default.yaml.

Each operation is written once with telemock's path (provider prefix included); Prism serves
one spec per process without the prefix, WireMock and the bare-Starlette ceiling answer on the
very same path. Creates send a fresh number on every request (lua/create.lua); the others send
the same request each time (lua/static.lua).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

from common import CACHE

VOIPBIN_KEY = "accesskey=voipbin_demo_accesskey"
VOIPBIN_NUMBER = "0b266038-844b-11ec-97d8-63ba531361ce"
VOIPBIN_FLOW_CALL = "d157ce07-0360-4cad-9007-c8ab89fccf9c"
VOIPBIN_FLOW_MESSAGE = "3b0c7c5e-6f0a-4c4e-8d77-2a6f1f0e9a01"
SIGNALWIRE_AUTH = "Basic " + base64.b64encode(b"3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f:PTdemo_token").decode()
SIGNALWIRE_NUMBER = "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b"
VOICEOS_AUTH = "Bearer voiceos_demo_key"
VOICEOS_NUMBER = "%2B14155550100"
VOICEOS_AGENT = "agt_62f9a507d6373d81b927a3dc"
GIGS_AUTH = "Bearer gigs_demo_key"
GIGS_NUMBER = "vnr_0SNlurA049MEWV29mxRtSMDnKtUD"
GIGS_SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"

# SignalWire sells only numbers its search inventory offers: creates buy from this generated range.
SIGNALWIRE_INVENTORY_FORMAT = "+1503%07d"
SIGNALWIRE_INVENTORY_START = 2_000_000  # +15032000000: exchange 200, a valid NANP number
SIGNALWIRE_INVENTORY_SIZE = 30_000  # a 1-second create run buys up to ~15,000


@dataclass(frozen=True)
class Op:
    provider: str
    kind: str  # get | list | update | create
    method: str
    path: str  # telemock's path, provider prefix included
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    number_format: str = ""  # creates: printf format of the number, filled with a counter
    counter_start: int = 0

    @property
    def key(self) -> str:
        return f"{self.provider} {self.kind}"

    @property
    def label(self) -> str:
        return f"{self.provider} {self.kind} ({self.method})"

    @property
    def unprefixed_path(self) -> str:
        return self.path[len(self.provider) + 1 :]

    @property
    def route_key(self) -> str:
        """METHOD and decoded path, as an ASGI app sees them (the key of captured answers)."""
        return f"{self.method} {unquote(urlsplit(self.path).path)}"

    @property
    def script(self) -> str:
        return "create.lua" if self.number_format else "static.lua"

    def wrk_env(self) -> dict[str, str]:
        env = {
            "WRK_METHOD": self.method,
            "WRK_HEADERS": "\n".join(f"{k}: {v}" for k, v in self.headers.items()),
        }
        if self.number_format:
            env["WRK_BODY_TEMPLATE"] = self.body
            env["WRK_NUMBER_FORMAT"] = self.number_format
            env["WRK_COUNTER_START"] = str(self.counter_start)
        elif self.body:
            env["WRK_BODY"] = self.body
        return env

    def sample_body(self) -> str:
        """The body of the first request a create run sends (for captures and checks)."""
        if self.number_format:
            return self.body.replace("{number}", self.number_format % (self.counter_start + 1))
        return self.body


JSON = {"Content-Type": "application/json"}

OPS: list[Op] = [
    Op("voipbin", "get", "GET", f"/voipbin/v1.0/numbers/{VOIPBIN_NUMBER}?{VOIPBIN_KEY}"),
    Op("voipbin", "list", "GET", f"/voipbin/v1.0/numbers?{VOIPBIN_KEY}"),
    Op("voipbin", "update", "PUT", f"/voipbin/v1.0/numbers/{VOIPBIN_NUMBER}?{VOIPBIN_KEY}", dict(JSON),
       f'{{"name":"bench","detail":"updated by wrk","call_flow_id":"{VOIPBIN_FLOW_CALL}",'
       f'"message_flow_id":"{VOIPBIN_FLOW_MESSAGE}"}}'),
    Op("voipbin", "create", "POST", f"/voipbin/v1.0/numbers?{VOIPBIN_KEY}", dict(JSON),
       '{"number":"{number}","name":"bench"}', number_format="+1202%07d", counter_start=2_000_000),
    Op("signalwire", "get", "GET", f"/signalwire/api/relay/rest/phone_numbers/{SIGNALWIRE_NUMBER}",
       {"Authorization": SIGNALWIRE_AUTH}),
    Op("signalwire", "list", "GET", "/signalwire/api/relay/rest/phone_numbers", {"Authorization": SIGNALWIRE_AUTH}),
    Op("signalwire", "update", "PUT", f"/signalwire/api/relay/rest/phone_numbers/{SIGNALWIRE_NUMBER}",
       {"Authorization": SIGNALWIRE_AUTH, **JSON},
       '{"name":"bench","call_handler":"laml_webhooks","call_request_url":"https://example.com/signalwire/voice"}'),
    Op("signalwire", "create", "POST", "/signalwire/api/relay/rest/phone_numbers",
       {"Authorization": SIGNALWIRE_AUTH, **JSON}, '{"number":"{number}"}',
       number_format=SIGNALWIRE_INVENTORY_FORMAT, counter_start=SIGNALWIRE_INVENTORY_START),
    Op("voiceos", "get", "GET", f"/voiceos/phone_numbers/{VOICEOS_NUMBER}", {"Authorization": VOICEOS_AUTH}),
    Op("voiceos", "list", "GET", "/voiceos/phone_numbers", {"Authorization": VOICEOS_AUTH}),
    Op("voiceos", "update", "PATCH", f"/voiceos/phone_numbers/{VOICEOS_NUMBER}", {"Authorization": VOICEOS_AUTH, **JSON},
       f'{{"inbound_agent_id":"{VOICEOS_AGENT}"}}'),
    Op("voiceos", "create", "POST", "/voiceos/phone_numbers/buy", {"Authorization": VOICEOS_AUTH, **JSON},
       '{"phone_number":"{number}"}', number_format="+1646%07d", counter_start=3_000_000),
    Op("gigs", "get", "GET", f"/gigs/projects/demo/virtualNumbers/{GIGS_NUMBER}", {"Authorization": GIGS_AUTH}),
    Op("gigs", "list", "GET", "/gigs/projects/demo/virtualNumbers", {"Authorization": GIGS_AUTH}),
    # Gigs has no update of a virtual number (no PUT or PATCH in its API): nothing to measure there.
    # The create body does not vary, so it is sent as it is; every request still makes a new number.
    Op("gigs", "create", "POST", "/gigs/projects/demo/virtualNumbers", {"Authorization": GIGS_AUTH, **JSON},
       f'{{"subscription":"{GIGS_SUBSCRIPTION}"}}'),
]

PROVIDERS = ("voipbin", "signalwire", "voiceos", "gigs")


def bench_settings_fixture() -> Path:
    """A settings-only fixture loaded after fixtures/default.yaml so that creates can go on for a whole run.

    Default numbers cost VoIPBIN balance (100 buys), SignalWire sells only its 18-number
    inventory and VoiceOS only its 6: the demo tenants and credentials stay as they are.
    """
    path = CACHE / "bench-settings.yaml"
    inventory = [
        {"number": SIGNALWIRE_INVENTORY_FORMAT % (SIGNALWIRE_INVENTORY_START + i)}
        for i in range(1, SIGNALWIRE_INVENTORY_SIZE + 1)
    ]
    data = {
        "voipbin": {"settings": {"normal_number_cost": 0}},
        "signalwire": {"settings": {"inventory": inventory}},
        "voiceos": {"settings": {"buy_unlisted_numbers": True}},
    }
    text = yaml.safe_dump(data, default_flow_style=None, width=200)
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return path
