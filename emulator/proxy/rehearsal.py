"""What telemock would have answered: the recorded requests, in order, sent to an in-process emulator.

The emulator runs one provider in one profile, with its fixtures (the bundled demo set unless
given), and no webhook leaves it. Each recorded request goes in with the provider's demo
credentials in place of the masked ones. The provider's ids and phone numbers differ from the
emulator's, so they are learnt as the exchanges go: where a recorded answer and the emulator's
hold different ids (`id`, `…_id`, `…Id`) or E.164 numbers at the same place (list items in the
same order), later requests carry the emulator's value instead. `path_params` pins path
parameters the fixtures name differently (Gigs' `project`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx

from telemock.contracts.validate import Contract

from ..app import create_app
from ..config import Config
from ..core.secrets import SECRET_QUERY_KEYS
from .bodies import decode_body, encode_body
from .recordings import REQUEST, Recording

E164 = re.compile(r"^\+[1-9]\d{6,14}$")


@dataclass
class Rendered:
    """The emulator's answer to one recorded request."""

    recording: Recording
    status: int
    content_type: str
    body: bytes


def id_like(key: str | None, value: str) -> bool:
    return bool(E164.match(value)) or key is not None and (key == "id" or key.endswith("_id") or key.endswith("Id"))


class IdMap:
    """The provider's values → the emulator's, learnt from answers given at the same place."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def learn(self, recorded: Any, rendered: Any, key: str | None = None) -> None:
        if isinstance(recorded, dict) and isinstance(rendered, dict):
            for name, value in recorded.items():
                if name in rendered:
                    self.learn(value, rendered[name], name)
        elif isinstance(recorded, list) and isinstance(rendered, list):
            for mine, theirs in zip(recorded, rendered):
                self.learn(mine, theirs, key)
        elif isinstance(recorded, str) and isinstance(rendered, str) and recorded != rendered and id_like(key, recorded):
            self.values.setdefault(recorded, rendered)

    def apply(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self.apply(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.apply(v) for v in value]
        if isinstance(value, str):
            return self.values.get(value, value)
        return value

    def path(self, path: str) -> str:
        return "/".join(quote(self.values.get(unquote(part), unquote(part)), safe="@:+$,;=") for part in path.split("/"))


def pinned(contract: Contract | None, method: str, path: str, pins: dict[str, str]) -> str:
    """`path` with the named path parameters of its documented template set to the given values."""
    if not pins or contract is None:
        return path
    operation, values = contract.match(method, path)
    if operation is None:
        return path
    result = operation.template
    for name in re.findall(r"\{([^}]+)\}", operation.template):
        value = pins.get(name, values.get(name.replace("-", "_"), ""))
        result = result.replace("{" + name + "}", value)
    return result


async def rehearse(
    provider: str,
    profile: str,
    recordings: list[Recording],
    *,
    contract: Contract | None,
    fixtures: list[Path] | None = None,
    path_params: dict[str, str] | None = None,
) -> list[Rendered]:
    """The emulator's answer to each recorded request of `provider`, in recording order."""
    app = create_app(Config(providers=[provider], profile=profile, fixtures=list(fixtures or []),
                            webhook_allowed_hosts=[], log_requests=False, verdicts=False))
    plugin = app.state.runtime.providers[provider]
    auth = plugin.demo_auth() or {}
    ids = IdMap()
    rendered: list[Rendered] = []
    transport = httpx.ASGITransport(app=app)
    basic = tuple(auth["basic"]) if auth.get("basic") else None
    async with httpx.AsyncClient(transport=transport, base_url=f"http://telemock/{provider}", auth=basic,  # type: ignore[arg-type]
                                 cookies=auth.get("cookies")) as client:
        for recording in recordings:
            if recording.kind != REQUEST or recording.provider != provider:
                continue
            query = [(k, ids.apply(v)) for k, vs in recording.query.items() if k.lower() not in SECRET_QUERY_KEYS for v in vs]
            query += list((auth.get("params") or {}).items())
            headers = {k: v for k, v in recording.headers.items() if k in ("content-type", "accept") or k.startswith("idempotency")}
            headers |= auth.get("headers") or {}
            path = ids.path(pinned(contract, recording.method, recording.path, path_params or {}))
            body = encode_body(recording.body_format, ids.apply(recording.body)) if recording.body_format in ("json", "form") else recording.request_bytes()
            response = await client.request(recording.method, path, params=query, headers=headers, content=body or None)
            answer = Rendered(recording, response.status_code, response.headers.get("content-type", ""), response.content)
            rendered.append(answer)
            if recording.response_body_format == "json":
                _, value = decode_body(answer.content_type, answer.body)
                ids.learn(recording.response_body, value)
    return rendered
