"""The inspector's files: served at /_telemock/ui/ from the package (also from the wheel), only
its own files, open in front of the admin-token guard while everything they read stays behind it."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from telemock.emulator import Config
from test_security.process import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "emulator" / "admin" / "ui" / "static"
TOKEN = "inspector-test-token"


def referenced_files(text: str) -> set[str]:
    """Files an HTML page or a JavaScript module loads."""
    return set(re.findall(r'(?:src|href)="([^"]+)"', text)) | set(re.findall(r'from "\./([^"]+)"', text))


def test_ui_redirects_to_the_page_and_the_page_loads_its_own_files(server):
    client = server.client(follow_redirects=False)
    moved = client.get("/_telemock/ui")
    assert moved.status_code == 308 and moved.headers["location"] == "/_telemock/ui/"
    page = client.get("/_telemock/ui/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    wanted = referenced_files(page.text) - {"data:,"}
    assert {"app.js", "inspector.css"} <= wanted
    fetched: set[str] = set()
    while wanted - fetched:
        name = sorted(wanted - fetched)[0]
        response = client.get(f"/_telemock/ui/{name}")
        assert response.status_code == 200, name
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        assert response.headers["content-type"].startswith(kind), (name, response.headers["content-type"])
        fetched.add(name)
        wanted |= referenced_files(response.text)
    assert fetched == {p.name for p in STATIC.iterdir() if p.suffix in (".js", ".css")}, "every shipped file is used"


def test_nothing_is_loaded_from_another_origin():
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?:src|href|url|from)\s*[=(]?\s*[\"']?(?:https?:)?//", text), path.name
        assert "fetch(\"http" not in text and "import(" not in text, path.name


def test_the_page_is_only_files(server):
    client = server.client()
    assert client.get("/_telemock/ui/missing.js").status_code == 404
    assert client.get("/_telemock/ui/..%2Fstate").status_code == 404  # never the control API,
    assert client.get("/_telemock/ui/..%2Fpage.py").status_code == 404  # nor a file beside the page
    assert client.post("/_telemock/ui/").status_code == 405
    assert client.head("/_telemock/ui/app.js").status_code == 200


@pytest.fixture(scope="module")
def guarded(server_factory):
    return server_factory(Config(admin_token=TOKEN))


def test_with_a_token_the_files_are_open_and_the_data_is_not(guarded):
    client = guarded.client()
    for name in ("", "app.js", "api.js", "inspector.css"):
        assert client.get(f"/_telemock/ui/{name}").status_code == 200, name
    for path in ("/journal/feed", "/journal/1", "/state", "/deliveries", "/providers"):
        assert client.get(f"/_telemock{path}").status_code == 401, path
        assert client.get(f"/_telemock{path}", headers={"Authorization": f"Bearer {TOKEN}"}).status_code != 401, path


def test_serve_prints_the_inspector_link(tmp_path):
    process = ServerProcess.serve("--provider", "voipbin", log_dir=tmp_path)
    try:
        deadline = time.monotonic() + 10
        while not any("Inspector" in line for line in process.stdout_lines) and time.monotonic() < deadline:
            time.sleep(0.05)
        (line,) = [line for line in process.stdout_lines if "Inspector" in line]
        assert f"{process.url}/_telemock/ui/" in line
        import httpx

        assert "telemock inspector" in httpx.get(f"{process.url}/_telemock/ui/", timeout=5).text
    finally:
        process.stop()


def test_the_wheel_ships_the_page_and_serves_it(tmp_path):
    out = tmp_path / "wheel"
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_wheel.py"), str(out)],
                           check=True, capture_output=True, text=True, timeout=300)
    wheel = Path(built.stdout.strip())
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in STATIC.iterdir():
        assert f"telemock/emulator/admin/ui/static/{path.name}" in names, path.name
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    probe = (
        f"import sys; sys.path.insert(0, {str(target)!r})\n"
        "from starlette.testclient import TestClient\n"
        "from telemock import Config, create_app\n"
        "import telemock.emulator.admin.ui.page as page\n"
        f"assert str(page.STATIC).startswith({str(target)!r}), page.STATIC\n"
        "client = TestClient(create_app(Config(providers=['voipbin'])))\n"
        "for name in ('', 'app.js', 'inspector.css'):\n"
        "    assert client.get('/_telemock/ui/' + name).status_code == 200, name\n"
        "print('served')\n"
    )
    result = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "served"


def test_the_page_is_served_when_state_persists(server_factory, tmp_path):
    live = server_factory(Config(providers=["voipbin"], state_file=tmp_path / "state.db"))
    client = live.client()
    assert client.get("/_telemock/ui/").status_code == 200
    assert client.get("/_telemock/ui/app.js").headers["content-type"].startswith("text/javascript")
    assert client.get("/_telemock/journal/feed").json()["entries"] == []
