"""Loads the documented OpenAPI specs shipped in this folder, once per process."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SPEC_DIR = Path(__file__).resolve().parent

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader


def spec_path(provider: str) -> Path:
    return SPEC_DIR / f"{provider}.yaml"


def available_specs() -> list[str]:
    return sorted(p.stem for p in SPEC_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load_spec(provider: str) -> dict[str, Any]:
    path = spec_path(provider)
    if not path.is_file():
        raise LookupError(f"no documented spec for provider {provider!r}")
    with path.open(encoding="utf-8") as handle:
        loaded = yaml.load(handle, Loader=_Loader)
    # YAML anchors make several places share one object; a JSON round trip gives each its own,
    # so whatever adjusts one copy of a schema never changes another.
    return json.loads(json.dumps(loaded))


def served_spec(provider: str, base_url: str) -> dict[str, Any]:
    """The spec as the emulator serves it: same paths, `servers` pointing at the emulator."""
    spec = copy.copy(load_spec(provider))
    real = [s.get("url") for s in load_spec(provider).get("servers", [])]
    spec["servers"] = [
        {"url": base_url, "description": f"telemock emulating {', '.join(filter(None, real))}"}
    ]
    return spec
