"""telemock as a throwaway container for each test session, with Testcontainers for Python.

Copy into your conftest.py (needs `pip install "testcontainers>=4.13" httpx` and a Docker-compatible
engine). TELEMOCK_IMAGE names the image you built from telemock's Dockerfile.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from testcontainers.core.container import DockerContainer
from testcontainers.core.wait_strategies import HttpWaitStrategy

TELEMOCK_IMAGE = os.environ.get("TELEMOCK_IMAGE", "localhost/telemock:dev")
FIXTURES = Path(__file__).parent / "fixtures"  # optional: your own seed files, mounted at /fixtures


@pytest.fixture(scope="session")
def telemock_url() -> Iterator[str]:
    """Base URL of a fresh telemock; every provider is under it (/voipbin, /gigs, /signalwire, /voiceos)."""
    container = (
        DockerContainer(TELEMOCK_IMAGE)
        .with_exposed_ports(8780)
        .with_env("TELEMOCK_PROFILE", "documented")
        .with_env("TELEMOCK_AUTO_TENANTS", "true")  # parallel workers each get their own tenant
        .waiting_for(
            HttpWaitStrategy(8780, "/_telemock/health")
            .for_status_code(200)
            .with_startup_timeout(60)
        )
    )
    if (FIXTURES / "seed.yaml").is_file():
        container = container.with_volume_mapping(str(FIXTURES), "/fixtures", "ro").with_env(
            "TELEMOCK_FIXTURES", "/fixtures/seed.yaml"
        )
    with container:
        yield f"http://{container.get_container_host_ip()}:{container.get_exposed_port(8780)}"


@pytest.fixture
def voipbin(telemock_url: str) -> Iterator[httpx.Client]:
    """A VoIPBIN client on a freshly reset emulator, with the bundled demo access key."""
    httpx.post(f"{telemock_url}/_telemock/reset").raise_for_status()
    with httpx.Client(
        base_url=f"{telemock_url}/voipbin/v1.0", params={"accesskey": "voipbin_demo_accesskey"}
    ) as client:
        yield client


def test_the_demo_numbers_are_listed(voipbin: httpx.Client) -> None:
    response = voipbin.get("/numbers")
    assert response.status_code == 200
    assert response.json()["result"], "the bundled fixtures seed a few numbers"
