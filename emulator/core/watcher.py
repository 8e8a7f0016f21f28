"""Reloads the fixture files when they change on disk (`telemock serve --reload-fixtures`).

A dev-shell convenience: edit a fixture file, and the emulator's baseline and state become what
the files now say. A broken edit is reported and changes nothing, so the server keeps serving
the last good fixtures.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .runtime import Runtime

log = logging.getLogger("telemock")


def fingerprint(paths: list[Path]) -> tuple[tuple[str, float, int], ...]:
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
            stamps.append((str(path), stat.st_mtime, stat.st_size))
        except OSError:
            stamps.append((str(path), -1.0, -1))
    return tuple(stamps)


class FixtureWatcher:
    """Polls the fixture files' modification times; polling needs no extra dependency or OS API."""

    def __init__(self, runtime: "Runtime", interval: float = 0.5) -> None:
        self.runtime = runtime
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        self._seen = fingerprint(runtime.fixture_paths)
        self.reloads = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            self.check()

    def check(self) -> bool:
        """Reload if a file changed since the last look; True when a reload happened."""
        current = fingerprint(self.runtime.fixture_paths)
        if current == self._seen:
            return False
        self._seen = current
        try:
            self.runtime.reload_fixtures()
        except Exception as exc:  # a half-saved or broken file: keep serving the last good fixtures
            log.error("fixtures not reloaded, the previous ones stay in force: %s", exc)
            return False
        self.reloads += 1
        log.info("fixtures reloaded from %s", ", ".join(str(p) for p in self.runtime.fixture_paths))
        return True
