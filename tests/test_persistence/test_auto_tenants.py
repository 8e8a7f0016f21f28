"""A tenant made by a read is on disk before the read's answer ends (`--auto-tenants --state-file`)."""

from __future__ import annotations

from pathlib import Path

from .support import ServerProcess


def customer_id(server: ServerProcess, accesskey: str) -> str:
    response = server.client.get("/voipbin/v1.0/customer", params={"accesskey": accesskey})
    assert response.status_code == 200, response.text
    return response.json()["id"]


def test_a_tenant_created_by_a_get_survives_kill_9(tmp_path: Path) -> None:
    state_file = tmp_path / "state.db"
    args = ("--provider", "voipbin", "--auto-tenants")
    with ServerProcess(state_file, *args) as server:
        first = customer_id(server, "fresh-credential-1")  # a new credential: a new tenant, a new customer id
        assert customer_id(server, "fresh-credential-1") == first
        server.kill9()  # right after the answer: nothing but the answer's own write can have saved it
    with ServerProcess(state_file, *args) as server:
        assert customer_id(server, "fresh-credential-1") == first
        assert customer_id(server, "fresh-credential-2") != first
        assert server.terminate() == 0
