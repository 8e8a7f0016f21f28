"""Fixture files: YAML seed state, one section per provider, with errors that point at the line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ValidationError

from .clock import from_datetime

# libyaml's parser is ~10x faster than the pure-Python one; start-up time is mostly YAML.
_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FixtureError(Exception):
    """A fixture file cannot be used; the message names the file, the place and the problem."""


def fixture_time(value: str | None, where: str, *, offset_required: bool = False) -> int | None:
    """An RFC 3339 time from a fixture file as µs (None stays None); where a provider only writes
    times with a UTC offset, `offset_required` refuses one without."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise FixtureError(f"{where}: {value!r} is not an RFC 3339 time") from None
    if offset_required and moment.tzinfo is None:
        raise FixtureError(f"{where}: {value!r} needs a UTC offset, e.g. 2026-01-01T00:00:00Z")
    return from_datetime(moment)


def bundled_fixtures_dir() -> Path:
    """Where the fixtures shipped with telemock live.

    Beside the server's folder in both layouts: `telemock/fixtures` next to `telemock/emulator`
    in a wheel, `fixtures/` next to `emulator/` in a source checkout (an editable install).
    """
    candidate = Path(__file__).resolve().parent.parent.parent / "fixtures"
    if (candidate / "default.yaml").is_file():
        return candidate
    raise FixtureError("the bundled fixtures (default.yaml) are missing from this installation")


def default_fixture_path() -> Path:
    return bundled_fixtures_dir() / "default.yaml"


def resolve_fixture_path(name: str | Path) -> Path:
    """A path as given, or the name of a bundled set (`default`, `default.yaml`)."""
    path = Path(name)
    if path.exists():
        return path
    bundled = bundled_fixtures_dir()
    for candidate in (bundled / str(name), bundled / f"{name}.yaml"):
        if candidate.is_file():
            return candidate
    raise FixtureError(f"{name}: no such fixture file")


def read_fixture_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FixtureError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FixtureError(f"{path}: not UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise FixtureError(f"{path}:{where} invalid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FixtureError(f"{path}: the top level must be a mapping of provider names to sections")
    return data


def format_location(prefix: str, loc: Iterable[Any]) -> str:
    text = prefix
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def parse_section(model: type[BaseModel], data: Any, *, source: str, prefix: str) -> BaseModel:
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = format_location(prefix, error["loc"])
            got = error.get("input")
            shown = "" if isinstance(got, (dict, list)) or got is None else f" (got {got!r})"
            problems.append(f"{source}: {where}: {error['msg']}{shown}")
        raise FixtureError("\n".join(problems)) from None
