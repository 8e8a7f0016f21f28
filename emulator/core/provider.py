"""The plugin contract: what a provider folder gives the core, and nothing more."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from .backend import Backend
from .fixtures import FixtureError, parse_section
from .http import GenericError
from .operations import Operations
from .routing import spec_route, table_routes
from .store import TenantStore

if TYPE_CHECKING:
    from .runtime import Runtime
    from .webhooks import WebhookFormat

ProfileT = TypeVar("ProfileT")
SettingsT = TypeVar("SettingsT", bound=BaseModel)


class SettingsError(FixtureError):
    """A setting override (`--set`, TELEMOCK_SET, `Config.settings`) names no setting or has a bad value."""


@dataclass
class Caller:
    """Who a request authenticated as: the tenant and its state. A provider subclasses it with what
    its handlers read of the caller (the customer id, the acting API key, a permission)."""

    tenant: str
    state: dict[str, Any]


@dataclass(frozen=True)
class Credential:
    """A demo credential, shown at start-up and handed to tests."""

    label: str
    value: str


class Provider(Generic[ProfileT, SettingsT]):
    """Base of every provider plugin.

    A subclass names itself, lists its real hosts and its profiles, names its backend class and
    parses its fixture section. Its folder's `routes.py` (`TABLE`) and `errors.py`
    (`generic_error(kind, detail)`) are found by convention.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    hosts: ClassVar[tuple[str, ...]] = ()
    profiles: ClassVar[dict[str, Any]]
    settings_model: ClassVar[type[BaseModel]]
    fixture_model: ClassVar[type[BaseModel]]
    backend_class: ClassVar[type[Backend[Any]]] = Backend

    def __init__(self, runtime: "Runtime") -> None:
        self.runtime = runtime
        self.clock = runtime.clock
        self.store = TenantStore()
        self.settings: SettingsT = self.settings_model()  # type: ignore[assignment]
        self.profile_name = runtime.config.profile_for(self.name)
        if self.profile_name not in self.profiles:
            raise FixtureError(
                f"unknown profile {self.profile_name!r} for {self.name} "
                f"(choose from {', '.join(self.profiles)})"
            )
        self.backend = self.backend_class(self)

    # --- profile -------------------------------------------------------------------------

    @property
    def profile(self) -> ProfileT:
        return self.profiles[self.profile_name]

    def set_profile(self, name: str) -> None:
        if name not in self.profiles:
            raise ValueError(f"unknown profile {name!r}; choose from {', '.join(self.profiles)}")
        self.profile_name = name

    # --- what subclasses provide ---------------------------------------------------------

    def module(self, name: str) -> ModuleType:
        """A module of this provider's folder (`routes`, `errors`…)."""
        return importlib.import_module(f"{type(self).__module__.rpartition('.')[0]}.{name}")

    def routes(self) -> list[BaseRoute]:
        """The route table, `TABLE` in the provider's `routes.py`."""
        return table_routes(self, self.module("routes").TABLE)

    @cached_property
    def operations(self) -> Operations:
        """The routes and the core's `/openapi.json`, indexed once: the router, faults, overrides,
        the journal and the control API all resolve operations through it."""
        return Operations(self.routes(), [spec_route(self)])

    def generic_error(self, conn: HTTPConnection, kind: GenericError, detail: str) -> Response:
        """The provider's answer to a failure the core detected, from `generic_error` in its `errors.py`."""
        return self.module("errors").generic_error(kind, detail).response(conn)

    def load_tenants(self, fixture: BaseModel, source: str) -> None:
        """Add the tenants one parsed fixture section declares."""
        raise NotImplementedError

    def profile_spec(self, spec: dict[str, Any]) -> dict[str, Any]:
        """The served spec adjusted to the active profile where its answers differ in shape (a copy;
        the documented spec itself, which judges requests, stays as written). None by default."""
        return spec

    def demo_credentials(self) -> list[Credential]:
        return []

    def demo_auth(self) -> dict[str, Any] | None:
        """How a client authenticates as the first demo tenant, for test clients.

        Keys: `headers`, `params`, `cookies` (dicts) and/or `basic` ([user, password]).
        """
        return None

    def describe(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "profile": self.profile_name,
            "profiles": list(self.profiles),
            "tenants": len(self.store.tenants),
            "demo_auth": self.demo_auth(),
        }

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """Provider-wide ASGI middleware (request ids, CORS…); none by default."""
        return app

    def on_state_loaded(self) -> None:
        """Rebuild derived indexes after a reset or a snapshot restore (the backend owns them)."""
        self.backend.rebuild()

    def transition(self, tenant: str, resource: str, resource_id: str, to: str) -> dict[str, Any]:
        raise LookupError(f"{self.name} has no lifecycle transitions")

    def webhook_format(self, event: str | None = None) -> Any:
        """How this provider signs what it sends to users (an emulator.core.webhooks.WebhookFormat).

        `event` is a name from the spec's `webhooks:`, for providers that sign kinds differently.
        None when it sends nothing, or sends unsigned requests. The contract kit signs generated
        events with it to check users' receivers.
        """
        return None

    def fault_response(self, conn: HTTPConnection, status: int, retry_after: int | None) -> Response:
        """The answer of an injected `status` fault (429, 500, 503…) in the provider's error format.

        The default takes the provider's answer to an internal error and gives it the fault's
        status (and `Retry-After`); override it where the provider words these failures itself.
        """
        response = self.generic_error(conn, GenericError.INTERNAL, f"injected fault: HTTP {status}")
        response.status_code = status
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response

    def webhook_formats(self) -> list["WebhookFormat"]:
        """Every webhook format this provider signs with, so deliveries restored from a state file can be sent.

        The default is the format it enabled for registered endpoints; a provider that sends to
        its own URLs with another format (`outbox.send(fmt=...)`) should list that one too.
        """
        fmt = self.runtime.endpoints.formats.get(self.name)
        return [fmt] if fmt is not None else []

    async def simulate(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """Inbound traffic handled as the provider would: `kind` is `inbound-call` or `inbound-message`.

        `params` holds at least `to` and `from` (E.164), `body` for messages, and optionally
        `tenant`. The answer says what was sent to the user's URLs and what came back. Raise
        LookupError for an unknown number (answered 404) and ValueError for bad parameters (400).
        """
        raise LookupError(f"{self.name} does not simulate {kind}")

    # --- fixtures, reset, snapshot -------------------------------------------------------

    def load_fixture_section(self, data: Any, source: str) -> None:
        fixture = parse_section(self.fixture_model, data, source=source, prefix=self.name)
        settings = getattr(fixture, "settings", None)
        if settings is not None:
            merged = self.settings.model_dump() | settings.model_dump(exclude_unset=True)
            self.settings = self.settings_model(**merged)  # type: ignore[assignment]
        self.load_tenants(fixture, source)

    def apply_settings(self, overrides: dict[str, Any]) -> None:
        """Overrides on top of the fixtures' settings; SettingsError names the key and the valid ones."""
        valid = ", ".join(self.settings_model.model_fields)
        for key in overrides:
            if key not in self.settings_model.model_fields:
                raise SettingsError(f"{self.name}.{key}: no such setting (valid: {valid})")
        merged = self.settings.model_dump() | overrides
        try:
            self.settings = self.settings_model.model_validate(merged)  # type: ignore[assignment]
        except ValidationError as exc:
            error = exc.errors()[0]
            key = ".".join(str(part) for part in error["loc"])
            field = self.settings_model.model_fields.get(str(error["loc"][0]))
            takes = f" ({self.name}.{error['loc'][0]} takes {type_name(field.annotation)})" if field else ""
            raise SettingsError(f"{self.name}.{key}={overrides.get(key, error.get('input'))!r}: {error['msg']}{takes}") from None

    @classmethod
    def settings_help(cls) -> list[tuple[str, str, str, str]]:
        """Each setting's name, type, default and what it does, for `telemock settings`."""
        found = []
        for name, spec in cls.settings_model.model_fields.items():
            default = repr(spec.get_default(call_default_factory=True))
            shown = default if len(default) <= 30 else default[:29] + "…"
            found.append((name, type_name(spec.annotation), shown, spec.description or ""))
        return found

    def reset(self, tenant: str | None = None) -> None:
        self.store.reset(tenant)
        self.on_state_loaded()

    def snapshot(self) -> dict[str, Any]:
        return {
            "profile": self.profile_name,
            "settings": self.settings.model_dump(mode="json"),
            "tenants": self.store.snapshot(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        if "profile" in data:
            self.set_profile(data["profile"])
        if "settings" in data:
            self.settings = self.settings_model.model_validate(data["settings"])  # type: ignore[assignment]
        self.store.restore(data.get("tenants", {}))
        self.on_state_loaded()


def type_name(annotation: Any) -> str:
    """`float`, `bool`, `a|b` for a Literal: how a setting's values read on a command line."""
    args = getattr(annotation, "__args__", None)
    if getattr(annotation, "__origin__", None) is Literal and args:
        return "|".join(str(a) for a in args)
    return getattr(annotation, "__name__", None) or str(annotation).replace("typing.", "")
