"""Receiver checks: faulty webhook receivers are caught with a useful message; a correct one passes."""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from telemock.contracts.kit.receivers import check_receiver, tamper

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class Receiver:
    """A receiver with switchable faults, counting the actions it takes."""

    def __init__(self, *, verify: bool = True, dedupe: bool = True, require_previous_data: bool = False) -> None:
        self.verify = verify
        self.dedupe = dedupe
        self.require_previous_data = require_previous_data
        self.seen: set[str] = set()
        self.actions = 0
        self.app = Starlette(routes=[Route("/hook", self.handle, methods=["POST"])])

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        if self.verify:
            try:
                event = Webhook(SECRET).verify(body, dict(request.headers))
            except Exception:
                return Response(status_code=401)
        else:
            import json

            event = json.loads(body)
        if self.require_previous_data and "previousData" not in event:
            return Response(status_code=422)
        if self.dedupe and event["id"] in self.seen:
            return Response(status_code=200)
        self.seen.add(event["id"])
        self.actions += 1
        return Response(status_code=204)


def run(receiver: Receiver, **kwargs):
    return check_receiver(
        "gigs", receiver.app, secret=SECRET, url="http://receiver/hook",
        examples=kwargs.pop("examples", 8), seed=kwargs.pop("seed", 2), effects=lambda: receiver.actions, **kwargs,
    )


def kinds(report) -> set[str]:
    return {failure.kind for failure in report.failures}


def test_a_correct_receiver_passes_without_false_alarms():
    report = run(Receiver())
    assert report.ok, report.render()
    assert report.examples == 8 and report.deliveries == 8 * 8


def test_a_receiver_that_skips_signature_checks_is_caught():
    report = run(Receiver(verify=False))
    assert {"forged-signature", "tampered-body", "wrong-secret", "stale-timestamp"} <= kinds(report)
    assert "accepted an event whose signature was tampered with" in report.render()


def test_a_receiver_that_acts_twice_is_caught():
    report = run(Receiver(dedupe=False))
    assert kinds(report) == {"not-idempotent"}
    assert "acted twice on one event" in report.render()


def test_a_receiver_that_refuses_valid_events_is_caught():
    report = run(Receiver(require_previous_data=True), event_names=["com.gigs.virtualNumber.created"])
    assert "rejected-valid" in kinds(report)
    assert "refused a genuine, correctly signed event" in report.render()


def test_a_receiver_over_a_real_socket(server_factory):
    import threading
    import socket
    import time

    import uvicorn

    receiver = Receiver()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    served = uvicorn.Server(uvicorn.Config(receiver.app, log_config=None, access_log=False))
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not served.started:
        time.sleep(0.01)
    try:
        report = check_receiver("gigs", f"http://127.0.0.1:{port}/hook", secret=SECRET, examples=5, seed=1,
                                effects=lambda: receiver.actions)
    finally:
        served.should_exit = True
        thread.join(5)
    assert report.ok, report.render()
    assert receiver.actions >= 5


def test_unsigned_providers_say_what_cannot_be_checked():
    receiver = Starlette(routes=[Route("/hook", lambda request: Response(status_code=204), methods=["POST"])])
    report = check_receiver("voiceos", receiver, secret=None, url="http://receiver/hook", examples=3, seed=1)
    assert report.ok
    assert "does not sign its webhooks" in report.render()


@pytest.mark.parametrize(
    "signature,prefix",
    [("v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=", "v1,"), ("sha256=ab12cd34", "sha256="), ("deadbeef", "")],
)
def test_tampering_changes_the_signature_value(signature, prefix):
    forged = tamper(signature)
    assert len(forged) == len(signature)
    assert sum(a != b for a, b in zip(forged, signature)) == 1
    assert forged.lower() != signature.lower()  # a case-insensitive hex compare still sees it
    assert forged.startswith(prefix)


def test_signalwire_form_and_json_requests_are_signed_per_kind():
    """A receiver validating with the official SDK passes; one ignoring signatures is caught."""
    from signalwire.core.security import validate_webhook_signature

    key = "PSK_receiver_key"

    async def strict(request: Request) -> Response:
        body = await request.body()
        signature = request.headers.get("x-signalwire-signature", "")
        valid = validate_webhook_signature(key, signature, str(request.url), body.decode())
        return Response(status_code=204 if valid else 403)

    app = Starlette(routes=[Route("/hook", strict, methods=["POST"])])
    report = check_receiver("signalwire", app, secret=key, url="http://receiver/hook", examples=6, seed=4)
    assert report.ok, report.render()
    careless = Starlette(routes=[Route("/hook", lambda request: Response(status_code=204), methods=["POST"])])
    caught = check_receiver("signalwire", careless, secret=key, url="http://receiver/hook", examples=4, seed=4)
    assert "forged-signature" in kinds(caught) and "stale deliveries" in caught.render()


def test_voipbin_receivers_are_checked_with_its_hmac():
    import hashlib
    import hmac

    key = "s3cr3t-customer-key-0123456789ab"

    async def strict(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(request.headers.get("x-voipbin-signature", ""), expected)
        return Response(status_code=200 if ok else 401)

    app = Starlette(routes=[Route("/hook", strict, methods=["POST"])])
    report = check_receiver("voipbin", app, secret=key, url="http://receiver/hook", examples=6, seed=3)
    assert report.ok, report.render()
    assert "covers no timestamp" in report.render()


def test_cli_check_receiver_reports_and_sets_the_exit_status():
    import socket
    import subprocess
    import sys
    import threading
    import time

    import uvicorn

    def serve(app):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.01)
        return server, thread, f"http://127.0.0.1:{sock.getsockname()[1]}/hook"

    good, sloppy = Receiver(), Receiver(verify=False)
    servers = [serve(good.app), serve(sloppy.app)]
    try:
        results = [
            subprocess.run(
                [sys.executable, "-m", "telemock", "check", "receiver", "--provider", "gigs", "--url", url,
                 "--secret", SECRET, "--examples", "4", "--seed", "1"],
                capture_output=True, text=True, timeout=120,
            )
            for _, _, url in servers
        ]
    finally:
        for server, thread, _ in servers:
            server.should_exit = True
            thread.join(5)
    assert results[0].returncode == 0 and "all checks passed" in results[0].stdout
    assert results[1].returncode == 1 and "[forged-signature]" in results[1].stdout
