"""Finds a user's object from `module:attribute` on a command line (a scenario, an app)."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any


def load_object(reference: str) -> Any:
    """`package.module:name` (a dotted name after the colon reaches inside objects), imported
    with the working directory on the path, as `python -m` would have it."""
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"{reference!r} is not MODULE:NAME (e.g. tests.scenarios:buy_a_number)")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        found: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import {module_name!r}: {exc}") from None
    for part in attribute.split("."):
        try:
            found = getattr(found, part)
        except AttributeError:
            raise ValueError(f"{module_name!r} has no {attribute!r}") from None
    return found
