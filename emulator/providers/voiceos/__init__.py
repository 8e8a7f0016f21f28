"""VoiceOS (api.voiceos.io): phone numbers, agents and conversations, FastAPI-style errors."""

from .provider import VoiceosProvider as PROVIDER

__all__ = ["PROVIDER"]
