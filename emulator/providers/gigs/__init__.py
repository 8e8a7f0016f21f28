"""Gigs: virtual numbers (with subscriptions and users) under /projects/{project}, and CloudEvents webhooks."""

from .provider import GigsProvider as PROVIDER

__all__ = ["PROVIDER"]
