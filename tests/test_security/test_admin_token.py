"""`--admin-token` / TELEMOCK_ADMIN_TOKEN: the control API needs the bearer token, health stays open.

Covers the guard on every control-API route (in-process server), the CLI option and variable
(real `telemock serve` processes), the warning for an open control API on a non-loopback
address, and the kit's remote control and pytest plugin sending the token.
"""

from __future__ import annotations

import logging
import re

import httpx
import pytest
from click.testing import CliRunner

from telemock.contracts.kit.control import RemoteControl
from telemock import cli
from telemock.emulator import Config
from telemock.emulator.admin.guard import is_loopback
from telemock.emulator.admin.routes import ROUTES
from telemock.cli import warn_if_open

from .process import ServerProcess, clean_env

TOKEN = "adm-7Kq2-token-for-tests"


@pytest.fixture(scope="module")
def guarded(server_factory):
    return server_factory(Config(admin_token=TOKEN))


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x1", path)


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401, (response.request.method, response.request.url, response.text)
    assert response.json()["error"]["code"] == "unauthorized"
    assert response.headers["www-authenticate"].startswith("Bearer")


ADMIN_ROUTES = [(verb, path) for verb, path, _ in ROUTES if (verb, path) != ("GET", "/health")]


@pytest.mark.parametrize("verb,path", ADMIN_ROUTES, ids=[f"{v} {p}" for v, p in ADMIN_ROUTES])
def test_every_control_route_needs_the_token(guarded, verb: str, path: str) -> None:
    admin = guarded.client("/_telemock")
    target = concrete(path)
    body = {"json": {}} if verb in ("POST", "PUT") else {}
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": f"Bearer {TOKEN}x"}, {"Authorization": "Bearer"}, {"X-Admin-Token": TOKEN}):
        assert_refused(admin.request(verb, target, headers=headers, **body))
    assert_refused(admin.request(verb, target, params={"token": TOKEN}, **body))
    allowed = admin.request(verb, target, headers={"Authorization": f"Bearer {TOKEN}"}, **body)
    assert allowed.status_code != 401, allowed.text


def test_health_stays_open_and_only_health(guarded) -> None:
    admin = guarded.client("/_telemock")
    assert admin.get("/health").json()["status"] == "ok"
    assert admin.get("/health", params={"verbose": "1"}).status_code == 200
    for method, path in (("POST", "/health"), ("GET", "/health/"), ("GET", "//health"), ("GET", "/healthz"),
                         ("GET", "/nothing-here"), ("DELETE", "/health")):
        assert_refused(admin.request(method, path))
    # Unknown routes are 401 before they are 404: no probing of the route table without the token.
    assert admin.get("/nothing-here", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


def test_the_token_unlocks_the_control_api_and_never_the_providers(guarded) -> None:
    admin = guarded.client("/_telemock", headers={"Authorization": f"Bearer {TOKEN}"})
    assert admin.post("/reset").status_code == 200
    assert admin.post("/clock/advance", json={"seconds": 5}).status_code == 200
    assert "providers" in admin.get("/state").json()
    provider = guarded.client("/voipbin/v1.0")
    assert provider.get("/numbers", params={"accesskey": "voipbin_demo_accesskey"}).status_code == 200
    # The admin token is no provider credential.
    assert provider.get("/numbers", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 401


def test_a_providers_real_host_does_not_bypass_the_guard(guarded) -> None:
    client = guarded.client()
    assert_refused(client.get("/_telemock/state", headers={"Host": "api.voipbin.net"}))
    assert client.get("/_telemock/state", headers={"Host": "api.voipbin.net",
                                                  "Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_remote_control_sends_the_token(guarded) -> None:
    with_token = RemoteControl(guarded.url, TOKEN)
    try:
        with_token.reset()
        assert "voipbin" in with_token.providers()
        assert with_token.journal(limit=1) is not None
    finally:
        with_token.close()
    without = RemoteControl(guarded.url)
    try:
        with pytest.raises(RuntimeError, match="401"):
            without.state()
    finally:
        without.close()


def test_the_pytest_plugin_sends_the_token_to_a_remote_server(pytester, guarded) -> None:
    pytester.makepyfile(test_remote='''
def test_remote(telemock):
    assert telemock.app is None
    client = telemock.voipbin.client()
    assert client.get("/v1.0/numbers").status_code == 200
    assert telemock.voipbin.journal()[-1]["operation"] == "numbers_list"
''')
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "-p", "no:xdist", f"--telemock-url={guarded.url}", f"--telemock-admin-token={TOKEN}",
    )
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("host,expected", [("127.0.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
                                           ("127.3.2.1", True), ("0.0.0.0", False), ("::", False),
                                           ("192.168.1.10", False), ("example.internal", False)])
def test_loopback_addresses(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_the_warning_is_for_an_open_control_api_beyond_loopback_only(caplog, monkeypatch) -> None:
    monkeypatch.setattr(logging.getLogger("telemock"), "propagate", True)  # whatever configured it before
    with caplog.at_level(logging.WARNING, logger="telemock"):
        warn_if_open("127.0.0.1", None)
        warn_if_open("0.0.0.0", "a-token")
        assert caplog.records == []
        warn_if_open("0.0.0.0", None)
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "without an admin token" in caplog.records[0].getMessage()


def test_serve_protects_the_control_api_with_the_token_end_to_end(tmp_path) -> None:
    """A real `telemock serve --host 0.0.0.0 --admin-token …`: guarded, and no warning (it has a token)."""
    server = ServerProcess.serve("--provider", "voipbin", "--host", "0.0.0.0", "--admin-token", TOKEN,
                                 log_dir=tmp_path, env=clean_env())
    try:
        base = f"http://127.0.0.1:{server.port}/_telemock"
        assert httpx.get(f"{base}/health").status_code == 200
        assert_refused(httpx.get(f"{base}/state"))
        assert httpx.get(f"{base}/state", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    finally:
        stderr = server.stop()
    assert "without an admin token" not in stderr
    assert TOKEN not in stderr + "".join(server.stdout_lines)


@pytest.fixture
def serve_cli(monkeypatch):
    """Runs `telemock serve` in this process up to the point where it would start listening."""
    served: dict[str, object] = {}

    def fake_run_server(app, host, port):
        served.update(config=app.state.runtime.config, host=host, port=port)

    monkeypatch.setattr(cli, "run_server", fake_run_server)
    logger = logging.getLogger("telemock")
    saved = (logger.handlers[:], logger.level, logger.propagate)

    def invoke(*args: str, **env: str):
        try:
            result = CliRunner().invoke(cli.main, ["serve", "--provider", "voipbin", *args], env=clean_env(**env),
                                        catch_exceptions=False)
        finally:  # the command configured logging for a process of its own
            logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]
        assert result.exit_code == 0, result.output
        return result, served["config"]

    return invoke


def test_serve_takes_the_token_from_the_environment(serve_cli) -> None:
    result, config = serve_cli("--host", "0.0.0.0", TELEMOCK_ADMIN_TOKEN=TOKEN)
    assert config.admin_token == TOKEN
    assert "without an admin token" not in result.output
    _, flag_wins = serve_cli("--admin-token", "from-the-flag", TELEMOCK_ADMIN_TOKEN=TOKEN)
    assert flag_wins.admin_token == "from-the-flag"
    _, none = serve_cli()
    assert none.admin_token is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_serve_warns_when_the_open_control_api_listens_beyond_loopback(serve_cli, host: str) -> None:
    result, config = serve_cli("--host", host)
    assert config.admin_token is None
    assert f"listening on {host} without an admin token" in result.output
    assert "TELEMOCK_ADMIN_TOKEN" in result.output


def test_serve_on_loopback_does_not_warn(serve_cli) -> None:
    result, _ = serve_cli("--host", "127.0.0.1")
    assert "admin token" not in result.output
