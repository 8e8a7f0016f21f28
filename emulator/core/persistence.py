"""The state file: every change a client saw succeed is on disk before its answer's last byte leaves.

One SQLite database (standard library, WAL journal). What is written, and when:

- a provider request: just before the last chunk of its answer, the tenant the handler named
  with `set_tenant` (every tenant of the provider when it named none and the method may write),
  the clock, and the outbox messages queued or changed since the last write. The tenant is
  compared item by item (each entry of its top-level objects is a row) with what the file
  holds, and only the rows that differ are written. A GET or HEAD that stamped no write on the
  clock and queued no message is not compared at all.
- a control-API request other than GET/HEAD (reset, state load, seeds, clock moves, webhook
  endpoints, profiles, transitions, simulations, replays): everything that differs.
- work that runs on virtual time (lifecycle timers) or in the background (delivery attempts):
  everything that differs, or the message, as soon as it has run.

Each write is one transaction. WAL commits are atomic, so a process killed at any instant
(kill -9) leaves the previous or the next state on disk, never a mix, and a client holding a
complete answer knows its change was committed first. `synchronous=NORMAL` keeps a commit in
the operating system's hands without an fsync: it survives the process, not a power cut.

On start, an existing file wins over the fixtures (which stay the baseline of `reset`): tenants,
webhook endpoints, the clock (a running clock keeps its offset from real time) and the outbox
(unfinished deliveries resume; one caught mid-attempt is attempted again). Profiles and settings
changed at run time are restored too, unless this run's configuration of the provider differs
from the one the file was written under; then the new configuration wins.
"""

from __future__ import annotations

import base64
import itertools
import logging
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from .clock import VirtualClock
from .fixtures import FixtureError
from .outbox import FAILED, PENDING, SENDING, SUCCEEDED, Message, Outbox
from .outbox import TIMER_PREFIX as OUTBOX_TIMERS
from .timers import Callback, Timers
from .webhooks import DeliveryPolicy, WebhookFormat

if TYPE_CHECKING:
    from .runtime import Runtime

log = logging.getLogger("telemock.state")

SCHEMA = 1
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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


class StateFileError(FixtureError):
    """The state file cannot be opened, read or written (a start-up error like a bad fixture)."""


# --- the parts of the core that report their changes --------------------------------------------


class TrackedTimers(Timers):
    """Timers that tell the state file when virtual-time work (a lifecycle step) has run."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__(clock)
        self.fired = 0
        self.on_fired: Callable[[], None] | None = None

    def schedule(self, key: str, due_us: int, callback: Callback) -> None:
        if key.startswith(OUTBOX_TIMERS):  # a due delivery changes nothing until it is attempted
            super().schedule(key, due_us, callback)
            return

        def counted(at_us: int) -> None:
            try:
                callback(at_us)
            finally:
                self.fired += 1

        super().schedule(key, due_us, counted)

    def run_due(self) -> None:
        nested = self._running
        before = self.fired
        super().run_due()
        if not nested and self.fired != before and self.on_fired is not None:
            self.on_fired()


class FormatRegistry(dict[str, WebhookFormat]):
    """The outbox's formats by name; a name not seen since start is asked of the providers."""

    def __init__(self) -> None:
        super().__init__()
        self.resolve: Callable[[str], WebhookFormat | None] = lambda name: None

    def __missing__(self, name: str) -> WebhookFormat:
        fmt = self.resolve(name)
        if fmt is None:
            raise KeyError(f"no webhook format named {name!r} (no provider lists it in webhook_formats())")
        self[name] = fmt
        return fmt


class TrackedOutbox(Outbox):
    """The outbox, noting which messages changed so only those are written."""

    def __init__(self, clock: VirtualClock, timers: Timers, endpoints: Any, capacity: int = 1000) -> None:
        super().__init__(clock, timers, endpoints, capacity)
        self.registry = FormatRegistry()
        self.formats = self.registry
        self.changed: set[str] = set()
        self.forgot = False
        self.on_attempt: Callable[[], None] | None = None

    def send(self, **kwargs: Any) -> Message:  # type: ignore[override]
        message = super().send(**kwargs)
        self.changed.add(message.id)
        return message

    def finish_attempt(self, message: Message, attempt: dict[str, Any], succeeded: bool) -> None:
        super().finish_attempt(message, attempt, succeeded)
        self.changed.add(message.id)
        self.forgot = True  # a finished message may push an old one out of the history
        if self.on_attempt is not None:
            self.on_attempt()

    def replay(self, message_id: str) -> Message:
        message = super().replay(message_id)
        self.changed.add(message.id)
        return message

    def clear(self, provider: str | None = None, tenant: str | None = None) -> None:
        super().clear(provider, tenant)
        self.forgot = True

    def load(self, messages: list[Message]) -> None:
        """Puts messages read from the state file back: lanes, history and timers as they were."""
        now = self.clock.now_us()
        top = 0
        for message in sorted(messages, key=lambda m: m.seq):
            top = max(top, message.seq, message.finished_seq)
            if message.status == SENDING:  # interrupted mid-attempt: attempt it again
                message.status = PENDING
                message.next_attempt_us = now
            self.messages[message.id] = message
            lane = message.lane
            if message.status == PENDING and lane is not None and message.cycle_start == 0:
                self._lanes.setdefault(lane, deque()).append(message.id)
        finished = sorted(
            (m for m in self.messages.values() if m.status in (SUCCEEDED, FAILED)), key=lambda m: m.finished_seq
        )
        self._finished = deque((m.id, m.finished_seq) for m in finished)
        self._finished_count = len(finished)
        self._seq = itertools.count(top + 1)
        for message in self.messages.values():
            if message.status == PENDING:
                self._arm(message)
        self._changed()


def message_to_json(message: Message) -> bytes:
    policy = message.policy
    statuses = policy.success_statuses
    return orjson.dumps(
        {
            "id": message.id,
            "message_id": message.message_id,
            "seq": message.seq,
            "provider": message.provider,
            "tenant": message.tenant,
            "url": message.url,
            "method": message.method,
            "body": base64.b64encode(message.body).decode(),
            "headers": message.headers,
            "secret": message.secret,
            "format": message.format,
            "policy": {
                "attempt_delays_s": list(policy.attempt_delays_s),
                "timeout_s": policy.timeout_s,
                "ordered": policy.ordered,
                "success_statuses": [statuses.start, statuses.stop, statuses.step],
            },
            "event_type": message.event_type,
            "ordering_key": message.ordering_key,
            "endpoint": message.endpoint,
            "created_us": message.created_us,
            "occurred_us": message.occurred_us,
            "status": message.status,
            "next_attempt_us": message.next_attempt_us,
            "cycle_start": message.cycle_start,
            "finished_seq": message.finished_seq,
            "attempts": message.attempts,
        }
    )


def message_from_json(raw: bytes) -> Message:
    data = orjson.loads(raw)
    policy = data.pop("policy")
    data["body"] = base64.b64decode(data["body"])
    data["policy"] = DeliveryPolicy(
        attempt_delays_s=tuple(policy["attempt_delays_s"]),
        timeout_s=policy["timeout_s"],
        ordered=policy["ordered"],
        success_statuses=range(*policy["success_statuses"]),
    )
    return Message(**data)


# --- tenants, item by item ----------------------------------------------------------------------------

Part = tuple[Any, ...]  # (): the tenant; (key,): a top-level value; (key, None): an object; (key, sub): its entry
Ops = list[tuple[str, tuple[Any, ...]]]
Change = tuple[dict[Part, tuple[int, bytes]], Part, "tuple[int, bytes] | None"]
OBJECT_MARK = b"{}"


def part_name(part: Part) -> str:
    return orjson.dumps(list(part)).decode()


class TenantRows:
    """What the file holds of each tenant, item by item, so a write touches only the items that changed.

    Serialising every item still costs one pass over the tenant, but the file only receives the
    changed rows, so a write stays small however large the tenant grows.
    """

    def __init__(self) -> None:
        self.parts: dict[tuple[str, str], dict[Part, tuple[int, bytes]]] = {}
        self.ids: dict[str, set[str]] = {}
        self._ord = 0

    def next_ord(self) -> int:
        self._ord += 1
        return self._ord

    def known(self, provider: str) -> set[str]:
        return self.ids.setdefault(provider, set())

    def load(self, provider: str, tenant: str, name: str, ord_: int, value: bytes, into: dict[str, Any]) -> None:
        """One row read at start-up, in `ord` order, added to the tenant states being rebuilt."""
        part: Part = tuple(orjson.loads(name))
        self.parts.setdefault((provider, tenant), {})[part] = (ord_, value)
        self.known(provider).add(tenant)
        self._ord = max(self._ord, ord_)
        state = into.setdefault(tenant, {})
        if len(part) == 1:
            state[part[0]] = orjson.loads(value)
        elif len(part) == 2 and part[1] is None:
            state.setdefault(part[0], {})
        elif len(part) == 2:
            state.setdefault(part[0], {})[part[1]] = orjson.loads(value)

    def diff(
        self, provider: str, tenant: str, state: dict[str, Any], ops: Ops, changes: list[Change],
        after: list[Callable[[], None]],
    ) -> None:
        """Adds the rows that differ from the file for one tenant."""
        parts = self.parts.get((provider, tenant))
        if parts is None:
            parts = {}
            ord_ = self.next_ord()
            ops.append((PUT_PART, (provider, tenant, part_name(()), ord_, b"")))
            changes.append((parts, (), (ord_, b"")))

            def register(parts: dict[Part, tuple[int, bytes]] = parts) -> None:
                self.parts[(provider, tenant)] = parts
                self.known(provider).add(tenant)

            after.append(register)
        visited = 1
        added = 0
        dumps = orjson.dumps

        def put(part: Part, raw: bytes) -> None:
            nonlocal added
            old = parts.get(part)
            if old is None:
                added += 1
                value = (self.next_ord(), raw)
            elif old[1] != raw:
                value = (old[0], raw)
            else:
                return
            ops.append((PUT_PART, (provider, tenant, part_name(part), value[0], raw)))
            changes.append((parts, part, value))

        for key, value in state.items():
            if type(value) is dict:
                put((key, None), OBJECT_MARK)
                visited += 1 + len(value)
                for sub, item in value.items():
                    raw = dumps(item)
                    old = parts.get((key, sub))
                    if old is None or old[1] != raw:
                        put((key, sub), raw)
            else:
                visited += 1
                put((key,), dumps(value))
        if visited != len(parts) + added:  # something was removed: find what
            current: set[Part] = {()}
            for key, value in state.items():
                if type(value) is dict:
                    current.add((key, None))
                    current.update((key, sub) for sub in value)
                else:
                    current.add((key,))
            for part in parts.keys() - current:
                ops.append((DEL_PART, (provider, tenant, part_name(part))))
                changes.append((parts, part, None))

    def drop(self, provider: str, tenant: str, ops: Ops, after: list[Callable[[], None]]) -> None:
        ops.append((DEL_TENANT, (provider, tenant)))

        def forget() -> None:
            self.parts.pop((provider, tenant), None)
            self.known(provider).discard(tenant)

        after.append(forget)

    @staticmethod
    def apply(changes: list[Change]) -> None:
        for parts, part, value in changes:
            if value is None:
                parts.pop(part, None)
            else:
                parts[part] = value


# --- the state file ---------------------------------------------------------------------------------


class Persistence:
    """The open state file and what was last written to it, to write only what changed."""

    def __init__(self, runtime: Runtime, path: Path) -> None:
        self.runtime = runtime
        self.path = path
        self.db = self._connect(path)
        self.closed = False
        self.rows = TenantRows()
        self._meta: dict[str, bytes] = {}
        self._message_ids: set[str] = set()
        self._configured_now = {
            name: {"profile": p.profile_name, "settings": p.settings.model_dump(mode="json")}
            for name, p in runtime.providers.items()
        }
        self.writes = 0

    @classmethod
    def open(cls, runtime: Runtime, path: Path) -> Persistence:
        """Opens (or creates) the file, restores what it holds and starts following changes."""
        persistence = cls(runtime, Path(path))
        try:
            if persistence._has_data():
                persistence._restore()
            persistence.flush(everything=True)
        except StateFileError:
            persistence.db.close()
            raise
        except (sqlite3.Error, ValueError, KeyError, TypeError, LookupError, orjson.JSONDecodeError) as exc:
            persistence.db.close()
            raise StateFileError(f"{path}: the state file cannot be loaded: {type(exc).__name__}: {exc}") from None
        timers = runtime.timers
        if isinstance(timers, TrackedTimers):
            timers.on_fired = persistence.flush_everything
        outbox = runtime.outbox
        if isinstance(outbox, TrackedOutbox):
            outbox.registry.resolve = persistence._format_named
            outbox.on_attempt = persistence.flush_outbox
        return persistence

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        if path.parent and not path.parent.is_dir():
            raise StateFileError(f"{path}: the directory {path.parent} does not exist")
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=1.0)
        except sqlite3.Error as exc:
            raise StateFileError(f"{path}: cannot open the state file: {exc}") from None
        try:
            # Exclusive: a second telemock on the same file fails at once instead of interleaving writes.
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

    def _has_data(self) -> bool:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            return False
        if int(row[0]) != SCHEMA:
            raise StateFileError(f"{self.path}: state file schema {int(row[0])} is not the supported {SCHEMA}")
        return True

    # --- start-up ------------------------------------------------------------------------------

    def _restore(self) -> None:
        runtime = self.runtime
        meta = {key: bytes(value) for key, value in self.db.execute("SELECT key, value FROM meta")}
        self._meta.update(meta)
        saved_providers = {name for name in runtime.providers if f"provider:{name}" in meta}
        tenants: dict[str, dict[str, Any]] = {name: {} for name in saved_providers}
        for provider, tenant, name, ord_, raw in self.db.execute(
            "SELECT provider, tenant, part, ord, value FROM parts ORDER BY ord"
        ):
            if provider in tenants:
                self.rows.load(provider, tenant, name, ord_, bytes(raw), tenants[provider])
        if "clock" in meta:  # first: providers may look at the time while they rebuild
            clock = orjson.loads(meta["clock"])
            now_us = clock["now_us"] if clock["frozen"] else wall_us() + clock["offset_us"]
            runtime.clock.restore({"now_us": now_us, "frozen": clock["frozen"], "last_stamp_us": clock["last_stamp_us"]})
        top = self.db.execute("SELECT max(ord) FROM parts").fetchone()[0]
        self.rows._ord = max(self.rows._ord, top or 0)
        for name in sorted(saved_providers):
            provider = runtime.providers[name]
            saved = orjson.loads(meta[f"provider:{name}"])
            if saved.get("configured") == self._configured(name):
                live = saved["live"]
                provider.set_profile(live["profile"])
                provider.settings = provider.settings_model.model_validate(live["settings"])
            else:
                log.info("%s: configured differently than when %s was written; this run's profile and settings apply",
                         name, self.path)
            provider.store.tenants = tenants[name]
            provider.on_state_loaded()
        if "webhook_endpoints" in meta:
            saved_endpoints = orjson.loads(meta["webhook_endpoints"])
            fresh = [e for e in runtime.endpoints.snapshot() if e["provider"] not in saved_providers
                     and e["provider"] in runtime.providers]
            kept = [e for e in saved_endpoints if e["id"] not in {f["id"] for f in fresh}]
            runtime.endpoints.restore(kept + fresh)
        messages = []
        for message_id, raw in self.db.execute("SELECT id, data FROM deliveries"):
            message = message_from_json(raw)
            if message.provider in runtime.providers:
                messages.append(message)
                self._message_ids.add(message_id)
        outbox = runtime.outbox
        if isinstance(outbox, TrackedOutbox):
            outbox.registry.resolve = self._format_named
            outbox.load(messages)
            outbox.changed.clear()
            outbox.forgot = False
        pending = sum(1 for m in messages if m.status == PENDING)
        log.info("restored state from %s: %d tenant(s), %d pending delivery(ies)",
                 self.path, sum(len(t) for t in tenants.values()), pending)

    def _configured(self, name: str) -> dict[str, Any]:
        """The provider's profile and settings as this run's configuration and fixtures set them."""
        return self._configured_now[name]

    def _format_named(self, name: str) -> WebhookFormat | None:
        for provider in self.runtime.providers.values():
            for fmt in provider.webhook_formats():
                if fmt.name == name:
                    return fmt
        return None

    # --- writing --------------------------------------------------------------------------------

    def flush_everything(self) -> None:
        """After virtual-time work: a failed write is logged (and retried by the next one), never raised
        into the timer task, which must keep running."""
        try:
            self.flush(everything=True)
        except StateFileError:
            pass

    def flush_outbox(self) -> None:
        """After a delivery attempt; like flush_everything, a failure is logged and retried later."""
        try:
            self.flush()
        except StateFileError:
            pass

    def write_mark(self) -> int:
        """The clock's last write stamp: a request that leaves it (and the outbox) alone changed nothing."""
        return self.runtime.clock.snapshot()["last_stamp_us"]

    def after_request(self, provider: str | None, scope: Scope, mark: int | None = None) -> None:
        """What a request may have changed: all of it for the control API, the caller's tenant for a provider.

        A read (GET, HEAD) that stamped no write and queued no message is taken at its word.
        """
        if provider is None:
            self.flush(everything=True)
            return
        tenant = scope.get("state", {}).get("telemock.tenant")
        if scope.get("method") in SAFE_METHODS:
            outbox = self.runtime.outbox
            quiet = not (isinstance(outbox, TrackedOutbox) and (outbox.changed or outbox.forgot))
            if tenant is None or (quiet and mark == self.write_mark()):
                self.flush()
                return
        self.flush(provider=provider, tenant=tenant, whole_provider=tenant is None)

    def flush(
        self,
        *,
        provider: str | None = None,
        tenant: str | None = None,
        whole_provider: bool = False,
        everything: bool = False,
    ) -> None:
        """Writes what differs from the file, in one transaction; nothing when nothing does."""
        if self.closed:
            return
        ops: Ops = []
        changes: list[Change] = []
        cache: list[Callable[[], None]] = []
        if everything:
            for name in self.runtime.providers:
                self._diff_tenants(name, None, ops, changes, cache)
                self._diff_meta(f"provider:{name}", self._provider_meta(name), ops, cache)
            self._diff_meta("webhook_endpoints", orjson.dumps(self.runtime.endpoints.snapshot()), ops, cache)
        elif provider is not None:
            self._diff_tenants(provider, None if whole_provider else tenant, ops, changes, cache)
        undo = self._diff_outbox(ops, cache)
        if ops or everything:
            self._diff_meta("clock", self._clock_meta(), ops, cache)
        if not ops:
            return
        if "schema" not in self._meta:
            self._diff_meta("schema", str(SCHEMA).encode(), ops, cache)
        try:
            self._commit(ops)
        except StateFileError:
            undo()
            raise
        TenantRows.apply(changes)
        for update in cache:
            update()
        self.writes += 1

    def _commit(self, ops: Ops) -> None:
        db = self.db
        try:
            db.execute("BEGIN")
            for sql, params in ops:
                db.execute(sql, params)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            log.error("could not write the state file %s: %s", self.path, exc)
            raise StateFileError(f"{self.path}: write failed: {exc}") from None

    def _diff_tenants(
        self, name: str, tenant: str | None, ops: Ops, changes: list[Change], cache: list[Callable[[], None]]
    ) -> None:
        """One tenant (or all of the provider's) against the file, and tenants added or removed."""
        current = self.runtime.providers[name].store.tenants
        known = self.rows.known(name)
        if tenant is None:
            for tid, state in current.items():
                self.rows.diff(name, tid, state, ops, changes, cache)
        elif tenant in current:
            self.rows.diff(name, tenant, current[tenant], ops, changes, cache)
        if tenant is None or len(current) != len(known):
            for tid in known - current.keys():
                self.rows.drop(name, tid, ops, cache)
            if tenant is not None:  # a handler may add tenants besides its own (auto tenants)
                for tid in current.keys() - known - {tenant}:
                    self.rows.diff(name, tid, current[tid], ops, changes, cache)

    def _diff_meta(self, key: str, raw: bytes, ops: list[tuple[str, tuple[Any, ...]]], cache: list[Callable[[], None]]) -> None:
        if self._meta.get(key) != raw:
            ops.append((PUT_META, (key, raw)))
            cache.append(_setter(self._meta, key, raw))

    def _diff_outbox(
        self, ops: list[tuple[str, tuple[Any, ...]]], cache: list[Callable[[], None]]
    ) -> Callable[[], None]:
        """Adds the changed messages; returns what puts their change marks back if the write fails."""
        outbox = self.runtime.outbox
        if not isinstance(outbox, TrackedOutbox) or not (outbox.changed or outbox.forgot):
            return _nothing
        changed, outbox.changed = outbox.changed, set()
        forgot, outbox.forgot = outbox.forgot, False
        ids = self._message_ids
        for message_id in changed:
            message = outbox.messages.get(message_id)
            if message is not None:
                ops.append((PUT_DELIVERY, (message_id, message_to_json(message))))
                cache.append(_adder(ids, message_id))
        gone = ids - outbox.messages.keys() if forgot else {i for i in changed if i not in outbox.messages}
        for message_id in gone:
            if message_id in ids:
                ops.append((DEL_DELIVERY, (message_id,)))
                cache.append(_discarder(ids, message_id))

        def restore_marks() -> None:  # the next write tries these again
            outbox.changed |= changed
            outbox.forgot = outbox.forgot or forgot

        return restore_marks

    def _provider_meta(self, name: str) -> bytes:
        provider = self.runtime.providers[name]
        live = {"profile": provider.profile_name, "settings": provider.settings.model_dump(mode="json")}
        return orjson.dumps({"configured": self._configured(name), "live": live})

    def _clock_meta(self) -> bytes:
        snapshot = self.runtime.clock.snapshot()
        offset = 0 if snapshot["frozen"] else snapshot["now_us"] - wall_us()
        return orjson.dumps(
            {"frozen": snapshot["frozen"], "now_us": snapshot["now_us"], "offset_us": offset,
             "last_stamp_us": snapshot["last_stamp_us"]}
        )

    # --- the end --------------------------------------------------------------------------------

    def close(self) -> None:
        """The last write (everything that differs), then the WAL folded into the file."""
        if self.closed:
            return
        try:
            self.flush(everything=True)
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except (sqlite3.Error, StateFileError) as exc:
            log.error("could not finish writing the state file %s: %s", self.path, exc)
        finally:
            self.closed = True
            self.db.close()

    # --- ASGI --------------------------------------------------------------------------------------

    def wrap(self, app: ASGIApp, provider: str | None) -> ASGIApp:
        """`app` with its changes written before each answer's last chunk (provider None: the control API)."""
        return PersistingApp(app, self, provider)


class PersistingApp:
    """Writes what a request changed just before the last chunk of its answer is sent."""

    def __init__(self, app: ASGIApp, persistence: Persistence, provider: str | None) -> None:
        self.app = app
        self.persistence = persistence
        self.provider = provider

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self.provider is None and scope["method"] in SAFE_METHODS):
            await self.app(scope, receive, send)
            return
        persistence = self.persistence
        provider = self.provider
        mark = persistence.write_mark() if provider is not None else None

        async def persisting_send(message: AsgiMessage) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                persistence.after_request(provider, scope, mark)
            await send(message)

        await self.app(scope, receive, persisting_send)


def _nothing() -> None:
    pass


def wall_us() -> int:
    return int(time.time() * 1_000_000)


def _setter(target: dict[Any, bytes], key: Any, value: bytes) -> Callable[[], None]:
    return lambda: target.__setitem__(key, value)


def _adder(target: set[str], key: str) -> Callable[[], None]:
    return lambda: target.add(key)


def _discarder(target: set[str], key: str) -> Callable[[], None]:
    return lambda: target.discard(key)

