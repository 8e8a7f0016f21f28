"""Auto tenants never replace an existing project, whatever the unknown credential is called.

An unknown project id becomes a fresh tenant named after it; when a tenant already has that name
(here `demo`, the bundled project's tenant) the new tenant gets another name (`demo+`), so the
existing project's state and credentials are untouched.
"""

from __future__ import annotations

from test_signalwire.helpers import BASE, NUMBERS, PROJECT, client

from telemock.emulator import Config


def test_an_unknown_project_named_like_a_tenant_replaces_nothing(server_factory):
    live = server_factory(Config(auto_tenants=True))
    control = live.admin()
    before = control.get("/state").json()["providers"]["signalwire"]["tenants"]["demo"]

    stranger = client(live, ("demo", "any-token"))
    assert stranger.get(NUMBERS).json()["data"] == []
    assert stranger.post(f"{BASE}/number_groups", json={"name": "Mine"}).status_code == 200
    assert client(live, ("demo", "another-token")).get(NUMBERS).status_code == 401  # the new project's token only
    assert client(live, ("demo+", "x")).get(NUMBERS).status_code == 200  # yet another project, yet another tenant

    tenants = control.get("/state").json()["providers"]["signalwire"]["tenants"]
    assert tenants["demo"] == before
    assert tenants["demo+"]["project"]["id"] == "demo" and tenants["demo++"]["project"]["id"] == "demo+"
    assert len(client(live).get(NUMBERS).json()["data"]) == 4  # the bundled project, as it was
    assert client(live, (PROJECT, "any-token")).get(NUMBERS).status_code == 401  # a known project's id needs its token
