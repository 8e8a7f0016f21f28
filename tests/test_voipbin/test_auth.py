"""VoIPBIN authentication: order of credential places, logins, 401 reasons, request ids."""

from __future__ import annotations

from .support import ACCESSKEY, error_of


def test_no_credentials_is_authentication_required(anon):
    response = anon.get("/v1.0/numbers")
    assert response.status_code == 401
    error = error_of(response)
    assert error["status"] == "UNAUTHENTICATED"
    assert error["reason"] == "AUTHENTICATION_REQUIRED"
    assert error["request_id"] == response.headers["x-request-id"]


def test_access_key_in_query_and_cookie(anon):
    assert anon.get("/v1.0/numbers", params={"accesskey": ACCESSKEY}).status_code == 200
    assert anon.get("/v1.0/numbers", headers={"Cookie": f"accesskey={ACCESSKEY}"}).status_code == 200


def test_unknown_access_key_is_invalid_credentials(anon):
    response = anon.get("/v1.0/numbers", params={"accesskey": "nope"})
    assert response.status_code == 401
    assert error_of(response)["reason"] == "INVALID_CREDENTIALS"


def test_access_key_sent_as_bearer_is_parsed_as_a_jwt_and_fails(anon):
    response = anon.get("/v1.0/numbers", headers={"Authorization": f"Bearer {ACCESSKEY}"})
    assert response.status_code == 401
    assert error_of(response)["reason"] == "INVALID_CREDENTIALS"


def test_a_bad_token_is_not_rescued_by_a_valid_access_key(anon):
    response = anon.get("/v1.0/numbers", params={"token": "garbage", "accesskey": ACCESSKEY})
    assert response.status_code == 401
    assert error_of(response)["reason"] == "INVALID_CREDENTIALS"


def test_login_token_works_in_every_jwt_place(anon):
    login = anon.post("/auth/login", json={"username": "demo", "password": "demo"})
    assert login.status_code == 200
    body = login.json()
    assert body["username"] == "demo"
    token = body["token"]
    assert "token=" in login.headers["set-cookie"] and "HttpOnly" in login.headers["set-cookie"]
    assert anon.get("/v1.0/flows", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert anon.get("/v1.0/flows", params={"token": token}).status_code == 200
    assert anon.get("/v1.0/flows", headers={"Cookie": f"token={token}"}).status_code == 200


def test_failed_logins_are_bare_400s(anon):
    for body in ({"username": "demo", "password": "wrong"}, {"username": "demo"}, {"username": "x", "password": "y"}):
        response = anon.post("/auth/login", json=body)
        assert response.status_code == 400
        assert response.content == b""
    malformed = anon.post("/auth/login", content=b"{not json", headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.content == b""


def test_token_expires_on_the_virtual_clock(server, anon):
    token = anon.post("/auth/login", json={"username": "demo", "password": "demo"}).json()["token"]
    admin = server.admin()
    admin.post("/clock/advance", json={"seconds": 7 * 24 * 3600 + 1}).raise_for_status()
    response = anon.get("/v1.0/flows", params={"token": token})
    assert response.status_code == 401
    assert error_of(response)["reason"] == "INVALID_CREDENTIALS"


def test_a_token_issued_with_the_clock_ahead_of_real_time_is_accepted(server, anon):
    server.admin().post("/clock/advance", json={"seconds": 2 * 24 * 3600}).raise_for_status()
    token = anon.post("/auth/login", json={"username": "demo", "password": "demo"}).json()["token"]
    assert anon.get("/v1.0/flows", params={"token": token}).status_code == 200  # issued "in the future" of the wall clock


def test_request_id_is_echoed_when_well_formed_and_replaced_otherwise(vb):
    echoed = vb.get("/numbers", headers={"X-Request-Id": "client-corr_42"})
    assert echoed.headers["x-request-id"] == "client-corr_42"
    replaced = vb.get("/numbers/not-a-uuid", headers={"X-Request-Id": "bad id!"})
    rid = replaced.headers["x-request-id"]
    assert rid.startswith("req_") and len(rid) == 30
    assert error_of(replaced)["request_id"] == rid


def test_agent_without_manager_permission_is_denied(server_factory, tmp_path):
    from telemock.emulator import Config

    fixture = tmp_path / "agents.yaml"
    fixture.write_text(
        "voipbin:\n  customers:\n    - tenant: t1\n      users: [{username: agent1, password: pw, permission: agent}]\n"
    )
    live = server_factory(Config(fixtures=[fixture]))
    anon = live.client("/voipbin")
    token = anon.post("/auth/login", json={"username": "agent1", "password": "pw"}).json()["token"]
    response = anon.get("/v1.0/numbers", params={"token": token})
    assert response.status_code == 403
    assert error_of(response)["reason"] == "PERMISSION_DENIED"


def test_auto_tenants_give_unknown_keys_an_empty_customer(server_factory):
    from telemock.emulator import Config

    live = server_factory(Config(auto_tenants=True))
    client = live.client("/voipbin/v1.0", params={"accesskey": "worker-7"})
    assert client.get("/numbers").json() == {"result": [], "next_page_token": ""}
    created = client.post("/numbers", json={"number": "+899555000111", "type": "virtual"})
    assert created.status_code == 200
    demo = live.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    assert all(n["number"] != "+899555000111" for n in demo.get("/numbers").json()["result"])


def test_an_unknown_key_named_like_a_tenant_is_refused_and_replaces_nothing(server_factory):
    from telemock.emulator import Config

    live = server_factory(Config(auto_tenants=True))
    response = live.client("/voipbin/v1.0", params={"accesskey": "demo"}).get("/numbers")
    assert response.status_code == 401
    assert error_of(response)["reason"] == "INVALID_CREDENTIALS"
    demo = live.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY}).get("/numbers")
    assert demo.status_code == 200 and len(demo.json()["result"]) == 3


def test_frozen_account_is_refused_with_recovery_details(server_factory, tmp_path):
    from telemock.emulator import Config

    fixture = tmp_path / "frozen.yaml"
    fixture.write_text("voipbin:\n  customers:\n    - {tenant: f, frozen: true, accesskeys: [{key: k-f}]}\n")
    client = server_factory(Config(fixtures=[fixture])).client("/voipbin/v1.0", params={"accesskey": "k-f"})
    response = client.get("/numbers")
    assert response.status_code == 403
    error = error_of(response)
    assert error["reason"] == "ACCOUNT_FROZEN"
    assert error["details"][0]["recovery_endpoint"] == "DELETE /auth/unregister"


def test_cors_is_open_to_every_origin(anon):
    preflight = anon.options(
        "/v1.0/numbers", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://app.example")
    simple = anon.get("/v1.0/numbers", params={"accesskey": ACCESSKEY}, headers={"Origin": "https://app.example"})
    assert simple.headers["access-control-allow-origin"] == "*"
    assert "X-Request-Id" in simple.headers["access-control-expose-headers"]


def test_every_answer_carries_its_request_id_and_varies_by_origin(anon):
    """Whatever answers (a handler, an error, CORS), the X-Request-Id header and the error
    envelope agree; a client's well-formed id is echoed; CORS's own preflight answer has none."""
    plain = anon.get("/v1.0/numbers", params={"accesskey": ACCESSKEY})
    assert plain.headers["x-request-id"].startswith("req_") and plain.headers.get_list("vary") == ["Origin"]
    mine = anon.get("/v1.0/numbers", headers={"X-Request-Id": "client-id_42"})  # no credentials: an error
    assert mine.status_code == 401 and mine.headers.get_list("x-request-id") == ["client-id_42"]
    assert error_of(mine)["request_id"] == "client-id_42"
    bad = anon.get("/v1.0/numbers", headers={"X-Request-Id": "not ok!"})
    assert bad.headers["x-request-id"].startswith("req_") and error_of(bad)["request_id"] == bad.headers["x-request-id"]
    cross = anon.get("/v1.0/numbers", params={"accesskey": ACCESSKEY}, headers={"Origin": "https://app.example"})
    assert cross.headers["access-control-allow-origin"] == "*" and cross.headers["x-request-id"].startswith("req_")
    assert cross.headers.get_list("vary") == ["Origin"]  # once, from CORS
    preflight = anon.options(
        "/v1.0/numbers", headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    )
    assert "x-request-id" not in preflight.headers
