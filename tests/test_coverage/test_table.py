"""docs/coverage.md stays what the specs and the providers' lists make of it, and the lists keep up with the specs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from telemock.contracts.coverage import (
    EMULATED,
    NOT_EMULATED,
    PARTLY,
    CoverageError,
    all_coverage,
    compare,
    main,
    render,
    spec_operations,
)
from telemock.contracts.specs import available_specs, load_spec
from telemock.contracts.specs.catalog import CatalogError, available_catalogs, load_catalog, parse_catalog, path_shape

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "coverage.md"
REGENERATE = "run `python -m telemock.contracts.coverage` from the repository root and commit docs/coverage.md"


def test_docs_coverage_md_is_what_the_specs_make_of_the_lists() -> None:
    """Regenerated in memory from today's specs: a spec that gained an operation changes the table."""
    assert DOC.read_text(encoding="utf-8") == render(all_coverage()), REGENERATE


def test_every_provider_with_a_spec_has_a_list_and_every_spec_operation_is_in_it() -> None:
    assert available_catalogs() == available_specs()
    for coverage in all_coverage():  # raises CoverageError naming what a list lacks
        emulated = {row.listed.key for row in coverage.operations if row.status != NOT_EMULATED}
        described = {(op.method, path_shape(op.path, ".json")) for op in spec_operations(load_spec(coverage.catalog.provider))}
        assert emulated == described, coverage.catalog.provider


def test_the_lists_name_their_sources_and_stay_inside_the_areas() -> None:
    for provider in available_catalogs():
        catalog = load_catalog(provider)
        assert catalog.provider == provider
        assert catalog.operations and catalog.events, provider
        for entry in (*catalog.operations, *catalog.events):
            assert entry.source.split(" ", 1)[0] in catalog.sources, entry
            assert entry.area in catalog.areas


def test_the_readme_links_the_table() -> None:
    assert "docs/coverage.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def catalog(**areas: Any) -> Any:
    return parse_catalog({
        "provider": "acme", "title": "Acme",
        "sources": {"docs": "Acme's reference"},
        "areas": [{"area": name, **content} for name, content in areas.items()],
    }, "acme.yaml")


def spec(paths: dict[str, Any], webhooks: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"openapi": "3.1.0", "paths": paths, "webhooks": webhooks or {},
            "components": {"parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
                           "schemas": {"Number": {"type": "object", "properties": {"name": {}, "label": {}}}}}}


NUMBERS = {
    "operations": [
        {"name": "numbers_list", "method": "GET", "path": "/numbers", "source": "docs numbers", "query": ["limit", "after"]},
        {"name": "numbers_update", "method": "PUT", "path": "/numbers/{id}", "source": "docs numbers", "body": ["name", "label"]},
        {"name": "numbers_delete", "method": "DELETE", "path": "/numbers/{id}", "source": "docs numbers"},
    ],
    "events": [{"name": "number.created", "source": "docs events", "aliases": ["numberCreated"]},
               {"name": "number.deleted", "source": "docs events"}],
}


def test_an_operation_is_emulated_partly_or_not_by_its_parameters_and_fields() -> None:
    described = spec({
        "/numbers": {"get": {"operationId": "numbers_list", "parameters": [{"$ref": "#/components/parameters/Limit"}]}},
        "/numbers/{number_id}": {"put": {"operationId": "numbers_update", "requestBody": {"content": {
            "application/json": {"schema": {"allOf": [{"$ref": "#/components/schemas/Number"}]}}}}}},
    }, {"numberCreated": {"post": {"operationId": "webhooks_number_created"}}})
    coverage = compare(catalog(Numbers=NUMBERS), described)
    rows = {row.listed.name: row for row in coverage.operations}
    assert rows["numbers_list"].status == PARTLY and rows["numbers_list"].missing == ("query `after`",)
    assert rows["numbers_update"].status == EMULATED, "a path parameter's name does not matter"
    assert rows["numbers_delete"].status == NOT_EMULATED
    assert [(row.listed.name, row.emulated) for row in coverage.events] == [("number.created", True), ("number.deleted", False)]
    text = render([coverage])
    assert "| `numbers_list` | `GET /numbers` | partly | query `after` | docs numbers |" in text
    assert "| `numbers_delete` | `DELETE /numbers/{id}` | not emulated |  | docs numbers |" in text
    assert "| [Acme](#acme) | 3 | 1 | 1 | 1 | 1 of 2 |" in text


def test_a_spec_operation_or_event_the_list_lacks_is_an_error_naming_it() -> None:
    grown = spec({
        "/numbers": {"get": {"operationId": "numbers_list"}},
        "/numbers/{id}/release": {"post": {"operationId": "numbers_release"}},
    }, {"number.ported": {"post": {"operationId": "webhooks_number_ported"}}})
    with pytest.raises(CoverageError) as raised:
        compare(catalog(Numbers=NUMBERS), grown)
    assert raised.value.problems == [
        "acme: the spec has POST /numbers/{id}/release (numbers_release), which specs/operations/acme.yaml does not list",
        "acme: the spec has the event 'number.ported', which specs/operations/acme.yaml does not list "
        "(add it, or name it among an event's aliases)",
    ]


def test_a_path_suffix_the_provider_also_serves_matches_the_spec_either_way() -> None:
    laml = {"path_suffix": ".json", "operations": [
        {"name": "laml_numbers_list", "method": "GET", "path": "/Accounts/{AccountSid}/Numbers", "source": "docs laml"}]}
    for path in ("/Accounts/{sid}/Numbers", "/Accounts/{sid}/Numbers.json"):
        coverage = compare(catalog(Laml=laml), spec({path: {"get": {"operationId": "numbers"}}}))
        assert coverage.operations[0].status == EMULATED and coverage.operations[0].name == "numbers"


@pytest.mark.parametrize(("broken", "message"), [
    ({"name": "x", "method": "GET", "path": "/x"}, "areas[0].operations[0]: missing source"),
    ({"name": "x", "method": "FETCH", "path": "/x", "source": "docs"}, "areas[0].operations[0]: method must be one of"),
    ({"name": "x", "method": "GET", "path": "/x", "source": "blog post"}, "does not start with one of the sources (docs)"),
    ({"name": "numbers_list", "method": "GET", "path": "/y", "source": "docs"}, "names: listed twice: numbers_list"),
    ({"name": "y", "method": "GET", "path": "/numbers", "source": "docs"}, "(method and path): listed twice: GET /numbers"),
])
def test_a_list_entry_without_its_shape_is_refused_with_its_place(broken: dict[str, Any], message: str) -> None:
    with pytest.raises(CatalogError, match=re.escape(message)):
        catalog(Extra={"operations": [broken]}, Numbers=NUMBERS)


def test_the_command_writes_the_table_and_checks_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "coverage.md"
    assert main(["--check", "--output", str(target)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
    assert main(["--check", "--output", str(target)]) == 0


def test_the_command_runs_as_a_module(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "telemock.contracts.coverage", "--check", "--output", str(DOC)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
