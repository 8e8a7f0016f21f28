"""Tenants item by item: what the file holds of each tenant, and the rows a write must change.

Each entry of a tenant's top-level objects is a row, each other top-level value too, with marker
rows for the objects and for the tenant; `ord` keeps the dicts' order. Serialising every item of
a tenant still costs one pass over it, but the file only receives the changed rows, so a write
stays small however large the tenant grows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from .database import DEL_PART, DEL_TENANT, PUT_PART, Ops

Part = tuple[Any, ...]  # (): the tenant; (key,): a top-level value; (key, None): an object; (key, sub): its entry
Change = tuple[dict[Part, tuple[int, bytes]], Part, "tuple[int, bytes] | None"]
OBJECT_MARK = b"{}"


def part_name(part: Part) -> str:
    return orjson.dumps(list(part)).decode()


class TenantRows:
    """What the file holds of each tenant, item by item, so a write touches only the items that changed."""

    def __init__(self) -> None:
        self.parts: dict[tuple[str, str], dict[Part, tuple[int, bytes]]] = {}
        self.ids: dict[str, set[str]] = {}
        self._ord = 0

    def next_ord(self) -> int:
        self._ord += 1
        return self._ord

    def reserve(self, top: int) -> None:
        """Orders up to `top` are taken in the file (also by providers this run leaves out)."""
        self._ord = max(self._ord, top)

    def known(self, provider: str) -> set[str]:
        return self.ids.setdefault(provider, set())

    def load(self, provider: str, tenant: str, name: str, ord_: int, value: bytes, into: dict[str, Any]) -> None:
        """One row read at start-up, in `ord` order, added to the tenant states being rebuilt."""
        part: Part = tuple(orjson.loads(name))
        self.parts.setdefault((provider, tenant), {})[part] = (ord_, value)
        self.known(provider).add(tenant)
        self._ord = max(self._ord, ord_)
        state = into.setdefault(tenant, {})
        if len(part) == 1:
            state[part[0]] = orjson.loads(value)
        elif len(part) == 2 and part[1] is None:
            state.setdefault(part[0], {})
        elif len(part) == 2:
            state.setdefault(part[0], {})[part[1]] = orjson.loads(value)

    def diff(
        self, provider: str, tenant: str, state: dict[str, Any], ops: Ops, changes: list[Change],
        after: list[Callable[[], None]],
    ) -> None:
        """Adds the rows that differ from the file for one tenant."""
        parts = self.parts.get((provider, tenant))
        if parts is None:
            parts = {}
            ord_ = self.next_ord()
            ops.append((PUT_PART, (provider, tenant, part_name(()), ord_, b"")))
            changes.append((parts, (), (ord_, b"")))

            def register(parts: dict[Part, tuple[int, bytes]] = parts) -> None:
                self.parts[(provider, tenant)] = parts
                self.known(provider).add(tenant)

            after.append(register)
        visited = 1
        added = 0
        dumps = orjson.dumps

        def put(part: Part, raw: bytes) -> None:
            nonlocal added
            old = parts.get(part)
            if old is None:
                added += 1
                value = (self.next_ord(), raw)
            elif old[1] != raw:
                value = (old[0], raw)
            else:
                return
            ops.append((PUT_PART, (provider, tenant, part_name(part), value[0], raw)))
            changes.append((parts, part, value))

        for key, value in state.items():
            if type(value) is dict:
                put((key, None), OBJECT_MARK)
                visited += 1 + len(value)
                for sub, item in value.items():
                    raw = dumps(item)
                    old = parts.get((key, sub))
                    if old is None or old[1] != raw:
                        put((key, sub), raw)
            else:
                visited += 1
                put((key,), dumps(value))
        if visited != len(parts) + added:  # something was removed: find what
            current: set[Part] = {()}
            for key, value in state.items():
                if type(value) is dict:
                    current.add((key, None))
                    current.update((key, sub) for sub in value)
                else:
                    current.add((key,))
            for part in parts.keys() - current:
                ops.append((DEL_PART, (provider, tenant, part_name(part))))
                changes.append((parts, part, None))

    def drop(self, provider: str, tenant: str, ops: Ops, after: list[Callable[[], None]]) -> None:
        ops.append((DEL_TENANT, (provider, tenant)))

        def forget() -> None:
            self.parts.pop((provider, tenant), None)
            self.known(provider).discard(tenant)

        after.append(forget)

    @staticmethod
    def apply(changes: list[Change]) -> None:
        for parts, part, value in changes:
            if value is None:
                parts.pop(part, None)
            else:
                parts[part] = value
