"""Response checks of paginated lists, as users write them: pagers that stop pass, pagers that never
stop (and clients that block) are reported within the deadline with the requests they made.

Each provider pages its own way (VoIPBIN `next_page_token`, SignalWire `links.next`, Gigs
`moreItemsAfter`, VoiceOS `has_more` + `index`); every walk the check serves ends.
"""

from __future__ import annotations

import json

import httpx
import pytest

from telemock.contracts.kit.strategies import pagination, responses
from telemock.contracts.validate import contract_for

USER_PAGERS = '''
import json
import socket
import time

import httpx
import pytest

from telemock.contracts.kit.checks import ResponseHandlingError

TIMINGS = "timings.json"


def record(name, seconds):
    try:
        with open(TIMINGS) as handle:
            found = json.load(handle)
    except FileNotFoundError:
        found = {}
    found[name] = seconds
    with open(TIMINGS, "w") as handle:
        json.dump(found, handle)


# --- the code under test: one correct pager and one that never stops, per provider ---------------

def voipbin_numbers(client, stop_on_empty=True):
    found, token = [], None
    while True:
        response = client.get("/v1.0/numbers", params={"page_token": token} if token is not None else {})
        if response.status_code != 200:
            return found
        page = response.json()
        if stop_on_empty and not page["result"]:
            return found  # the documented end: an empty page
        found += page["result"]
        token = page["next_page_token"]  # the buggy pager stops on a null token, which never comes


def signalwire_numbers(client, repeat_last=False):
    found, url = [], "/api/relay/rest/phone_numbers"
    while url:
        response = client.get(url)
        if response.status_code != 200:
            return found
        page = response.json()
        for name in ("self", "first", "prev", "next"):
            if name in page["links"]:
                httpx.URL(page["links"][name])  # every documented link is a URL an HTTP client accepts
        found += page["data"]
        url = page["links"].get("next", url if repeat_last else None)
    return found


def gigs_numbers(client, project, stop_on_empty=False):
    found, after = [], None
    while True:
        response = client.get(f"/projects/{project}/virtualNumbers", params={"after": after} if after else {})
        if response.status_code != 200:
            return found
        page = response.json()
        found += page["items"]
        if stop_on_empty:
            if not page["items"]:
                return found
        elif page["moreItemsAfter"] is None:
            return found
        after = page["moreItemsAfter"]


def voiceos_numbers(client, ignore_has_more=False):
    found, index = [], 1
    while True:
        response = client.get("/phone_numbers", params={"index": index})
        if response.status_code != 200:
            return found
        page = response.json()
        found += page["items"]
        if not (page["items"] if ignore_has_more else page["has_more"]):
            return found
        index = page["index"] + 1


PAGERS = {
    "voipbin": ("numbers_list", lambda t, bug: voipbin_numbers(t.voipbin.client(), stop_on_empty=not bug)),
    "signalwire": ("phone_numbers_list", lambda t, bug: signalwire_numbers(t.signalwire.client(), repeat_last=bug)),
    "gigs": ("virtual_numbers_list", lambda t, bug: gigs_numbers(t.gigs.client(), t.gigs.tenant, stop_on_empty=bug)),
    "voiceos": ("phone_numbers_list", lambda t, bug: voiceos_numbers(t.voiceos.client(), ignore_has_more=bug)),
}


@pytest.mark.parametrize("provider", sorted(PAGERS))
def test_a_pager_that_stops_passes(telemock, provider):
    operation, pager = PAGERS[provider]
    walks = []

    def scenario(generated):
        walks.append(len(generated.pages))
        pager(telemock, False)

    getattr(telemock, provider).check_responses(operation, scenario, max_examples=40, seed=7)
    assert max(walks) > 1  # walks of several pages were served and followed to their end


@pytest.mark.parametrize("provider", sorted(PAGERS))
def test_a_pager_that_never_stops_is_reported(telemock, provider):
    operation, pager = PAGERS[provider]
    started = time.monotonic()
    with pytest.raises(ResponseHandlingError) as caught:
        getattr(telemock, provider).check_responses(operation, lambda g: pager(telemock, True), max_examples=40, seed=7)
    record(provider, round(time.monotonic() - started, 2))
    message = str(caught.value)
    assert "did not return within 2 s" in message
    assert "requests it made" in message and f"GET /{provider}/" in message
    assert len(telemock.journal(provider=provider)) > 3  # it went round and round before it was stopped


def test_a_client_blocked_in_a_call_is_reported_not_awaited(telemock):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts, never answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
    with pytest.raises(ResponseHandlingError) as caught:
        telemock.voipbin.check_responses("numbers_list", lambda g: httpx.get(url, timeout=None), max_examples=5)
    assert "did not return within 2 s" in str(caught.value)
    assert "it made no request to telemock" in str(caught.value)
'''


@pytest.mark.timeout(900)  # a user's session of nine checks, on a machine that may be busy
def test_pagers_of_every_provider(pytester):
    pytester.makepyfile(test_pagers=USER_PAGERS)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:xdist", "--telemock-timeout", "2", timeout=600,
    )
    result.assert_outcomes(passed=9)
    timings = json.loads((pytester.path / "timings.json").read_text())
    print("seconds to report a looping pager (deadline 2 s):", timings)
    assert sorted(timings) == ["gigs", "signalwire", "voiceos", "voipbin"]


PAGINATED = [
    ("voipbin", "numbers_list"), ("voipbin", "flows_list"), ("voipbin", "activeflows_list"),
    ("signalwire", "phone_numbers_list"),
    ("gigs", "virtual_numbers_list"), ("gigs", "subscriptions_list"), ("gigs", "users_list"),
    ("voiceos", "phone_numbers_list"), ("voiceos", "agents_list"), ("voiceos", "conversations_list"),
]


@pytest.mark.parametrize("provider,operation", PAGINATED)
def test_every_page_of_every_walk_is_documented_and_the_walk_ends(provider, operation):
    from hypothesis import HealthCheck, given, seed, settings

    contract = contract_for(provider)
    paging = pagination(provider, operation)
    lengths = set()

    @seed(1)
    @settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(responses(provider, operation, [200]))
    def check(generated):
        lengths.add(len(generated.pages))
        asked = [page.asked_with for page in generated.pages]
        assert asked[0] == {} and all(set(a) == {paging.parameter} for a in asked[1:])
        assert len({a[paging.parameter] for a in asked[1:]}) == len(asked) - 1  # every cursor leads to one page
        for position, page in enumerate(generated.pages, 1):
            body = httpx.Response(200, json=page.body).content
            assert contract.check_response(operation, 200, "application/json", body) == []
            onward = page.body
            for key in paging.next:
                onward = onward.get(key) if isinstance(onward, dict) else None
            if position < len(generated.pages):
                assert onward not in (None, "", False)
                if isinstance(onward, str) and onward.startswith("/"):
                    httpx.URL(onward)  # a link an HTTP client accepts
            else:
                assert onward in (None, "", False)  # the last page ends the walk

    check()
    assert max(lengths) > 1  # walks of several pages were drawn
