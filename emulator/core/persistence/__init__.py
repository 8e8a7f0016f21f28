"""The state file (`--state-file`): every change a client saw succeed is on disk before its answer's
last byte leaves.

By job: `state_file.py` restores and decides what to write and when, `layer.py` is the ASGI layer
that writes before each answer ends, `changes.py` hears what the outbox and timers change,
`rows.py` diffs tenants item by item, `codec.py` encodes outbox messages, `database.py` is the
SQLite file.
"""

from .database import StateFileError
from .state_file import Persistence

__all__ = ["Persistence", "StateFileError"]
