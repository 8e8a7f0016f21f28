"""telemock: a local, stateful emulator of telecom number APIs and a contract-test kit.

`create_app(config)` returns the Starlette app that every shape runs (the `telemock serve`
command, the pytest plugin, the container, the proxy); `running()` serves it on a free port for
code outside pytest's fixtures (`with telemock.running() as tm:`). The server lives in `telemock.emulator`,
the documented specs and their validation in `telemock.contracts`, the kit that drives clients
and receivers in `telemock.contracts.kit`, the command in `telemock.cli`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
__all__ = ["Config", "create_app", "running", "__version__"]

if TYPE_CHECKING:
    from .contracts.kit.running import running
    from .emulator.app import create_app
    from .emulator.config import Config


def __getattr__(name: str) -> Any:
    """Imported on first use, so `telemock --help` and the pytest plugin stay quick to load."""
    if name == "create_app":
        from .emulator.app import create_app

        return create_app
    if name == "Config":
        from .emulator.config import Config

        return Config
    if name == "running":
        from .contracts.kit.running import running

        return running
    raise AttributeError(name)
