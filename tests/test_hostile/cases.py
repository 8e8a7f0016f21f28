"""The hostile-input corpus: for one operation, every malformed request worth throwing at it.

Each case says whether the provider may legitimately accept it (a 2xx): valid JSON under a
wrong content type is accepted by providers that ignore the header, a NUL inside a JSON string
is still a string. Everything else must be refused with a 4xx in the provider's own format.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import orjson

from .catalog import DEMO, DEMO_PATH_VALUES, Operation, fill_path

DEPTH = 10_000
LONG_PATH = 10 * 1024
LONG_HEADER = 64 * 1024
MANY_PARAMS = 10_000
HUGE_INT = 2**70
DISTINCT_PARAMS_OPERATIONS = {"voipbin:numbers_list", "voipbin:numbers_create", "signalwire:phone_numbers_list",
                              "voiceos:agents_list", "gigs:virtual_numbers_list", "gigs:virtual_numbers_create"}


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    may_succeed: bool = False  # a 2xx is a legitimate answer too
    uvicorn_may_refuse: bool = False  # the HTTP server itself may refuse it before the app sees it
    heavy_entry: bool = False  # its journal entry is huge (10,000 parameters judged): check it by count


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return "k" + text  # never a documented parameter name


def _json_with(fields: tuple[str, ...], raw_value: bytes) -> bytes:
    """A JSON object giving every documented field the same raw JSON value text."""
    names = fields or ("name",)
    return b"{" + b",".join(orjson.dumps(name) + b":" + raw_value for name in names) + b"}"


def body_bodies(op: Operation) -> Iterator[tuple[str, str | None, bytes, bool]]:
    """(name, content type, body, may_succeed) for an operation that takes a JSON body."""
    fields = op.body_fields or ()
    json_ct = "application/json"
    as_strings = orjson.dumps({name: "x" for name in fields or ("name",)})
    yield "malformed-json", json_ct, b'{"name": "x",', False
    yield "json-array", json_ct, b"[1, 2, 3]", False
    yield "json-string", json_ct, b'"just a string"', False
    yield "json-null", json_ct, b"null", False
    yield "json-number", json_ct, b"42", False
    yield "invalid-utf8", json_ct, b'{"name": "\xff\xfe\xfa"}', False
    yield "raw-nul-in-string", json_ct, b'{"name": "a\x00b"}', False
    yield "nul-bytes-only", json_ct, b"\x00" * 16, False
    yield "escaped-nul-values", json_ct, _json_with(fields, b'"a\\u0000b"'), True
    yield "deep-arrays", json_ct, b"[" * DEPTH + b"]" * DEPTH, False
    yield "deep-objects", json_ct, b'{"a":' * DEPTH + b"1" + b"}" * DEPTH, False
    yield "huge-float-1e400", json_ct, _json_with(fields, b"1e400"), True
    yield "huge-int-2^70", json_ct, _json_with(fields, str(HUGE_INT).encode()), True
    yield "form-body", "application/x-www-form-urlencoded", "&".join(f"{n}=x" for n in fields or ("name",)).encode(), False
    yield "multipart-body", "multipart/form-data; boundary=XyZ", (
        b'--XyZ\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XyZ--\r\n'
    ), False
    yield "xml-body", "application/xml", b"<number>+15550100</number>", False
    yield "json-labelled-form", "application/x-www-form-urlencoded", as_strings, True
    yield "json-labelled-text", "text/plain; charset=utf-8", as_strings, True
    yield "json-no-content-type", None, as_strings, True


def cases(op: Operation) -> Iterator[Case]:
    credentials = DEMO[op.provider]
    path = fill_path(op, DEMO_PATH_VALUES[op.provider])
    auth_query = "&".join(f"{k}={quote(v, safe='')}" for k, v in credentials.query)

    def target(path: str, extra: str = "") -> str:
        query = "&".join(part for part in (auth_query, extra) if part)
        return f"{path}?{query}" if query else path

    base_headers = credentials.headers
    if op.has_body:
        for name, content_type, body, may_succeed in body_bodies(op):
            headers = base_headers + ((("Content-Type", content_type),) if content_type else ())
            yield Case(name, op.method, target(path), headers, body, may_succeed)

    # 10,000 parameters under one name on every operation; 10,000 distinct names (each judged as
    # undocumented: ~0.2 s of verdicts) on the first list operation of each provider. Short names
    # keep the target under the ~64 KB uvicorn's parser takes (see the 100 KB case below).
    yield Case("10000-query-params-one-name", op.method, target(path, "&".join(["q=1"] * MANY_PARAMS)),
               base_headers, None, may_succeed=True)
    if str(op) in DISTINCT_PARAMS_OPERATIONS:
        many = "&".join(f"{base36(i)}=" for i in range(MANY_PARAMS))
        yield Case("10000-query-params-distinct", op.method, target(path, many), base_headers, None,
                   may_succeed=True, heavy_entry=True)
    yield Case("100kb-query-string", op.method, target(path, "q=" + "v" * 100 * 1024), base_headers, None,
               may_succeed=True, uvicorn_may_refuse=True)

    params = op.query or ("q",)
    for name, value in (("query-bad-utf8-and-nul", "%FF%00%FE"), ("query-1e400", "1e400"), ("query-2^70", str(HUGE_INT))):
        extra = "&".join(f"{p}={value}" for p in params)
        yield Case(name, op.method, target(path, extra), base_headers, None, may_succeed=True)

    long_segment = "a" * LONG_PATH
    if op.path_params:
        last = op.path_params[-1]
        long_path = fill_path(op, DEMO_PATH_VALUES[op.provider], {last: long_segment})
    else:
        long_path = path.rstrip("/") + "/" + long_segment
    yield Case("10kb-path", op.method, target(long_path), base_headers, None)

    yield Case(
        "64kb-header", op.method, target(path), base_headers + (("X-Hostile", "h" * LONG_HEADER),), None,
        may_succeed=True, uvicorn_may_refuse=True,
    )
