"""telemock's pytest plugin: a `telemock` fixture, reset per test, and a strict contract marker.

Active once telemock is installed (entry point `pytest11`). The emulator runs in this process by
default (a loopback socket opens only when a test asks for a URL); `--telemock-url` or
TELEMOCK_URL points the fixture at a running server instead, e.g. a CI service container. A
server started with `--auto-tenants` can be shared by xdist workers: each test then works in
fresh tenants of its own (see `tenancy.py`); without it the plugin resets the whole server before
each test, which only one pytest process at a time may do. A server that cannot be reached, or
cannot isolate parallel tests, stops the session before any test runs, with one line.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from .control import Control, LocalControl, RemoteControl, UnknownTenant, last_seq
from .deadline import DEFAULT_TIMEOUT
from .report import violation_lines
from .tenancy import fresh_auth, fresh_credential, request_match

MARKER_KEYWORDS = ("strict",)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("telemock", "telemock emulator and contract checks")
    group.addoption("--telemock-url", default=os.environ.get("TELEMOCK_URL"),
                    help="Use the telemock server at this URL instead of one in this process (env TELEMOCK_URL).")
    group.addoption("--telemock-admin-token", default=os.environ.get("TELEMOCK_ADMIN_TOKEN"), metavar="TOKEN",
                    help="Bearer token for the control API of the server at --telemock-url (env TELEMOCK_ADMIN_TOKEN).")
    group.addoption("--telemock-strict", action="store_true", default=False,
                    help="Fail every test whose client sent a request that breaks a documented contract.")
    group.addoption("--telemock-fixtures", action="append", default=[], metavar="PATH",
                    help="Fixture file for the in-process emulator (repeatable; default: the bundled set).")
    group.addoption("--telemock-profile", action="append", default=[], metavar="PROFILE",
                    help="documented|observed, or PROVIDER=PROFILE (repeatable).")
    group.addoption("--telemock-provider", action="append", default=[], metavar="NAME",
                    help="Run only these providers in the in-process emulator (repeatable; env TELEMOCK_PROVIDERS, comma-separated).")
    group.addoption("--telemock-timeout", type=float, default=os.environ.get("TELEMOCK_TIMEOUT") or str(DEFAULT_TIMEOUT),
                    metavar="SECONDS",
                    help=f"Seconds each call of your code may take in check_responses, check_client_state and "
                         f"check_receiver before it is reported as hanging (env TELEMOCK_TIMEOUT; default {DEFAULT_TIMEOUT:g}).")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "telemock(strict=True): fail the test if the client sent any request that violates a provider's documented "
        "contract (the only keyword)",
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """A `--telemock-url` that does not answer, or cannot isolate parallel tests, ends the run here,
    once, with one line (pytest's usage error, exit status 4), instead of an error in every test."""
    config = session.config
    url = config.getoption("telemock_url")
    if not url or hasattr(config, "workerinput"):  # xdist workers: the controller has checked
        return
    problem = remote_problem(url, config.getoption("telemock_admin_token"), parallel=runs_in_parallel(config))
    if problem is not None:
        raise pytest.UsageError(problem)


def runs_in_parallel(config: pytest.Config) -> bool:
    workers = config.getoption("numprocesses", None) if config.pluginmanager.hasplugin("xdist") else None
    return workers not in (None, 0, "0")


def remote_problem(url: str, admin_token: str | None, *, parallel: bool) -> str | None:
    """Why the server at `url` cannot serve this session, in one line; None when it can."""
    import httpx

    control = RemoteControl(url, admin_token)
    try:
        try:
            health = control.health()
        except httpx.HTTPError as exc:
            return (f"--telemock-url {url}: nothing answers ({exc or type(exc).__name__}); "
                    "start it (telemock serve) or fix the URL (TELEMOCK_URL)")
        except (RuntimeError, ValueError):
            return f"--telemock-url {url}: not a telemock server (GET /_telemock/health did not answer its health)"
        answer = control.http.get("/providers")
        if answer.status_code == 401:
            return (f"--telemock-admin-token: the control API at {url} "
                    + ("needs the admin token (TELEMOCK_ADMIN_TOKEN)" if not admin_token else "refused the admin token"))
        if parallel and not health.get("auto_tenants"):
            return (f"--telemock-url {url}: this server cannot isolate parallel tests: start it with --auto-tenants "
                    "(TELEMOCK_AUTO_TENANTS=true) so each test gets tenants of its own, or run without -n")
    finally:
        control.close()
    return None


class ProviderHandle:
    """One provider of the emulator as a test sees it."""

    def __init__(self, telemock: "Telemock", name: str, info: dict[str, Any]) -> None:
        self._telemock = telemock
        self.name = name
        self.title = info.get("title", name)
        demo: dict[str, Any] = info.get("demo_auth") or {}
        self.auth: dict[str, Any] = fresh_auth(demo, telemock.own_tenant) if telemock.own_tenant else demo

    @property
    def tenant(self) -> str:
        """The tenant the credentials act as: this test's own on a shared server, else the demo tenant.

        Gigs names its tenant in the path: `/projects/{telemock.gigs.tenant}/virtualNumbers`.
        """
        if self._telemock.own_tenant:
            return self._telemock.own_tenant
        return next(iter(self._tenants()), "")

    def _tenants(self) -> dict[str, Any]:
        return self._telemock.control.state()["providers"][self.name]["tenants"]

    @property
    def base_url(self) -> str:
        """The provider's base URL on a real socket, for clients that need one."""
        return f"{self._telemock.url}/{self.name}"

    @property
    def credentials(self) -> dict[str, Any]:
        """The demo tenant's credentials as `headers`, `params`, `cookies` and/or `basic` (user, password)."""
        return dict(self.auth)

    def _client_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "headers": self.auth.get("headers", {}),
            "params": self.auth.get("params", {}),
            "cookies": self.auth.get("cookies", {}),
            "timeout": 30,
        }
        if self.auth.get("basic"):
            kwargs["auth"] = tuple(self.auth["basic"])
        return kwargs

    def client(self, **overrides: Any) -> Any:
        """An httpx.Client on a real socket with the demo credentials already set."""
        import httpx

        client = httpx.Client(base_url=self.base_url, **(self._client_kwargs() | overrides))
        self._telemock._closers.append(client.close)
        return client

    def async_client(self, **overrides: Any) -> Any:
        """An httpx.AsyncClient; in-process (no socket) when the emulator runs in this process."""
        import httpx

        kwargs = self._client_kwargs() | overrides
        if isinstance(self._telemock.control, LocalControl):
            return httpx.AsyncClient(transport=httpx.ASGITransport(app=self._telemock.control.app),
                                     base_url=f"http://telemock/{self.name}", **kwargs)
        return httpx.AsyncClient(base_url=self.base_url, **kwargs)

    def check_receiver(
        self,
        target: Any,
        *,
        secret: str | None,
        url: str | None = None,
        events: list[str] | None = None,
        effects: Any = None,
        examples: int = 20,
        seed: int | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Deliver generated, signed and forged events to a receiver (a URL or an ASGI app); fail on misbehaviour.

        `url` is the path to post to when `target` is an ASGI app. `effects()` returns how many
        actions the receiver has taken so far; a duplicate delivery must not change it.
        """
        from .receivers import check_receiver

        report = check_receiver(
            self.name, target, secret=secret, url=url, event_names=events,
            effects=effects, examples=examples, seed=seed, timeout=timeout or self._telemock.timeout,
        )
        if not report.ok:
            raise AssertionError(report.render())
        return report

    def state(self, tenant: str | None = None) -> dict[str, Any]:
        """The state of `tenant`, or of every tenant this test sees (on a shared server: its own)."""
        tenants = self._tenants()
        if tenant is not None:
            return tenants[tenant]
        own = self._telemock.own_tenant
        return {own: tenants[own]} if own and own in tenants else ({} if own else tenants)

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        return self._telemock.journal(provider=self.name, **filters)

    def deliveries(self, **filters: Any) -> list[dict[str, Any]]:
        """Webhook messages this provider sent, with every attempt; `wait_for=N, timeout=S` long-polls."""
        return self._telemock.deliveries(provider=self.name, **filters)

    def calls(self, operation: str | None = None) -> list[Any]:
        """This test's requests to this provider (of `operation` when given) as `Call` objects, oldest first."""
        return self._telemock.calls(operation, provider=self.name)

    def assert_called(self, operation: str, **expected: Any) -> list[Any]:
        """`Telemock.assert_called` for this provider's operation."""
        return self._telemock.assert_called(operation, provider=self.name, **expected)

    def add_webhook_endpoint(
        self, url: str, *, tenant: str | None = None, secret: str | None = None, events: list[str] | None = None
    ) -> dict[str, Any]:
        """Register a receiver (for providers without a webhook API of their own, e.g. Gigs); returns id and secret."""
        body: dict[str, Any] = {"provider": self.name, "url": url}
        body["tenant"] = tenant or self.tenant
        if secret is not None:
            body["secret"] = secret
        if events is not None:
            body["events"] = events
        return self._telemock.control.call("POST", "/webhook-endpoints", json=body)

    def set_profile(self, profile: str) -> None:
        self._telemock.control.set_profile(self.name, profile)

    def check_responses(
        self,
        operation: str,
        scenario: Any,
        *,
        statuses: list[int] | None = None,
        max_examples: int = 50,
        seed: int | None = None,
        timeout: float | None = None,
        returns_items: bool = False,
    ) -> None:
        """Serve generated documented-valid responses of `operation` to `scenario`; shrink failures.

        A paginated list is served as a walk of pages that ends; a scenario that does not return
        within `timeout` seconds (a pager that never stops) is reported with the requests it made.
        On a shared server the answers go to this test's credentials only. With `returns_items`
        the scenario returns the items its client read, and each item of a walk must be there once.
        """
        from .checks import check_response_handling

        check_response_handling(
            self._telemock.control, self.name, operation, scenario,
            statuses=statuses, max_examples=max_examples, seed=seed, timeout=timeout or self._telemock.timeout,
            match=request_match(self.auth) if self._telemock.own_tenant else None, returns_items=returns_items,
        )

    def state_machine(self, adapter_factory: Any, *, tenant: str | None = None, rules: Any = None) -> Any:
        """A hypothesis state machine driving your client (through a `ResourceAdapter`) against this provider."""
        from .stateful import client_state_machine

        return client_state_machine(self.name, adapter_factory, control=self._telemock.control,
                                    tenant=tenant or self._telemock.own_tenant, rules=rules, timeout=self._telemock.timeout)

    def check_client_state(
        self,
        adapter_factory: Any,
        *,
        tenant: str | None = None,
        rules: Any = None,
        max_examples: int = 25,
        steps: int = 10,
        seed: int | None = None,
        timeout: float | None = None,
    ) -> None:
        """Random sequences of your client's operations; a divergence from the emulator's state is shrunk and raised.

        `adapter_factory` may map kinds of resource to adapter factories (`{"flows": ..., "numbers": ...}`)
        to interleave every kind, with links between them (`multistate.linked`)."""
        from .stateful import check_client_state

        check_client_state(
            self.name, adapter_factory, control=self._telemock.control, tenant=tenant or self._telemock.own_tenant,
            rules=rules, max_examples=max_examples, steps=steps, seed=seed, timeout=timeout or self._telemock.timeout,
        )

    def check_resilience(
        self,
        scenario: Any,
        *,
        faults: Any = None,
        retries: bool = True,
        retry_after: int = 1,
        max_attempts: int = 10,
        timeout: float | None = None,
        slow: float | None = None,
    ) -> Any:
        """Run `scenario` under each of the provider's failure modes (429, 5xx, drops, lost answers,
        slow answers, 4xx); fail with what the client mishandled. See `resilience.check_resilience`."""
        from .resilience import ResilienceError, check_resilience

        report = check_resilience(
            self._telemock.control, self.name, scenario, base_url=self.base_url, credentials=self.auth,
            tenant=self._telemock.own_tenant, faults=faults, retries=retries, retry_after=retry_after,
            max_attempts=max_attempts, timeout=timeout or self._telemock.timeout, slow=slow,
        )
        if not report.ok:
            raise ResilienceError(report)
        return report

    def check_handler(
        self,
        target: Any,
        *,
        kind: str | None = None,
        url: str | None = None,
        signing_key: str | None = None,
        headers: dict[str, str] | None = None,
        methods: Any = None,
        examples: int = 20,
        seed: int | None = None,
        timeout: float | None = None,
    ) -> Any:
        """Send generated, signed inbound calls/messages to your handler (an ASGI app or a URL);
        fail on an answer the provider cannot run, or a forgery accepted. See `handlers.check_handler`."""
        from .handlers import HandlerError, check_handler

        report = check_handler(target, provider=self.name, kind=kind, url=url, signing_key=signing_key, headers=headers,
                               methods=methods, examples=examples, seed=seed, timeout=timeout or self._telemock.timeout)
        if not report.ok:
            raise HandlerError(report)
        return report

    def check_profiles(
        self, scenario: Any, *, profiles: Any = None, require: Any = None, timeout: float | None = None
    ) -> Any:
        """Run `scenario` under each of the provider's profiles (documented, observed, openapi…) and
        report which the client works with; fail when one of `require` (default: all) breaks."""
        from .profiles_check import ProfileMismatch, check_profiles

        if self._telemock.own_tenant:
            raise RuntimeError("check_profiles switches the provider's profile for the whole server: "
                               "run it against a telemock of its own, not one shared by parallel tests")
        report = check_profiles(self._telemock.control, self.name, scenario, base_url=self.base_url,
                                credentials=self.auth, profiles=profiles, timeout=timeout or self._telemock.timeout)
        required = [o.profile for o in report.outcomes] if require is None else list(require)
        if not report.works_with_all(required):
            raise ProfileMismatch(report)
        return report

    def check_lifecycle(self, scenario: Any, *, waits: bool = True, timeout: float | None = None) -> Any:
        """Run `scenario` while the virtual clock is driven through the documented transitions of the
        resources it creates or changes (VoIPBIN purchase-pending → active, Gigs initiated → processing →
        active and canceled → ended, SignalWire E911 pending → active and pending_removal → unregistered);
        fail when the client acts on one before it is ready or stops waiting too soon."""
        from .lifecycle import LifecycleError, check_lifecycle

        if self._telemock.own_tenant:
            raise RuntimeError("check_lifecycle drives the virtual clock, which belongs to the whole server: "
                               "run it against a telemock of its own, not one shared by parallel tests")
        report = check_lifecycle(self._telemock.control, self.name, scenario, base_url=self.base_url,
                                 credentials=self.auth, waits=waits, timeout=timeout or self._telemock.timeout)
        if not report.ok:
            raise LifecycleError(report)
        return report

    def reset(self, tenant: str | None = None) -> None:
        """Back to the fixtures: this provider, or one tenant (on a shared server: this test's own)."""
        tenant = tenant or self._telemock.own_tenant
        try:
            self._telemock.control.reset(self.name, tenant)
        except UnknownTenant:
            if tenant != self._telemock.own_tenant:
                raise  # this test's own tenant exists only once a request made it


class Clock:
    """The emulator's virtual clock."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def now(self) -> str:
        return self._control.clock("get")["now"]

    def freeze(self) -> dict[str, Any]:
        return self._control.clock("freeze")

    def resume(self) -> dict[str, Any]:
        return self._control.clock("resume")

    def advance(self, seconds: float) -> dict[str, Any]:
        return self._control.clock("advance", seconds=seconds)

    def set(self, time: str) -> dict[str, Any]:
        return self._control.clock("set", time=time)


class Telemock:
    """What the `telemock` fixture gives a test: per-provider handles, seeding, journal, clock.

    `own_tenant` is this test's own tenant (and credential) on a shared server, else None.
    """

    def __init__(
        self, control: Control, provider_info: dict[str, dict[str, Any]], *,
        own_tenant: str | None = None, timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.control = control
        self.clock = Clock(control)
        self.own_tenant = own_tenant
        self.timeout = timeout
        self._closers: list[Any] = []
        self._providers = {name: ProviderHandle(self, name, info) for name, info in provider_info.items()}
        self._first_seq = last_seq(control)

    @property
    def url(self) -> str:
        return self.control.base_url

    @property
    def app(self) -> Any:
        """The in-process ASGI app, or None when the emulator runs elsewhere."""
        return self.control.app if isinstance(self.control, LocalControl) else None

    def provider(self, name: str) -> ProviderHandle:
        try:
            return self._providers[name]
        except KeyError:
            raise LookupError(f"telemock runs no provider {name!r} (it runs {', '.join(self._providers)})") from None

    def __getattr__(self, name: str) -> ProviderHandle:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.provider(name)

    def seed(self, fixtures: dict[str, Any] | str | Path) -> None:
        """Add tenants and objects for this test only: a dict shaped like a fixture file, or a YAML path."""
        if not isinstance(fixtures, dict):
            import yaml

            fixtures = yaml.safe_load(Path(fixtures).read_text(encoding="utf-8")) or {}
        self.control.seed(fixtures)

    def state(self) -> dict[str, Any]:
        return self.control.state()

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Requests made during this test (oldest first), with their contract verdicts; on a shared
        server only those made with this test's credentials."""
        if self.own_tenant:
            filters.setdefault("tenant", self.own_tenant)
        return [e for e in self.control.journal(**filters) if e["seq"] > self._first_seq]

    def deliveries(self, **filters: Any) -> list[dict[str, Any]]:
        """Webhook deliveries (all providers unless `provider=`); `wait_for=N, timeout=S` long-polls."""
        params = {k: v for k, v in filters.items() if v is not None}
        return self.control.call("GET", "/deliveries", params=params)["deliveries"]

    def violations(self) -> list[dict[str, Any]]:
        return [e for e in self.journal(violations=True)]

    def calls(self, operation: str | None = None, *, provider: str | None = None) -> list[Any]:
        """This test's requests (of `operation`, to `provider`, when given) as `Call` objects, oldest first:
        method, path, query, headers, body (parsed), status, response, tenant, violations."""
        from .calls import calls_from

        return calls_from(self.journal(provider=provider), operation)

    def assert_called(
        self, operation: str, *, times: int | None = None, tenant: str | None = None, body_contains: Any = None,
        provider: str | None = None,
    ) -> list[Any]:
        """Fail unless this test called `operation` (`times` times, by `tenant`, with a body containing
        `body_contains`: a dict of values or a substring); the failure lists what was called instead.
        Returns the matching calls."""
        from .calls import calls_from, expect_called

        return expect_called(calls_from(self.journal()), operation, providers=[provider] if provider else self._providers,
                             times=times, tenant=tenant, body_contains=body_contains)

    def close(self) -> None:
        for close in self._closers:
            close()
        if self.own_tenant:  # drop this test's tenants (their webhooks and endpoints go with them)
            for handle in self._providers.values():
                handle.reset()


def provider_info(control: Control) -> dict[str, dict[str, Any]]:
    if isinstance(control, LocalControl):
        return {name: p.describe() for name, p in control.runtime.providers.items()}
    return control.http.get("/providers").json()["providers"]  # type: ignore[attr-defined]


def parse_profiles(values: list[str]) -> tuple[str, dict[str, str]]:
    default, per_provider = "documented", {}
    for value in values:
        name, sep, profile = value.partition("=")
        if sep:
            per_provider[name] = profile
        else:
            default = value
    return default, per_provider


@pytest.fixture(scope="session")
def telemock_control(pytestconfig: pytest.Config) -> Iterator[Control]:
    """The emulator for the whole session: in this process, or the server at --telemock-url."""
    url = pytestconfig.getoption("telemock_url")
    if url:
        control: Control = RemoteControl(url, pytestconfig.getoption("telemock_admin_token"))
    else:
        from telemock.emulator import Config, create_app

        profile, per_provider = parse_profiles(pytestconfig.getoption("telemock_profile"))
        fixtures = [Path(p) for p in pytestconfig.getoption("telemock_fixtures")]
        only = pytestconfig.getoption("telemock_provider") or [
            n.strip() for n in os.environ.get("TELEMOCK_PROVIDERS", "").split(",") if n.strip()
        ]
        control = LocalControl(
            create_app(Config(providers=only or None, fixtures=fixtures, profile=profile, provider_profiles=per_provider))
        )
    yield control
    control.close()


@pytest.fixture
def telemock(telemock_control: Control, pytestconfig: pytest.Config) -> Iterator[Telemock]:
    """The emulator: reset to its fixtures before this test or, on a shared server, fresh tenants of its own."""
    timeout = pytestconfig.getoption("telemock_timeout")
    if isinstance(telemock_control, RemoteControl) and telemock_control.auto_tenants:
        handle = Telemock(telemock_control, provider_info(telemock_control), own_tenant=fresh_credential(), timeout=timeout)
    else:
        telemock_control.reset()
        handle = Telemock(telemock_control, provider_info(telemock_control), timeout=timeout)
    yield handle
    handle.close()


def format_violations(entries: list[dict[str, Any]]) -> str:
    lines = ["the client broke the documented contract:"]
    for entry in entries:
        lines.append(f"  {entry['method']} {entry['path']} → {entry['status']}  [{entry['provider']} {entry.get('operation') or '?'}]")
        lines += violation_lines(entry, "    ")
    return "\n".join(lines)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """`@pytest.mark.telemock(...)` takes only `strict=True|False`: anything else is a mistake, said in one line."""
    for marker in item.iter_markers("telemock"):
        unknown = sorted(set(marker.kwargs) - set(MARKER_KEYWORDS))
        if marker.args or unknown:
            given = unknown[0] if unknown else repr(marker.args[0])
            pytest.fail(f"@pytest.mark.telemock: unknown argument {given} (valid: strict=True|False)", pytrace=False)
        if not isinstance(marker.kwargs.get("strict", True), bool):
            pytest.fail(f"@pytest.mark.telemock: strict must be True or False, not {marker.kwargs['strict']!r}", pytrace=False)


def strict_violations(item: pytest.Item) -> str | None:
    """The contract diff of a strict test's requests, or None (not strict, no violations)."""
    marker = item.get_closest_marker("telemock")
    strict = item.config.getoption("telemock_strict") or bool(marker and marker.kwargs.get("strict", True))
    handle = getattr(item, "funcargs", {}).get("telemock")
    if not strict or not isinstance(handle, Telemock):
        return None
    offending = handle.violations()
    return format_violations(offending) if offending else None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """Strict tests fail on violations; a test that failed first keeps the diff in its failure."""
    try:
        result = yield
    except (Exception, pytest.fail.Exception) as exc:
        try:
            diff = strict_violations(item)
        except Exception:  # noqa: BLE001 - the test's own failure matters more than the diff
            diff = None
        if diff:
            exc.add_note(diff)
        raise
    diff = strict_violations(item)
    if diff:
        raise AssertionError(diff)
    return result
