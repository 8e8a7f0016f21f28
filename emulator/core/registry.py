"""Finds provider plugins: every package under emulator.providers that exposes PROVIDER."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .provider import Provider


def provider_classes() -> list[type["Provider"]]:
    from .. import providers

    found = []
    for info in sorted(pkgutil.iter_modules(providers.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{providers.__name__}.{info.name}")
        cls = getattr(module, "PROVIDER", None)
        if cls is not None:
            found.append(cls)
    return found
