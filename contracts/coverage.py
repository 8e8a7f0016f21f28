"""The coverage table: which of each provider's operations and events telemock emulates.

Holds each provider's own list (`specs/operations/<provider>.yaml`) against telemock's spec of it
(`specs/<provider>.yaml`): an operation is emulated when the spec has it (same method and path
shape), partly when the spec lacks query parameters or body fields the provider documents for
it, not emulated otherwise; an event is emulated when the spec's `webhooks:` has it. A spec
operation or event the list lacks is an error, so the list grows with the specs.

    python -m telemock.contracts.coverage            # writes docs/coverage.md
    python -m telemock.contracts.coverage --check    # exit 1 when docs/coverage.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from telemock.contracts.specs import available_specs, load_spec
from telemock.contracts.specs.catalog import (
    Catalog,
    CatalogEvent,
    CatalogOperation,
    available_catalogs,
    event_key,
    load_catalog,
    path_shape,
)

DEFAULT_OUTPUT = Path("docs/coverage.md")
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
EMULATED, PARTLY, NOT_EMULATED = "emulated", "partly", "not emulated"


class CoverageError(Exception):
    """The specs and the providers' lists disagree in a way the table cannot show (listed in `problems`)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SpecOperation:
    """One operation of telemock's spec, with the query parameters and body fields it describes."""

    method: str
    path: str
    operation_id: str
    query: frozenset[str]
    body: frozenset[str]


@dataclass(frozen=True)
class OperationRow:
    listed: CatalogOperation
    found: SpecOperation | None
    missing: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        return NOT_EMULATED if self.found is None else PARTLY if self.missing else EMULATED

    @property
    def name(self) -> str:
        return self.found.operation_id if self.found else self.listed.name


@dataclass(frozen=True)
class EventRow:
    listed: CatalogEvent
    emulated: bool


@dataclass
class ProviderCoverage:
    catalog: Catalog
    operations: list[OperationRow] = field(default_factory=list)
    events: list[EventRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(row.status == status for row in self.operations)


def spec_operations(spec: dict[str, Any]) -> list[SpecOperation]:
    found = []
    for path, item in (spec.get("paths") or {}).items():
        item = resolve(spec, item)
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [resolve(spec, p) for p in [*shared, *operation.get("parameters", [])]]
            body = resolve(spec, operation.get("requestBody", {}))
            fields: set[str] = set()
            for media in (body.get("content") or {}).values():
                fields |= properties(spec, media.get("schema", {}))
            found.append(SpecOperation(
                method.upper(), path, operation.get("operationId", f"{method} {path}"),
                frozenset(p["name"] for p in parameters if p.get("in") == "query"), frozenset(fields),
            ))
    return found


def spec_event_names(spec: dict[str, Any]) -> dict[str, set[str]]:
    """Each entry of `webhooks:` and the names it goes by (its key and its operations' ids)."""
    names: dict[str, set[str]] = {}
    for key, item in (spec.get("webhooks") or {}).items():
        ids = {op["operationId"] for method, op in resolve(spec, item).items() if method in HTTP_METHODS and "operationId" in op}
        names[key] = {event_key(key)} | {event_key(i.removeprefix("webhooks_").removeprefix("webhook_")) for i in ids}
    return names


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """`node` with its local `$ref`s followed (the specs only refer within themselves)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node, seen = target, seen + 1
    return node


def properties(spec: dict[str, Any], schema: Any, depth: int = 0) -> set[str]:
    """The top-level property names a body schema allows, through refs and all/any/oneOf."""
    schema = resolve(spec, schema)
    if not isinstance(schema, dict) or depth > 8:
        return set()
    names = set(schema.get("properties") or {})
    for combined in ("allOf", "anyOf", "oneOf"):
        for part in schema.get(combined, []):
            names |= properties(spec, part, depth + 1)
    return names


def provider_coverage(provider: str) -> ProviderCoverage:
    return compare(load_catalog(provider), load_spec(provider))


def compare(catalog: Catalog, spec: dict[str, Any]) -> ProviderCoverage:
    """The table for one provider; a CoverageError when its spec has what its list lacks."""
    provider = catalog.provider
    by_key: dict[tuple[str, str], list[SpecOperation]] = {}
    for op in spec_operations(spec):  # `/Numbers` and `/Numbers.json` are one operation of the provider
        by_key.setdefault((op.method, path_shape(op.path, ".json")), []).append(op)
    coverage = ProviderCoverage(catalog)
    for listed in catalog.operations:
        found = by_key.pop(listed.key, [None])[0]
        missing = () if found is None else (
            *(f"query `{name}`" for name in listed.query if name not in found.query),
            *(f"body `{name}`" for name in listed.body if name not in found.body),
        )
        coverage.operations.append(OperationRow(listed, found, missing))
    spec_events = spec_event_names(spec)
    for listed in catalog.events:
        matched = [key for key, names in spec_events.items() if names & listed.names()]
        for key in matched:
            del spec_events[key]
        coverage.events.append(EventRow(listed, bool(matched)))
    problems = [f"{provider}: the spec has {op.method} {op.path} ({op.operation_id}), which "
                f"specs/operations/{provider}.yaml does not list" for ops in by_key.values() for op in ops]
    problems += [f"{provider}: the spec has the event {key!r}, which specs/operations/{provider}.yaml does not list "
                 f"(add it, or name it among an event's aliases)" for key in spec_events]
    emulated_ids = {row.found.operation_id for row in coverage.operations if row.found}
    problems += [f"{provider}: {row.listed.name} is not emulated but shares its name with an operation of the spec"
                 for row in coverage.operations if row.found is None and row.listed.name in emulated_ids]
    if problems:
        raise CoverageError(problems)
    return coverage


def all_coverage() -> list[ProviderCoverage]:
    specs, catalogs = set(available_specs()), set(available_catalogs())
    problems = [f"{name}: a spec without specs/operations/{name}.yaml" for name in sorted(specs - catalogs)]
    problems += [f"{name}: specs/operations/{name}.yaml without a spec" for name in sorted(catalogs - specs)]
    found: list[ProviderCoverage] = []
    for provider in sorted(specs & catalogs):
        try:
            found.append(provider_coverage(provider))
        except CoverageError as exc:
            problems += exc.problems
    if problems:
        raise CoverageError(problems)
    return found


def render(coverages: list[ProviderCoverage]) -> str:
    return "\n".join(_document(coverages)) + "\n"


def _document(coverages: list[ProviderCoverage]) -> Iterator[str]:
    yield "# Coverage of the providers' APIs"
    yield ""
    yield ("Which of each provider's public operations and events around numbers, flows, calls and messages "
           "telemock emulates. Generated by `python -m telemock.contracts.coverage` from telemock's specs "
           "(`contracts/specs/<provider>.yaml`) and the providers' own lists "
           "(`contracts/specs/operations/<provider>.yaml`, each entry with its source); do not edit by hand.")
    yield ""
    yield (f"- **{EMULATED}**: the spec describes the operation with every query parameter and body field the "
           "provider documents for it.")
    yield f"- **{PARTLY}**: the spec describes the operation but not the parameters or fields named."
    yield (f"- **{NOT_EMULATED}**: telemock answers it as an unknown route, in the provider's own error format, "
           "with the header `X-Telemock-Not-Emulated: <operation>`; the journal marks the request "
           "`not-emulated:<operation>` (`GET /_telemock/journal?not_emulated=true` lists them) and the request "
           "log line says `not emulated`.")
    yield ""
    yield "| provider | operations | emulated | partly | not emulated | events emulated |"
    yield "|---|---:|---:|---:|---:|---:|"
    for coverage in coverages:
        events = sum(row.emulated for row in coverage.events)
        yield (f"| [{coverage.catalog.title}](#{_anchor(coverage.catalog.title)}) | {len(coverage.operations)} | "
               f"{coverage.count(EMULATED)} | {coverage.count(PARTLY)} | {coverage.count(NOT_EMULATED)} | "
               f"{events} of {len(coverage.events)} |")
    for coverage in coverages:
        yield from _provider_section(coverage)


def _provider_section(coverage: ProviderCoverage) -> Iterator[str]:
    catalog = coverage.catalog
    yield ""
    yield f"## {catalog.title}"
    yield ""
    yield "Sources:"
    yield ""
    for key, text in catalog.sources.items():
        yield f"- `{key}`: {' '.join(text.split())}"
    for area in catalog.areas:
        rows = [row for row in coverage.operations if row.listed.area == area]
        events = [row for row in coverage.events if row.listed.area == area]
        yield ""
        yield f"### {catalog.title}: {area}"
        if rows:
            yield ""
            yield "| operation | method and path | status | missing | source |"
            yield "|---|---|---|---|---|"
            for row in rows:
                path = row.listed.path + (f"[{row.listed.path_suffix}]" if row.listed.path_suffix else "")
                yield (f"| `{row.name}` | `{row.listed.method} {path}` | {row.status} | {', '.join(row.missing)} | "
                       f"{_cell(row.listed.source)} |")
        if events:
            yield ""
            yield "| event | status | source |"
            yield "|---|---|---|"
            for event in events:
                yield f"| `{event.listed.name}` | {EMULATED if event.emulated else NOT_EMULATED} | {_cell(event.listed.source)} |"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _anchor(title: str) -> str:
    return "".join(c for c in title.lower().replace(" ", "-") if c.isalnum() or c == "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m telemock.contracts.coverage", description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the table goes (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="only say whether the file is up to date (exit 1 if not)")
    args = parser.parse_args(argv)
    try:
        text = render(all_coverage())
    except CoverageError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 1
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is out of date: run python -m telemock.contracts.coverage", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
