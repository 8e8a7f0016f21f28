"""The pieces of a proxy test: a telemock upstream, the proxy in front of it, a webhook receiver, certificates."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Coroutine, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from live_server import LiveServer, start_app
from telemock.emulator import Config
from telemock.emulator.proxy.app import ProxyConfig, create_proxy_app
from test_webhooks.receiver import Received, Receiver

T = TypeVar("T")
PROVIDERS = ("gigs", "signalwire", "voiceos", "voipbin")
# Each provider's demo credentials (fixtures/default.yaml) as a client sends them, and a list path.
DEMO = {
    "voipbin": ({"params": {"accesskey": "voipbin_demo_accesskey"}}, "/v1.0/numbers"),
    "signalwire": ({"auth": ("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token")}, "/api/relay/rest/phone_numbers"),
    "gigs": ({"headers": {"Authorization": "Bearer gigs_demo_key"}}, "/projects/demo/virtualNumbers"),
    "voiceos": ({"headers": {"Authorization": "Bearer voiceos_demo_key"}}, "/phone_numbers"),
}
VOIPBIN_SECRET = "Zq3JtW1xK9cYp0rLmN4bV8sD2fH6gA5e"  # the demo customer's webhook secret
SIGNALWIRE_KEY = "PSK_demo_signing_key"  # the demo project's signing key


def proxy_for(upstream: LiveServer | str, providers: tuple[str, ...] = PROVIDERS, **options: Any) -> LiveServer:
    """The proxy on a loopback port, each provider's upstream under `upstream`'s prefix for it."""
    base = upstream if isinstance(upstream, str) else upstream.url
    options.setdefault("server", Config(log_requests=False))
    return start_app(create_proxy_app(ProxyConfig(upstreams={name: f"{base}/{name}" for name in providers}, **options)))


def closed_port_url() -> str:
    """A loopback URL nothing listens on: connections are refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def run_on_own_loop(work: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own: a worker that ran the inspector's browser tests keeps
    Playwright's loop running in its main thread, where `asyncio.run` refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as apart:
        return apart.submit(asyncio.run, work).result()


def journal(server: LiveServer, **params: Any) -> list[dict[str, Any]]:
    response = server.admin().get("/journal", params=params)
    response.raise_for_status()
    return response.json()["entries"]


class AnsweringReceiver(Receiver):
    """A receiver that answers with a body the test chooses (a cXML document, an agent id)."""

    def __init__(self, status: int = 200, body: bytes = b'{"ok":true}', media_type: str = "application/json") -> None:
        super().__init__(status)
        self.body = body
        self.media_type = media_type

    async def _handle(self, request: Request) -> Response:
        await super()._handle(request)
        return Response(self.body, status_code=self.status, media_type=self.media_type)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no system trusts, and its key (PEM files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "telemock test upstream")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "upstream.pem", folder / "upstream.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


__all__ = ["Received"]
