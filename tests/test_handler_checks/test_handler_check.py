"""check_handler against careful and careless call handlers (ASGI apps in this process)."""

from __future__ import annotations

import re

import pytest

from telemock.contracts.kit.handlers import check_handler

from . import apps


def signalwire(app, kind, url, **options):
    options.setdefault("signing_key", apps.KEY)
    return check_handler(app, provider="signalwire", kind=kind, url=url, examples=15, seed=1, **options)


def test_careful_handlers_pass_every_kind():
    reports = [
        signalwire(apps.cxml_app(), "cxml-call", "/voice"),
        signalwire(apps.cxml_app('<Response><Message to="+15550100"><Body>hi</Body><Media>https://x/y.png</Media>'
                                 "</Message></Response>"), "cxml-message", "/voice"),
        signalwire(apps.swml_app([{"answer": {}}, {"play": {"url": "say:Hello"}}, "hangup"]), "swml-call", "/swml"),
        check_handler(apps.voiceos_app({"agent_id": "agt_1"}), provider="voiceos", url="/connect",
                      headers={"Authorization": "Bearer hook-secret"}, examples=15, seed=1),
    ]
    for report in reports:
        assert report.ok, report.render()
        assert report.examples >= 15 and report.requests > report.examples  # the forgeries too
        assert report.not_checked == []


@pytest.mark.parametrize(("answer", "expected"), [
    ("<Response><Speak>hi</Speak></Response>", "<Speak> is not a cXML verb here"),
    ('<Response><Say voize="alice">hi</Say></Response>', "<Say> has no attribute 'voize' (it takes: language, loop, voice)"),
    ("<Response><Dial><Say>x</Say></Dial></Response>", "<Say> cannot be nested in <Dial>"),
    ("<response><Say>hi</Say></response>", "the root element is <response>, not <Response>"),
    ("Thanks!", "not well-formed XML"),
])
def test_an_answer_signalwire_cannot_run_is_reported_with_the_request(answer, expected):
    report = signalwire(apps.cxml_app(answer), "cxml-call", "/voice")
    [failure] = report.failures
    assert failure.kind == "document" and expected in failure.problem
    text = report.render()
    assert "request: POST http://receiver/voice" in text or "request: GET http://receiver/voice?" in text
    assert "AccountSid=" in text


def test_a_handler_that_skips_the_signature_is_reported():
    report = signalwire(apps.cxml_app(verify=False), "cxml-call", "/voice")
    [failure] = report.failures
    assert failure.kind == "forgery" and "a request unsigned was accepted (200); it must be refused" in failure.problem
    swml = signalwire(apps.swml_app(["hangup"], verify=False), "swml-call", "/swml")
    assert [f.kind for f in swml.failures] == ["forgery"]


def test_every_documented_method_is_sent():
    report = signalwire(apps.cxml_app(methods=("POST",)), "cxml-call", "/voice")
    [failure] = report.failures
    assert failure.kind == "genuine" and "a correctly signed GET request was not answered 2xx" in failure.problem
    assert failure.status == 405 and failure.request.url.startswith("http://receiver/voice?AccountSid=")
    assert signalwire(apps.cxml_app(methods=("POST",)), "cxml-call", "/voice", methods=["POST"]).ok


def test_swml_and_voiceos_answers_are_judged():
    swml = signalwire(apps.swml_app([{"speak": {"text": "hi"}}]), "swml-call", "/swml")
    assert "'speak' is not a SWML method here" in swml.failures[0].problem
    voiceos = check_handler(apps.voiceos_app("ok"), provider="voiceos", url="/connect",
                            headers={"Authorization": "Bearer hook-secret"}, examples=5, seed=1)
    assert 'the answer is not JSON; VoiceOS reads {"agent_id": "..."}' in voiceos.failures[0].problem
    open_door = check_handler(apps.voiceos_app({"agent_id": "a"}, token="x"), provider="voiceos", url="/connect",
                              headers={"Authorization": "x"}, examples=5, seed=1)
    assert open_door.ok
    unauthenticated = check_handler(apps.voiceos_app({"agent_id": "a"}), provider="voiceos", url="/connect", examples=3, seed=1)
    assert unauthenticated.failures[0].status == 401  # the check sends what it is told; the handler wants a token


def test_a_handler_that_never_answers_ends_the_check_at_the_deadline():
    report = signalwire(apps.hanging_app(), "cxml-call", "/voice", timeout=1)
    assert report.requests == 1
    assert ("the handler did not answer within 1 s (signalwire would wait 10 s: raise timeout= to let it); "
            "the check stopped there") in report.failures[0].problem


def test_an_answer_slower_than_the_provider_waits_fails():
    report = check_handler(apps.slow_voiceos_app(5.3), provider="voiceos", url="/connect", examples=1, seed=1, timeout=8)
    [failure] = report.failures
    took = re.search(r"the answer took (\d+\.\d) s; voiceos waits 5 s", failure.problem)
    assert failure.kind == "slow" and took and float(took[1]) >= 5.3  # a busy machine only adds to the 5.3 s


def test_what_was_not_checked_is_said():
    report = signalwire(apps.cxml_app(verify=False), "cxml-call", "/voice", signing_key=None)
    assert report.ok and report.not_checked == ["the signature (pass the signing key the handler verifies with)"]
    with pytest.raises(LookupError, match="gigs calls no handler the kit can check"):
        check_handler(apps.careful_cxml, provider="gigs")
    with pytest.raises(LookupError, match="signalwire has no handler kind 'laml'"):
        check_handler(apps.careful_cxml, provider="signalwire", kind="laml")


def test_voipbin_call_events_are_signed_with_its_own_format():
    report = check_handler(apps.voipbin_app(), provider="voipbin", url="/events", signing_key="voipbin-secret",
                           examples=15, seed=1)
    assert report.ok, report.render()
    assert report.kind == "call-events" and report.requests == report.examples + 3
    careless = check_handler(apps.voipbin_app(verify=False), provider="voipbin", url="/events",
                             signing_key="voipbin-secret", examples=5, seed=1)
    assert [f.kind for f in careless.failures] == ["forgery"]
    assert b'"type":"' in careless.failures[0].request.body  # the {type, data} envelope


def test_status_callbacks_need_only_a_2xx_and_the_signature():
    def status_app(verify: bool):
        async def status(request):
            if verify and not await apps.signed_form(request):
                return apps.PlainTextResponse("forbidden", status_code=403)
            return apps.Response(status_code=204)

        return apps.Starlette(routes=[apps.Route("/status", status, methods=["POST", "GET"])])

    assert signalwire(status_app(True), "call-status", "/status").ok
    assert [f.kind for f in signalwire(status_app(False), "call-status", "/status").failures] == ["forgery"]
