"""Hypothesis strategies from the documented specs: responses, request bodies and webhook events.

For users who build their own clients, servers or proxies of these APIs, and for the kit's own
property checks. Everything a strategy draws validates against the documented schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import jsonschema_rs
from hypothesis import strategies as st

from ..validate import contract_for
from .composed import composed
from .pages import Page, Pagination, envelope_schema, item_key, property_schema, sequences
from .pattern_strings import Unsupported, pattern_strings


@dataclass(frozen=True)
class GeneratedResponse:
    """A documented-valid answer of one operation; for a paginated list, a walk of `pages` that ends.

    `body` is the (first) page; `pages` holds every page with the query that asks for it.
    """

    operation: str
    status: int
    content_type: str | None
    body: Any
    pages: tuple[Page, ...] = ()
    paging: Pagination | None = None

    def served_items(self) -> list[str]:
        """The keys of the walk's items in the order served, without the copies a moved boundary repeated."""
        if self.paging is None:
            return []
        return [item_key(self.paging, item) for page in self.pages
                for item in (page.body.get(self.paging.items) or [])[page.repeats:]]

    def served(self) -> tuple[Page, ...]:
        """What to serve: every page of the walk, or the one answer."""
        return self.pages or (Page(self.body, {}),)

    def describe(self) -> str:
        head = f"{self.operation} → {self.status} {self.content_type or ''}"
        if not self.content_type:
            return f"{head}\n(no body)"
        if len(self.pages) <= 1:
            return f"{head}\n{shown_json(self.body)}"
        lines = [f"{head}, a walk of {len(self.pages)} pages:"]
        for position, page in enumerate(self.pages, 1):
            asked = ", ".join(f"{k}={v}" for k, v in page.asked_with.items()) or "no cursor"
            moved = ", starting with the previous page's last item again (the boundary moved)" if page.repeats else ""
            lines.append(f"page {position} (asked with {asked}{moved}):\n{shown_json(page.body)}")
        return "\n".join(lines)


def shown_json(body: Any) -> str:
    import json

    # The standard library, not orjson: generated extra fields may hold integers past 64 bits.
    return json.dumps(body, indent=2, sort_keys=True)


@lru_cache(maxsize=1)
def _formats() -> dict[str, st.SearchStrategy[Any]]:
    """The format generators, one dict for the process: the builder caches strategies by its identity.

    `_constructive` adds a generator per simple pattern it rewrites; entries are only ever added.
    """
    from schemathesis.specs.openapi.formats import STRING_FORMATS, get_default_format_strategies

    formats: dict[str, st.SearchStrategy[Any]] = {**get_default_format_strategies(), **STRING_FORMATS}
    formats.setdefault("uuid", st.uuids().map(str))
    formats.setdefault("uri", st.sampled_from(["https://example.com/hooks", "http://127.0.0.1:9/receiver"]))
    formats["date-time"] = date_times()
    return formats


def date_times() -> st.SearchStrategy[str]:
    """RFC 3339 times as APIs send them: mostly whole seconds with `Z`, sometimes a fraction with `Z`
    or an offset. The generic strategy's random fractions and offsets rarely meet a spec's own
    pattern (SignalWire's `…:SSZ`), so items with several such fields were mostly thrown away.

    Every part is one integer draw (a day by its ordinal, a second of the day), and the shape is
    picked from the same tuple: `dates()`, `times()` and a `flatmap` built strategies per draw and
    cost more than the rest of an event's fields together."""
    day = st.integers(date.min.toordinal(), date.max.toordinal())
    second = st.integers(0, 24 * 60 * 60 - 1)
    fraction = st.integers(1, 999999)
    offset = st.integers(-14 * 60, 14 * 60)
    return st.tuples(st.integers(0, 9), day, second, fraction, offset).map(_rfc3339)


def _rfc3339(parts: tuple[int, int, int, int, int]) -> str:
    shape, day, second, fraction, offset = parts
    stamp = f"{date.fromordinal(day).isoformat()}T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    if shape <= 7:
        return f"{stamp}Z"
    if shape == 8:
        return f"{stamp}.{fraction:06d}Z"
    return f"{stamp}{'-' if offset < 0 else '+'}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"


def schema_at(provider: str, json_pointer: str) -> dict[str, Any]:
    """The schema at `json_pointer` in the provider's spec, refs inlined."""
    contract = contract_for(provider)
    return jsonschema_rs.dereference(contract.ref(json_pointer), registry=contract.registry)


def values_of(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema admits, from the generic builder (responses, request bodies, page walks:
    the checks' shrinking to a minimal example is tuned to its draws)."""
    from schemathesis.generation.jsonschema.builder import build

    return build(schema, draft=jsonschema_rs.Draft202012, formats=_formats())


def event_values(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema admits, drawn cheaply for the receiver check's many events: objects, arrays
    and combinators composed once (`composed`), every other part from the generic builder with
    simple patterns built directly (`_constructive`)."""
    return composed(schema, _generic_values)


def _generic_values(schema: Any) -> st.SearchStrategy[Any]:
    return values_of(_constructive(schema))


PATTERN_FORMAT = "x-telemock-pattern"
SUBSCHEMA_KEYWORDS = ("additionalProperties", "items", "not", "if", "then", "else", "contains", "propertyNames",
                      "unevaluatedProperties", "unevaluatedItems", "additionalItems")
SUBSCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")


def _constructive(schema: Any) -> Any:
    """The schema with each simple string `pattern` (ids, E.164 numbers, timestamps) turned into a
    format whose generator builds matching strings directly (`pattern_strings`).

    The generic generator draws a pattern's value character by character through `from_regex` and
    throws away what the validator refuses; that was most of the cost of generating an event. The
    rewritten schema admits exactly the values the original does (the generator draws the whole
    language of the pattern within the length bounds) and serves generation only: validation
    always uses the spec itself. A pattern next to a `format`, or outside the subset, stays.
    """
    if isinstance(schema, list):
        return [_constructive(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    rewritten = dict(schema)
    for keyword in SUBSCHEMA_KEYWORDS:
        if isinstance(schema.get(keyword), (dict, list)):
            rewritten[keyword] = _constructive(schema[keyword])
    for keyword in SUBSCHEMA_MAPS:
        if isinstance(schema.get(keyword), dict):
            rewritten[keyword] = {name: _constructive(sub) for name, sub in schema[keyword].items()}
    for keyword in SUBSCHEMA_LISTS:
        if isinstance(schema.get(keyword), list):
            rewritten[keyword] = [_constructive(sub) for sub in schema[keyword]]
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and "format" not in schema:
        name = _pattern_format(pattern, schema.get("minLength"), schema.get("maxLength"))
        if name is not None:
            del rewritten["pattern"]
            rewritten["format"] = name
    return rewritten


def _pattern_format(pattern: str, min_length: Any, max_length: Any) -> str | None:
    """The format name whose generator draws the pattern's strings within the bounds (registered on
    first use), or None when the pattern is not built directly."""
    if not all(bound is None or (isinstance(bound, int) and not isinstance(bound, bool)) for bound in (min_length, max_length)):
        return None
    name = f"{PATTERN_FORMAT}:{min_length}:{max_length}:{pattern}"
    formats = _formats()
    if name not in formats:
        try:
            formats[name] = pattern_strings(pattern, min_length, max_length)
        except Unsupported:
            return None
    return name


def schema_values(provider: str, json_pointer: str) -> st.SearchStrategy[Any]:
    """Values of the schema at `json_pointer` in the provider's spec (refs inlined)."""
    return values_of(schema_at(provider, json_pointer))


def pagination(provider: str, operation: str) -> Pagination | None:
    """The operation's `x-pagination` (how a client walks the list), if the spec gives one."""
    contract = contract_for(provider)
    raw = _operation_node(contract, contract.by_id[operation]).get("x-pagination")
    return Pagination.read(raw) if raw else None


def page_walks(provider: str, operation: str, status: int, pointer: str, paging: Pagination) -> st.SearchStrategy[GeneratedResponse]:
    """Walks of schema-valid pages that end, each served to the request carrying the previous page's cursor."""
    schema = schema_at(provider, pointer)
    listed = property_schema(schema, paging.items)
    if listed is None or "items" not in listed:
        raise LookupError(f"{provider} {operation}: x-pagination names items {paging.items!r}, which the schema does not list")
    walks = sequences(paging, values_of(envelope_schema(schema, paging)), values_of(listed["items"]))
    return walks.map(lambda pages: GeneratedResponse(operation, status, "application/json", pages[0].body, pages, paging))


def _media_pointer(base: str, media: str) -> str:
    return f"{base}/content/{media.replace('/', '~1')}/schema"


def responses(provider: str, operation: str, statuses: list[int] | None = None) -> st.SearchStrategy[GeneratedResponse]:
    """Every documented status of the operation (or those given), each with a schema-valid body;
    for a paginated list (`x-pagination`), the success status as a walk of pages that ends."""
    contract = contract_for(provider)
    compiled = contract.by_id.get(operation)
    if compiled is None:
        raise LookupError(f"{provider} documents no operation {operation!r} (known: {', '.join(sorted(contract.by_id))})")
    raw = _operation_node(contract, compiled)
    paging = pagination(provider, operation)
    options = []
    walks = []
    for status_key, response in raw.get("responses", {}).items():
        if not str(status_key).isdigit():
            continue
        status = int(status_key)
        if statuses is not None and status not in statuses:
            continue
        base, resolved = _resolved_response(contract, compiled, status_key, response)
        content = resolved.get("content") or {}
        if not content:
            options.append(st.just(GeneratedResponse(operation, status, None, None)))
            continue
        for media, entry in content.items():
            if "schema" not in entry:
                continue
            if paging is not None and 200 <= status < 300 and media == "application/json":
                walks.append(page_walks(provider, operation, status, _media_pointer(base, media), paging))
                continue
            bodies = schema_values(provider, _media_pointer(base, media))
            options.append(bodies.map(lambda body, s=status, m=media: GeneratedResponse(operation, s, m, body)))
    if not options and not walks:
        raise LookupError(f"{provider} {operation}: no documented response matches {statuses}")
    return st.one_of(walks + options)  # a paginated list's success is its walks; the other answers as they are


def request_bodies(provider: str, operation: str, media: str = "application/json") -> st.SearchStrategy[Any]:
    """Schema-valid request bodies of the operation."""
    contract = contract_for(provider)
    compiled = contract.by_id[operation]
    raw = _operation_node(contract, compiled)
    if "requestBody" not in raw:
        raise LookupError(f"{provider} {operation} takes no request body")
    base = contract.ref_target(raw["requestBody"], f"/paths/{_escape(compiled.template)}/{compiled.method.lower()}/requestBody")
    return schema_values(provider, _media_pointer(base, media))


def events(provider: str, name: str) -> st.SearchStrategy[Any]:
    """Documented outgoing webhook messages of that name (the spec's `webhooks:` entry)."""
    contract = contract_for(provider)
    webhooks = contract.spec.get("webhooks") or {}
    if name not in webhooks:
        raise LookupError(f"{provider} documents no webhook {name!r} (known: {', '.join(sorted(webhooks))})")
    for method, operation in webhooks[name].items():
        if isinstance(operation, dict) and "requestBody" in operation:
            base = contract.ref_target(operation["requestBody"], f"/webhooks/{_escape(name)}/{method}/requestBody")
            body = contract.resolve(operation["requestBody"])
            media = next(iter(body.get("content", {})), "application/json")
            return _event_strategy(provider, _media_pointer(base, media))
    raise LookupError(f"{provider} webhook {name!r} documents no body")


@lru_cache(maxsize=None)
def _event_strategy(provider: str, json_pointer: str) -> st.SearchStrategy[Any]:
    """Built once per process, like the contract: a strategy tree drawn from for the first time is
    validated node by node, which cost a check that runs many times more than its events."""
    return event_values(schema_at(provider, json_pointer))


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _operation_node(contract: Any, compiled: Any) -> dict[str, Any]:
    return contract.spec["paths"][compiled.template][compiled.method.lower()]


def _resolved_response(contract: Any, compiled: Any, status_key: Any, response: Any) -> tuple[str, dict[str, Any]]:
    base = contract.ref_target(response, f"/paths/{_escape(compiled.template)}/{compiled.method.lower()}/responses/{status_key}")
    return base, contract.resolve(response)
