"""Generated sequences of list pages that end, the way the provider pages: from the spec's `x-pagination`.

A paginated list is not one response but a walk: each page says how to reach the next (a token,
a link, a page number) until the last one says there is no more. A response check that served
the same page to every request would make a correct pager loop forever. So for an operation
whose spec carries `x-pagination`, the kit draws a sequence of 1 to `MAX_PAGES` schema-valid
pages whose cursors lead from one to the next and whose last page ends the walk, and serves page
k only to the request that carries page k-1's cursor (a request without one gets the first page).

The cursors are ones the provider could send: drawn from the extension's `pattern` (ASCII, as
the provider writes them), distinct, and written into the item they name (VoIPBIN's token is the
last item's `tm_create`, Gigs' cursor the last item's `id`). A walk draws at most `MAX_ITEMS`
distinct items and fills its pages with copies of them, each copy with a fresh value of that
field (so ids stay unique where the cursor is an id). `x-pagination` keys:

- `items`: the key of the page's items; `next`: the (dotted) field that leads to the next page;
  `parameter`: the query parameter a client sends to get it.
- `token: {item, pattern}`: the cursor is a value of `pattern`, also written into the last item's
  `item` field; `link`: a template for a next-page URL holding it (`{token}`, `{index}` 0-based
  and `{number}` 1-based position of the page it leads to).
- `page`: the field holding the page's 1-based number; `next` is then true while pages follow,
  and a client asks for page `page + 1`.
- `previous`: a field holding the first item's `token.item` on pages after the first (else null).
- `last`: `next` (its value on the last page, or `absent`) and `empty` (the last page has no
  items: the walk ends only on an empty page).
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

from hypothesis import strategies as st

MAX_PAGES = 3
MAX_ITEMS = 2  # per page, and distinct items drawn per walk: a rich item (SignalWire's) costs so many
# hypothesis choices that a walk drawing six of them overruns its budget; pages reuse copies instead
ABSENT = "absent"


@dataclass(frozen=True)
class Page:
    """One page of a generated walk, and the query parameters that ask for it ({} for the first).

    `repeats` is 1 when the page starts with the previous page's last item again: an object was
    added before the boundary between the two calls, so the boundary moved (offset paging does
    that; a client keeps each item once)."""

    body: Any
    asked_with: dict[str, str]
    repeats: int = 0


@dataclass(frozen=True)
class Pagination:
    """An operation's `x-pagination`, read once."""

    items: str
    next: tuple[str, ...]
    parameter: str
    token_item: str | None = None
    token_pattern: str | None = None
    link: str | None = None
    page: str | None = None
    previous: str | None = None
    last_next: Any = ABSENT
    last_empty: bool = False

    @classmethod
    def read(cls, raw: dict[str, Any]) -> Pagination:
        token = raw.get("token") or {}
        last = raw.get("last") or {}
        return cls(
            items=raw["items"],
            next=tuple(raw["next"].split(".")),
            parameter=raw["parameter"],
            token_item=token.get("item"),
            token_pattern=token.get("pattern"),
            link=raw.get("link"),
            page=raw.get("page"),
            previous=raw.get("previous"),
            last_next=last.get("next", ABSENT),
            last_empty=bool(last.get("empty", False)),
        )

    def item_count(self, position: int, pages: int) -> tuple[int, int]:
        """Bounds on page `position`'s items: a page that leads on has some (its cursor names its last
        item), a last page that must be empty has none, a lone page any number."""
        if position < pages:
            return 1, MAX_ITEMS
        if self.last_empty:
            return 0, 0
        return 0, MAX_ITEMS  # a last page may come empty: its objects were removed between the calls


def sequences(
    paging: Pagination, bodies: st.SearchStrategy[Any], items: st.SearchStrategy[Any]
) -> st.SearchStrategy[tuple[Page, ...]]:
    """Walks of 1 to MAX_PAGES pages: schema-valid bodies, fresh distinct cursors, an end."""

    def walk(pages: int) -> st.SearchStrategy[tuple[Page, ...]]:
        counts = st.tuples(*(st.integers(*paging.item_count(k, pages)) for k in range(1, pages + 1)))
        drawn = st.tuples(
            st.tuples(*([bodies] * pages)),
            st.lists(items, min_size=1, max_size=MAX_ITEMS),
            counts.flatmap(lambda c: st.tuples(st.just(c), tokens(paging, sum(c) or 1))),
            st.booleans() if pages > 1 else st.just(False),
        )
        return drawn.map(lambda parts: assemble(paging, parts[0], parts[1], *parts[2], shifted=parts[3]))

    return st.integers(1, MAX_PAGES).flatmap(walk)


def tokens(paging: Pagination, count: int) -> st.SearchStrategy[list[str]]:
    """`count` distinct cursor values (none for a walk by page number)."""
    if paging.token_pattern is None:
        return st.just([])
    return st.lists(st.from_regex(paging.token_pattern, fullmatch=True), min_size=count, max_size=count, unique=True)


def assemble(
    paging: Pagination, bodies: tuple[Any, ...], pool: list[Any], counts: tuple[int, ...], fresh: list[str],
    *, shifted: bool = False,
) -> tuple[Page, ...]:
    """The walk's pages; `shifted`: each page after the first that may hold items starts with the
    previous page's last item again (the boundary moved)."""
    pages: list[Page] = []
    asked_with: dict[str, str] = {}
    unused = iter(fresh)
    serial = itertools.count(1)
    for position, (body, count) in enumerate(zip(bodies, counts), 1):
        body = copy.deepcopy(body)
        items = [copy.deepcopy(pool[i % len(pool)]) for i in range(count)]
        if paging.token_item is not None:
            for item in items:
                item[paging.token_item] = next(unused)
        if paging.token_item != "id":
            for item in items:
                distinct_id(item, serial)
        previous = pages[-1].body[paging.items] if pages else []
        repeats = int(shifted and bool(previous) and not (position == len(bodies) and paging.last_empty))
        if repeats:
            items.insert(0, copy.deepcopy(previous[-1]))
        body[paging.items] = items
        if paging.page is not None:
            body[paging.page] = position
        onward: str | None = None
        if position == len(bodies):
            if paging.last_next == ABSENT:
                drop(body, paging.next)
            else:
                put(body, paging.next, paging.last_next)
        elif paging.page is not None:
            put(body, paging.next, True)
            onward = str(position + 1)
        else:
            token = items[-1][paging.token_item] if paging.token_item else next(unused)
            value = paging.link.format(token=token, index=position, number=position + 1) if paging.link else token
            put(body, paging.next, value)
            onward = first_query_value(value, paging.parameter) if paging.link else token
        if paging.previous is not None:
            body[paging.previous] = items[0].get(paging.token_item) if position > 1 and items and paging.token_item else None
        pages.append(Page(body, asked_with, repeats))
        asked_with = {paging.parameter: onward} if onward is not None else {}
    return tuple(pages)


def distinct_id(item: Any, serial: Iterator[int]) -> None:
    """Gives a copied item an `id` of its own, in the same shape (length and kind of character):
    the walk's items are distinct objects, so a client that repeats or loses one can be told."""
    if not isinstance(item, dict) or "id" not in item:
        return
    value, number = item["id"], next(serial)
    if isinstance(value, int) and not isinstance(value, bool):
        item["id"] = number
    elif value == "":
        item["id"] = str(number)
    elif isinstance(value, str):
        digits = str(number)
        tail = value[-len(digits):] if len(digits) <= len(value) else value
        kept = value[: len(value) - len(tail)]
        item["id"] = kept + "".join(d if c.isalnum() else c for c, d in zip(tail, digits.rjust(len(tail), "0")))


def item_key(paging: Pagination, item: Any) -> str:
    """What tells two items apart: the `id`, else the cursor field, else the whole item."""
    if isinstance(item, dict):
        for name in ("id", paging.token_item):
            if name and isinstance(item.get(name), (str, int)):
                return str(item[name])
    import json

    return json.dumps(item, sort_keys=True, default=str)


def first_query_value(link: str, name: str) -> str:
    values = parse_qs(urlsplit(link).query, keep_blank_values=True).get(name)
    if not values:
        raise ValueError(f"x-pagination: the link {link!r} has no {name!r} parameter")
    return values[0]


def put(body: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        body = body.setdefault(key, {})
    body[path[-1]] = value


def drop(body: dict[str, Any], path: tuple[str, ...]) -> None:
    for key in path[:-1]:
        body = body.get(key) or {}
    body.pop(path[-1], None)


def envelope_schema(schema: dict[str, Any], paging: Pagination) -> dict[str, Any]:
    """The page schema without what the walk sets itself: the items list forced empty (they are
    drawn apart and put in) and the cursor fields left out (drawing them would be wasted)."""
    envelope = copy.deepcopy(schema)
    for part in [envelope, *(envelope.get("allOf") or [])]:
        properties = part.get("properties") or {}
        if isinstance(properties.get(paging.items), dict):
            properties[paging.items] = {"type": "array", "maxItems": 0}
        for path in (paging.next, *((name,) for name in (paging.previous, paging.page) if name)):
            forget(part, path)
    return envelope


def forget(schema: dict[str, Any], path: tuple[str, ...]) -> None:
    """Leave the property at `path` out of an object schema (not required, not drawn)."""
    for key in path[:-1]:
        schema = (schema.get("properties") or {}).get(key) or {}
    (schema.get("properties") or {}).pop(path[-1], None)
    if path[-1] in (schema.get("required") or []):
        schema["required"] = [name for name in schema["required"] if name != path[-1]]


def property_schema(schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    """The schema of property `name` of an object schema, looking into `allOf` (the last one wins)."""
    found = (schema.get("properties") or {}).get(name)
    for part in schema.get("allOf") or []:
        found = property_schema(part, name) or found
    return found
