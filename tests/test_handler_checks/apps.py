"""Call handlers as users write them (Starlette apps), careful and careless."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from telemock.emulator.providers.signalwire.signing import form_signature, json_signature

KEY = "PSK_handlerkey0123456789abcd"
GOOD_CXML = ('<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="woman">Welcome</Say>'
             '<Dial callerId="+15550100"><Number>+15550111</Number></Dial></Response>')


async def signed_form(request: Request) -> bool:
    url = str(request.url)
    body = (await request.body()).decode()
    params = parse_qsl(body, keep_blank_values=True) if request.method == "POST" else []
    return request.headers.get("x-signalwire-signature") == form_signature(KEY, url, params)


async def signed_json(request: Request) -> bool:
    return request.headers.get("x-signalwire-signature") == json_signature(KEY, str(request.url), await request.body())


def xml(text: str) -> Response:
    return Response(text, media_type="application/xml")


def cxml_app(answer: str = GOOD_CXML, verify: bool = True, methods: tuple[str, ...] = ("POST", "GET")) -> Starlette:
    async def voice(request: Request) -> Response:
        if verify and not await signed_form(request):
            return PlainTextResponse("forbidden", status_code=403)
        return xml(answer)

    return Starlette(routes=[Route("/voice", voice, methods=list(methods))])


def swml_app(steps: list, verify: bool = True) -> Starlette:
    async def swml(request: Request) -> Response:
        if verify and not await signed_json(request):
            return PlainTextResponse("forbidden", status_code=403)
        return JSONResponse({"version": "1.0.0", "sections": {"main": steps}})

    return Starlette(routes=[Route("/swml", swml, methods=["POST"])])


def voiceos_app(answer: object = None, token: str = "Bearer hook-secret") -> Starlette:
    async def connect(request: Request) -> Response:
        if request.headers.get("authorization") != token:
            return PlainTextResponse("unauthorized", status_code=401)
        if answer is None:
            return Response(status_code=204)
        return JSONResponse(answer) if not isinstance(answer, str) else PlainTextResponse(answer)

    return Starlette(routes=[Route("/connect", connect, methods=["POST", "GET"])])


def hanging_app() -> Starlette:
    async def hang(request: Request) -> Response:
        await asyncio.sleep(3600)
        return Response()

    return Starlette(routes=[Route("/voice", hang, methods=["POST", "GET"])])


careful_cxml = cxml_app()


def voipbin_app(verify: bool = True, secret: str = "voipbin-secret") -> Starlette:
    """A VoIPBIN customer webhook taking the call-time events of an inbound call."""
    import hashlib
    import hmac

    async def events(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        if verify and not hmac.compare_digest(expected, request.headers.get("x-voipbin-signature", "")):
            return PlainTextResponse("bad signature", status_code=401)
        return Response(status_code=200)

    return Starlette(routes=[Route("/events", events, methods=["POST"])])


def slow_voiceos_app(seconds: float) -> Starlette:
    async def connect(request: Request) -> Response:
        await asyncio.sleep(seconds)
        return JSONResponse({"agent_id": "agt_1"})

    return Starlette(routes=[Route("/connect", connect, methods=["POST", "GET"])])
