"""The `signalwire` 2.x SDK's REST client (`signalwire.rest.Client`, Twilio's client pointed at a Space),
unchanged, against the compatibility API: search, buy, list, fetch, update and release.

The 2.x SDK cannot sit in the test extra: it installs the import name `signalwire`, as
`signalwire-sdk` 3.x (the Relay REST SDK these tests also use) does, and pins `twilio==6.54.0`,
which pins `PyJWT==1.7.1` where telemock needs PyJWT 2. So it lives in a directory of its own
(`signalwire==2.1.1` and `twilio==6.54.0`, installed there once with pip's `--target`, or found at
`TELEMOCK_SIGNALWIRE2_PATH`), and its REST module is loaded from that file under another name;
`twilio` itself is importable from there (the directory comes last on `sys.path`, so what the
environment installs, `signalwire` 3.x included, keeps its place).

The SDK's own quirks, as these tests meet them:
- It forces `https://` onto `signalwire_space_url` (a host, here with the mount path:
  `127.0.0.1:PORT/signalwire`). telemock serves plain HTTP, so the client gets Twilio's own
  `http_client` extension point: a `TwilioHttpClient` that speaks http to the loopback host.
- It requests `/2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json`, without `/api/laml` and
  with `.json`. The service answers those paths (the SDK's recorded cassettes show it), and so
  does telemock, but the published OpenAPI does not describe them: the journal's verdict says
  so for every request the SDK makes.
- It pages by `next_page_uri`, which the answers give under `/api/laml` without `.json`.
- `TwilioRestException.code` is whatever the body's `code` is: an integer in the documented
  profile, a string in the observed one. A refused list is not a `TwilioRestException` but a
  plain `TwilioException("Unable to fetch page", response)`.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest
from test_signalwire.helpers import (
    AUTH,
    MAIN_LINE,
    NUMBERS,
    PROJECT,
    RECENT,
    TOKEN,
    advance,
    client,
    freeze,
    set_profile,
)

# twilio 6's REST client also needs six and pytz (and requests, which the test extra brings); its
# pinned PyJWT only serves access tokens, which these tests do not make.
PINS = ("signalwire==2.1.1", "twilio==6.54.0", "six", "pytz")


def sdk_directory() -> Path:
    """Where the 2.x SDK lives: `TELEMOCK_SIGNALWIRE2_PATH`, or a cache directory filled once."""
    given = os.environ.get("TELEMOCK_SIGNALWIRE2_PATH")
    if given:
        return Path(given)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "telemock" / "signalwire-2.1.1-sdk"
    rest = cache / "signalwire" / "rest" / "__init__.py"
    cache.parent.mkdir(parents=True, exist_ok=True)
    with open(cache.parent / f"{cache.name}.lock", "w") as lock:  # xdist workers install it once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not rest.is_file():
            installing = cache.with_name(cache.name + ".partial")
            command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(installing),
                       *PINS]
            done = subprocess.run(command, capture_output=True, text=True, timeout=300)
            if done.returncode != 0:
                pytest.skip(f"the signalwire 2.x SDK could not be installed ({' '.join(command)}): "
                            f"{done.stderr[-300:]}")
            installing.rename(cache)
    return cache


@pytest.fixture(scope="session")
def sdk_rest() -> ModuleType:
    """`signalwire.rest` of the 2.x SDK, loaded from its file as `signalwire2_rest`."""
    directory = sdk_directory()
    if str(directory) not in sys.path:
        sys.path.append(str(directory))  # last: signalwire-sdk 3.x keeps the name `signalwire`
    spec = importlib.util.spec_from_file_location("signalwire2_rest", directory / "signalwire" / "rest" / "__init__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def loopback_http_client() -> object:
    from twilio.http.http_client import TwilioHttpClient

    class LoopbackHttp(TwilioHttpClient):  # type: ignore[misc]
        """Twilio's HTTP client, speaking plain http to the loopback emulator the SDK calls https."""

        def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
            if url.startswith("https://127.0.0.1:"):
                url = "http://" + url[len("https://"):]
            return super().request(method, url, *args, **kwargs)

    return LoopbackHttp()


def space_client(server, sdk_rest, auth=AUTH):
    return sdk_rest.Client(*auth, signalwire_space_url=f"{urlsplit(server.url).netloc}/signalwire",
                           http_client=loopback_http_client())


@pytest.fixture
def sdk(server, sdk_rest):
    return space_client(server, sdk_rest)


def test_search_buy_list_fetch_update_release(server, sdk, sdk_rest):
    freeze(server)
    offered = sdk.available_phone_numbers("US").local.list(area_code="503")
    assert [n.phone_number for n in offered] == ["+15035550111", "+15035550112", "+15035550147"]
    assert offered[0].friendly_name == "(503) 555-0111" and offered[0].region == "OR"
    assert offered[0].capabilities == {"voice": True, "SMS": True, "MMS": True}
    toll_free = sdk.available_phone_numbers("US").toll_free.list(area_code="866")
    assert [n.phone_number for n in toll_free] == ["+18665550103"]

    bought = sdk.incoming_phone_numbers.create(phone_number=offered[0].phone_number, friendly_name="Sales",
                                               voice_url="https://example.com/voice", sms_url="https://example.com/sms")
    assert bought.phone_number == "+15035550111" and bought.friendly_name == "Sales"
    assert bought.voice_url == "https://example.com/voice" and bought.voice_method == "POST"
    assert bought.date_created.tzinfo is not None and bought.capabilities["fax"] is True
    relay = client(server).get(f"{NUMBERS}/{bought.sid}").json()  # the same number through Relay REST
    assert relay["name"] == "Sales" and relay["call_handler"] == "laml_webhooks"

    listed = sdk.incoming_phone_numbers.list(page_size=2)  # three pages, by next_page_uri
    assert [n.sid for n in listed][:2] == [bought.sid, RECENT] and len(listed) == 5
    assert [n.sid for n in sdk.incoming_phone_numbers.list(phone_number="+1503")] == [bought.sid, MAIN_LINE]

    fetched = sdk.incoming_phone_numbers(bought.sid).fetch()
    assert fetched.sid == bought.sid and fetched.sms_url == "https://example.com/sms"
    updated = sdk.incoming_phone_numbers(bought.sid).update(voice_url="https://example.com/other", voice_method="GET",
                                                            status_callback="https://example.com/status")
    assert updated.voice_url == "https://example.com/other" and updated.voice_method == "GET"
    assert updated.friendly_name == "Sales"  # untouched
    relay = client(server).get(f"{NUMBERS}/{bought.sid}").json()
    assert relay["call_status_callback_url"] == "https://example.com/status"

    with pytest.raises(sdk_rest.TwilioRestException) as refused:
        sdk.incoming_phone_numbers(bought.sid).delete()
    assert refused.value.status == 409 and refused.value.code == 22121
    assert "purchased too recently" in refused.value.msg
    advance(server, 15 * 86400)
    assert sdk.incoming_phone_numbers(bought.sid).delete() is True
    with pytest.raises(sdk_rest.TwilioRestException) as gone:
        sdk.incoming_phone_numbers(bought.sid).fetch()
    assert gone.value.status == 404 and gone.value.code == 20404
    assert client(server).get(f"{NUMBERS}/{bought.sid}").status_code == 404


def test_refusals_and_bad_credentials(server, sdk, sdk_rest):
    with pytest.raises(sdk_rest.TwilioRestException) as taken:
        sdk.incoming_phone_numbers.create(phone_number="+15035550110")  # held by the project already
    assert taken.value.status == 422 and taken.value.code == 10000
    with pytest.raises(sdk_rest.TwilioRestException) as bad:
        sdk.incoming_phone_numbers(RECENT).update(voice_method="PATCH")
    assert bad.value.status == 400 and bad.value.code == 21209
    stranger = space_client(server, sdk_rest, (PROJECT, "wrong"))
    with pytest.raises(sdk_rest.TwilioRestException) as denied:
        stranger.incoming_phone_numbers(RECENT).fetch()
    assert denied.value.status == 401 and denied.value.code == 20003
    assert TOKEN not in str(denied.value)
    from twilio.base.exceptions import TwilioException  # importable once the SDK is loaded

    with pytest.raises(TwilioException) as unlisted:  # a list's refusal is not a TwilioRestException
        stranger.incoming_phone_numbers.list()
    message, response = unlisted.value.args
    assert message == "Unable to fetch page" and response.status_code == 401


def test_observed_error_codes_reach_the_sdk_as_strings(server, sdk, sdk_rest):
    set_profile(server, "observed")
    try:
        with pytest.raises(sdk_rest.TwilioRestException) as gone:
            sdk.incoming_phone_numbers("00000000-0000-4000-8000-000000000000").fetch()
        assert gone.value.status == 404 and gone.value.code == "20404"
        assert sdk.incoming_phone_numbers(RECENT).fetch().voice_url == ""  # unset URLs as production sends them
    finally:
        set_profile(server, "documented")


def test_the_sdks_paths_are_judged_as_the_documented_operations(server, sdk):
    """The SDK's `/2010-04-01/….json` paths are aliases of the documented ones: no false verdict."""
    sdk.incoming_phone_numbers(RECENT).fetch()
    sdk.incoming_phone_numbers.list(limit=2)
    entries = server.admin().get("/journal", params={"provider": "signalwire"}).json()["entries"][-2:]
    fetched, listed = entries
    assert fetched["operation"] == "laml_incoming_phone_numbers_get" and fetched["status"] == 200
    assert fetched["path"] == f"/signalwire/2010-04-01/Accounts/{PROJECT}/IncomingPhoneNumbers/{RECENT}.json"
    assert listed["operation"] == "laml_incoming_phone_numbers_list" and listed["status"] == 200
    assert fetched["violations"] == [] and listed["violations"] == []
