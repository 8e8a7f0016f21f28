"""A client generated from VoIPBIN's published OpenAPI reads every Number, Flow, Activeflow and
Customer the `openapi` profile answers with; the `documented` and `observed` answers break it.

Two readers of the published typing (`published_typing.py`): its schemas as JSON Schema with
formats checked (date-time, uuid, email), and a Python client made by openapi-generator, the
generator VoIPBIN's users run (skipped where the `openapi-generator-cli` package or Java is
missing).
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import jsonschema
import pytest

from .published_typing import RESOURCES, document, json_schema
from .support import ACCESSKEY, TALK_FLOW, VIRTUAL_NUMBER

Resources = dict[str, list[dict[str, Any]]]


def answers_in(server, profile: str) -> Resources:
    """Every kind of object the API answers with, in `profile`, in the states a client meets them:
    numbers listed, fetched and deleted; flows; activeflows running on their start marker, run
    by a call and deleted; the customer read and changed."""
    admin = server.admin()
    admin.put("/profiles", json={"provider": "voipbin", "profile": profile}).raise_for_status()
    vb = server.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    admin.post("/simulate/inbound-call", json={"provider": "voipbin", "to": "+821100000001", "from": "+15557654321"}).raise_for_status()
    running = vb.post("/activeflows", json={"flow_id": TALK_FLOW}).json()
    stopped = vb.post("/activeflows", json={"actions": [{"type": "talk", "option": {"text": "bye"}}]}).json()
    found: Resources = {kind: [] for kind in RESOURCES}
    found["activeflow"] += [running, vb.delete(f"/activeflows/{stopped['id']}").json()]
    found["number"].append(vb.delete(f"/numbers/{VIRTUAL_NUMBER}").json())
    found["number"].append(vb.post("/numbers", json={"number": "+899700000001", "type": "virtual"}).json())
    for kind, path in (("number", "/numbers"), ("flow", "/flows"), ("activeflow", "/activeflows")):
        for item in vb.get(path).json()["result"]:
            found[kind] += [item, vb.get(f"{path}/{item['id']}").json()]
    found["customer"] += [
        vb.get("/customer").json(),
        vb.put("/customer/metadata", json={"rtp_debug": True}).json(),
        vb.put("/customer", json={"name": "Demo", "email": "ops@example.com", "webhook_method": "POST"}).json(),
    ]
    assert all(found.values()), found
    return found


@pytest.fixture
def in_profile(server) -> Callable[[str], Resources]:
    return lambda profile: answers_in(server, profile)


# --- the published schemas, formats checked -------------------------------------------------------


def schema_problems(found: Resources) -> list[str]:
    problems = []
    for kind, items in found.items():
        validator = jsonschema.Draft7Validator(json_schema(RESOURCES[kind]), format_checker=jsonschema.FormatChecker())
        for item in items:
            problems += [f"{kind} {item.get('id')}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(item)]
    return problems


def test_openapi_answers_fit_the_published_schemas(in_profile):
    assert schema_problems(in_profile("openapi")) == []


@pytest.mark.parametrize("profile,expected", [
    ("documented", "is not a 'date-time'"),  # `2026-12-06 17:10:59.569223`
    ("observed", "None is not of type 'string'"),  # unset times are null
])
def test_the_other_profiles_break_them(in_profile, profile, expected):
    problems = schema_problems(in_profile(profile))
    assert any(expected in p for p in problems), problems[:5]
    assert any("'type' is a required property" in p for p in problems)  # the start marker has no type


# --- a generated client ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Iterator[Any]:
    """openapi-generator's Python client of the published typing, importable as `vbclient`."""
    generator = pytest.importorskip("openapi_generator_cli", reason="openapi-generator-cli is not installed")
    if shutil.which("java") is None:
        pytest.skip("openapi-generator needs a Java runtime")
    work = tmp_path_factory.mktemp("generated")
    spec = work / "voipbin.json"
    spec.write_text(json.dumps(document()))
    jar = Path(generator.__file__).parent / "openapi-generator.jar"
    done = subprocess.run(
        ["java", "-jar", str(jar), "generate", "-g", "python", "-i", str(spec), "-o", str(work / "out"),
         "--package-name", "vbclient", "--global-property", "apiDocs=false,modelDocs=false,apiTests=false,modelTests=false"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    sys.path.insert(0, str(work / "out"))
    try:
        yield importlib.import_module("vbclient")
    finally:
        sys.path.remove(str(work / "out"))
        for name in [n for n in sys.modules if n == "vbclient" or n.startswith("vbclient.")]:
            del sys.modules[name]


def client_failures(client: Any, found: Resources) -> list[str]:
    """What the generated models refuse: `from_json` on the raw answer, as the client's deserialiser does."""
    failures = []
    for kind, items in found.items():
        model = getattr(client, RESOURCES[kind])
        for item in items:
            try:
                model.from_json(httpx.Response(200, json=item).text)
            except Exception as exc:  # pydantic.ValidationError and friends: the client cannot read it
                failures.append(f"{kind} {item.get('id')}: {type(exc).__name__}: {str(exc)[:300]}")
    return failures


def test_a_generated_client_reads_every_openapi_answer(generated, in_profile):
    found = in_profile("openapi")
    assert client_failures(generated, found) == []
    number = generated.NumberManagerNumber.from_json(httpx.Response(200, json=found["number"][0]).text)
    assert number.status == generated.NumberManagerNumberStatus.DELETED and number.tm_delete is not None


def test_a_generated_client_fails_on_the_documented_answers(generated, in_profile):
    failures = client_failures(generated, in_profile("documented"))
    assert failures and all(f.startswith("activeflow ") for f in failures), failures  # the typeless start marker
