"""The open state file: what it restores at start, and each write of what changed since the last.

What is written, and when (each write is one transaction, see database.py):

- after every request, before the last chunk of its answer leaves: the tenants the providers'
  stores recorded as touched (`TenantStore.take_touched`), the outbox messages queued, changed
  or forgotten, and the clock; after a control-API request that may write, also the providers'
  profiles and settings and the webhook endpoints;
- after work that runs outside any request (lifecycle timers, delivery attempts): the same, as
  soon as it has run.

A tenant is compared item by item with what the file holds (rows.py) and only the rows that
differ are written, so a client holding a complete answer knows its change was committed first.

On start, an existing file wins over the fixtures (which stay the baseline of `reset`): tenants,
webhook endpoints, the clock (a running clock keeps its offset from real time) and the outbox
(unfinished deliveries resume; one caught mid-attempt is attempted again). Profiles and settings
changed at run time are restored too, unless this run's configuration of the provider differs
from the one the file was written under; then the new configuration wins.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from starlette.types import ASGIApp, Scope

from ..http import SAFE_METHODS
from ..outbox import PENDING
from ..webhooks import WebhookFormat
from .changes import ChangeLog
from .codec import message_from_json, message_to_json
from .database import DEL_DELIVERY, PUT_DELIVERY, PUT_META, SCHEMA, Ops, StateFileError, commit, connect, schema_of
from .layer import PersistingApp
from .rows import Change, TenantRows

if TYPE_CHECKING:
    from ..runtime import Runtime

log = logging.getLogger("telemock.state")



class Persistence:
    """The open state file and what was last written to it, to write only what changed."""

    def __init__(self, runtime: Runtime, path: Path) -> None:
        self.runtime = runtime
        self.path = path
        self.db = connect(path)
        self.closed = False
        self.rows = TenantRows()
        self.changes = ChangeLog(after_attempt=self.after_background_work, after_timers=self.after_timers)
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
            if schema_of(persistence.db, persistence.path) is not None:
                persistence._restore()
            persistence.flush(everything=True)
        except StateFileError:
            persistence.db.close()
            raise
        except (sqlite3.Error, ValueError, KeyError, TypeError, LookupError, orjson.JSONDecodeError) as exc:
            persistence.db.close()
            raise StateFileError(f"{path}: the state file cannot be loaded: {type(exc).__name__}: {exc}") from None
        runtime.outbox.listener = persistence.changes
        runtime.timers.listener = persistence.changes
        return persistence

    def wrap(self, app: ASGIApp, provider: str | None) -> ASGIApp:
        """`app` with its changes written before each answer's last chunk (provider None: the control API)."""
        return PersistingApp(app, self, provider)

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
        self.rows.reserve(self.db.execute("SELECT max(ord) FROM parts").fetchone()[0] or 0)
        for name in sorted(saved_providers):
            provider = runtime.providers[name]
            saved = orjson.loads(meta[f"provider:{name}"])
            if saved.get("configured") == self._configured_now[name]:
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
        self._register_formats({m.format for m in messages})
        runtime.outbox.restore(messages)
        pending = sum(1 for m in messages if m.status == PENDING)
        log.info("restored state from %s: %d tenant(s), %d pending delivery(ies)",
                 self.path, sum(len(t) for t in tenants.values()), pending)

    def _register_formats(self, names: set[str]) -> None:
        """Restored deliveries are signed by format name; the providers say which format a name is."""
        outbox = self.runtime.outbox
        for name in names - outbox.formats.keys():
            fmt = self._format_named(name)
            if fmt is None:
                log.warning("no provider lists the webhook format %r (webhook_formats()): its restored deliveries "
                            "will fail", name)
            else:
                outbox.formats[name] = fmt

    def _format_named(self, name: str) -> WebhookFormat | None:
        for provider in self.runtime.providers.values():
            for fmt in provider.webhook_formats():
                if fmt.name == name:
                    return fmt
        return None

    # --- when to write ---------------------------------------------------------------------------

    def after_request(self, provider: str | None, scope: Scope) -> None:
        """What a request changed, whatever its method: the tenants the stores recorded as touched
        (`provider` None: the control API, whose writes also change profiles and settings)."""
        self.flush(meta=provider is None and scope["method"] not in SAFE_METHODS)

    def after_timers(self) -> None:
        """After lifecycle timers ran: a failed write is logged (and retried by the next one), never
        raised into the timer task, which must keep running."""
        try:
            self.flush()
        except StateFileError:
            pass

    def after_background_work(self) -> None:
        """After a delivery attempt; like after_timers, a failure is logged and retried later."""
        try:
            self.flush()
        except StateFileError:
            pass

    # --- writing --------------------------------------------------------------------------------

    def flush(self, *, meta: bool = False, everything: bool = False) -> None:
        """Writes what differs from the file, in one transaction; nothing when nothing does.

        The touched tenants of every provider and the outbox's changes always; with `meta`, the
        providers' profiles and settings and the webhook endpoints; with `everything`, all of it
        and every tenant (at start and at the end).
        """
        if self.closed:
            return
        ops: Ops = []
        changes: list[Change] = []
        after: list[Callable[[], None]] = []
        taken: dict[str, set[str]] = {}
        for name, provider in self.runtime.providers.items():
            taken[name] = touched = provider.store.take_touched()
            if everything:
                self._diff_all_tenants(name, ops, changes, after)
            elif touched:
                self._diff_tenants(name, touched, ops, changes, after)
        if meta or everything:
            for name in self.runtime.providers:
                self._diff_meta(f"provider:{name}", self._provider_meta(name), ops, after)
            self._diff_meta("webhook_endpoints", orjson.dumps(self.runtime.endpoints.snapshot()), ops, after)
        changed, removed = self.changes.take()
        self._diff_outbox(changed, removed, ops, after)
        if ops or everything:
            self._diff_meta("clock", self._clock_meta(), ops, after)
        if not ops:
            return
        if "schema" not in self._meta:
            self._diff_meta("schema", str(SCHEMA).encode(), ops, after)
        try:
            commit(self.db, ops, self.path)
        except StateFileError:  # the next write tries these again
            self.changes.put_back(changed, removed)
            for name, touched in taken.items():
                for tenant in touched:
                    self.runtime.providers[name].store.mark(tenant)
            raise
        TenantRows.apply(changes)
        for update in after:
            update()
        self.writes += 1

    def _diff_tenants(
        self, name: str, tenants: set[str], ops: Ops, changes: list[Change], after: list[Callable[[], None]]
    ) -> None:
        """These tenants against the file: changed rows, new tenants, dropped ones (in the store's order)."""
        current = self.runtime.providers[name].store.tenants
        ordered: Iterable[str] = tenants
        if len(tenants) > 1:  # new tenants get their place in the file in the order the store holds them
            ordered = [t for t in current if t in tenants] + [t for t in tenants if t not in current]
        known = self.rows.known(name)
        for tenant in ordered:
            state = current.get(tenant)
            if state is not None:
                self.rows.diff(name, tenant, state, ops, changes, after)
            elif tenant in known:
                self.rows.drop(name, tenant, ops, after)

    def _diff_all_tenants(self, name: str, ops: Ops, changes: list[Change], after: list[Callable[[], None]]) -> None:
        current = self.runtime.providers[name].store.tenants
        for tenant, state in current.items():
            self.rows.diff(name, tenant, state, ops, changes, after)
        for tenant in self.rows.known(name) - current.keys():
            self.rows.drop(name, tenant, ops, after)

    def _diff_meta(self, key: str, raw: bytes, ops: Ops, after: list[Callable[[], None]]) -> None:
        if self._meta.get(key) != raw:
            ops.append((PUT_META, (key, raw)))
            after.append(_setter(self._meta, key, raw))

    def _diff_outbox(self, changed: set[str], removed: set[str], ops: Ops, after: list[Callable[[], None]]) -> None:
        messages = self.runtime.outbox.messages
        ids = self._message_ids
        for message_id in changed:
            message = messages.get(message_id)
            if message is not None:
                ops.append((PUT_DELIVERY, (message_id, message_to_json(message))))
                after.append(_adder(ids, message_id))
        for message_id in removed:
            if message_id in ids:
                ops.append((DEL_DELIVERY, (message_id,)))
                after.append(_discarder(ids, message_id))

    def _provider_meta(self, name: str) -> bytes:
        provider = self.runtime.providers[name]
        live = {"profile": provider.profile_name, "settings": provider.settings.model_dump(mode="json")}
        return orjson.dumps({"configured": self._configured_now[name], "live": live})

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


def wall_us() -> int:
    return int(time.time() * 1_000_000)


def _setter(target: dict[Any, bytes], key: Any, value: bytes) -> Callable[[], None]:
    return lambda: target.__setitem__(key, value)


def _adder(target: set[str], key: str) -> Callable[[], None]:
    return lambda: target.add(key)


def _discarder(target: set[str], key: str) -> Callable[[], None]:
    return lambda: target.discard(key)
