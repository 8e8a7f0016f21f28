"""The request pipeline of a FastAPI route, in FastAPI's order.

1. The body is read and JSON-decoded before anything else: a decode error is a 422
   `json_invalid` even without credentials (FastAPI parses it before running dependencies).
2. Authentication (a dependency) runs next: see auth.py.
3. Query parameters, then the body, are validated; all their errors come back in one 422.
"""

from __future__ import annotations

import email.message
import json
from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any, Optional, TypeVar

from pydantic import BaseModel, Field, TypeAdapter, ValidationError
from starlette.requests import Request

from .bodies import ConversationStatus
from .errors import BodyNotParsed, ValidationFailed, error_items, json_invalid

ModelT = TypeVar("ModelT", bound=BaseModel)


class Missing:
    """No body at all (empty), as opposed to a JSON `null`."""


MISSING = Missing()

PAGE_INDEX: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1)])
PAGE_LIMIT: TypeAdapter[int] = TypeAdapter(Annotated[int, Field(ge=1)])
OPTIONAL_TIME: TypeAdapter[Optional[datetime]] = TypeAdapter(Optional[datetime])
BOOLEAN = TypeAdapter(bool)
TEXT: TypeAdapter[Optional[str]] = TypeAdapter(Optional[str])
STATUS: TypeAdapter[Optional[ConversationStatus]] = TypeAdapter(Optional[ConversationStatus])


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def int64(text: str) -> int:
    """A JSON integer, refused beyond 64 bits: state must stay encodable as plain JSON (orjson)."""
    value = int(text)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"integer out of the 64-bit range: {text[:40]}")
    return value


@lru_cache(maxsize=256)
def is_json_type(content_type: str) -> bool:
    """Read as FastAPI reads it (the email module's parser); clients repeat the same few values."""
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


async def read_body(request: Request) -> Any:
    """The decoded JSON body, the raw bytes for a non-JSON content type, or MISSING."""
    raw = await request.body()
    if not raw:
        return MISSING
    content_type = request.headers.get("content-type")
    if content_type and not is_json_type(content_type):
        return raw
    try:
        return json.loads(raw, parse_int=int64)
    except json.JSONDecodeError as exc:
        raise ValidationFailed([json_invalid(exc.msg, exc.pos)]) from None
    except (ValueError, RecursionError):
        # Not UTF-8/16/32, nested past the interpreter's recursion limit, or an integer beyond
        # 64 bits: FastAPI answers every parse failure outside json's own errors this way.
        raise BodyNotParsed() from None


class Checker:
    """Collects every validation error of one request, then answers 422 with all of them."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.errors: list[dict[str, Any]] = []

    def query(self, name: str, adapter: TypeAdapter[Any], default: Any) -> Any:
        """Starlette keeps the last value of a repeated parameter, and so does FastAPI."""
        raw = self.request.query_params.get(name)
        if raw is None:
            return default
        try:
            return adapter.validate_python(raw)
        except ValidationError as exc:
            self.errors.extend(error_items(exc, ("query", name)))
            return default

    def body(self, model: type[ModelT], value: Any) -> ModelT | None:
        """A required body: absent or `null` is `missing`, anything else goes to pydantic."""
        if value is MISSING or value is None:
            self.errors.append({"type": "missing", "loc": ["body"], "msg": "Field required", "input": None})
            return None
        try:
            return model.model_validate(value, from_attributes=True)
        except ValidationError as exc:
            self.errors.extend(error_items(exc, ("body",)))
            return None

    def done(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)

    def last_body(self, model: type[ModelT], value: Any) -> ModelT:
        """Validates the body after everything else and answers 422 if anything failed."""
        parsed = self.body(model, value)
        self.done()
        assert parsed is not None  # done() has answered 422 otherwise
        return parsed


def page_params(
    check: Checker, time_order: tuple[str, str] = ("created_after", "created_before")
) -> tuple[int, int, Optional[datetime], Optional[datetime]]:
    """index (1-based, default 1), limit (default 100) and the two creation-time bounds.

    Parameters are validated in the order the operation declares them, so the errors of a
    request with several bad ones come back in the service's order.
    """
    times = {name: check.query(name, OPTIONAL_TIME, None) for name in time_order}
    index = check.query("index", PAGE_INDEX, 1)
    limit = check.query("limit", PAGE_LIMIT, 100)
    return index, limit, times["created_after"], times["created_before"]
