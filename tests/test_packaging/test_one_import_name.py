"""telemock installs one import name, `telemock`, and lives beside a user's own generic packages."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_wheel.py"), str(out)],
                           check=True, capture_output=True, text=True, timeout=300)
    return Path(built.stdout.strip())


def test_the_wheel_holds_one_top_level_package_with_its_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    modules = {name for name in names if name.endswith(".py")}
    checkout = {f"telemock/{p.relative_to(ROOT / 'telemock')}" for p in (ROOT / "telemock").rglob("*.py")}
    checkout |= {f"telemock/emulator/{p.relative_to(ROOT / 'emulator')}" for p in (ROOT / "emulator").rglob("*.py")}
    checkout |= {f"telemock/contracts/{p.relative_to(ROOT / 'contracts')}" for p in (ROOT / "contracts").rglob("*.py")}
    assert modules == checkout, "the wheel holds exactly the checkout's modules"
    top_level = {name.split("/", 1)[0] for name in names if not name.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == {"telemock"}
    for data in ("telemock/fixtures/default.yaml", "telemock/emulator/admin/openapi.yaml",
                 "telemock/contracts/specs/voipbin.yaml", "telemock/py.typed"):
        assert data in names, data
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "telemock = telemock.cli:main" in text
    assert "telemock = telemock.contracts.kit.pytest_plugin" in text


def test_the_installed_wheel_serves_its_bundled_fixtures(wheel: Path, tmp_path: Path) -> None:
    """Installed without the checkout, the server finds its bundled fixtures and specs."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--target", str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    probe = (
        "import telemock\n"
        "from telemock import create_app, Config\n"
        f"assert telemock.__file__.startswith({str(target)!r}), telemock.__file__\n"
        "from telemock.emulator.core.fixtures import default_fixture_path\n"
        f"assert str(default_fixture_path()).startswith({str(target)!r})\n"
        "app = create_app(Config(providers=['voipbin']))\n"
        "provider = app.state.runtime.providers['voipbin']\n"
        "print(len(provider.store.tenants))\n"
    )
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(target)!r})\n" + probe],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 1


USER_TESTS = '''
import contracts
import emulator


def test_my_packages_are_mine():
    assert contracts.OWNER == "user" and emulator.OWNER == "user"


def test_the_plugin_still_works(telemock):
    response = telemock.voipbin.client().get("/v1.0/numbers")
    assert response.status_code == 200 and response.json()["result"]
'''


def test_a_project_with_its_own_contracts_and_emulator_packages_runs_the_plugin(tmp_path: Path) -> None:
    """Before, `contracts.pytest_plugin` could not load in such a project and pytest did not start."""
    for package in ("contracts", "emulator"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text('OWNER = "user"\n')
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_user.py").write_text(USER_TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\npythonpath = .\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--telemock-provider", "voipbin",
         "tests"],
        cwd=tmp_path, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
