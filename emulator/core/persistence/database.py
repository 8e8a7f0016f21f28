"""The SQLite file itself: its tables, how it is opened, and one transaction per write.

WAL commits are atomic, so a process killed at any instant (kill -9) leaves the previous or the
next state on disk, never a mix. `synchronous=NORMAL` keeps a commit in the operating system's
hands without an fsync: it survives the process, not a power cut. The file is opened in
exclusive locking mode, so a second telemock on the same file fails at once.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from ..fixtures import FixtureError

log = logging.getLogger("telemock.state")

SCHEMA = 1
TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID",
    # A tenant's state, item by item: one row per entry of each top-level object, one per other
    # top-level value, markers for objects and for the tenant; `ord` keeps the dicts' order.
    (
        "CREATE TABLE IF NOT EXISTS parts (provider TEXT NOT NULL, tenant TEXT NOT NULL, part TEXT NOT NULL,"
        " ord INTEGER NOT NULL, value BLOB NOT NULL, PRIMARY KEY (provider, tenant, part)) WITHOUT ROWID"
    ),
    "CREATE TABLE IF NOT EXISTS deliveries (id TEXT PRIMARY KEY, data BLOB NOT NULL) WITHOUT ROWID",
)
PUT_META = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
PUT_PART = "INSERT OR REPLACE INTO parts (provider, tenant, part, ord, value) VALUES (?, ?, ?, ?, ?)"
DEL_PART = "DELETE FROM parts WHERE provider = ? AND tenant = ? AND part = ?"
DEL_TENANT = "DELETE FROM parts WHERE provider = ? AND tenant = ?"
PUT_DELIVERY = "INSERT OR REPLACE INTO deliveries (id, data) VALUES (?, ?)"
DEL_DELIVERY = "DELETE FROM deliveries WHERE id = ?"

Ops = list[tuple[str, tuple[Any, ...]]]  # statements of one transaction, with their parameters


class StateFileError(FixtureError):
    """The state file cannot be opened, read or written (a start-up error like a bad fixture)."""


def connect(path: Path) -> sqlite3.Connection:
    """Opens (or creates) the file, exclusively, in WAL mode, with the tables in place."""
    if path.parent and not path.parent.is_dir():
        raise StateFileError(f"{path}: the directory {path.parent} does not exist")
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=1.0)
    except sqlite3.Error as exc:
        raise StateFileError(f"{path}: cannot open the state file: {exc}") from None
    try:
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StateFileError(f"{path}: the state file cannot use write-ahead logging (journal mode {mode})")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("BEGIN EXCLUSIVE")
        for statement in TABLES:
            db.execute(statement)
        db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        db.close()
        if "locked" in str(exc):
            raise StateFileError(f"{path}: the state file is in use by another telemock") from None
        raise StateFileError(f"{path}: not a usable state file: {exc}") from None
    except sqlite3.DatabaseError as exc:
        db.close()
        raise StateFileError(f"{path}: not a telemock state file: {exc}") from None
    return db


def schema_of(db: sqlite3.Connection, path: Path) -> int | None:
    """The schema the file was written with; None for a new file. An unknown schema is refused."""
    row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is None:
        return None
    if int(row[0]) != SCHEMA:
        raise StateFileError(f"{path}: state file schema {int(row[0])} is not the supported {SCHEMA}")
    return SCHEMA


def commit(db: sqlite3.Connection, ops: Ops, path: Path) -> None:
    """Runs `ops` in one transaction; on failure rolls back and raises StateFileError."""
    try:
        db.execute("BEGIN")
        for sql, params in ops:
            db.execute(sql, params)
        db.execute("COMMIT")
    except sqlite3.Error as exc:
        if db.in_transaction:
            db.execute("ROLLBACK")
        log.error("could not write the state file %s: %s", path, exc)
        raise StateFileError(f"{path}: write failed: {exc}") from None
