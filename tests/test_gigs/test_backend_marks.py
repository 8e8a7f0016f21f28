"""Every change to a project's state marks that project in the store, and only that one.

Persistence writes exactly the marked tenants, so a change that is not marked is lost after a
restart. Each test performs one operation over a real socket and compares every project's
state before and after it with the store's record of the projects it touched.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import orjson
import pytest

from telemock.emulator import Config
from telemock.emulator.core.fixtures import default_fixture_path

from .support import ACTIVE_NUMBER, ENDED_NUMBER, ENDED_SUBSCRIPTION, KEY, PROJECT, SUBSCRIPTION, USER

OTHER = "other"
OTHER_KEY = "gigs_other_key"
OTHER_SUBSCRIPTION = "sub_OtherProject0000000000000001"
OTHER_FIXTURE = f"""
gigs:
  projects:
    - id: {OTHER}
      api_keys: [{{key: {OTHER_KEY}}}]
      users: [{{id: usr_OtherProject0000000000000001, email: other@example.com}}]
      subscriptions: [{{id: {OTHER_SUBSCRIPTION}, user: usr_OtherProject0000000000000001}}]
      virtual_numbers: [{{subscription: {OTHER_SUBSCRIPTION}, status: active}}]
"""


@pytest.fixture(scope="module")
def live(server_factory, tmp_path_factory) -> Any:
    """A Gigs server with two projects (the demo one and `other`) and auto tenants."""
    other = tmp_path_factory.mktemp("gigs-marks") / "other.yaml"
    other.write_text(OTHER_FIXTURE)
    return server_factory(Config(providers=["gigs"], auto_tenants=True, fixtures=[default_fixture_path(), Path(other)]))


@pytest.fixture
def admin(live) -> Iterator[httpx.Client]:
    """The control API, after a reset and with the clock frozen: only what a test does changes state.

    The clients a test opens are closed after it."""
    opened_before = len(live.clients)
    client = live.client("/_telemock")
    client.post("/reset").raise_for_status()
    client.post("/clock/freeze").raise_for_status()
    yield client
    live.close_clients(keep=opened_before)


@pytest.fixture
def gigs(live, admin) -> httpx.Client:
    return live.client(f"/gigs/projects/{PROJECT}", headers={"Authorization": f"Bearer {KEY}"})


@pytest.fixture
def provider(live) -> Any:
    return live.runtime.providers["gigs"]


def changed_and_marked(provider: Any, operation: Callable[[], httpx.Response], status: int) -> tuple[set[str], set[str]]:
    """The projects whose state `operation` changed, and the projects the store was told about."""
    store = provider.store
    store.take_touched()
    before = {project: orjson.dumps(state) for project, state in store.items()}
    response = operation()
    assert response.status_code == status, response.text
    after = {project: orjson.dumps(state) for project, state in store.items()}
    changed = {project for project in before.keys() | after.keys() if before.get(project) != after.get(project)}
    return changed, store.take_touched()


def create(gigs: httpx.Client, idempotency_key: str | None = None) -> httpx.Response:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    return gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}, headers=headers)


def test_create_marks_its_project(provider, gigs):
    assert changed_and_marked(provider, partial(create, gigs), 201) == ({PROJECT}, {PROJECT})


def test_cancel_marks_its_project(provider, gigs):
    cancel = partial(gigs.post, f"/virtualNumbers/{ACTIVE_NUMBER}/cancel")
    assert changed_and_marked(provider, cancel, 200) == ({PROJECT}, {PROJECT})


def test_a_change_in_another_project_marks_that_project_only(live, provider, admin):
    other = live.client(f"/gigs/projects/{OTHER}", headers={"Authorization": f"Bearer {OTHER_KEY}"})
    create_there = partial(other.post, "/virtualNumbers", json={"subscription": OTHER_SUBSCRIPTION})
    assert changed_and_marked(provider, create_there, 201) == ({OTHER}, {OTHER})


def test_an_idempotent_answer_is_stored_and_its_replay_marks_nothing(provider, gigs):
    assert changed_and_marked(provider, partial(create, gigs, "k-1"), 201) == ({PROJECT}, {PROJECT})
    assert changed_and_marked(provider, partial(create, gigs, "k-1"), 201) == (set(), set())


def test_dropping_an_expired_idempotent_answer_marks_its_project(provider, gigs, admin):
    create(gigs, "k-old").raise_for_status()
    admin.post("/clock/advance", json={"seconds": 25 * 3600}).raise_for_status()  # the new number's steps run here
    # The stored answer has expired: it is dropped, then the body is refused (a failure stores nothing).
    refused = partial(gigs.post, "/virtualNumbers", content=b"{", headers={"Idempotency-Key": "k-old"})
    assert changed_and_marked(provider, refused, 400) == ({PROJECT}, {PROJECT})


def test_timer_steps_of_the_lifecycle_mark_the_project(provider, gigs, admin):
    create(gigs).raise_for_status()
    # initiated → processing → active, each applied by its timer while the clock jumps.
    advance = partial(admin.post, "/clock/advance", json={"seconds": 10})
    assert changed_and_marked(provider, advance, 200) == ({PROJECT}, {PROJECT})


def test_the_end_of_a_canceled_number_marks_the_project(provider, gigs, admin):
    gigs.post(f"/virtualNumbers/{ACTIVE_NUMBER}/cancel").raise_for_status()
    advance = partial(admin.post, "/clock/advance", json={"seconds": 32 * 24 * 3600})
    assert changed_and_marked(provider, advance, 200) == ({PROJECT}, {PROJECT})
    assert gigs.get(f"/virtualNumbers/{ACTIVE_NUMBER}").json()["status"] == "ended"


@pytest.mark.parametrize("to", ["processing", "active", "canceled", "ended"])
def test_control_api_transitions_mark_the_project(provider, gigs, admin, to):
    number = create(gigs).json()
    body = {"provider": "gigs", "tenant": PROJECT, "resource": "virtualNumber", "id": number["id"], "to": to}
    assert changed_and_marked(provider, partial(admin.post, "/transition", json=body), 200) == ({PROJECT}, {PROJECT})


def test_an_unknown_key_with_auto_tenants_adds_and_marks_a_project(live, provider, admin):
    fresh = live.client("/gigs/projects/fresh-project", headers={"Authorization": "Bearer unknown-key"})
    assert changed_and_marked(provider, partial(fresh.get, "/virtualNumbers"), 200) == ({"fresh-project"}, {"fresh-project"})
    assert changed_and_marked(provider, partial(fresh.get, "/subscriptions"), 200) == (set(), set())


@pytest.mark.parametrize(
    "path",
    ["/virtualNumbers", f"/virtualNumbers/{ACTIVE_NUMBER}", "/subscriptions", f"/subscriptions/{SUBSCRIPTION}", "/users", f"/users/{USER}"],
)
def test_reads_mark_nothing(provider, gigs, path):
    assert changed_and_marked(provider, partial(gigs.get, path), 200) == (set(), set())


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/virtualNumbers", {"subscription": ENDED_SUBSCRIPTION}, 409),
        ("/virtualNumbers", {"subscription": "sub_missing"}, 404),
        ("/virtualNumbers", {"bogus": 1}, 400),
        (f"/virtualNumbers/{ENDED_NUMBER}/cancel", None, 409),
        ("/virtualNumbers/vnr_missing/cancel", None, 404),
    ],
)
def test_refused_writes_mark_nothing(provider, gigs, path, body, status):
    assert changed_and_marked(provider, partial(gigs.post, path, json=body), status) == (set(), set())
