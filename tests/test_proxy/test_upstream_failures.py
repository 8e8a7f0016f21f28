"""An upstream that is down, slow, broken or not trusted: the client gets the provider's own error,
a status saying what failed, a header naming it, and the journal a mark."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from live_server import start_app
from telemock.emulator import Config, create_app

from .support import DEMO, PROVIDERS, closed_port_url, journal, self_signed_certificate


def provider_envelope(provider: str, response: httpx.Response) -> None:
    """The answer is the provider's own error format (its generic internal error)."""
    if provider == "voipbin":
        error = response.json()["error"]
        assert error["status"] == "INTERNAL" and error["reason"] == "INTERNAL" and "request_id" in error
    elif provider == "gigs":
        body = response.json()
        assert body["object"] == "error" and body["type"] == "internal"
    elif provider == "signalwire":
        assert response.json() == {"error": "Internal Server Error"}
    else:
        assert response.text == "Internal Server Error"  # Starlette's plain 500 page, as VoiceOS serves it


def call(proxy: Any, provider: str) -> httpx.Response:
    auth, path = DEMO[provider]
    return proxy.client(f"/{provider}", **auth).get(path)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_upstream_that_is_down(start_proxy, provider):
    proxy = start_proxy(closed_port_url())
    response = call(proxy, provider)
    assert response.status_code == 502
    provider_envelope(provider, response)
    kind, _, detail = response.headers["x-telemock-upstream-error"].partition("; ")
    assert kind == "unreachable" and detail.startswith("cannot connect to http://127.0.0.1:") and detail.endswith(": Connection refused")
    [entry] = journal(proxy, provider=provider)
    assert entry["status"] == 502 and entry["marks"] == ["upstream:unreachable"]
    assert not any(v.get("drift") for v in entry["violations"])  # telemock's answer, not the provider's


def test_the_failure_is_worded_where_the_envelope_has_a_message(start_proxy):
    proxy = start_proxy(closed_port_url())
    assert call(proxy, "voipbin").json()["error"]["message"].startswith("cannot connect to http://127.0.0.1:")
    assert call(proxy, "gigs").json()["message"].startswith("cannot connect to http://127.0.0.1:")


def test_an_upstream_slower_than_the_timeout(upstream, start_proxy):
    rule = {"provider": "voipbin", "effect": "latency", "latency": 3, "count": 1}
    assert upstream.admin().post("/faults", json=rule).status_code == 201
    proxy = start_proxy(upstream, timeout_s=0.3)
    response = call(proxy, "voipbin")
    assert response.status_code == 504
    provider_envelope("voipbin", response)
    assert response.headers["x-telemock-upstream-error"] == f"timeout; no answer from {upstream.url}/voipbin within 0.3 s"
    assert journal(proxy)[-1]["marks"] == ["upstream:timeout"]


def test_an_upstream_that_drops_the_connection(upstream, start_proxy):
    rule = {"provider": "signalwire", "effect": "drop", "count": 1}
    assert upstream.admin().post("/faults", json=rule).status_code == 201
    proxy = start_proxy(upstream)
    response = call(proxy, "signalwire")
    assert response.status_code == 502
    provider_envelope("signalwire", response)
    assert response.headers["x-telemock-upstream-error"].startswith("protocol; ")
    assert journal(proxy)[-1]["marks"] == ["upstream:protocol"]
    assert call(proxy, "signalwire").status_code == 200  # the next one goes through


@pytest.fixture(scope="module")
def tls_upstream(tmp_path_factory):
    """A telemock upstream on https, with a self-signed certificate for 127.0.0.1."""
    cert, key = self_signed_certificate(tmp_path_factory.mktemp("tls"))
    live = start_app(create_app(Config(log_requests=False)), ssl_certfile=str(cert), ssl_keyfile=str(key))
    yield live, cert
    live.stop()


@pytest.mark.parametrize("provider", ["gigs", "voiceos"])
def test_an_https_upstream_whose_certificate_is_not_trusted(tls_upstream, start_proxy, provider):
    live, _ = tls_upstream
    proxy = start_proxy(live)
    served = len(live.runtime.journal)
    response = call(proxy, provider)
    assert response.status_code == 502
    provider_envelope(provider, response)
    kind, _, detail = response.headers["x-telemock-upstream-error"].partition("; ")
    assert kind == "tls" and "certificate verify failed: self-signed certificate" in detail
    assert journal(proxy)[-1]["marks"] == ["upstream:tls"]
    assert len(live.runtime.journal) == served  # nothing was sent over the untrusted connection


def test_an_https_upstream_trusted_with_its_certificate(tls_upstream, start_proxy):
    live, cert = tls_upstream
    proxy = start_proxy(live, ca_file=cert)
    response = call(proxy, "voiceos")
    assert response.status_code == 200 and response.json()
    assert journal(proxy)[-1]["marks"] == []
