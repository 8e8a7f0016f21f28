"""The inspector: a web page over the control API, served at /_telemock/ui/.

Plain HTML, CSS and JavaScript modules shipped as package data (no build step, nothing fetched
from elsewhere); the page reads and steers the emulator through the same JSON control API as
every other client.
"""

from .page import InspectorPage

__all__ = ["InspectorPage"]
