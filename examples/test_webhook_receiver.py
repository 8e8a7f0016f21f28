"""A user's webhook receiver, checked with the plugin: genuine events acted on once, forgeries refused."""

import base64
import hashlib
import hmac
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

SECRET = "whsec_" + base64.b64encode(b"my receiver's signing secret 32b").decode()
acted_on: list[str] = []


async def gigs_hook(request: Request) -> Response:
    """The code under test: a Gigs receiver (Standard Webhooks signatures) that acts once per event."""
    body = await request.body()
    message_id = request.headers.get("webhook-id", "")
    timestamp = request.headers.get("webhook-timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
        return Response(status_code=400)  # stale: a replayed delivery
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    signed = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    presented = [part.partition(",")[2] for part in request.headers.get("webhook-signature", "").split()]
    if not any(hmac.compare_digest(base64.b64encode(signed).decode(), p) for p in presented):
        return Response(status_code=401)
    if message_id not in acted_on:  # delivery is at-least-once: act once per message id
        acted_on.append(message_id)
    return Response(status_code=204)


receiver = Starlette(routes=[Route("/hooks/gigs", gigs_hook, methods=["POST"])])


def test_my_receiver_acts_once_and_refuses_forgeries(telemock):
    telemock.gigs.check_receiver(
        receiver,  # an ASGI app in this process, or the URL of a running receiver
        url="/hooks/gigs",  # with an app: the path to post to (default /webhook)
        secret=SECRET,
        effects=lambda: len(acted_on),  # actions taken so far: a duplicate delivery must not add one
        examples=10,
    )  # raises AssertionError with the first event each check tripped on
