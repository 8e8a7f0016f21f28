"""telemock's emulator: `create_app(config)` returns the Starlette app every shape runs."""

__version__ = "0.1.0"

from .app import create_app  # noqa: E402
from .config import Config  # noqa: E402

__all__ = ["Config", "create_app", "__version__"]
