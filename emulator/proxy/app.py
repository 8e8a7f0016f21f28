"""The proxy's and the replay's apps: the emulator's app with an upstream answering inside each prefix.

Everything around a provider's answers is the emulator's (`app.assemble`, `ProviderApp`): host
routing, prefixes, the control API, the journal and its verdicts, faults and overrides. The
proxy's runtime holds no tenants (the real provider holds the state); what it adds is a
`Forwarder` per provider and, for the proxy, the webhook relay under `/_webhooks/`.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, AsyncIterator

from starlette.applications import Starlette

from ..app import assemble, build_runtime
from ..config import Config
from ..core.fixtures import FixtureError
from ..core.provider_app import ProviderApp
from ..core.runtime import Runtime
from .forwarder import Forwarder
from .masking import Masker, MaskRules, mask_key
from .messages import Upstream
from .recordings import REQUEST, RecordingError, RecordingWriter, load_recordings
from .replay import RecordedUpstream
from .upstream import HttpUpstream
from .webhooks import WEBHOOKS_PREFIX, WebhookRelay


@dataclass
class ProxyConfig:
    """What `telemock proxy` needs. `server` carries the emulator's own settings that still apply
    (journal size, body limit, admin token, request logs); its providers are the upstreams'."""

    upstreams: dict[str, str]  # provider → the real provider's base URL
    server: Config = field(default_factory=Config)
    record: Path | None = None  # folder the exchanges are written to
    mask_rules: Path | None = None  # the user's masking rules, added to telemock's
    timeout_s: float = 30.0  # for one upstream exchange, and one webhook forwarded to a receiver
    ca_file: Path | None = None  # certificates to trust for https upstreams, instead of the system's
    webhook_receivers: dict[str, str] = field(default_factory=dict)  # provider → where its webhooks go on
    webhook_secrets: dict[str, str] = field(default_factory=dict)  # provider → the secret its webhooks are signed with
    public_url: str | None = None  # the proxy's address as providers reach it, when signatures cover the URL


def stateless_runtime(config: Config, providers: list[str]) -> Runtime:
    """A runtime for the named providers holding no tenants: the upstream holds the state."""
    runtime = build_runtime(replace(config, providers=providers, state_file=None, reload_fixtures=False))
    runtime.restore({"providers": {name: {"tenants": {}} for name in runtime.providers}, "webhook_endpoints": []})
    for provider in runtime.providers.values():
        provider.store.commit_baseline()
    runtime.endpoints.commit_baseline()
    return runtime


def lifespan_closing(runtime: Runtime, closers: list[Any]) -> Any:
    """The runtime's lifespan, then each upstream's and the relay's HTTP client closed."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        async with runtime.lifespan(app):
            try:
                yield
            finally:
                for closer in closers:
                    await closer.close()

    return lifespan


def create_proxy_app(config: ProxyConfig) -> Starlette:
    """Raises FixtureError for an unknown provider and ValueError for a bad URL or rules file."""
    if not config.upstreams:
        raise ValueError("name at least one upstream")
    unknown = sorted((set(config.webhook_receivers) | set(config.webhook_secrets)) - set(config.upstreams))
    if unknown:
        raise ValueError(f"webhook receivers or secrets for {', '.join(unknown)}, which has no upstream")
    runtime = stateless_runtime(config.server, sorted(config.upstreams))
    rules = MaskRules.load(config.mask_rules)
    recordings = RecordingWriter(config.record, rules) if config.record is not None else None
    upstreams: dict[str, Upstream] = {
        name: HttpUpstream(url, timeout_s=config.timeout_s, ca_file=config.ca_file) for name, url in config.upstreams.items()
    }
    relay = WebhookRelay(runtime, receivers=config.webhook_receivers, secrets=config.webhook_secrets,
                         public_url=config.public_url, timeout_s=config.timeout_s, recordings=recordings)
    apps = {name: ProviderApp(p, Forwarder(p, upstreams[name], recordings)) for name, p in runtime.providers.items()}
    app = assemble(runtime, apps, mounts={WEBHOOKS_PREFIX: relay}, lifespan=lifespan_closing(runtime, [*upstreams.values(), relay]))
    app.state.upstreams = {name: upstream.name for name, upstream in upstreams.items()}
    app.state.webhook_relay = relay
    app.state.recording_to = config.record
    return app


def create_replay_app(directory: Path, server: Config | None = None, mask_rules: Path | None = None) -> Starlette:
    """Serves a recordings folder back. Raises RecordingError when it cannot be read or holds nothing to serve."""
    recordings = load_recordings(directory)
    providers = sorted({r.provider for r in recordings if r.kind == REQUEST})
    if not providers:
        raise RecordingError(f"{directory}: no recorded requests to replay")
    try:
        runtime = stateless_runtime(server or Config(), providers)
    except FixtureError as exc:
        raise RecordingError(f"{directory}: {exc}") from None
    masker = Masker(MaskRules.load(mask_rules), mask_key(directory, create=False))
    upstreams = {name: RecordedUpstream(directory, name, recordings, masker) for name in providers}
    apps = {name: ProviderApp(p, Forwarder(p, upstreams[name])) for name, p in runtime.providers.items()}
    app = assemble(runtime, apps)
    app.state.upstreams = {name: upstream.name for name, upstream in upstreams.items()}
    return app
