"""The `telemock` command."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from pathlib import Path
from typing import Any, Callable

import click

from telemock.emulator.config import Config

log = logging.getLogger("telemock")


def parse_profiles(values: tuple[str, ...]) -> tuple[str, dict[str, str]]:
    """`--profile observed` sets all providers; `--profile voipbin=openapi` sets one.

    Each provider names its own profiles and refuses an unknown one when it starts; a profile
    for all providers must be one every provider has.
    """
    from telemock.emulator.registry import provider_classes

    default = "documented"
    per_provider: dict[str, str] = {}
    for value in values:
        name, sep, profile = value.partition("=")
        if not sep:
            name, profile = "", value
        if name:
            per_provider[name] = profile
        else:
            default = profile
    lacking = [cls.name for cls in provider_classes() if default not in cls.profiles]
    if lacking:
        raise click.BadParameter(
            f"{default!r} is not a profile of {', '.join(lacking)}; name the provider (PROVIDER={default})",
            param_hint="--profile",
        )
    return default, per_provider


EXIT_USAGE = 2  # a mistake in the command line: one line on stderr names the option and what it takes


def usage_error(option: str, message: str) -> None:
    """One line naming the option and what is wrong, then exit 2 (no traceback, no usage block)."""
    click.echo(f"Error: {option}: {message}", err=True)
    sys.exit(EXIT_USAGE)


def parse_settings(values: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """`--set voipbin.purchase_pending_seconds=30` (values parsed as YAML scalars)."""
    import yaml

    from telemock.emulator.registry import provider_names

    settings: dict[str, dict[str, Any]] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        provider, dot, name = key.partition(".")
        if not sep or not dot or not provider or not name:
            usage_error("--set", f"{value!r} is not PROVIDER.SETTING=VALUE (the settings: telemock settings)")
        if provider not in provider_names():
            usage_error("--set", f"{value!r}: no provider {provider!r} (providers: {', '.join(provider_names())})")
        try:
            settings.setdefault(provider, {})[name] = yaml.safe_load(raw)
        except yaml.YAMLError:
            settings[provider][name] = raw  # not YAML: the setting's own validation says what it takes
    return settings


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "TELEMOCK"})
@click.version_option(package_name="telemock")
def main() -> None:
    """telemock: a local, stateful emulator of telecom number APIs.

    \b
    Exit status of every command:
      0  done (serve: stopped cleanly; checks: clean)
      1  the check found failures, or the command failed (a fixture file, the
         server, a file to import); report: violations with --fail-on-violations
      2  a usage error or a check that could not run: a bad option value, an
         unknown setting, nothing listening at the URL, credentials refused
    """


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
@click.option("--set", "settings", envvar="TELEMOCK_SET", multiple=True, metavar="PROVIDER.KEY=VALUE", show_envvar=True,
              help="Override a provider setting (repeatable; space-separated in the environment). "
                   "`telemock settings` lists every provider's keys.")
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
    from telemock.emulator.core.provider import SettingsError

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
    except SettingsError as exc:
        usage_error("--set", str(exc))
    except FixtureError as exc:
        raise click.ClickException(str(exc)) from None
    settle_heap()
    run_server(app, host, port)


FULL_COLLECTION_EVERY = 100  # young (generation 1) collections at least between two full ones


def settle_heap() -> None:
    """What start-up built (modules, specs, the fixtures' state) lives as long as the server: moved out
    of the cyclic collector's reach, so its full collections stop walking it and stay short.

    With start-up's objects out of its count, the collector would also walk the whole state again
    each time it grew by a quarter, which creates do within seconds: each such pass held every
    request in flight for tens of milliseconds. A full pass waits for FULL_COLLECTION_EVERY young
    ones instead of Python's 10 (some 80,000 creates); garbage cycles that outlive the
    young passes wait that much longer to be freed.
    """
    import gc

    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


@main.command("settings")
@click.argument("providers", nargs=-1, metavar="[PROVIDER]...")
def settings_command(providers: tuple[str, ...]) -> None:
    """List every provider setting: what `--set PROVIDER.KEY=VALUE` (TELEMOCK_SET) and a fixture's
    `settings:` section take, with its type and default."""
    from telemock.emulator.registry import provider_classes, provider_names

    unknown = sorted(set(providers) - set(provider_names()))
    if unknown:
        usage_error("PROVIDER", f"no provider {unknown[0]!r} (providers: {', '.join(provider_names())})")
    for cls in provider_classes(list(providers) or None):
        rows = cls.settings_help()
        width = max(len(f"{cls.name}.{name}") for name, *_ in rows)
        click.echo(f"{cls.title}:")
        for name, kind, default, description in rows:
            click.echo(f"  {cls.name + '.' + name:<{width}}  {kind} = {default}")
            if description:
                click.echo(f"  {'':<{width}}  {description}")
        click.echo("")


def warn_if_open(host: str, admin_token: str | None) -> None:
    """A control API reachable from other machines without a token can reset or rewrite all state."""
    from telemock.emulator.admin.guard import is_loopback

    if not admin_token and not is_loopback(host):
        log.warning(
            "listening on %s without an admin token: anyone who can reach this port can use the control API "
            "(/_telemock/: reset, state, fixtures, overrides). Set --admin-token or TELEMOCK_ADMIN_TOKEN.",
            host,
        )


def emulator_banner(base: str, app: Any) -> list[str]:
    """What `telemock serve` prints once it accepts connections: each provider's URL and demo credentials."""
    runtime = app.state.runtime
    lines = [f"telemock ready on {base}  (control API: {base}/_telemock/, port {base.rsplit(':', 1)[1]})"]
    for name, provider in runtime.providers.items():
        lines.append(f"  {provider.title:<11} {base}/{name}  [profile {provider.profile_name}]")
        for credential in provider.demo_credentials():
            lines.append(f"      {credential.label}: {credential.value}")
    lines.append(f"  Inspector   {base}/_telemock/ui/  (requests, state, webhooks, clock in a browser)")
    return lines


Banner = Callable[[str, Any], list[str]]


def run_server(app: Any, host: str, port: int, banner: Banner = emulator_banner) -> None:
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
    server = announcing_server_class()(config, app, host, bound_port, banner)
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

        def __init__(self, config: Any, app: Any, host: str, port: int, banner: Banner) -> None:
            super().__init__(config)
            self.telemock_app = app
            self.display_host = f"[{host}]" if ":" in host else host
            self.display_port = port
            self.banner = banner

        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets=sockets)
            if self.should_exit:
                return
            click.echo("\n".join(self.banner(f"http://{self.display_host}:{self.display_port}", self.telemock_app)))
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


def ci_report_options(fn: Any) -> Any:
    """`--junit-xml PATH` and `--json-report PATH`: the results as files CI dashboards and scripts read."""
    fn = click.option("--json-report", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="PATH",
                      help="Also write the results as JSON to PATH.")(fn)
    return click.option("--junit-xml", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="PATH",
                        help="Also write the results as JUnit XML to PATH (a testcase per operation or check).")(fn)


def written(option: str, path: Path, write: Callable[[], None]) -> None:
    """Run `write`; a file that cannot be written ends the command with one line naming the option."""
    try:
        write()
    except OSError as exc:
        raise click.ClickException(f"{option} {path}: {exc.strerror or exc}") from None


def write_reports(
    junit_xml: Path | None, json_report: Path | None, suites: Callable[[], list[Any]], document: Callable[[], dict[str, Any]]
) -> None:
    """Write the files asked for: the JUnit XML of `suites()` and the JSON `document()`."""
    from telemock.contracts.kit.json_report import write_json
    from telemock.contracts.kit.junit import write_junit

    if junit_xml is not None:
        written("--junit-xml", junit_xml, lambda: write_junit(junit_xml, suites()))
    if json_report is not None:
        written("--json-report", json_report, lambda: write_json(json_report, document()))


def could_not_run(junit_xml: Path | None, json_report: Path | None, command: str, subject: str, message: str) -> None:
    """A check that could not run still leaves its files, saying why, so a dashboard shows the reason."""
    from telemock.contracts.kit.json_report import error_json
    from telemock.contracts.kit.junit import error_suite

    classname = f"telemock.{command.replace(' ', '.')}.{subject}"
    write_reports(junit_xml, json_report, lambda: [error_suite(f"telemock {command} {subject}", classname, message)],
                  lambda: error_json(command, message))


def echo_report(text: str) -> None:
    """A report on stdout: in colour on a terminal, as plain text elsewhere."""
    from telemock.contracts.kit.colours import echo_report as styled

    styled(text, sys.stdout)


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
@ci_report_options
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
    junit_xml: Path | None = None,
    json_report: Path | None = None,
) -> None:
    """Run the documented spec's checks against any implementation of a provider's API.

    Every operation gets generated valid and invalid requests; a 5xx, an undocumented status or
    content type, or a body off the documented schema fails it, shrunk to a minimal case with a
    curl command that reproduces it. The summary shows per operation how many cases reached a
    2xx. Progress shows on stderr while it runs (bars on a terminal, a line per run otherwise);
    --junit-xml and --json-report write the results for CI. Exit status: 0 clean, 1 failures,
    2 could not run (nothing listens at the URL, a bad option, or credentials refused on (nearly)
    every valid case, so nothing was checked).
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
    from telemock.contracts.kit.progress import progress_for
    from telemock.contracts.kit.server_check import ServerUnreachable, check_server

    progress = progress_for(sys.stderr, f"check server {provider}")
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
            progress=progress,
        )
    except (ServerUnreachable, LookupError, ValueError) as exc:
        progress.close()
        could_not_run(junit_xml, json_report, "check server", provider, str(exc))
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    from telemock.contracts.kit.json_report import server_json
    from telemock.contracts.kit.junit import server_suite

    write_reports(junit_xml, json_report, lambda: [server_suite(report)], lambda: server_json(report))
    echo_report(report.render(verbose=verbose))
    refused = report.credentials_refused
    if refused is not None:
        click.echo(f"Error: credentials were refused on {refused[0]} of {refused[1]} cases: "
                   "pass --basic/--header/--query (and --path-param where the path names the tenant)", err=True)
        sys.exit(2)
    sys.exit(0 if report.ok else 1)


@check.command("receiver")
@click.option("--provider", required=True, metavar="NAME", help="Whose webhooks to generate and sign.")
@click.option("--url", required=True, metavar="URL", help="Where the receiver under test listens.")
@click.option("--secret", default=None, metavar="SECRET",
              help="The signing secret the receiver verifies with (Gigs whsec_…, VoIPBIN webhook secret, SignalWire signing key).")
@click.option("--event", "events", multiple=True, metavar="NAME", help="Only these webhook kinds (repeatable). Default: all documented.")
@click.option("--examples", default=20, show_default=True, type=click.IntRange(1), help="Generated events.")
@click.option("--seed", default=None, type=int, help="Hypothesis seed for a repeatable run.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Seconds the receiver has to answer each delivery; one that does not ends the check.")
@ci_report_options
def check_receiver_command(
    provider: str, url: str, secret: str | None, events: tuple[str, ...], examples: int, seed: int | None,
    timeout: float, junit_xml: Path | None = None, json_report: Path | None = None,
) -> None:
    """Deliver generated, correctly signed events to a running webhook receiver, then forgeries.

    Genuine, duplicate and out-of-order deliveries must be accepted (2xx); a tampered signature,
    a tampered body, the wrong secret and a stale timestamp must be refused; a receiver that does
    not answer within --timeout ends the check. Progress shows on stderr while it runs;
    --junit-xml (a testcase per check) and --json-report write the results for CI. Exit status:
    0 clean, 1 failures, 2 could not run (a secret the provider cannot sign with, nothing
    listening at --url, an unknown --event).
    """
    from telemock.contracts.specs import available_specs

    if provider not in available_specs():
        raise click.BadParameter(f"{provider!r} has no documented spec (available: {', '.join(available_specs())})",
                                 param_hint="--provider")
    from telemock.contracts.kit.progress import progress_for
    from telemock.contracts.kit.reach import Unreachable
    from telemock.contracts.kit.receivers import ReceiverSetupError, check_receiver

    progress = progress_for(sys.stderr, f"check receiver {provider}")
    failed_option = ""
    try:
        report = check_receiver(provider, url, secret=secret, event_names=list(events) or None,
                                examples=examples, seed=seed, timeout=timeout, progress=progress)
    except ReceiverSetupError as exc:
        failed_option, problem = "--secret", str(exc)
    except LookupError as exc:
        failed_option, problem = "--event", str(exc)
    except (Unreachable, ValueError) as exc:
        failed_option, problem = "--url", str(exc)
    if failed_option:
        progress.close()
        could_not_run(junit_xml, json_report, "check receiver", provider, f"{failed_option}: {problem}")
        usage_error(failed_option, problem)
    from telemock.contracts.kit.json_report import receiver_json
    from telemock.contracts.kit.junit import receiver_suite

    write_reports(junit_xml, json_report, lambda: [receiver_suite(report)], lambda: receiver_json(report))
    echo_report(report.render())
    sys.exit(0 if report.ok else 1)


def scenario_control(url: str | None, admin_token: str | None, provider: str, profile: str | None = None) -> Any:
    """The emulator a scenario check drives: the telemock at `url`, or one started in this process."""
    from telemock.contracts.kit.control import LocalControl, RemoteControl

    if url:
        return RemoteControl(url, admin_token)
    from telemock.emulator import create_app

    return LocalControl(create_app(Config(providers=[provider], profile=profile or "documented")))


def scenario_target(control: Any, provider: str) -> tuple[str, dict[str, Any]]:
    """The provider's base URL and demo credentials on that emulator."""
    from telemock.contracts.kit.pytest_plugin import provider_info

    info = provider_info(control)
    if provider not in info:
        raise click.BadParameter(f"the telemock runs no provider {provider!r} (it runs {', '.join(info)})",
                                 param_hint="--provider")
    return f"{control.base_url}/{provider}", dict(info[provider].get("demo_auth") or {})


def loaded(reference: str, option: str) -> Any:
    from telemock.contracts.kit.loading import load_object

    try:
        return load_object(reference)
    except ValueError as exc:
        usage_error(option, str(exc))


def scenario_options(fn: Any) -> Any:
    """The options every scenario check takes: the scenario, where telemock runs, the deadline."""
    for option in reversed([
        click.option("--scenario", "reference", required=True, metavar="MODULE:FUNCTION",
                     help="Your code driving your client; called with a target (base_url, credentials) and raising on failure."),
        click.option("--url", metavar="URL", default=None,
                     help="A running telemock the check has to itself (default: one started in this process)."),
        click.option("--admin-token", envvar="TELEMOCK_ADMIN_TOKEN", default=None, metavar="TOKEN",
                     help="Its control API's token."),
        click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(0, min_open=True),
                     help="Seconds each run of the scenario may take."),
    ]):
        fn = option(fn)
    return fn


def run_scenario_check(provider: str, reference: str, url: str | None, admin_token: str | None,
                       check: Callable[..., Any], lookup_option: str) -> Any:
    """Loads the scenario, runs `check(control, scenario, base_url, credentials)` on the chosen
    telemock and returns its report; what cannot run is a usage error (exit 2)."""
    import httpx

    scenario = loaded(reference, "--scenario")
    control = scenario_control(url, admin_token, provider)
    try:
        base_url, credentials = scenario_target(control, provider)
        return check(control, scenario, base_url, credentials)
    except LookupError as exc:
        usage_error(lookup_option, str(exc))
    except (RuntimeError, httpx.HTTPError) as exc:
        usage_error("--url", str(exc) or type(exc).__name__)
    finally:
        control.close()


@check.command("resilience")
@click.option("--provider", required=True, metavar="NAME", help="Whose failure modes to inject.")
@scenario_options
@click.option("--fault", "faults", multiple=True, metavar="NAME", help="Only these faults (repeatable). Default: all.")
@click.option("--no-retries", is_flag=True, help="The client does not claim to retry: transient failures may end the scenario.")
@click.option("--retry-after", default=1, show_default=True, type=click.IntRange(0), help="Seconds a 429 asks to wait.")
@click.option("--max-attempts", default=10, show_default=True, type=click.IntRange(1),
              help="Attempts allowed while a failure lasts.")
def check_resilience_command(
    provider: str, reference: str, url: str | None, admin_token: str | None, timeout: float, faults: tuple[str, ...],
    no_retries: bool, retry_after: int, max_attempts: int,
) -> None:
    """Run your scenario while telemock injects the provider's failures, one at a time.

    429 with Retry-After, 5xx and dropped connections on reads, a create whose answer is lost
    after the purchase, a slow answer, and 422/404/401: the client is judged by the requests it
    made and the state it left. Exit status: 0 clean, 1 failures (or the scenario exercised
    nothing), 2 could not run (the scenario cannot be imported, an unknown --fault, no telemock at --url).
    """
    from telemock.contracts.kit.resilience import check_resilience

    report = run_scenario_check(provider, reference, url, admin_token, lambda control, scenario, base_url, credentials:
                                check_resilience(control, provider, scenario, base_url=base_url, credentials=credentials,
                                                 faults=faults or None, retries=not no_retries, retry_after=retry_after,
                                                 max_attempts=max_attempts, timeout=timeout), "--fault")
    click.echo(report.render())
    sys.exit(0 if report.ok else 1)


@check.command("profiles")
@click.option("--provider", required=True, metavar="NAME", help="Whose profiles to run the scenario under.")
@scenario_options
@click.option("--profile", "profiles", multiple=True, metavar="NAME", help="Only these profiles (repeatable). Default: all.")
@click.option("--require", "required", multiple=True, metavar="NAME",
              help="Exit 1 only when one of these profiles breaks (repeatable). Default: any.")
def check_profiles_command(
    provider: str, reference: str, url: str | None, admin_token: str | None, timeout: float, profiles: tuple[str, ...],
    required: tuple[str, ...],
) -> None:
    """Which of the provider's sources your client matches: the scenario under each profile.

    Prints e.g. "voipbin profiles: works with documented; breaks with openapi, observed" and how it
    broke. Exit status: 0 it works with every (--require'd) profile, 1 one breaks (or the scenario
    made no request), 2 could not run (the scenario cannot be imported, an unknown --profile, no telemock at --url).
    """
    from telemock.contracts.kit.profiles_check import check_profiles

    report = run_scenario_check(provider, reference, url, admin_token, lambda control, scenario, base_url, credentials:
                                check_profiles(control, provider, scenario, base_url=base_url, credentials=credentials,
                                               profiles=profiles or None, timeout=timeout), "--profile")
    click.echo(report.render())
    sys.exit(0 if report.works_with_all(required or report.breaks_with) else 1)


@check.command("lifecycle")
@click.option("--provider", required=True, metavar="NAME", help="Whose self-changing resources to drive (voipbin, gigs, signalwire).")
@scenario_options
@click.option("--no-wait", is_flag=True, help="The client does not wait for its resources to be ready.")
def check_lifecycle_command(
    provider: str, reference: str, url: str | None, admin_token: str | None, timeout: float, no_wait: bool,
) -> None:
    """Drive the virtual clock through the transitions of what your scenario creates.

    Exit status: 0 clean, 1 the client acted on a resource before it was ready, stopped waiting
    too soon, waited for a state that never comes, or created nothing that changes by itself;
    2 could not run (the scenario cannot be imported, a provider without such resources, no telemock at --url).
    """
    from telemock.contracts.kit.lifecycle import check_lifecycle, lifecycle_of

    try:
        lifecycle_of(provider)
    except LookupError as exc:
        usage_error("--provider", str(exc))
    report = run_scenario_check(provider, reference, url, admin_token, lambda control, scenario, base_url, credentials:
                                check_lifecycle(control, provider, scenario, base_url=base_url, credentials=credentials,
                                                waits=not no_wait, timeout=timeout), "--provider")
    click.echo(report.render())
    sys.exit(0 if report.ok else 1)


@check.command("handler")
@click.option("--provider", required=True, metavar="NAME",
              help="Whose inbound requests to generate and sign (signalwire, voiceos, voipbin).")
@click.option("--kind", default=None, metavar="KIND",
              help="signalwire: cxml-call (default), cxml-message, swml-call, swml-message, call-status, message-status; "
                   "voiceos: connection-requested; "
                   "voipbin: call-events.")
@click.option("--url", required=True, metavar="URL", help="Where the handler under test listens (the URL the provider is given).")
@click.option("--signing-key", default=None, metavar="KEY", help="The key the handler verifies signatures with (SignalWire PSK_…).")
@click.option("--header", "headers", multiple=True, metavar="'NAME: VALUE'",
              help="Sent on every request, e.g. a VoiceOS webhook's configured headers (repeatable).")
@click.option("--method", "methods", multiple=True, metavar="METHOD", help="Only these HTTP methods (repeatable).")
@click.option("--examples", default=20, show_default=True, type=click.IntRange(1), help="Generated calls or messages.")
@click.option("--seed", default=None, type=int, help="Hypothesis seed for a repeatable run.")
@click.option("--timeout", default=5.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Seconds the handler has to answer; one that does not ends the check.")
def check_handler_command(
    provider: str, kind: str | None, url: str, signing_key: str | None, headers: tuple[str, ...],
    methods: tuple[str, ...], examples: int, seed: int | None, timeout: float,
) -> None:
    """Send generated, signed inbound calls or messages to a running handler and judge its answers.

    Every answer must be 2xx within the provider's handler timeout and a document the provider
    can run (cXML verbs and attributes, SWML methods, VoiceOS's agent choice); an unsigned, a
    tampered or a wrongly signed request must be refused. Exit status: 0 clean, 1 failures,
    2 could not run (an unknown --kind or --method, nothing listening at --url).
    """
    from telemock.contracts.kit.handlers import check_handler
    from telemock.contracts.kit.reach import Unreachable, probe

    try:
        probe(url)
    except (Unreachable, ValueError) as exc:
        usage_error("--url", str(exc))
    try:
        report = check_handler(url, provider=provider, kind=kind, signing_key=signing_key,
                               headers=parse_pairs(headers, ":", "--header", "'NAME: VALUE'"),
                               methods=methods or None, examples=examples, seed=seed, timeout=timeout)
    except LookupError as exc:
        usage_error("--kind" if "kind" in str(exc) or "handler" in str(exc) else "--method", str(exc))
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
@ci_report_options
def report(
    url: str, provider: str | None, show_violations: bool, limit: int | None, fail_on_violations: bool,
    admin_token: str | None, junit_xml: Path | None = None, json_report: Path | None = None,
) -> None:
    """Print the journal's per-operation contract verdicts of a running telemock.

    --junit-xml writes a testcase per operation (failed when a request broke the contract, with
    those requests) and --json-report the counts and violations, for CI. Exit status: 0 (also
    when requests broke the contract, unless --fail-on-violations), 1 with --fail-on-violations
    when any request did, 2 when telemock cannot be reached.
    """
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
        wanted = show_violations or junit_xml is not None or json_report is not None
        entries = fetch_violations(url, provider, limit, admin_token) if wanted else []
    except ReportUnavailable as exc:
        could_not_run(junit_xml, json_report, "report", provider or "all", str(exc))
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    from telemock.contracts.kit.json_report import journal_json
    from telemock.contracts.kit.junit import journal_suite

    write_reports(junit_xml, json_report, lambda: [journal_suite(summary, entries)], lambda: journal_json(summary, entries))
    if show_violations:
        echo_report(render_summary(summary) + "\n\n" + render_violations(entries))
    else:
        echo_report(render_summary(summary))
    if fail_on_violations and total_violating(summary):
        sys.exit(1)


def default_server_url() -> str:
    """A server started with the same environment: http://127.0.0.1:$TELEMOCK_PORT (8780)."""
    port = os.environ.get("TELEMOCK_PORT", "").strip() or str(DEFAULT_PORT)
    return f"http://127.0.0.1:{port}"


@main.group()
def state() -> None:
    """Export or import the state of a running telemock (the JSON of GET/PUT /_telemock/state).

    Exit status: 0 done, 1 failed (the server, or a file that is not a snapshot), 2 usage error.
    """


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
    providers = snapshot.get("providers")
    if not isinstance(providers, dict) or not providers:
        raise click.ClickException(f"{file}: no provider section: a state snapshot has \"providers\": {{...}}, "
                                   "as `telemock state export` writes; nothing was imported")
    response = state_request("PUT", url, content=raw, headers={"content-type": "application/json"})
    loaded = response.json().get("loaded", [])
    click.echo(f"imported {', '.join(loaded) or 'no providers'} from {file}", err=True)


def parse_upstreams(values: tuple[str, ...], providers: tuple[str, ...]) -> dict[str, str]:
    """`--upstream voipbin=https://…` (repeatable), or one `--upstream URL` with one `--provider NAME`."""
    named: dict[str, str] = {}
    unnamed: list[str] = []
    for value in values:
        name, sep, url = value.partition("=")
        if sep and "://" not in name and name.strip():
            named[name.strip()] = url.strip()
        else:
            unnamed.append(value.strip())
    if unnamed:
        if len(unnamed) > 1 or len(providers) != 1:
            raise click.BadParameter("give each upstream as PROVIDER=URL, or one URL with one --provider NAME",
                                     param_hint="--upstream")
        named[providers[0]] = unnamed[0]
    elif providers and set(providers) - set(named):
        missing = ", ".join(sorted(set(providers) - set(named)))
        raise click.BadParameter(f"no upstream for {missing}: give it as PROVIDER=URL", param_hint="--upstream")
    return named


def provider_pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    return parse_pairs(values, "=", option, "PROVIDER=VALUE")


def proxy_banner(base: str, app: Any) -> list[str]:
    """Each proxied provider's URL and upstream, and where its webhooks are received."""
    runtime = app.state.runtime
    lines = [f"telemock proxy ready on {base}  (control API: {base}/_telemock/, port {base.rsplit(':', 1)[1]})"]
    for name, provider in runtime.providers.items():
        lines.append(f"  {provider.title:<11} {base}/{name}  ->  {app.state.upstreams[name]}")
    relay = app.state.webhook_relay
    for name in runtime.providers:
        target = relay.receivers.get(name, "accepted, not forwarded (no --forward-webhooks)")
        lines.append(f"  webhooks    {base}/_webhooks/{name}  ->  {target}")
    if app.state.recording_to is not None:
        lines.append(f"  recording   every exchange to {app.state.recording_to}")
    lines.append(f"  Inspector   {base}/_telemock/ui/  (requests, verdicts and drift in a browser)")
    return lines


def replay_banner(base: str, app: Any) -> list[str]:
    runtime = app.state.runtime
    lines = [f"telemock replay ready on {base}  (control API: {base}/_telemock/, port {base.rsplit(':', 1)[1]})"]
    for name, provider in runtime.providers.items():
        lines.append(f"  {provider.title:<11} {base}/{name}  <-  {app.state.upstreams[name]}")
    lines.append(f"  Inspector   {base}/_telemock/ui/  (requests and the recordings that answered them)")
    return lines


def server_options(fn: Any) -> Any:
    """The listening and logging options `proxy` and `replay` share with `serve`."""
    options = [
        click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on."),
        click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
                     help="Port; 0 picks a free one."),
        click.option("--journal-size", default=1000, show_default=True, type=click.IntRange(1), help="Requests kept in the journal."),
        click.option("--mask-rules", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
                     help="YAML or JSON file of masking rules added to telemock's (headers, query, fields, pointers, patterns)."),
        click.option("--log-format", type=click.Choice(["text", "json"], case_sensitive=False), default="text", show_default=True),
        click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
                     default="info", show_default=True),
        click.option("--admin-token", envvar="TELEMOCK_ADMIN_TOKEN", show_envvar=True, default=None, metavar="TOKEN",
                     help="Require 'Authorization: Bearer TOKEN' on the control API."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@main.command()
@click.option("--upstream", "upstreams", multiple=True, required=True, metavar="[PROVIDER=]URL",
              help="The real provider's base URL, e.g. voipbin=https://api.voipbin.net (repeatable).")
@click.option("--provider", "providers", multiple=True, metavar="NAME", callback=split_commas,
              help="The provider of an upstream given without PROVIDER=.")
@click.option("--record", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Write each exchange, masked, as one YAML file in DIR.")
@click.option("--timeout", default=30.0, show_default=True, type=click.FloatRange(0, min_open=True),
              help="Seconds an upstream (or a webhook receiver) has to answer.")
@click.option("--upstream-ca", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="PEM certificates to trust for https upstreams instead of the system's.")
@click.option("--forward-webhooks", "receivers", multiple=True, metavar="PROVIDER=URL",
              help="Forward the webhooks received at /_webhooks/PROVIDER to this receiver (repeatable).")
@click.option("--webhook-secret", "webhook_secrets", multiple=True, metavar="PROVIDER=SECRET",
              help="Verify the provider's webhook signatures with this secret (repeatable).")
@click.option("--public-url", default=None, metavar="URL",
              help="This proxy's address as the providers reach it (a tunnel), for signatures that cover the URL.")
@server_options
def proxy(
    upstreams: tuple[str, ...], providers: tuple[str, ...], record: Path | None, timeout: float, upstream_ca: Path | None,
    receivers: tuple[str, ...], webhook_secrets: tuple[str, ...], public_url: str | None,
    host: str, port: int, journal_size: int, mask_rules: Path | None, log_format: str, log_level: str, admin_token: str | None,
) -> None:
    """Put telemock's contract, journal and inspector in front of the real providers.

    Each request to /PROVIDER/… goes to the upstream unchanged (credentials included, never
    stored in clear) and the client gets the real answer; both are judged against the documented
    contract, the provider's departures marked as drift (`telemock report`). Webhooks sent to
    /_webhooks/PROVIDER are verified, judged and forwarded to your receiver.
    """
    from telemock.emulator.core.fixtures import FixtureError
    from telemock.emulator.core.logs import configure_logging
    from telemock.emulator.proxy.app import ProxyConfig, create_proxy_app

    configure_logging(log_format, log_level)
    warn_if_open(host, admin_token)
    config = ProxyConfig(
        upstreams=parse_upstreams(upstreams, providers),
        server=Config(journal_size=journal_size, admin_token=admin_token or None,
                      log_requests=log_level in ("debug", "info")),
        record=record,
        mask_rules=mask_rules,
        timeout_s=timeout,
        ca_file=upstream_ca,
        webhook_receivers=provider_pairs(receivers, "--forward-webhooks"),
        webhook_secrets=provider_pairs(webhook_secrets, "--webhook-secret"),
        public_url=public_url,
    )
    try:
        app = create_proxy_app(config)
    except (FixtureError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    run_server(app, host, port, proxy_banner)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@server_options
def replay(
    directory: Path, host: str, port: int, journal_size: int, mask_rules: Path | None, log_format: str, log_level: str,
    admin_token: str | None,
) -> None:
    """Serve a folder of recordings (telemock proxy --record) as the provider answered them.

    A request is matched by operation, path, query and body; one that matches none gets the
    provider's own 404 naming the closest recordings (header X-Telemock-Replay).
    """
    from telemock.emulator.core.logs import configure_logging
    from telemock.emulator.proxy.app import create_replay_app
    from telemock.emulator.proxy.recordings import RecordingError

    configure_logging(log_format, log_level)
    warn_if_open(host, admin_token)
    server = Config(journal_size=journal_size, admin_token=admin_token or None, log_requests=log_level in ("debug", "info"))
    try:
        app = create_replay_app(directory, server, mask_rules)
    except (RecordingError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    run_server(app, host, port, replay_banner)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--provider", "providers", multiple=True, metavar="NAME", callback=split_commas,
              help="Only this provider's recordings (repeatable).")
@click.option("--fixtures", "fixtures", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Fixtures of the emulator the recordings are compared with (repeatable). Default: the bundled set.")
@click.option("--path-param", "path_params", multiple=True, metavar="NAME=VALUE",
              help="Path parameter to use with the emulator, e.g. project=demo for Gigs (repeatable).")
@click.option("--contract-only", is_flag=True, help="Judge against the documented contract only, not telemock's profiles.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on-drift", is_flag=True, help="Exit 1 when a recorded answer or webhook departs from the contract.")
def drift(
    directory: Path, providers: tuple[str, ...], fixtures: tuple[Path, ...], path_params: tuple[str, ...],
    contract_only: bool, fmt: str, fail_on_drift: bool,
) -> None:
    """Where the recorded provider departs from its documented contract and from telemock's profiles.

    Per operation and field: what the documentation says against what came, and the shape of
    the provider's answers against telemock's in each profile (documented, observed).
    """
    import orjson

    from telemock.emulator.core.fixtures import FixtureError
    from telemock.emulator.proxy.drift import drift_report
    from telemock.emulator.proxy.recordings import RecordingError

    try:
        report = drift_report(directory, providers=list(providers) or None, fixtures=list(fixtures),
                              path_params=parse_pairs(path_params, "=", "--path-param", "NAME=VALUE"),
                              profiles=not contract_only)
    except (RecordingError, FixtureError, LookupError) as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2).decode())
    else:
        click.echo(report.render())
    if fail_on_drift and report.drifted:
        sys.exit(1)
