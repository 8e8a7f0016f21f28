"""A live webhook receiver per test."""

from __future__ import annotations

import ssl
from typing import Iterator

import pytest

from .receiver import Receiver

# One TLS context for every client: building one per httpx.Client costs tens of milliseconds.
TLS = ssl.create_default_context()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as live:
        yield live
