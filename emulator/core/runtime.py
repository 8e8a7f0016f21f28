"""The live parts of one emulator instance, built once by create_app."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, AsyncIterator

from ..config import Config
from .clock import VirtualClock
from .destinations import Destinations
from .endpoints import EndpointRegistry
from .faults.deliveries import FaultyDelivery
from .faults.rules import Faults
from .fixtures import FixtureError, default_fixture_path, read_fixture_file, resolve_fixture_path
from .journal import Journal
from .logs import flush_request_lines
from .watcher import FixtureWatcher
from .overrides import Overrides
from .outbox import PENDING, SENDING, Outbox
from .provider import Provider
from .timers import Timers

log = logging.getLogger("telemock")


class Runtime:
    """Clock, journal and providers, with the operations the control API exposes."""

    def __init__(self, config: Config, plugins: list[type[Provider[Any, Any]]], known: list[str]) -> None:
        """`plugins` are the provider classes to run; `known` names every installed provider, so a
        fixture section of one left out of this run is skipped rather than refused."""
        self.config = config
        self.known_providers = known
        self.clock = VirtualClock()
        self.journal = Journal(config.journal_size)
        self.overrides = Overrides()
        self.faults = Faults(self.clock)
        self.timers = Timers(self.clock)
        self.endpoints = EndpointRegistry(self.clock)
        self.outbox = Outbox(self.clock, self.timers, self.endpoints, config.delivery_history)
        self.destinations = Destinations(config.webhook_allowed_hosts)
        self.served = 0  # provider requests answered, counted by the recorder: the delivery worker gives way to them
        self.delivery = FaultyDelivery(
            self.outbox, self.clock, self.faults, destinations=self.destinations, activity=lambda: self.served
        )
        self.providers: dict[str, Provider[Any, Any]] = {cls.name: cls(self) for cls in plugins}
        unknown = set(config.provider_profiles) - set(self.providers)
        if unknown:
            raise FixtureError(f"profile given for unknown provider(s): {', '.join(sorted(unknown))}")
        self.fixture_paths = self._load_fixtures(config.fixtures)
        for name, overrides in config.settings.items():
            if name not in self.providers:
                raise FixtureError(f"settings given for unknown provider {name!r}")
            self.providers[name].apply_settings(overrides)
        for provider in self.providers.values():
            provider.store.commit_baseline()
            provider.on_state_loaded()
        self.endpoints.commit_baseline()
        self.stopped = False  # the lifespan has ended: timers and deliveries stopped, state file closed
        self.persistence: Any = None
        if config.state_file is not None:  # it listens to the outbox and timers from now on
            from .persistence import Persistence

            self.persistence = Persistence.open(self, config.state_file)

    @asynccontextmanager
    async def lifespan(self, app: Any) -> AsyncIterator[None]:
        """The app's lifespan: virtual-time timers and the webhook delivery worker run while it serves."""
        await self.timers.start()
        await self.delivery.start()
        watcher = FixtureWatcher(self) if self.config.reload_fixtures else None
        if watcher is not None:
            await watcher.start()
        try:
            yield
        finally:
            if watcher is not None:
                await watcher.stop()
            await self.delivery.stop()
            await self.timers.stop()
            self._stopped()
            self.stopped = True
            flush_request_lines()

    def _stopped(self) -> None:
        """After serving: the state file gets its last write; without one, undelivered webhooks are named."""
        pending = [m.id for m in self.outbox.messages.values() if m.status in (PENDING, SENDING)]
        if self.persistence is not None:
            self.persistence.close()
            log.info("state saved to %s; %d undelivered webhook(s) resume on the next start",
                     self.persistence.path, len(pending))
        elif pending:
            log.warning("stopping with %d undelivered webhook(s), lost without --state-file: %s",
                        len(pending), ", ".join(pending))

    def reload_fixtures(self) -> None:
        """Read the fixture files again: they become the new baseline and the current state.

        All or nothing: if any file is unusable, every provider keeps what it had.
        """
        before = {name: (p.settings, p.store.snapshot()) for name, p in self.providers.items()}
        try:
            for provider in self.providers.values():
                provider.settings = provider.settings_model()
                provider.store.restore({})
                provider.on_state_loaded()
            for path in self.fixture_paths:
                self.load_fixture_file(path)
            for name, overrides in self.config.settings.items():
                self.providers[name].apply_settings(overrides)
        except Exception:
            for name, (settings, tenants) in before.items():
                self.providers[name].settings = settings
                self.providers[name].store.restore(tenants)
                self.providers[name].on_state_loaded()
            raise
        for provider in self.providers.values():
            provider.store.commit_baseline()
            provider.on_state_loaded()

    def _load_fixtures(self, paths: list[Path]) -> list[Path]:
        resolved = [resolve_fixture_path(p) for p in paths] or [default_fixture_path()]
        for path in resolved:
            self.load_fixture_file(path)
        return resolved

    def load_fixture_file(self, path: Path) -> None:
        for section, data in read_fixture_file(path).items():
            provider = self.providers.get(section)
            if provider is None and self.config.providers is not None and section in self.known_providers:
                continue  # a provider left out of this run
            if provider is None:
                known = ", ".join(sorted(self.providers))
                raise FixtureError(f"{path}: {section}: no such provider (known: {known})")
            provider.load_fixture_section(data, source=str(path))

    def seed(self, data: dict[str, Any], source: str = "seed") -> None:
        """Adds fixture sections to the live state (not the baseline: the next reset drops them).

        All or nothing: a section that fails validation leaves every provider as it was.
        """
        unknown = sorted(set(data) - set(self.providers))
        if unknown:
            raise FixtureError(f"{source}: {', '.join(unknown)}: no such provider (known: {', '.join(sorted(self.providers))})")
        before = {name: self.providers[name].store.snapshot() for name in data}
        try:
            for name, section in data.items():
                self.providers[name].load_fixture_section(section, source=source)
        except Exception:
            for name, tenants in before.items():
                self.providers[name].store.restore(tenants)
                self.providers[name].on_state_loaded()
            raise

    def provider(self, name: str) -> Provider[Any, Any]:
        try:
            return self.providers[name]
        except KeyError:
            raise LookupError(f"no provider named {name!r}") from None

    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        targets = [self.provider(provider)] if provider else list(self.providers.values())
        self.outbox.clear(provider, tenant)
        self.endpoints.reset(provider, tenant)
        for target in targets:
            target.reset(tenant)
        if provider is None and tenant is None:
            self.journal.clear()
            self.overrides.remove()
            self.faults.clear()
            self.clock.set_real_time()
            for target in targets:
                target.set_profile(self.config.profile_for(target.name))

    def snapshot(self) -> dict[str, Any]:
        return {
            "clock": self.clock.snapshot(),
            "providers": {name: p.snapshot() for name, p in self.providers.items()},
            "webhook_endpoints": self.endpoints.snapshot(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        providers = data.get("providers", {})
        unknown = set(providers) - set(self.providers)
        if unknown:
            raise LookupError(f"snapshot names unknown provider(s): {', '.join(sorted(unknown))}")
        before = self.snapshot()
        try:
            if "clock" in data:
                self.clock.restore(data["clock"])
            if "webhook_endpoints" in data:
                self.endpoints.restore(data["webhook_endpoints"])
            for name, state in providers.items():
                self.providers[name].restore(state)
        except Exception:
            self.clock.restore(before["clock"])
            self.endpoints.restore(before["webhook_endpoints"])
            for name, state in before["providers"].items():
                self.providers[name].restore(state)
            raise
