"""The server: `create_app(config)` returns the Starlette app every shape runs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Config", "create_app"]

if TYPE_CHECKING:
    from .app import create_app
    from .config import Config


def __getattr__(name: str) -> Any:
    """Imported on first use, so `telemock --help` and the pytest plugin stay quick to load."""
    if name == "create_app":
        from .app import create_app

        return create_app
    if name == "Config":
        from .config import Config

        return Config
    raise AttributeError(name)
