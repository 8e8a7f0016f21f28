"""The providers' own operations and events around numbers: what telemock is measured against.

`operations/<provider>.yaml` lists, from the provider's publications, each public operation (method,
path, name, source, documented query parameters and body fields) and each event it sends, by area.
The coverage table (`telemock.contracts.coverage`) holds the list against the provider's spec, and
the server recognises a request for a listed operation it does not emulate. The list is data
written by hand: loading it checks its shape and says which entry is wrong.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOG_DIR = Path(__file__).resolve().parent / "operations"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PARAMETER = re.compile(r"\{[^}/]+\}")


class CatalogError(ValueError):
    """A catalog file that does not have the documented shape; the message names the entry."""


@dataclass(frozen=True)
class CatalogOperation:
    area: str
    name: str
    method: str
    path: str
    source: str
    query: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    path_suffix: str = ""  # the provider also serves the path with this suffix (the LaML API's `.json`)

    @property
    def key(self) -> tuple[str, str]:
        """(method, path shape): what a spec operation is matched on, whatever its parameters are called."""
        return self.method, path_shape(self.path, self.path_suffix)


@dataclass(frozen=True)
class CatalogEvent:
    area: str
    name: str
    source: str
    aliases: tuple[str, ...] = ()  # other names a spec may give the same event

    def names(self) -> set[str]:
        return {event_key(name) for name in (self.name, *self.aliases)}


@dataclass(frozen=True)
class Catalog:
    provider: str
    title: str
    sources: dict[str, str]
    areas: tuple[str, ...]
    operations: tuple[CatalogOperation, ...]
    events: tuple[CatalogEvent, ...]


def path_shape(path: str, suffix: str = "") -> str:
    """`/numbers/{id}` and `/numbers/{number_id}` are the same path: parameters lose their names."""
    if suffix and path.endswith(suffix):
        path = path[: -len(suffix)]
    return _PARAMETER.sub("{}", path)


def event_key(name: str) -> str:
    """Event names compared without case or separators (`callRequest` = `call_request`)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def available_catalogs() -> list[str]:
    return sorted(p.stem for p in CATALOG_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load_catalog(provider: str) -> Catalog:
    path = CATALOG_DIR / f"{provider}.yaml"
    if not path.is_file():
        raise LookupError(f"no operation catalog for provider {provider!r}")
    with path.open(encoding="utf-8") as handle:
        return parse_catalog(yaml.safe_load(handle), str(path))


def parse_catalog(data: Any, where: str) -> Catalog:
    """The catalog in `data` (a loaded YAML file), or a CatalogError naming the first wrong entry."""
    top = _mapping(data, where, required=("provider", "title", "sources", "areas"))
    sources = _mapping(top["sources"], f"{where}: sources")
    operations: list[CatalogOperation] = []
    events: list[CatalogEvent] = []
    areas: list[str] = []
    for a, raw_area in enumerate(_list(top["areas"], f"{where}: areas")):
        here = f"{where}: areas[{a}]"
        area = _mapping(raw_area, here, required=("area",))
        areas.append(str(area["area"]))
        suffix = str(area.get("path_suffix", ""))
        for o, raw in enumerate(_list(area.get("operations", []), f"{here}.operations")):
            operations.append(_operation(raw, areas[-1], suffix, sources, f"{here}.operations[{o}]"))
        for e, raw in enumerate(_list(area.get("events", []), f"{here}.events")):
            entry = _mapping(raw, f"{here}.events[{e}]", required=("name", "source"))
            events.append(CatalogEvent(
                area=areas[-1], name=str(entry["name"]),
                source=_source(entry["source"], sources, f"{here}.events[{e}]"),
                aliases=_names(entry.get("aliases", []), f"{here}.events[{e}].aliases"),
            ))
    _unique([op.name for op in operations] + [ev.name for ev in events], f"{where}: names")
    _unique([f"{op.method} {op.key[1]}" for op in operations], f"{where}: operations (method and path)")
    return Catalog(str(top["provider"]), str(top["title"]), {str(k): str(v) for k, v in sources.items()},
                   tuple(areas), tuple(operations), tuple(events))


def _operation(raw: Any, area: str, suffix: str, sources: dict[str, Any], where: str) -> CatalogOperation:
    entry = _mapping(raw, where, required=("name", "method", "path", "source"))
    method, path = str(entry["method"]).upper(), str(entry["path"])
    if method not in METHODS or not path.startswith("/"):
        raise CatalogError(f"{where}: method must be one of {', '.join(METHODS)} and path start with /")
    return CatalogOperation(
        area=area, name=str(entry["name"]), method=method, path=path,
        source=_source(entry["source"], sources, where),
        query=_names(entry.get("query", []), f"{where}.query"),
        body=_names(entry.get("body", []), f"{where}.body"),
        path_suffix=suffix,
    )


def _mapping(value: Any, where: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CatalogError(f"{where}: expected a mapping")
    missing = [key for key in required if key not in value]
    if missing:
        raise CatalogError(f"{where}: missing {', '.join(missing)}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise CatalogError(f"{where}: expected a list")
    return value


def _names(value: Any, where: str) -> tuple[str, ...]:
    return tuple(str(item) for item in _list(value, where))


def _source(value: Any, sources: dict[str, Any], where: str) -> str:
    """A source reads `<key of sources> <where in it>`; the key must be declared."""
    text = str(value)
    if text.split(" ", 1)[0] not in sources:
        raise CatalogError(f"{where}.source: {text!r} does not start with one of the sources ({', '.join(sources)})")
    return text


def _unique(values: list[str], where: str) -> None:
    twice = sorted(value for value, count in Counter(values).items() if count > 1)
    if twice:
        raise CatalogError(f"{where}: listed twice: {', '.join(twice)}")
