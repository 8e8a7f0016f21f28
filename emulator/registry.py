"""Finds provider plugins: every package under `telemock.emulator.providers` that exposes PROVIDER.

The app layer does the finding and hands the classes to the core, which never names a provider.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .core.provider import Provider


def provider_names() -> list[str]:
    from . import providers

    return sorted(info.name for info in pkgutil.iter_modules(providers.__path__) if info.ispkg)


def provider_classes(only: list[str] | None = None) -> list[type["Provider"]]:
    """The plugins to run; `only` limits them (and what gets imported) to the named ones."""
    from . import providers

    available = provider_names()
    if only is not None:
        unknown = sorted(set(only) - set(available))
        if unknown:
            raise LookupError(f"no provider named {', '.join(unknown)} (available: {', '.join(available)})")
    found = []
    for name in available:
        if only is not None and name not in only:
            continue
        module = importlib.import_module(f"{providers.__name__}.{name}")
        cls = getattr(module, "PROVIDER", None)
        if cls is not None:
            found.append(cls)
    return found
