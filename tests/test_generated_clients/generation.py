"""Python clients generated with openapi-python-client from the specs a running telemock serves.

A client is generated once per spec (keyed by the hash of the served document) into a temporary
folder of the test session and imported under a name of its own, so a spec that changes during
a session gets a new client. The generator runs offline: it is a package from the registry (the
`test` extra) and reads the document from a file.
"""

from __future__ import annotations

import hashlib
import importlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx

GENERATOR_CONFIG = "post_hooks: []\n"  # no formatter run: the generated code is imported, never read


@dataclass
class GeneratedClient:
    """A generated package: its operations by operationId, and a client bound to a base URL and credentials."""

    package: ModuleType
    operations: dict[str, ModuleType]
    warnings: str

    def client(self, base_url: str, auth: dict[str, Any] | None) -> Any:
        """The package's own `Client`; `auth` is a provider's `demo_auth()` (headers, params, basic)."""
        auth = auth or {}
        httpx_args: dict[str, Any] = {"params": auth.get("params", {})}
        if auth.get("basic"):
            httpx_args["auth"] = tuple(auth["basic"])
        client_module = importlib.import_module(f"{self.package.__name__}.client")
        return client_module.Client(base_url=base_url, headers=auth.get("headers", {}), httpx_args=httpx_args,
                                    raise_on_unexpected_status=True, timeout=httpx.Timeout(10.0))

    def call(self, operation: str, client: Any, **arguments: Any) -> Any:
        """`sync_detailed` of the operation: the httpx-level response with `.parsed` set by the client's models."""
        return self.operations[operation].sync_detailed(client=client, **arguments)

    def model(self, name: str) -> type:
        return getattr(importlib.import_module(f"{self.package.__name__}.models"), name)


class ClientCache:
    """Generated clients of one test session, by hash of the served spec."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._clients: dict[str, GeneratedClient] = {}

    def for_served_spec(self, server_url: str, provider: str) -> GeneratedClient:
        document = httpx.get(f"{server_url}/{provider}/openapi.json", timeout=30).raise_for_status().content
        digest = hashlib.sha256(document).hexdigest()[:16]
        found = self._clients.get(digest)
        if found is None:
            found = self._clients[digest] = generate(document, f"generated_{provider}_{digest}", self.folder)
        return found


def generate(document: bytes, package_name: str, folder: Path) -> GeneratedClient:
    work = folder / package_name
    work.mkdir(parents=True)
    (work / "openapi.json").write_bytes(document)
    (work / "config.yaml").write_text(GENERATOR_CONFIG + f"package_name_override: {package_name}\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", "openapi.json", "--config", "config.yaml",
         "--meta", "none", "--output-path", package_name],
        cwd=work, capture_output=True, text=True, timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"openapi-python-client could not generate {package_name}:\n{result.stdout}\n{result.stderr}")
    sys.path.insert(0, str(work))
    package = importlib.import_module(package_name)
    operations = {
        module.stem: importlib.import_module(f"{package_name}.api.{module.parent.name}.{module.stem}")
        for module in sorted((work / package_name / "api").glob("*/*.py")) if module.stem != "__init__"
    }
    return GeneratedClient(package, operations, result.stdout)
