"""The request path of a provider, one plain-ASGI layer per module (composed in core/provider_app.py)."""
