"""A browser for the inspector tests, a page per test that must raise no script error, and the
demo tenants' clients."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from live_server import LiveServer

from .browser import chromium, missing


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Closed when the inspector tests are done: Playwright's sync API runs an event loop on this
    thread while it is open, and later tests on the same worker must be free to start their own."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    with chromium() as context:
        yield context


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh tab (its own sessionStorage); a script error on it fails the test."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    tab.close()
    assert not errors, f"script errors on the page: {errors}"


def open_inspector(page: Any, live: LiveServer) -> Any:
    """The inspector on `live`, once its views are shown."""
    page.goto(f"{live.url}/_telemock/ui/")
    page.wait_for_selector("#main", state="visible")
    return page


@pytest.fixture
def voipbin(server: LiveServer) -> Any:
    return server.client("/voipbin/v1.0", params={"accesskey": "voipbin_demo_accesskey"})


@pytest.fixture
def gigs(server: LiveServer) -> Any:
    return server.client("/gigs/projects/demo", headers={"Authorization": "Bearer gigs_demo_key"})


@pytest.fixture
def signalwire(server: LiveServer) -> Any:
    return server.client("/signalwire/api/relay/rest", auth=("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token"))


@pytest.fixture
def voiceos(server: LiveServer) -> Any:
    return server.client("/voiceos", headers={"Authorization": "Bearer voiceos_demo_key"})
