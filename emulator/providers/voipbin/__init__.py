"""VoIPBIN: numbers, available numbers, flows and activeflows under /v1.0, login under /auth."""

from .provider import VoipbinProvider as PROVIDER

__all__ = ["PROVIDER"]
