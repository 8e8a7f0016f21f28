"""The `telemock` command."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any

import click

from telemock.emulator.config import PROFILES, Config

log = logging.getLogger("telemock")


def parse_profiles(values: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """`--profile observed` sets all providers; `--profile voipbin=observed` sets one."""
    default = "documented"
    per_provider: dict[str, str] = {}
    for value in values:
        name, sep, profile = value.partition("=")
        if not sep:
            name, profile = "", value
        if profile not in PROFILES:
            raise click.BadParameter(f"{profile!r} is not one of {', '.join(PROFILES)}", param_hint="--profile")
        if name:
            per_provider[name] = profile
        else:
            default = profile
    return default, per_provider


def parse_settings(values: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """`--set voipbin.purchase_pending_seconds=30` (values parsed as YAML scalars)."""
    import yaml

    settings: dict[str, dict[str, Any]] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        provider, dot, name = key.partition(".")
        if not sep or not dot or not provider or not name:
            raise click.BadParameter(f"{value!r} is not PROVIDER.SETTING=VALUE", param_hint="--set")
        settings.setdefault(provider, {})[name] = yaml.safe_load(raw)
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "TELEMOCK"})
@click.version_option(package_name="telemock")
def main() -> None:
    """telemock: a local, stateful emulator of telecom number APIs."""


def split_commas(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """`--provider a,b` and `TELEMOCK_PROVIDERS="a b"` or `"a,b"` all name the same providers."""
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


@main.command()
@click.option("--host", envvar="TELEMOCK_HOST", default="127.0.0.1", show_default=True, show_envvar=True,
              help="Address to listen on.")
@click.option("--port", envvar="TELEMOCK_PORT", default=8780, show_default=True, show_envvar=True,
              type=click.IntRange(0, 65535), help="Port; 0 picks a free one.")
@click.option("--fixtures", "fixtures", envvar="TELEMOCK_FIXTURES", multiple=True, show_envvar=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help=f"Fixture YAML file (repeatable; in the environment, separated by {os.pathsep!r}). "
                   "Default: the bundled default.yaml.")
@click.option("--profile", "profiles", envvar="TELEMOCK_PROFILE", multiple=True, default=("documented",),
              show_default=True, show_envvar=True,
              help="documented|observed, or PROVIDER=PROFILE (repeatable; space-separated in the environment).")
@click.option("--provider", "providers", envvar="TELEMOCK_PROVIDERS", multiple=True, metavar="NAME",
              callback=split_commas, show_envvar=True,
              help="Run only this provider (repeatable or comma-separated). Default: all.")
@click.option("--set", "settings", multiple=True, metavar="PROVIDER.KEY=VALUE", help="Override a provider setting.")
@click.option("--journal-size", envvar="TELEMOCK_JOURNAL_SIZE", default=1000, show_default=True, show_envvar=True,
              type=click.IntRange(1), help="Requests kept in the journal.")
@click.option("--auto-tenants/--no-auto-tenants", envvar="TELEMOCK_AUTO_TENANTS", default=False, show_default=True,
              show_envvar=True, help="Unknown credentials get a fresh empty tenant instead of a 401.")
@click.option("--state-file", envvar="TELEMOCK_STATE_FILE", show_envvar=True, default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="SQLite file that keeps the state across restarts (written before each answer; "
                   "restored on start, over the fixtures). Default: state in memory only.")
@click.option("--reload-fixtures/--no-reload-fixtures", envvar="TELEMOCK_RELOAD_FIXTURES", default=False,
              show_default=True, show_envvar=True,
              help="Watch the fixture files and reload them (new baseline and state) when they change.")
@click.option("--webhook-host", "webhook_hosts", envvar="TELEMOCK_WEBHOOK_HOSTS", multiple=True, metavar="HOST",
              callback=split_commas, show_envvar=True,
              help="Only call back these hosts (repeatable or comma-separated); other deliveries fail. Default: any.")
@click.option("--log-format", envvar="TELEMOCK_LOG_FORMAT", show_envvar=True,
              type=click.Choice(["text", "json"], case_sensitive=False), default="text", show_default=True)
@click.option("--log-level", envvar="TELEMOCK_LOG_LEVEL", show_envvar=True,
              type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False), default="info",
              show_default=True)
@click.option("--admin-token", envvar="TELEMOCK_ADMIN_TOKEN", show_envvar=True, default=None, metavar="TOKEN",
              help="Require 'Authorization: Bearer TOKEN' on the control API (all of /_telemock/ except "
                   "GET /_telemock/health). Default: no token, which suits a loopback address only.")
def serve(
    host: str,
    port: int,
    fixtures: tuple[Path, ...],
    profiles: tuple[str, ...],
    providers: tuple[str, ...],
    settings: tuple[str, ...],
    journal_size: int,
    auto_tenants: bool,
    log_format: str,
    log_level: str,
    state_file: Path | None = None,
    reload_fixtures: bool = False,
    webhook_hosts: tuple[str, ...] = (),
    admin_token: str | None = None,
) -> None:
    """Start the emulator and print each provider's base URL once it is ready.

    Every option can also come from its TELEMOCK_* environment variable (shown in --help),
    so a container is configured without a command line; a flag given wins over the variable.
    """
    from telemock.emulator.core.fixtures import FixtureError
    from telemock.emulator.core.logs import configure_logging

    configure_logging(log_format, log_level)
    warn_if_open(host, admin_token)
    profile, provider_profiles = parse_profiles(profiles)
    config = Config(
        providers=list(providers) or None,
        fixtures=list(fixtures),
        profile=profile,
        provider_profiles=provider_profiles,
        settings=parse_settings(settings),
        journal_size=journal_size,
        auto_tenants=auto_tenants,
        log_requests=log_level == "debug" or log_level == "info",
        state_file=state_file,
        admin_token=admin_token or None,
        reload_fixtures=reload_fixtures,
        webhook_allowed_hosts=list(webhook_hosts) or None,
    )
    try:
        from telemock.emulator.app import create_app

        app = create_app(config)
    except FixtureError as exc:
        raise click.ClickException(str(exc)) from None
    settle_heap()
    run_server(app, host, port)


def settle_heap() -> None:
    """What start-up built (modules, specs, the fixtures' state) lives as long as the server: moved out
    of the cyclic collector's reach, so its full collections stop walking it and stay short."""
    import gc

    gc.collect()
    gc.freeze()


def warn_if_open(host: str, admin_token: str | None) -> None:
    """A control API reachable from other machines without a token can reset or rewrite all state."""
    from telemock.emulator.admin.guard import is_loopback

    if not admin_token and not is_loopback(host):
        log.warning(
            "listening on %s without an admin token: anyone who can reach this port can use the control API "
            "(/_telemock/: reset, state, fixtures, overrides). Set --admin-token or TELEMOCK_ADMIN_TOKEN.",
            host,
        )


def run_server(app: Any, host: str, port: int) -> None:
    from telemock.emulator.core.serving import server_config

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # IPPROTO_TCP: asyncio then sets TCP_NODELAY
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    bound_port = sock.getsockname()[1]
    # No websockets: telemock serves none, and uvicorn would import an implementation for them.
    config = server_config(app, server_header=False, ws="none")
    server = announcing_server_class()(config, app, host, bound_port)
    try:
        server.run(sockets=[sock])  # uvicorn picks the event loop (uvloop when installed)
    except KeyboardInterrupt:
        pass
    finally:
        if threading.current_thread() is threading.main_thread():
            # Stopped: a late Ctrl-C (the second of two) must not turn a clean exit into death by signal.
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def announcing_server_class() -> type:
    """Built on demand so `telemock --help` does not import uvicorn."""
    import uvicorn

    class AnnouncingServer(uvicorn.Server):
        """Prints the URL of every provider once the socket accepts connections; stops cleanly on a
        second Ctrl-C too."""

        def __init__(self, config: Any, app: Any, host: str, port: int) -> None:
            super().__init__(config)
            self.telemock_app = app
            self.display_host = f"[{host}]" if ":" in host else host
            self.display_port = port

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.should_exit:
                return
            base = f"http://{self.display_host}:{self.display_port}"
            runtime = self.telemock_app.state.runtime
            lines = [f"telemock ready on {base}  (control API: {base}/_telemock/, port {self.display_port})"]
            for name, provider in runtime.providers.items():
                lines.append(f"  {provider.title:<11} {base}/{name}  [profile {provider.profile_name}]")
                for credential in provider.demo_credentials():
                    lines.append(f"      {credential.label}: {credential.value}")
            lines.append(f"  Inspector   {base}/_telemock/ui/  (requests, state, webhooks, clock in a browser)")
            click.echo("\n".join(lines))
            sys.stdout.flush()

        async def shutdown(self, sockets: Any = None) -> None:
            await super().shutdown(sockets=sockets)
            if self.force_exit and not self.telemock_app.state.runtime.stopped:
                # A second Ctrl-C makes uvicorn skip the app's shutdown, whose tasks would then be
                # cancelled with tracebacks and the state file left unclosed. It takes a moment
                # (timers and deliveries stop, the state file gets its last write), so it runs.
                await self.lifespan.shutdown()
            # uvicorn re-raises the stop signal after a graceful shutdown; a stopped
            # emulator is a success, so the process exits 0 instead of dying by signal.
            captured = getattr(self, "_captured_signals", None)
            if isinstance(captured, list):
                captured.clear()

    return AnnouncingServer


@main.command()
@click.argument("provider")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="yaml", show_default=True)
def spec(provider: str, fmt: str) -> None:
    """Print a provider's documented OpenAPI spec."""
    from telemock.contracts.specs import available_specs, spec_path

    if provider not in available_specs():
        raise click.ClickException(f"no spec for {provider!r} (available: {', '.join(available_specs())})")
    if fmt == "yaml":
        click.echo(spec_path(provider).read_text(encoding="utf-8"), nl=False)
    else:
        import orjson

        from telemock.contracts.specs import load_spec

        click.echo(orjson.dumps(load_spec(provider), option=orjson.OPT_INDENT_2).decode())


DEFAULT_PORT = 8780
HEALTH_PATH = "/_telemock/health"


def default_health_url() -> str:
    """The health endpoint of a server started with the same environment (TELEMOCK_PORT)."""
    port = os.environ.get("TELEMOCK_PORT", "").strip() or str(DEFAULT_PORT)
    return f"http://127.0.0.1:{port}{HEALTH_PATH}"


def probe_health(url: str, timeout: float) -> str | None:
    """None when `url` answers 200 with `"status": "ok"`, else why not, in a few words.

    Standard library only: a container runs this every few seconds, so it must not pay
    for importing the server (uvicorn, starlette, the providers).
    """
    import http.client
    import json
    import urllib.error
    import urllib.parse
    import urllib.request

    try:
        scheme = urllib.parse.urlsplit(url).scheme
    except ValueError as exc:
        return f"not a URL: {exc}"
    if scheme not in ("http", "https"):
        return "not an http(s) URL"
    # A probe of a local port must never go through an HTTP(S)_PROXY from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout) as response:
            status, body = response.status, response.read(1 << 16)
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except urllib.error.URLError as exc:
        reason = exc.reason
        return str(reason.strerror if isinstance(reason, OSError) and reason.strerror else reason)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return str(exc) or type(exc).__name__
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(body)
    except ValueError:
        return "the answer is not JSON"
    state = answer.get("status") if isinstance(answer, dict) else None
    if state != "ok":
        return f"status is {state!r}, not 'ok'"
    return None


@main.command()
@click.option("--url", metavar="URL", default=None,
              help=f"Health endpoint. Default: http://127.0.0.1:$TELEMOCK_PORT{HEALTH_PATH} (port {DEFAULT_PORT}).")
@click.option("--timeout", default=2.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Seconds to wait for the answer.")
def healthcheck(url: str | None, timeout: float) -> None:
    """Exit 0 if a running telemock is healthy, 1 if not, with one line of output (for HEALTHCHECK)."""
    target = url or default_health_url()
    problem = probe_health(target, timeout)
    if problem is not None:
        click.echo(f"telemock unhealthy: {target}: {' '.join(problem.split())}", err=True)
        sys.exit(1)
    click.echo(f"telemock healthy: {target}")


DEFAULT_URL = f"http://127.0.0.1:{DEFAULT_PORT}"


@main.group()
def check() -> None:
    """Check an implementation against a provider's documented contract."""


def parse_pairs(values: tuple[str, ...], separator: str, option: str, example: str) -> dict[str, str]:
    """`NAME<sep>VALUE` options (repeatable) as a dict; a malformed one is a usage error."""
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition(separator)
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not {example}", param_hint=option)
        pairs[name.strip()] = rest.strip() if separator == ":" else rest
    return pairs


@check.command("server")
@click.option("--provider", required=True, metavar="NAME", help="Whose documented spec to check against.")
@click.option("--url", metavar="URL", default=None,
              help=f"The provider's base URL on the server under test. Default: {DEFAULT_URL}/PROVIDER.")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'", help="Sent on every case (repeatable).")
@click.option("--basic", metavar="USER:PASSWORD", default=None, help="HTTP Basic credentials sent on every case.")
@click.option("--query", "queries", multiple=True, metavar="NAME=VALUE", help="Query parameter sent on every case (repeatable).")
@click.option("--path-param", "path_params", multiple=True, metavar="NAME=VALUE",
              help="Pin a path parameter for valid cases, e.g. project=demo (repeatable).")
@click.option("--examples", default=25, show_default=True, type=click.IntRange(1), help="Cases per operation and mode.")
@click.option("--seed", default=1, show_default=True, type=int, help="Hypothesis seed; the same seed gives the same cases.")
@click.option("--mode", type=click.Choice(["all", "positive", "negative"]), default="all", show_default=True,
              help="Valid data, invalid data, or both.")
@click.option("--operation", "operations", multiple=True, metavar="OPERATION_ID", help="Check only these operations (repeatable).")
@click.option("--exclude", "excluded", multiple=True, metavar="OPERATION_ID", help="Skip these operations (repeatable).")
@click.option("--verbose", "-v", is_flag=True, help="Also detail skipped operations.")
def check_server_command(
    provider: str,
    url: str | None,
    headers: tuple[str, ...],
    basic: str | None,
    queries: tuple[str, ...],
    path_params: tuple[str, ...],
    examples: int,
    seed: int,
    mode: str,
    operations: tuple[str, ...],
    excluded: tuple[str, ...],
    verbose: bool,
) -> None:
    """Run the documented spec's checks against any implementation of a provider's API.

    Every operation gets generated valid and invalid requests; a 5xx, an undocumented status or
    content type, or a body off the documented schema fails it, shrunk to a minimal case with a
    curl command that reproduces it. Exit status: 0 clean, 1 failures, 2 could not run.
    """
    from telemock.contracts.specs import available_specs

    if provider not in available_specs():
        raise click.BadParameter(f"{provider!r} has no documented spec (available: {', '.join(available_specs())})",
                                 param_hint="--provider")
    auth = None
    if basic is not None:
        user, sep, password = basic.partition(":")
        if not sep:
            raise click.BadParameter(f"{basic!r} is not USER:PASSWORD", param_hint="--basic")
        auth = (user, password)
    from telemock.contracts.kit.server_check import ServerUnreachable, check_server

    try:
        report = check_server(
            url or f"{DEFAULT_URL}/{provider}",
            provider,
            headers=parse_pairs(headers, ":", "--header", "'NAME: VALUE'"),
            auth=auth,
            query=parse_pairs(queries, "=", "--query", "NAME=VALUE"),
            path_parameters=parse_pairs(path_params, "=", "--path-param", "NAME=VALUE"),
            max_examples=examples,
            seed=seed,
            modes=("positive", "negative") if mode == "all" else (mode,),
            operations=operations or None,
            exclude_operations=excluded,
        )
    except (ServerUnreachable, LookupError, ValueError) as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(report.render(verbose=verbose))
    sys.exit(0 if report.ok else 1)


@check.command("receiver")
@click.option("--provider", required=True, metavar="NAME", help="Whose webhooks to generate and sign.")
@click.option("--url", required=True, metavar="URL", help="Where the receiver under test listens.")
@click.option("--secret", default=None, metavar="SECRET",
              help="The signing secret the receiver verifies with (Gigs whsec_…, VoIPBIN webhook secret, SignalWire signing key).")
@click.option("--event", "events", multiple=True, metavar="NAME", help="Only these webhook kinds (repeatable). Default: all documented.")
@click.option("--examples", default=20, show_default=True, type=click.IntRange(1), help="Generated events.")
@click.option("--seed", default=None, type=int, help="Hypothesis seed for a repeatable run.")
def check_receiver_command(
    provider: str, url: str, secret: str | None, events: tuple[str, ...], examples: int, seed: int | None
) -> None:
    """Deliver generated, correctly signed events to a running webhook receiver, then forgeries.

    Genuine, duplicate and out-of-order deliveries must be accepted (2xx); a tampered signature,
    a tampered body, the wrong secret and a stale timestamp must be refused. Exit status: 0 clean,
    1 failures, 2 could not run.
    """
    from telemock.contracts.specs import available_specs

    if provider not in available_specs():
        raise click.BadParameter(f"{provider!r} has no documented spec (available: {', '.join(available_specs())})",
                                 param_hint="--provider")
    from telemock.contracts.kit.receivers import check_receiver

    try:
        report = check_receiver(provider, url, secret=secret, event_names=list(events) or None,
                                examples=examples, seed=seed)
    except LookupError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(report.render())
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--url", metavar="URL", default=DEFAULT_URL, show_default=True, help="The running telemock server.")
@click.option("--provider", metavar="NAME", default=None, help="Only this provider.")
@click.option("--violations", "show_violations", is_flag=True, help="Also list each violating request and its violations.")
@click.option("--limit", type=click.IntRange(1), default=None, help="With --violations: only the newest N requests.")
@click.option("--fail-on-violations", is_flag=True, help="Exit 1 when any request broke a documented contract.")
@click.option("--admin-token", envvar="TELEMOCK_ADMIN_TOKEN", show_envvar=True, default=None, metavar="TOKEN",
              help="Bearer token of a control API started with --admin-token.")
def report(
    url: str, provider: str | None, show_violations: bool, limit: int | None, fail_on_violations: bool,
    admin_token: str | None,
) -> None:
    """Print the journal's per-operation contract verdicts of a running telemock."""
    from telemock.contracts.kit.report import (
        ReportUnavailable,
        fetch_summary,
        fetch_violations,
        render_summary,
        render_violations,
        total_violating,
    )

    try:
        summary = fetch_summary(url, provider, admin_token)
        entries = fetch_violations(url, provider, limit, admin_token) if show_violations else []
    except ReportUnavailable as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    click.echo(render_summary(summary))
    if show_violations:
        click.echo("")
        click.echo(render_violations(entries))
    if fail_on_violations and total_violating(summary):
        sys.exit(1)


def default_server_url() -> str:
    """A server started with the same environment: http://127.0.0.1:$TELEMOCK_PORT (8780)."""
    port = os.environ.get("TELEMOCK_PORT", "").strip() or str(DEFAULT_PORT)
    return f"http://127.0.0.1:{port}"


@main.group()
def state() -> None:
    """Export or import the state of a running telemock (the JSON of GET/PUT /_telemock/state)."""


def state_url_option(fn: Any) -> Any:
    return click.option("--url", envvar="TELEMOCK_URL", show_envvar=True, default=None, metavar="URL",
                        help=f"The running server. Default: http://127.0.0.1:$TELEMOCK_PORT (port {DEFAULT_PORT}).")(fn)


def state_request(method: str, url: str | None, **kwargs: Any) -> Any:
    """One control-API call to /_telemock/state; a failure ends the command with the server's reason."""
    import httpx

    target = f"{(url or default_server_url()).rstrip('/')}/_telemock/state"
    token = os.environ.get("TELEMOCK_ADMIN_TOKEN")  # a server started with --admin-token wants it
    headers = {"Authorization": f"Bearer {token}"} if token else None
    try:
        with httpx.Client(trust_env=False, timeout=60, headers=headers) as client:
            response = client.request(method, target, **kwargs)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"{target}: {exc or type(exc).__name__}") from None
    if response.status_code != 200:
        try:
            reason = response.json()["error"]["message"]
        except (ValueError, KeyError, TypeError):
            reason = response.text[:500]
        raise click.ClickException(f"{target}: HTTP {response.status_code}: {reason}")
    return response


@state.command("export")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@state_url_option
def state_export(file: Path, url: str | None) -> None:
    """Write the server's state snapshot to FILE (JSON; `-` for standard output)."""
    response = state_request("GET", url)
    body = response.content
    if str(file) == "-":
        click.echo(body.decode())
        return
    partial = file.with_name(f".{file.name}.partial")
    try:
        partial.write_bytes(body)
        partial.replace(file)  # whole or not at all: a failed export leaves no half-written file
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"{file}: {exc.strerror or exc}") from None
    providers = response.json().get("providers", {})
    click.echo(f"exported {', '.join(sorted(providers)) or 'no providers'} to {file}", err=True)


@state.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@state_url_option
def state_import(file: Path, url: str | None) -> None:
    """Load a snapshot from FILE into the server, all or nothing (a refused snapshot changes nothing)."""
    import orjson

    try:
        raw = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{file}: {exc.strerror or exc}") from None
    try:
        snapshot = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise click.ClickException(f"{file}: not JSON: {exc}") from None
    if not isinstance(snapshot, dict):
        raise click.ClickException(f"{file}: a state snapshot is a JSON object (as `telemock state export` writes)")
    response = state_request("PUT", url, content=raw, headers={"content-type": "application/json"})
    loaded = response.json().get("loaded", [])
    click.echo(f"imported {', '.join(loaded) or 'no providers'} from {file}", err=True)
