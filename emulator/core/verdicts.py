"""Contract verdicts of requests: how each departs from the documented spec, judged and never enforced.

The recorder asks for one verdict per journaled request. The spec is compiled on the first
judged request, so start-up does not pay for it. A verdict depends on the request's bytes alone
and clients repeat requests (polling, retries, the same test run again), so recent verdicts are
kept: of what surrounds the body, and of the body, apart (a create's body is new every time). A verdict quotes what the client sent, so it is masked like the request.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.types import Scope

from .journal import clip_text, parse_query
from .memo import remember
from .routing import SPEC_OPERATION
from .secrets import MASK, SECRET_BODY_KEYS, SECRET_HEADERS, SECRET_QUERY_KEYS, mask_json_body

log = logging.getLogger("telemock.requests")

MAX_KEPT_VIOLATIONS = 50
VERDICT_MEMO_SIZE = 512
VERDICT_MEMO_BODY_BYTES = 4096

Violations = list[dict[str, Any]]


class Verdicts:
    """One provider's compiled contract and its memo of recent verdicts."""

    def __init__(self, provider: str, enabled: bool) -> None:
        self.provider = provider
        self._contract: Any = None
        self._contract_loaded = not enabled
        self._memo: dict[tuple[Any, ...], tuple[str | None, str, Violations]] = {}  # by all but the body
        self._body_memo: dict[tuple[str, str, bytes], Violations] = {}  # by operation, content type, body

    @property
    def contract(self) -> Any:
        if not self._contract_loaded:
            from telemock.contracts.specs import available_specs
            from telemock.contracts.validate import contract_for

            self._contract = contract_for(self.provider) if self.provider in available_specs() else None
            self._contract_loaded = True
        return self._contract

    def judge(
        self, scope: Scope, operation: str | None, headers: tuple[bytes, ...], body: bytes | None
    ) -> Violations:
        """The request's departures from the contract, at most MAX_KEPT_VIOLATIONS of them.

        `headers` are flat (name, value, name, value…, as the journal keeps them); `body` is None
        when it was not received: the body is then not judged.

        Judged in two parts, each remembered: what surrounds the body (method, path, query,
        headers: the same on every request of a client), then the body, which a create changes
        every time, against the operation the first part found."""
        if self.contract is None or operation == SPEC_OPERATION:
            return []
        path = scope.get("path", "")
        envelope_key = (scope["method"], path, scope.get("query_string", b""), headers, operation)
        envelope = self._memo.get(envelope_key)
        if envelope is None:
            envelope = self._judge_envelope(scope, path, operation, headers)
            if envelope is None:
                return [{"operation": operation, "location": "verdict", "expected": "a judgeable request",
                         "got": "", "message": "telemock could not judge this request; see its log"}]
            remember(self._memo, envelope_key, envelope, VERDICT_MEMO_SIZE)
        documented, content_type, found = envelope
        if body is None or documented is None:
            return bounded(found) if found else []
        body_key = (documented, content_type, body)
        in_body = self._body_memo.get(body_key) if len(body) <= VERDICT_MEMO_BODY_BYTES else None
        if in_body is None:
            try:
                in_body = masked(self.contract.check_body(documented, content_type, body))
            except Exception:  # a verdict must never cost the client its answer
                log.exception("could not judge the body of %s %s against the contract", scope["method"], path)
                in_body = [{"operation": operation, "location": "verdict", "expected": "a judgeable body",
                            "got": "", "message": "telemock could not judge this request's body; see its log"}]
            if len(body) <= VERDICT_MEMO_BODY_BYTES:
                remember(self._body_memo, body_key, in_body, VERDICT_MEMO_SIZE)
        if not in_body:
            return bounded(found) if found else []
        return bounded(found + in_body)

    def _judge_envelope(
        self, scope: Scope, path: str, operation: str | None, headers: tuple[bytes, ...]
    ) -> tuple[str | None, str, Violations] | None:
        """(the documented operation, the content type, the violations of all but the body), or
        None when the request could not be judged."""
        root = scope.get("root_path", "")
        relative = path[len(root):] if root and path.startswith(root) else path
        header_map = {name.decode("latin-1").lower(): value.decode("latin-1")
                      for name, value in zip(headers[::2], headers[1::2])}
        query = parse_query(scope.get("query_string", b""))
        try:
            documented, found = self.contract.check_request(scope["method"], relative, query, header_map, None, operation)
        except Exception:  # a verdict must never cost the client its answer
            log.exception("could not judge %s %s against the contract", scope["method"], path)
            return None
        return documented, header_map.get("content-type", ""), masked(found)


def masked(found: list[Any]) -> Violations:
    judged = [v.to_dict() for v in found]
    for item in judged:
        mask_violation(item)
    return judged


def bounded(found: Violations) -> Violations:
    """A fresh list of at most MAX_KEPT_VIOLATIONS, with a note of how many more there were."""
    kept = found[:MAX_KEPT_VIOLATIONS]
    if len(found) > MAX_KEPT_VIOLATIONS:
        kept.append({"operation": found[0].get("operation"), "location": "verdict",
                     "expected": f"at most {MAX_KEPT_VIOLATIONS} violations kept per request",
                     "got": str(len(found)), "message": f"{len(found) - MAX_KEPT_VIOLATIONS} more violations not kept"})
    return kept


def mask_violation(item: dict[str, Any]) -> None:
    """A verdict quotes what the client sent, so it is masked like the request it judges.

    A credential-named query parameter, header or cookie loses its value; a body excerpt loses
    the values of secret keys, also where the excerpt is itself escaped inside a JSON string (a
    body that did not parse) and in the validator's message.
    """
    kind, _, name = item["location"].partition(".")
    name = name.lower()
    body_key = item["location"].rsplit("/", 1)[-1].lower() if kind.startswith("body/") else ""
    if (kind == "query" and name in SECRET_QUERY_KEYS) or (kind == "header" and name in SECRET_HEADERS) or kind == "cookie":
        item["got"] = f'"{MASK}"'
    elif body_key in SECRET_BODY_KEYS:  # the value of a secret field, whatever its type
        item["got"] = f'"{MASK}"'
        item["message"] = f"the value of {body_key!r} does not match the documented schema ({item['expected']})"
        return
    else:
        got = mask_json_body(item["got"].encode()).decode()
        unescaped = got.replace('\\"', '"')
        if unescaped != got and mask_json_body(unescaped.encode()).decode() != unescaped:
            got = f'"{MASK}"'  # a secret inside an escaped excerpt: no excerpt at all
        item["got"] = clip_text(got)
    item["message"] = clip_text(mask_json_body(item["message"].encode()).decode())
