"""The control API under /_telemock/: one route table, plain JSON in and out."""

from .routes import admin_app

__all__ = ["admin_app"]
