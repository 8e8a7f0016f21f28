"""VoiceOS test fixtures: kept clients, extra servers, and a check against the documented spec."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from test_voiceos.demo import NOW, SPEC, admin_client, voiceos_client

from telemock.emulator import Config

HERE = Path(__file__).parent
REGISTRY = Registry().with_resource("urn:voiceos", Resource.from_contents(SPEC, default_specification=DRAFT202012))


def pointer_part(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


@lru_cache(maxsize=None)
def response_validator(operation_id: str, status: int) -> Draft202012Validator:
    """A validator for the body the spec documents for this operation and status."""
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if not isinstance(op, dict) or op.get("operationId") != operation_id:
                continue
            documented = op["responses"].get(str(status))
            assert documented is not None, f"{operation_id}: {status} is not documented"
            base = f"/paths/{pointer_part(path)}/{method}/responses/{status}"
            if "$ref" in documented:
                base = documented["$ref"][1:]
            pointer = f"{base}/content/application~1json/schema"
            return Draft202012Validator(
                {"$ref": f"urn:voiceos#{pointer}"}, registry=REGISTRY, format_checker=FormatChecker()
            )
    raise LookupError(operation_id)


def check_conforms(operation_id: str, response: httpx.Response) -> Any:
    """The status is documented for the operation and the JSON body matches its schema."""
    validator = response_validator(operation_id, response.status_code)
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], f"{operation_id} {response.status_code}: {errors}"
    return body


@pytest.fixture
def conform() -> Callable[[str, httpx.Response], Any]:
    return check_conforms


@pytest.fixture(scope="session")
def session_clients(session_server: Any) -> dict[str, httpx.Client]:
    """Clients kept for the whole session: creating one per test would cost more than most tests."""
    return {
        "api": voiceos_client(session_server),
        "anon": voiceos_client(session_server, None),
        "admin": admin_client(session_server),
    }


@pytest.fixture
def server(session_server: Any, session_clients: dict[str, httpx.Client]) -> Iterator[Any]:
    """The shared server reset before each test, like tests/conftest.py's, through a kept admin client."""
    session_clients["admin"].post("/reset").raise_for_status()
    yield session_server


@pytest.fixture
def api(server: Any, session_clients: dict[str, httpx.Client]) -> httpx.Client:
    """The demo account on the shared (reset) server."""
    return session_clients["api"]


@pytest.fixture
def anon(server: Any, session_clients: dict[str, httpx.Client]) -> httpx.Client:
    return session_clients["anon"]


@pytest.fixture
def admin(server: Any, session_clients: dict[str, httpx.Client]) -> httpx.Client:
    return session_clients["admin"]


@pytest.fixture
def voiceos_state(admin: httpx.Client) -> Callable[[], dict[str, Any]]:
    """The provider's whole state, to show that a rejected request changed nothing."""

    def read() -> dict[str, Any]:
        return admin.get("/state").json()["providers"]["voiceos"]["tenants"]

    return read


@pytest.fixture
def frozen(admin: httpx.Client) -> httpx.Client:
    """The shared server's clock frozen at NOW (the reset before the next test resumes it)."""
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": NOW}).raise_for_status()
    return admin


@pytest.fixture(scope="session")
def settings_server(server_factory: Callable[..., Any]) -> tuple[Any, httpx.Client]:
    """One server with every inferred choice switched away from its default, and auto tenants."""
    settings = {
        "list_order": "newest_first",
        "buy_pick": "first",
        "buy_unlisted_numbers": True,
        "on_agent_delete": "keep",
        "unknown_agent_status": 422,
        "missing_auth_status": 403,
        "accept_x_api_key": True,
    }
    live = server_factory(Config(settings={"voiceos": settings}, auto_tenants=True))
    return live, admin_client(live)


@pytest.fixture
def switched(settings_server: tuple[Any, httpx.Client]) -> Iterator[Any]:
    live, admin = settings_server
    admin.post("/reset").raise_for_status()
    yield live


@pytest.fixture(scope="session")
def two_accounts_server(server_factory: Callable[..., Any]) -> tuple[Any, httpx.Client]:
    """Demo plus a second account (key voiceos_other_key) that holds +13105550111."""
    live = server_factory(Config(fixtures=[Path("default"), HERE / "other_account.yaml"]))
    return live, admin_client(live)


@pytest.fixture
def two_accounts(two_accounts_server: tuple[Any, httpx.Client]) -> Iterator[Any]:
    live, admin = two_accounts_server
    admin.post("/reset").raise_for_status()
    yield live


@pytest.fixture(scope="session")
def observed_voiceos_server(server_factory: Callable[..., Any]) -> tuple[Any, httpx.Client]:
    live = server_factory(Config(provider_profiles={"voiceos": "observed"}))
    return live, admin_client(live)


@pytest.fixture(params=["documented", "observed"])
def profiled(
    request: pytest.FixtureRequest,
    session_server: Any,
    session_clients: dict[str, httpx.Client],
    observed_voiceos_server: tuple[Any, httpx.Client],
) -> Iterator[Any]:
    """The same test against a server in each profile."""
    if request.param == "documented":
        live, admin = session_server, session_clients["admin"]
    else:
        live, admin = observed_voiceos_server
    admin.post("/reset").raise_for_status()
    assert admin.get("/profiles").json()["voiceos"]["profile"] == request.param
    yield live
