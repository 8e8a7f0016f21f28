"""telemock without the pytest fixture: a context manager and decorator, as moto's `mock_aws`.

Scripts, other test runners, notebooks and SDK examples need the emulator without pytest's
fixtures. `with telemock.running() as tm:` builds the same app the fixture runs, serves it on a
free loopback port in this process and hands back the same handle (`tm.url`, `tm.voipbin.base_url`,
`.credentials`, `.client()`, journals, calls, deliveries, the clock); leaving the block stops it.
`@telemock.running(...)` does the same around each call of a function, sync or async, with a
fresh emulator every time.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
from pathlib import Path
from typing import Any, Callable, TypeVar

from .deadline import DEFAULT_TIMEOUT

F = TypeVar("F", bound=Callable[..., Any])

HANDLE_PARAMETER = "tm"
"""A decorated function that declares a parameter of this name gets the handle in it."""


class running:  # noqa: N801 - used as `telemock.running()`, like a function
    """The emulator on a free loopback port for the duration of a block or of each call of a function.

    The options are `telemock serve`'s: `providers` (default all), `fixtures` (YAML files;
    default the bundled set), `profile` and `provider_profiles`, `settings`
    (`{"voipbin": {"purchase_pending_seconds": 30}}`), `auto_tenants`, `journal_size`. `timeout` bounds
    each call of your code in the handle's checks.
    """

    def __init__(
        self,
        *,
        providers: list[str] | None = None,
        fixtures: list[str | Path] | None = None,
        profile: str = "documented",
        provider_profiles: dict[str, str] | None = None,
        settings: dict[str, dict[str, Any]] | None = None,
        auto_tenants: bool = False,
        journal_size: int = 1000,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.options: dict[str, Any] = {
            "providers": providers, "fixtures": fixtures, "profile": profile, "provider_profiles": provider_profiles,
            "settings": settings, "auto_tenants": auto_tenants, "journal_size": journal_size, "timeout": timeout,
        }
        self.handle: Any = None

    def start(self) -> Any:
        """Build the app, serve it on a free port, and return the handle (`Telemock`)."""
        from telemock.emulator import Config, create_app

        from .control import LocalControl
        from .pytest_plugin import Telemock, provider_info

        if self.handle is not None:
            raise RuntimeError("this telemock.running() is already running; use another for a second emulator")
        options = self.options
        config = Config(
            providers=options["providers"],
            fixtures=[Path(p) for p in options["fixtures"] or []],
            profile=options["profile"],
            provider_profiles=dict(options["provider_profiles"] or {}),
            settings=dict(options["settings"] or {}),
            auto_tenants=options["auto_tenants"],
            journal_size=options["journal_size"],
        )
        control = LocalControl(create_app(config))
        try:
            control.base_url  # noqa: B018 - starts the server now, so `tm.url` is ready in the block
            self.handle = Telemock(control, provider_info(control), timeout=options["timeout"])
        except BaseException:
            control.close()
            raise
        return self.handle

    def stop(self) -> None:
        """Close the handle's clients and stop the server."""
        handle, self.handle = self.handle, None
        if handle is not None:
            try:
                handle.close()
            finally:
                handle.control.close()

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    async def __aenter__(self) -> Any:
        return await asyncio.to_thread(self.start)

    async def __aexit__(self, *exc_info: Any) -> None:
        await asyncio.to_thread(self.stop)

    def fresh(self) -> running:
        """Another emulator with the same options (a decorated function gets one per call)."""
        return running(**self.options)

    def __call__(self, fn: F) -> F:
        """Decorate `fn`: each call runs inside a fresh emulator; a parameter named `tm` receives the handle."""
        signature = inspect.signature(fn)
        wants_handle = HANDLE_PARAMETER in signature.parameters
        # Callers (pytest included) see the function without `tm`: it is filled here, never by them.
        visible = signature.replace(parameters=[p for n, p in signature.parameters.items() if n != HANDLE_PARAMETER])

        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                async with self.fresh() as handle:
                    if wants_handle:
                        kwargs[HANDLE_PARAMETER] = handle
                    return await fn(*args, **kwargs)

            wrapper: Any = run_async
        else:

            @functools.wraps(fn)
            def run_sync(*args: Any, **kwargs: Any) -> Any:
                with self.fresh() as handle:
                    if wants_handle:
                        kwargs[HANDLE_PARAMETER] = handle
                    return fn(*args, **kwargs)

            wrapper = run_sync
        wrapper.__signature__ = visible
        return wrapper  # type: ignore[no-any-return]
