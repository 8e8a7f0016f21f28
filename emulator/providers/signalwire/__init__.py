"""SignalWire: the Relay REST phone-number API under /api/relay/rest, HTTP Basic per project."""

from .provider import SignalwireProvider as PROVIDER

__all__ = ["PROVIDER"]
