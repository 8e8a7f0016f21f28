"""HTTP plumbing shared by providers: fast JSON responses, body parsing, the core's generic failures."""

from __future__ import annotations

import enum
from typing import Any, Mapping
from urllib.parse import parse_qsl

import orjson
from starlette.datastructures import Headers, QueryParams
from starlette.requests import ClientDisconnect, Request, cookie_parser
from starlette.responses import Response

from .memo import remember


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # methods that change nothing, by HTTP's definition


class GenericError(enum.Enum):
    """Failures the core detects before a provider's handler decides anything."""

    ROUTE_NOT_FOUND = "route_not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    BODY_TOO_LARGE = "body_too_large"
    MALFORMED_BODY = "malformed_body"
    INTERNAL = "internal"


class BodyTooLarge(Exception):
    """The request body passed the configured limit while it was being read."""


class MalformedBody(Exception):
    """The body is not what the route needs (bad JSON, bad encoding, wrong top-level type)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class ProviderQueryParams(QueryParams):
    """Starlette's QueryParams whose `get` looks the name up instead of catching a KeyError
    (`Mapping.get`'s way, which costs microseconds for every absent parameter)."""

    def get(self, key: Any, default: Any = None) -> Any:
        return self._dict.get(key, default)


class ProviderHeaders(Headers):
    """Starlette's Headers whose `get` returns the default instead of catching a KeyError."""

    def get(self, key: str, default: Any = None) -> Any:
        wanted = key.lower().encode("latin-1")
        for name, value in self._list:
            if name == wanted:
                return value.decode("latin-1")
        return default


class ProviderRequest(Request):
    """Starlette's Request, reading the query, the headers and the cookies more cheaply.

    Each is what Starlette's property gives (the same parser, the same multidict, the same
    precedence), made straight from the request's raw data: handlers read them on every request,
    and Starlette's way cost several times the parse itself (an absent name raised and caught a
    KeyError, cookies built a header object first, the body went through an async generator).
    """

    @property
    def headers(self) -> Headers:
        if not hasattr(self, "_headers"):
            headers = ProviderHeaders.__new__(ProviderHeaders)
            raw = self.scope["headers"]
            if type(raw) is not list:  # Starlette copies every server's list; only other iterables need it
                raw = self.scope["headers"] = list(raw)
            headers._list = raw
            self._headers = headers
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        if not hasattr(self, "_query_params"):
            self._query_params = parsed_query(self.scope["query_string"])
        return self._query_params

    async def body(self) -> bytes:
        """The whole body, received as Starlette's `stream()` would, without its async generator."""
        if not hasattr(self, "_body"):
            if self._stream_consumed:
                raise RuntimeError("Stream consumed")
            chunks: list[bytes] = []
            while not self._stream_consumed:
                message = await self._receive()
                if message["type"] == "http.request":
                    chunks.append(message.get("body", b""))
                    if not message.get("more_body", False):
                        self._stream_consumed = True
                elif message["type"] == "http.disconnect":
                    self._is_disconnected = True
                    raise ClientDisconnect()
            self._body = b"".join(chunks)
        return self._body

    @property
    def cookies(self) -> dict[str, str]:
        if not hasattr(self, "_cookies"):
            cookies: dict[str, str] = {}
            for name, value in self.scope["headers"]:
                if name == b"cookie":
                    cookies.update(cookie_parser(value.decode("latin-1")))
            self._cookies = cookies
        return self._cookies


PARSED_QUERIES_KEPT = 1024
_parsed_queries: dict[bytes, ProviderQueryParams] = {}


def parsed_query(raw: bytes) -> ProviderQueryParams:
    """The query string's parameters. Clients send the same query strings again and again, and the
    parameters are immutable, so the recent ones are parsed once and shared (the oldest dropped first)."""
    params = _parsed_queries.get(raw)
    if params is None:
        params = ProviderQueryParams.__new__(ProviderQueryParams)
        params._list = pairs = query_pairs(raw)
        params._dict = dict(pairs)
        if len(raw) <= 1024:
            remember(_parsed_queries, raw, params, PARSED_QUERIES_KEPT)
    return params


def query_pairs(raw: bytes) -> list[tuple[str, str]]:
    """The query's (name, value) pairs exactly as Starlette's `QueryParams` parses them (`parse_qsl`,
    blank values kept); without `%` or `+` there is nothing to unquote, and splitting is all."""
    if not raw:
        return []
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:
        return parse_qsl(text, keep_blank_values=True)
    return [(name, value) for name, _, value in (part.partition("=") for part in text.split("&") if part)]


JSON_TYPE = (b"content-type", b"application/json")


class JSONResponse(Response):
    media_type = "application/json"

    def __init__(
        self, content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None, **options: Any
    ) -> None:
        if headers is not None or options or status_code < 200 or status_code in (204, 304):
            super().__init__(content, status_code, headers, **options)
            return
        # Starlette's init_headers would build this same list (length, then type) with more steps.
        self.status_code = status_code
        self.background = None
        self.body = body = self.render(content)
        self.raw_headers = [(b"content-length", str(len(body)).encode()), JSON_TYPE]

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def json_response(
    content: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=headers)


def empty_response(status: int, headers: Mapping[str, str] | None = None) -> Response:
    return Response(b"", status_code=status, headers=headers)


async def read_json(request: Request, *, require_object: bool = True) -> Any:
    """The body as JSON; raises MalformedBody so each provider answers in its own format."""
    raw = await request.body()
    if not raw.strip():
        raise MalformedBody("empty body")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody(f"invalid JSON: {exc}") from None
    if require_object and not isinstance(value, dict):
        raise MalformedBody("the body must be a JSON object")
    return value


async def read_json_or_empty(request: Request) -> dict[str, Any]:
    """Like read_json, but an absent body counts as an empty object."""
    raw = await request.body()
    if not raw.strip():
        return {}
    return await read_json(request)


async def buffer_body(request: Request) -> None:
    """Receives the whole body before a handler looks its resource up.

    Receiving is the only point where a handler yields to other requests; done first, the lookup,
    the checks and the change run as one step, so a concurrent DELETE cannot remove the resource
    between them. The body is parsed later, from the buffer, keeping the provider's error order.
    """
    await request.body()
