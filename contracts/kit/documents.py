"""What SignalWire can run: cXML verbs with their attributes and nouns, and SWML methods.

SignalWire runs a handler's answer; a verb, noun or attribute it does not know ends the call with
an application error. These tables are the Compatibility API's cXML reference (voice and
messaging) and the SWML method list; the emulator itself only checks the document's outer shape
(`providers/signalwire/replies.py`), which the kit applies first.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from telemock.emulator.providers.signalwire.replies import check_cxml, swml_document

CALLBACK = {"action", "method"}
RECORDING = {"recordingStatusCallback", "recordingStatusCallbackMethod", "recordingStatusCallbackEvent"}

VOICE_VERBS: dict[str, tuple[set[str], set[str]]] = {
    # verb: (attributes, nested nouns/verbs)
    "Say": ({"voice", "language", "loop"}, set()),
    "Play": ({"loop", "digits"}, set()),
    "Gather": (CALLBACK | {"timeout", "finishOnKey", "numDigits", "input", "speechTimeout", "hints", "language",
                           "partialResultCallback", "partialResultCallbackMethod", "profanityFilter", "speechModel",
                           "enhanced", "actionOnEmptyResult"}, {"Say", "Play", "Pause"}),
    "Dial": (CALLBACK | RECORDING | {"timeout", "hangupOnStar", "timeLimit", "callerId", "record", "trim", "ringTone",
                                     "answerOnBridge", "confirmKey", "confirmSound", "dialMusic"},
             {"Number", "Sip", "Conference", "Queue", "Room", "Stream", "Verto"}),
    "Record": (CALLBACK | RECORDING | {"timeout", "finishOnKey", "maxLength", "playBeep", "trim", "transcribe",
                                       "transcribeCallback", "storageUrl", "storageUrlMethod"}, set()),
    "Hangup": (set(), set()),
    "Redirect": ({"method"}, set()),
    "Reject": ({"reason"}, set()),
    "Pause": ({"length"}, set()),
    "Enqueue": (CALLBACK | {"waitUrl", "waitUrlMethod", "workflowSid"}, {"Task"}),
    "Leave": (set(), set()),
    "Echo": ({"timeout"}, set()),
    "Connect": (CALLBACK, {"Stream", "VirtualAgent", "Room"}),
    "Refer": (CALLBACK, {"Sip"}),
    "Sms": (CALLBACK | {"to", "from", "statusCallback"}, set()),
    "Start": (set(), {"Stream", "Denoise"}),
    "Stop": (set(), {"Stream", "Denoise"}),
    "Denoise": (set(), set()),
}

NOUNS: dict[str, set[str]] = {
    "Number": {"sendDigits", "url", "method", "statusCallbackEvent", "statusCallback", "statusCallbackMethod"},
    "Sip": {"username", "password", "url", "method", "statusCallbackEvent", "statusCallback", "statusCallbackMethod",
            "codecs", "headers"},
    "Conference": {"muted", "beep", "startConferenceOnEnter", "endConferenceOnExit", "waitUrl", "waitMethod",
                   "maxParticipants", "record", "region", "trim", "coach", "statusCallbackEvent", "statusCallback",
                   "statusCallbackMethod", "recordingStatusCallback", "recordingStatusCallbackMethod",
                   "recordingStatusCallbackEvent", "eventCallbackUrl"},
    "Queue": {"url", "method"},
    "Room": set(),
    "Verto": set(),
    "Stream": {"url", "name", "track", "statusCallback", "statusCallbackMethod", "codec", "realtime",
               "authorizationBearerToken"},
    "VirtualAgent": {"connectorName", "statusCallback"},
    "Task": {"priority", "timeout"},
    "Parameter": {"name", "value"},
}

MESSAGE_VERBS: dict[str, tuple[set[str], set[str]]] = {
    "Message": (CALLBACK | {"to", "from", "statusCallback"}, {"Body", "Media"}),
    "Redirect": ({"method"}, set()),
}

SWML_CALL_METHODS = {
    "ai", "amazon_bedrock", "answer", "cond", "connect", "denoise", "detect_machine", "enter_queue", "execute",
    "goto", "hangup", "join_conference", "join_room", "label", "live_transcribe", "live_translate", "pay", "play",
    "prompt", "receive_fax", "record", "record_call", "request", "return", "send_digits", "send_fax", "send_sms",
    "set", "sip_refer", "sleep", "stop_denoise", "stop_record_call", "stop_tap", "switch", "tap", "transfer",
    "unset", "user_event",
}
SWML_MESSAGE_METHODS = {"reply", "set", "unset", "cond", "switch", "goto", "label", "execute", "return", "request",
                        "transfer"}


def cxml_problem(text: str, verbs: dict[str, tuple[set[str], set[str]]]) -> str | None:
    """Why SignalWire could not run this cXML document, or None."""
    verdict = check_cxml(text)
    if not verdict.valid:
        return verdict.problem
    root = ElementTree.fromstring(text)
    if root.attrib:
        return f"<Response> takes no attributes (got {', '.join(sorted(root.attrib))})"
    for element in root:
        problem = element_problem(element, verbs)
        if problem:
            return problem
    return None


def element_problem(element: Any, verbs: dict[str, tuple[set[str], set[str]]], parent: str = "Response") -> str | None:
    tag = str(element.tag)
    if parent == "Response":
        if tag not in verbs:
            return f"<{tag}> is not a cXML verb here (known: {', '.join(sorted(verbs))}); names are case-sensitive"
        attributes, children = verbs[tag]
    else:
        allowed_children = verbs[parent][1] if parent in verbs else set()
        if tag not in allowed_children and tag not in ("Parameter",):
            return f"<{tag}> cannot be nested in <{parent}>"
        attributes, children = verbs[tag] if tag in verbs else (NOUNS.get(tag, set()), {"Parameter"})
    unknown = sorted(set(element.attrib) - attributes)
    if unknown:
        return f"<{tag}> has no attribute {unknown[0]!r} (it takes: {', '.join(sorted(attributes)) or 'none'})"
    for child in element:
        problem = element_problem(child, verbs | {tag: (attributes, children)}, tag)
        if problem:
            return problem
    return None


def swml_problem(text: str, methods: set[str]) -> str | None:
    """Why SignalWire could not run this SWML document, or None."""
    document, problem = swml_document(text)
    if document is None:
        return problem
    for name, steps in document["sections"].items():
        if not isinstance(steps, list):
            return f"section {name!r} is not a list of steps"
        for position, step in enumerate(steps):
            if isinstance(step, str):
                verb = step
            elif isinstance(step, dict) and len(step) == 1:
                verb = next(iter(step))
            else:
                return f"step {position} of section {name!r} is not one method (a string, or an object with one key)"
            if verb not in methods:
                return f"step {position} of section {name!r}: {verb!r} is not a SWML method here"
    return None
